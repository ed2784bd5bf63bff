package request

import (
	"slices"
	"strings"
	"time"

	"github.com/paspor/paspor/wallet/schema"
)

// Document is what matching needs to know of a wallet document: plain values, so that the
// caller can fill it from an unlocked wallet or from a bundle manifest.
type Document struct {
	// ID is the wallet's document ID.
	ID string
	// Type is the wallet/schema type name.
	Type string
	// Fields are the document's field values by name.
	Fields map[string]string
	// Scans are the roles of the document's attachments: "front_side", "file/2", ...
	Scans []string
}

// ItemKind says what an [Item] is.
type ItemKind string

// Item kinds.
const (
	ItemField ItemKind = "field"
	ItemScan  ItemKind = "scan"
	// ItemFreshness is a proof of address too old for max_age; Name is issue_date. A stale
	// document never answers, not even an optional element.
	ItemFreshness ItemKind = "freshness"
)

// Item is one field or scan that goes with a document, or that it lacks.
type Item struct {
	// Kind says whether Name is a field or a scan.
	Kind ItemKind
	// Name is a field name or a scan role ("front_side", "file/2"; for a missing list role,
	// "file" or "translation").
	Name string
	// Mandatory is true when the request needs it; false for what the holder may leave out.
	Mandatory bool
}

// Candidate is one wallet document that can answer an element.
type Candidate struct {
	// DocumentID and Type are the document's.
	DocumentID string
	Type       string
	// Send is what would go: fields then scans, in schema order.
	Send []Item
	// Missing is what the request needs and the document lacks; empty when it can answer.
	Missing []Item
}

// Complete reports whether the candidate answers its element fully.
func (c *Candidate) Complete() bool { return len(c.Missing) == 0 }

// ElementMatch is the result of [Match] for one scope element.
type ElementMatch struct {
	// Element is the scope element.
	Element Element
	// Candidates are the documents of the element's types, in the order given to Match.
	Candidates []Candidate
}

// Satisfied reports whether the element is optional or some candidate is complete.
func (m *ElementMatch) Satisfied() bool {
	return m.Element.Optional || slices.ContainsFunc(m.Candidates, func(c Candidate) bool { return c.Complete() })
}

// Match matches a validated scope against documents: per element, every document of one of
// its types, with what would go and what it lacks. now is the date max_age counts back from.
func Match(s Scope, docs []Document, now time.Time) []ElementMatch {
	out := make([]ElementMatch, len(s.Elements))
	for i, e := range s.Elements {
		out[i].Element = e
		for _, d := range docs {
			if !slices.Contains(e.Types(), d.Type) {
				continue
			}
			t, err := schema.LookupType(d.Type)
			if err != nil {
				continue
			}
			out[i].Candidates = append(out[i].Candidates, e.candidate(t, d, now))
		}
	}
	return out
}

// wanted is what an element asks of one type.
type wanted struct {
	fields    []Item // in the type's field order
	scans     []Item // single roles, and list roles by name
	allowed   map[string]bool
	issueDate bool // freshness needs issue_date
}

// want computes what e asks of documents of type t.
func (e *Element) want(t *schema.TypeSpec) wanted {
	mandatory := !e.Optional
	w := wanted{allowed: map[string]bool{}}
	for _, f := range t.Fields {
		switch {
		case e.Fields != nil && !slices.Contains(e.Fields, f.Name) && !(e.MaxAge > 0 && f.Name == fieldIssueDate):
			continue
		case e.Fields == nil && strings.HasSuffix(f.Name, nativeSuffix) && !e.NativeNames:
			continue
		}
		m := mandatory && (e.Fields != nil || f.Required || strings.HasSuffix(f.Name, nativeSuffix) ||
			e.MaxAge > 0 && f.Name == fieldIssueDate)
		w.fields = append(w.fields, Item{Kind: ItemField, Name: f.Name, Mandatory: m})
		w.allowed["field:"+f.Name] = true
	}
	for _, r := range t.Roles {
		var want bool
		switch r.Name {
		case roleSelfie:
			want = e.Selfie
		case roleTranslation:
			want = e.Translation
		default:
			want = e.Scans == nil || slices.Contains(*e.Scans, r.Name)
		}
		if want {
			w.scans = append(w.scans, Item{Kind: ItemScan, Name: r.Name, Mandatory: mandatory})
			w.allowed["scan:"+r.Name] = true
		}
	}
	w.issueDate = e.MaxAge > 0
	return w
}

func (e *Element) candidate(t *schema.TypeSpec, d Document, now time.Time) Candidate {
	c := Candidate{DocumentID: d.ID, Type: d.Type}
	w := e.want(t)
	for _, f := range w.fields {
		if d.Fields[f.Name] != "" {
			c.Send = append(c.Send, f)
		} else if f.Mandatory {
			c.Missing = append(c.Missing, f)
		}
	}
	for _, s := range w.scans {
		var have []string
		for _, role := range d.Scans {
			if scanBase(role) == s.Name {
				have = append(have, role)
			}
		}
		for _, role := range have {
			c.Send = append(c.Send, Item{Kind: ItemScan, Name: role, Mandatory: s.Mandatory})
		}
		if len(have) == 0 && s.Mandatory {
			c.Missing = append(c.Missing, s)
		}
	}
	if w.issueDate && d.Fields[fieldIssueDate] != "" && !fresh(d.Fields[fieldIssueDate], e.MaxAge, now) {
		c.Missing = append(c.Missing, Item{Kind: ItemFreshness, Name: fieldIssueDate, Mandatory: true})
	}
	return c
}

// scanBase is the role name of a scan address: "file/2" gives "file".
func scanBase(role string) string {
	name, _, _ := strings.Cut(role, "/")
	return name
}

// fresh reports whether issued (YYYY-MM-DD) is at most maxAge days before now's UTC date.
// An unparsable date is not fresh.
func fresh(issued string, maxAge int, now time.Time) bool {
	d, err := time.Parse(time.DateOnly, issued)
	if err != nil {
		return false
	}
	y, m, day := now.UTC().Date()
	today := time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
	return !d.Before(today.AddDate(0, 0, -maxAge)) && !d.After(today)
}

// Selection returns the field names and scan roles of c.Send, in order: what the holder's
// share includes for this document once they consent.
func (c *Candidate) Selection() (fields, scans []string) {
	for _, it := range c.Send {
		switch it.Kind {
		case ItemField:
			fields = append(fields, it.Name)
		case ItemScan:
			scans = append(scans, it.Name)
		}
	}
	return fields, scans
}
