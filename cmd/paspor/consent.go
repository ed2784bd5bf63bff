package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/paspor/paspor/export/request"
	"github.com/paspor/paspor/internal/termsafe"
)

// The consent screen of share --request: who asks, why, what goes and what does not. The
// same content is printed as text (on the terminal, before the y/N question, and with
// --dry-run) and as one JSON object (--json). Everything the partner wrote (its name, the
// purpose) is hostile: the text form escapes it through termsafe.

// Partner statuses on the consent screen.
const (
	partnerNew     = "new"     // never answered under this name
	partnerKnown   = "known"   // answered before under this name, with this key
	partnerChanged = "changed" // answered before under this name, with another key
)

// consentPartner is who asks.
type consentPartner struct {
	Name        string `json:"name"`
	SigningKey  string `json:"signing_key"`
	Fingerprint string `json:"fingerprint"`
	// Status is new, known or changed.
	Status string `json:"status"`
	// Shares and LastShared say how often and when this partner was answered (known, changed).
	Shares     int       `json:"shares,omitempty"`
	LastShared time.Time `json:"last_shared,omitzero"`
	// PinnedFingerprint is the key known before (changed only).
	PinnedFingerprint string `json:"pinned_fingerprint,omitempty"`
	// AlsoKnownAs are other names this same key was answered under.
	AlsoKnownAs []string `json:"also_known_as,omitempty"`
}

// consentItem is one field or scan of a document.
type consentItem struct {
	Name      string `json:"name"`
	Mandatory bool   `json:"mandatory"`
}

// consentDocument is the wallet document that answers an element, and exactly what of it goes.
type consentDocument struct {
	ID     string        `json:"id"`
	Type   string        `json:"type"`
	Label  string        `json:"label"`
	Fields []consentItem `json:"fields"`
	Scans  []consentItem `json:"scans"`
}

// consentElement is one element of the request's scope and how the wallet answers it.
type consentElement struct {
	Index    int      `json:"index"`
	Types    []string `json:"types"`
	Optional bool     `json:"optional"`
	// Status is "send" (Document goes), "missing" (a mandatory element the wallet cannot
	// answer: Missing says what lacks) or "none" (an optional element left out).
	Status   string           `json:"status"`
	Document *consentDocument `json:"document,omitempty"`
	// Missing is what the request asks and the holder does not have: "field first_name",
	// "scan selfie", "freshness issue_date", or "document" when no document of the types exists.
	Missing []string `json:"missing"`
}

// consentFeedback is an unresolved feedback item of this partner on a document that goes.
type consentFeedback struct {
	FeedbackID string `json:"feedback_id"`
	DocumentID string `json:"document_id"`
	Source     string `json:"source"`
	Field      string `json:"field,omitempty"`
	Message    string `json:"message"`
}

// consent is the whole screen.
type consent struct {
	RequestID        string            `json:"request_id"`
	Partner          consentPartner    `json:"partner"`
	Purpose          string            `json:"purpose"`
	RequestExpiresAt time.Time         `json:"request_expires_at"`
	BundleExpiresAt  time.Time         `json:"bundle_expires_at"`
	Recipients       []string          `json:"recipients"`
	Elements         []consentElement  `json:"elements"`
	Unresolved       []consentFeedback `json:"unresolved_feedback"`
	// Partial is true when a mandatory element, field or scan is missing and --partial sends
	// the bundle without it.
	Partial bool `json:"partial"`
}

// complete reports whether every mandatory element has a document with all it needs.
func (c *consent) complete() bool {
	for _, e := range c.Elements {
		if e.Status == "missing" || e.Status == "send" && !e.Optional && len(e.Missing) > 0 {
			return false
		}
	}
	return true
}

// missingSummary lists, for an error message, what the wallet lacks: "element 2 (selfie)".
func (c *consent) missingSummary() string {
	var parts []string
	for _, e := range c.Elements {
		if len(e.Missing) > 0 && !e.Optional {
			parts = append(parts, fmt.Sprintf("element %d %s (%s)", e.Index, strings.Join(e.Types, "/"), strings.Join(e.Missing, ", ")))
		}
	}
	return strings.Join(parts, "; ")
}

