package main

// What add and attach say about the metadata they removed from scans, or kept.

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/paspor/paspor/wallet"
	"github.com/paspor/paspor/wallet/scanmeta"
)

// scanMetadataJSON is the "metadata" member of add's and attach's --json output, by role.
func scanMetadataJSON(atts []wallet.Attachment) map[string]*scanmeta.Report {
	out := map[string]*scanmeta.Report{}
	for _, a := range atts {
		if a.Metadata != nil {
			out[a.Role] = a.Metadata
		}
	}
	return out
}

// printScanMetadata tells the person, on stderr, what was removed from each new scan and
// what metadata is still in it. Item kinds and names come from fixed sets in scanmeta
// (segment names, PNG chunk types of four letters, PDF keys), never from file content.
func printScanMetadata(w io.Writer, atts []wallet.Attachment) {
	for _, a := range atts {
		m := a.Metadata
		if m == nil {
			continue
		}
		if len(m.Removed) > 0 {
			fmt.Fprintf(w, "paspor: removed from %s: %s\n", a.Role, describeItems(m.Removed))
		}
		if len(m.Present) > 0 {
			warnf(w, "%s still holds metadata: %s", a.Role, describeItems(m.Present))
		}
	}
}

func describeItems(items []scanmeta.Item) string {
	parts := make([]string, 0, len(items))
	for _, it := range items {
		s := it.Kind + " (" + it.Name
		if it.Size > 0 {
			s += ", " + wallet.FormatSize(it.Size)
		}
		parts = append(parts, s+")")
	}
	return strings.Join(parts, ", ")
}

// scanWatcher inspects scans as share streams them into a bundle, so that share can warn
// about metadata in them without reading each scan twice.
type scanWatcher struct {
	mu    sync.Mutex
	found []string // "<document id> <role>: <items>"
}

// watch returns rc with everything read from it also inspected; Close waits for the verdict.
func (s *scanWatcher) watch(label, mediaType string, rc io.ReadCloser) io.ReadCloser {
	pr, pw := io.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		rep, err := scanmeta.Inspect(pr, mediaType)
		_, _ = io.Copy(io.Discard, pr) // Inspect may stop early; the tee must not block
		if err == nil && len(rep.Present) > 0 {
			s.mu.Lock()
			s.found = append(s.found, label+": "+describeItems(rep.Present))
			s.mu.Unlock()
		}
	}()
	return &watchedReader{Reader: io.TeeReader(rc, pw), rc: rc, pw: pw, done: done}
}

type watchedReader struct {
	io.Reader
	rc   io.ReadCloser
	pw   *io.PipeWriter
	done chan struct{}
}

func (w *watchedReader) Close() error {
	w.pw.Close()
	<-w.done
	return w.rc.Close()
}

// warn prints one warning for the scans that carried metadata into the bundle.
func (s *scanWatcher) warn(w io.Writer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.found) == 0 {
		return
	}
	sort.Strings(s.found)
	for _, f := range s.found {
		warnf(w, "the bundle carries scan metadata: %s", f)
	}
	fmt.Fprintln(w, "paspor: hint: add the scan again without --keep-metadata to store it clean; export PDFs without metadata before adding them")
}
