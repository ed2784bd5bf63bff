package scanmeta

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
)

// pdfTokens are the names that mark metadata in a PDF: the keys of the document Info
// dictionary (ISO 32000-1, 14.3.3), XMP metadata streams (14.3.2), and compressed object
// streams (7.5.7), inside which the walker cannot see.
var pdfTokens = pdfTokensArray[:]

var pdfTokensArray = [...]struct {
	token      string
	kind, name string
}{
	{"/Author", KindPDFInfo, "Author"},
	{"/Creator", KindPDFInfo, "Creator"},
	{"/Producer", KindPDFInfo, "Producer"},
	{"/Title", KindPDFInfo, "Title"},
	{"/Subject", KindPDFInfo, "Subject"},
	{"/Keywords", KindPDFInfo, "Keywords"},
	{"/CreationDate", KindPDFInfo, "CreationDate"},
	{"/ModDate", KindPDFInfo, "ModDate"},
	{"/Metadata", KindXMP, "Metadata"},
	{"<x:xmpmeta", KindXMP, "xmpmeta"},
	{"/ObjStm", KindPDFHidden, "ObjStm"},
}

// scanPDF copies a PDF unchanged, noting which metadata names occur in its bytes. Only the
// header is checked: PDF readers repair damaged files, and paspor does not parse them. It finds
// names as written in uncompressed objects only: a name spelled with #xx escapes, or an Info
// dictionary inside a compressed object stream, is not seen (an object stream is reported).
func scanPDF(w io.Writer, r io.Reader, _ Limits, rep *Report) error {
	br := bufio.NewReaderSize(r, pdfReadSize)
	if head, err := br.Peek(5); err != nil || !bytes.Equal(head, []byte("%PDF-")) {
		return &InvalidError{MediaType: MediaPDF, Reason: "no PDF header"}
	}
	buf := make([]byte, pdfReadSize)
	var t pdfTokenScan
	for {
		n, err := br.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return fmt.Errorf("failed to write PDF: %w", werr)
			}
			t.scan(buf[:n])
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("failed to read PDF: %w", err)
		}
	}
	for i, tok := range pdfTokens {
		if t.found[i] {
			rep.Present = append(rep.Present, Item{Kind: tok.kind, Name: tok.name})
		}
	}
	return nil
}

// pdfReadSize is how much scanPDF reads and writes at a time: large writes mean few
// hand-offs to whatever consumes the copy.
const pdfReadSize = 256 << 10

// pdfOverlap is longer than every token, so a token split across reads is found.
const pdfOverlap = 16

// pdfTokenScan finds pdfTokens in a stream given in pieces. Each piece is searched where it
// lies (no copy); only the pdfOverlap bytes on either side of the boundary with the previous
// piece are copied, into a small window, for the tokens that straddle it.
type pdfTokenScan struct {
	found  [len(pdfTokensArray)]bool
	tail   []byte // the last bytes of the stream so far, at most pdfOverlap-1
	window []byte
}

// pdfSecondBytes marks the bytes that follow the slash of some token.
var pdfSecondBytes = func() (set [256]bool) {
	for _, tok := range pdfTokens {
		if len(tok.token) > 1 && tok.token[0] == '/' {
			set[tok.token[1]] = true
		}
	}
	return set
}()

func (t *pdfTokenScan) scan(p []byte) {
	if len(t.tail) > 0 {
		t.window = append(append(t.window[:0], t.tail...), p[:min(len(p), pdfOverlap-1)]...)
		t.search(t.window)
	}
	t.search(p)
	t.tail = append(t.tail, p[max(0, len(p)-(pdfOverlap-1)):]...)
	t.tail = t.tail[max(0, len(t.tail)-(pdfOverlap-1)):]
}

// search marks every token that occurs in b: one pass over the slashes that start the
// PDF names, one for the XMP packet start, each skipped once all its tokens are found.
func (t *pdfTokenScan) search(b []byte) {
	slashes := false
	for i, tok := range pdfTokens {
		switch {
		case t.found[i]:
		case tok.token[0] == '/':
			slashes = true
		default:
			t.found[i] = bytes.Contains(b, []byte(tok.token))
		}
	}
	for off := 0; slashes; {
		j := bytes.IndexByte(b[off:], '/')
		if j < 0 {
			return
		}
		off += j
		if off+1 < len(b) && !pdfSecondBytes[b[off+1]] {
			off++ // most slashes (in binary streams) start no token: one table look-up
			continue
		}
		slashes = false
		for i, tok := range pdfTokens {
			if !t.found[i] && tok.token[0] == '/' {
				t.found[i] = bytes.HasPrefix(b[off:], []byte(tok.token))
				slashes = slashes || !t.found[i]
			}
		}
		off++
	}
}