// printConsent writes the text form of the screen.
func printConsent(out io.Writer, c *consent) {
	p := c.Partner
	fmt.Fprintf(out, "Request from %s\n", termsafe.Quote(p.Name))
	fmt.Fprintf(out, "  signing key  %s\n", p.Fingerprint)
	switch p.Status {
	case partnerKnown:
		fmt.Fprintf(out, "  known        you answered this partner %d time(s), last on %s, with this key\n",
			p.Shares, p.LastShared.UTC().Format("2006-01-02"))
	case partnerChanged:
		fmt.Fprintf(out, "  KEY CHANGED  you answered this partner with key %s; this request is signed by another key\n", p.PinnedFingerprint)
	default:
		fmt.Fprintln(out, "  new partner  you have not answered a request from this name before")
	}
	for _, n := range p.AlsoKnownAs {
		fmt.Fprintf(out, "  same key as  %s (answered before under that name)\n", termsafe.Quote(n))
	}
	fmt.Fprintf(out, "Purpose        %s\n", termsafe.Quote(c.Purpose))
	fmt.Fprintf(out, "Request        %s, valid until %s\n", c.RequestID, c.RequestExpiresAt.UTC().Format(time.RFC3339))
	fmt.Fprintf(out, "Bundle         for %d recipient(s), expires %s\n", len(c.Recipients), c.BundleExpiresAt.UTC().Format(time.RFC3339))
	fmt.Fprintln(out)
	for _, e := range c.Elements {
		kind := "mandatory"
		if e.Optional {
			kind = "optional"
		}
		fmt.Fprintf(out, "%d. %s (%s)\n", e.Index, strings.Join(e.Types, " or "), kind)
		switch e.Status {
		case "send":
			d := e.Document
			label := ""
			if d.Label != "" {
				label = " " + termsafe.Quote(d.Label)
			}
			fmt.Fprintf(out, "   sends %s %s%s\n", d.Type, d.ID, label)
			fmt.Fprintf(out, "     fields: %s\n", itemList(d.Fields))
			fmt.Fprintf(out, "     scans:  %s\n", itemList(d.Scans))
		case "none":
			fmt.Fprintln(out, "   not sent")
		default:
			fmt.Fprintln(out, "   NOT SENT: you cannot answer it")
		}
		if len(e.Missing) > 0 {
			fmt.Fprintf(out, "     you do not have: %s\n", strings.Join(e.Missing, ", "))
		}
	}
	for _, f := range c.Unresolved {
		what := f.Source
		if f.Field != "" {
			what += " " + f.Field
		}
		fmt.Fprintf(out, "UNRESOLVED feedback %s on %s (%s): %s\n", f.FeedbackID[:8], f.DocumentID, what, termsafe.Quote(f.Message))
	}
	if c.Partial {
		fmt.Fprintln(out, "PARTIAL: the bundle leaves out what you do not have; the partner may refuse it")
	}
	fmt.Fprintln(out, "Nothing else leaves the wallet: no other document, field or scan, and no labels.")
}

// itemList prints names, marking the optional ones: "document_no, issue_date (optional)".
func itemList(items []consentItem) string {
	if len(items) == 0 {
		return "none"
	}
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = it.Name
		if !it.Mandatory {
			parts[i] += " (optional)"
		}
	}
	return strings.Join(parts, ", ")
}

// consentItems converts what a candidate sends into the screen's items.
func consentItems(c *request.Candidate) (fields, scans []consentItem) {
	fields, scans = []consentItem{}, []consentItem{}
	for _, it := range c.Send {
		ci := consentItem{Name: it.Name, Mandatory: it.Mandatory}
		if it.Kind == request.ItemField {
			fields = append(fields, ci)
		} else {
			scans = append(scans, ci)
		}
	}
	return fields, scans
}

// missingNames lists a candidate's missing items as "field first_name", "scan selfie".
func missingNames(c *request.Candidate) []string {
	out := []string{}
	for _, it := range c.Missing {
		out = append(out, string(it.Kind)+" "+it.Name)
	}
	return out
}
