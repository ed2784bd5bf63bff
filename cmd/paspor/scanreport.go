package main

// What add and attach say about the metadata they removed from scans, or kept.

import (
	"fmt"
	"io"
	"strings"

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
