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
var pdfTokens = []struct {
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
	br := bufio.NewReaderSize(r, 64<<10)
	if head, err := br.Peek(5); err != nil || !bytes.Equal(head, []byte("%PDF-")) {
		return &InvalidError{MediaType: MediaPDF, Reason: "no PDF header"}
	}
	const overlap = 16 // longer than every token, so a token split across reads is found
	buf := make([]byte, 64<<10)
	window := make([]byte, 0, len(buf)+overlap)
	found := make([]bool, len(pdfTokens))
	for {
		n, err := br.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return fmt.Errorf("failed to write PDF: %w", werr)
			}
			window = append(window, buf[:n]...)
			for i, t := range pdfTokens {
				found[i] = found[i] || bytes.Contains(window, []byte(t.token))
			}
			if len(window) > overlap {
				window = append(window[:0], window[len(window)-overlap:]...)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("failed to read PDF: %w", err)
		}
	}
	for i, t := range pdfTokens {
		if found[i] {
			rep.Present = append(rep.Present, Item{Kind: t.kind, Name: t.name})
		}
	}
	return nil
}
