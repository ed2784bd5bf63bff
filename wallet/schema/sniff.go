package schema

import "bytes"

// SniffLen is how many leading bytes of a file [SniffMediaType] looks at; reading this much
// (or the whole file, if shorter) is enough. It matches net/http.DetectContentType's window.
const SniffLen = 512

// Media types of the attachments paspor accepts.
const (
	mediaJPEG = "image/jpeg"
	mediaPNG  = "image/png"
	mediaPDF  = "application/pdf"
)

// magics are the signatures that start each accepted format: JPEG's SOI marker followed by
// the first marker's 0xFF, PNG's fixed eight-byte signature, and PDF's header. The file's
// name or the user's word is never trusted: the partner opens what the bytes say.
var magics = []struct {
	prefix    []byte
	mediaType string
}{
	{[]byte{0xFF, 0xD8, 0xFF}, mediaJPEG},
	{[]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, mediaPNG},
	{[]byte("%PDF-"), mediaPDF},
}

// SniffMediaType returns the media type of a file from its first bytes (at most [SniffLen] of
// head are looked at): "image/jpeg", "image/png" or "application/pdf". Anything else, and an
// empty file, is an *InvalidInputError. Only the signature is checked; the file is not decoded.
func SniffMediaType(head []byte) (string, error) {
	if len(head) == 0 {
		return "", &InvalidInputError{Reason: "empty file (want JPEG, PNG or PDF)"}
	}
	if len(head) > SniffLen {
		head = head[:SniffLen]
	}
	for _, m := range magics {
		if bytes.HasPrefix(head, m.prefix) {
			return m.mediaType, nil
		}
	}
	return "", &InvalidInputError{Reason: "unsupported file type (want JPEG, PNG or PDF)"}
}
