package main

// How documents look to a person (text) and to a script (JSON), for show, edit and detach.

import (
	"fmt"
	"io"

	"github.com/paspor/paspor/wallet"
	"github.com/paspor/paspor/wallet/scanmeta"
	"github.com/paspor/paspor/wallet/schema"
)

type attachmentView struct {
	Role      string `json:"role"`
	MediaType string `json:"media_type"`
	Size      int64  `json:"size"`
	SHA256    string `json:"sha256"`
	// Metadata is what show found still in the stored scan (omitted when none, and outside show).
	Metadata []scanmeta.Item `json:"metadata,omitempty"`
}

type documentView struct {
	ID          string            `json:"id"`
	Type        string            `json:"type"`
	Label       string            `json:"label"`
	Fields      map[string]string `json:"fields"`
	Attachments []attachmentView  `json:"attachments"`
	CreatedAt   string            `json:"created_at"`
	UpdatedAt   string            `json:"updated_at"`
	// Expiry is show's expiry mark (omitted when none, and outside show).
	Expiry *expiryView `json:"expiry,omitempty"`
}

func viewOf(d *wallet.Document) documentView {
	v := documentView{ID: d.ID, Type: d.Type, Label: d.Label, Fields: d.Fields,
		Attachments: []attachmentView{},
		CreatedAt:   d.CreatedAt.Format("2006-01-02T15:04:05Z"), UpdatedAt: d.UpdatedAt.Format("2006-01-02T15:04:05Z")}
	if v.Fields == nil {
		v.Fields = map[string]string{}
	}
	for _, a := range d.Attachments {
		v.Attachments = append(v.Attachments, attachmentView{Role: a.Role, MediaType: a.MediaType, Size: a.Size, SHA256: a.SHA256})
	}
	return v
}

func printDocument(out io.Writer, d *wallet.Document, v documentView) {
	fmt.Fprintf(out, "%s  %s", v.ID, v.Type)
	if v.Label != "" {
		fmt.Fprintf(out, "  %q", v.Label)
	}
	fmt.Fprintln(out)
	if spec, err := schema.LookupType(d.Type); err == nil {
		for _, f := range spec.Fields {
			if val, ok := v.Fields[f.Name]; ok {
				fmt.Fprintf(out, "  %-26s %s\n", f.Name, val)
			}
		}
	}
	for _, a := range v.Attachments {
		fmt.Fprintf(out, "  [%s] %s, %s, sha256 %s\n", a.Role, a.MediaType, wallet.FormatSize(a.Size), a.SHA256)
		if len(a.Metadata) > 0 {
			fmt.Fprintf(out, "  [%s] still holds metadata: %s\n", a.Role, describeItems(a.Metadata))
		}
	}
}

// dash shows an empty value as "-" in tables.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
