package main

// How documents look to a person (text) and to a script (JSON), for show, edit and detach.

import (
	"fmt"
	"io"
	"time"

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
	// Expiry is the expiry mark of show and list (omitted when none, and elsewhere).
	Expiry *expiryView `json:"expiry,omitempty"`
	// FeedbackOpen counts open partner feedback items on the document (list only; omitted
	// when none).
	FeedbackOpen int `json:"feedback_open,omitempty"`
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

// documentResult is what add and attach print: the document as it is now, plus what
// cleaning found in the scans just stored (by role) and, for add --mrz, what the zone says.
type documentResult struct {
	documentView
	Metadata        map[string]*scanmeta.Report `json:"metadata,omitempty"`
	PersonalDetails any                         `json:"personal_details,omitempty"`
}

// savedScanView is what get -o FILE prints: the scan's attachment, whose document, and where.
type savedScanView struct {
	DocumentID string `json:"document_id"`
	Path       string `json:"path"`
	attachmentView
}

// removedView is what rm prints.
type removedView struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Removed bool   `json:"removed"`
}

// shareView is one share as share prints it and history lists it: a bundle or Telegram
// Passport data, to whom, and what of each document went out (names only, never values).
// expires_at is "" for Telegram Passport data, which has no expiry.
type shareView struct {
	BundleID  string               `json:"bundle_id"`
	CreatedAt string               `json:"created_at"`
	ExpiresAt string               `json:"expires_at"`
	Audience  []string             `json:"audience"`
	Nonce     string               `json:"nonce"`
	Purpose   string               `json:"purpose"`
	Documents []sharedDocumentView `json:"documents"`
	// Path is where share wrote it (share only).
	Path string `json:"path,omitempty"`
	// PassportData and Omitted: Telegram shares only, as share prints them.
	PassportData string    `json:"passport_data,omitempty"`
	Omitted      *[]string `json:"omitted,omitempty"`
	// Sequence orders the history's shares made within one second (history only).
	Sequence uint64 `json:"sequence,omitempty"`
	// RequestID, Partner, PartnerKey, PartnerFingerprint and Partial: a share that answered
	// a partner's request (share --request, history).
	RequestID          string `json:"request_id,omitempty"`
	Partner            string `json:"partner,omitempty"`
	PartnerKey         string `json:"partner_key,omitempty"`
	PartnerFingerprint string `json:"partner_fingerprint,omitempty"`
	Partial            bool   `json:"partial,omitempty"`
	// Feedback is what the partner sent about the share (history only; [] for none).
	Feedback *[]historyFeedbackView `json:"feedback,omitempty"`
}

// historyFeedbackView is feedback received on a share, as history --json shows it.
type historyFeedbackView struct {
	FeedbackID string `json:"feedback_id"`
	CreatedAt  string `json:"created_at"`
	ReceivedAt string `json:"received_at"`
	Items      int    `json:"items"`
	Open       int    `json:"open"`
}

// sharedDocumentView names what of one document a share sent.
type sharedDocumentView struct {
	ID           string   `json:"id"`
	Type         string   `json:"type"`
	SharedFields []string `json:"shared_fields"`
	SharedScans  []string `json:"shared_scans"`
}

// jsonTime is the one timestamp format of --json: RFC 3339 in UTC, whole seconds; "" for none.
func jsonTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

func shareViewOf(r wallet.ShareRecord) shareView {
	v := shareView{BundleID: r.BundleID, CreatedAt: jsonTime(r.CreatedAt), ExpiresAt: jsonTime(r.ExpiresAt),
		Audience: nonNil(r.Audience), Nonce: r.Nonce, Purpose: r.Purpose, Documents: []sharedDocumentView{},
		RequestID: r.RequestID, Partner: r.Partner, PartnerKey: r.PartnerKey, Partial: r.Partial}
	for _, d := range r.Documents {
		v.Documents = append(v.Documents, sharedDocumentView{ID: d.ID, Type: d.Type,
			SharedFields: nonNil(d.Fields), SharedScans: nonNil(d.Attachments)})
	}
	return v
}
