package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// attachment is what the model knows of one stored scan; show --json reports the same.
type attachment struct {
	Role      string `json:"role"`
	MediaType string `json:"media_type"`
	Size      int64  `json:"size"`
	SHA256    string `json:"sha256"`
}

// document is one document as the model expects it.
type document struct {
	ID          string            `json:"id"`
	Type        string            `json:"type"`
	Label       string            `json:"label"`
	Fields      map[string]string `json:"fields"`
	Attachments []attachment      `json:"attachments"`
}

func (d document) clone() document {
	d.Fields = maps.Clone(d.Fields)
	d.Attachments = slices.Clone(d.Attachments)
	return d
}

// bytes is the total size of d's attachments.
func (d document) bytes() int64 {
	var n int64
	for _, a := range d.Attachments {
		n += a.Size
	}
	return n
}

// diff describes how got differs from d, or returns "" when they are the same document.
func (d document) diff(got document) string {
	var out []string
	if d.Type != got.Type || d.Label != got.Label {
		out = append(out, fmt.Sprintf("type/label %s/%q, want %s/%q", got.Type, got.Label, d.Type, d.Label))
	}
	if !maps.Equal(d.Fields, got.Fields) {
		out = append(out, fmt.Sprintf("fields %v, want %v", got.Fields, d.Fields))
	}
	if !slices.Equal(sortedAtts(d.Attachments), sortedAtts(got.Attachments)) {
		out = append(out, fmt.Sprintf("attachments %v, want %v", got.Attachments, d.Attachments))
	}
	return strings.Join(out, "; ")
}

func sortedAtts(as []attachment) []attachment {
	s := slices.Clone(as)
	slices.SortFunc(s, func(a, b attachment) int { return strings.Compare(a.Role, b.Role) })
	return s
}

// model is what the wallet must hold: it changes only when a command exits 0, or when the
// checks after a kill establish which of the two possible states the wallet is in.
type model struct {
	Docs     map[string]document
	Shares   int
	PassFile string // file holding the passphrase that must be current
	Device   []byte // the device secret that must open the slot
}

func (m model) clone() model {
	m.Docs = maps.Clone(m.Docs)
	for id, d := range m.Docs {
		m.Docs[id] = d.clone()
	}
	return m
}

func (m model) attachments() int {
	n := 0
	for _, d := range m.Docs {
		n += len(d.Attachments)
	}
	return n
}

func (m model) bytes() int64 {
	var n int64
	for _, d := range m.Docs {
		n += d.bytes()
	}
	return n
}

// sortedIDs gives a stable order, so that a seed replays the same choices.
func (m model) sortedIDs() []string { return slices.Sorted(maps.Keys(m.Docs)) }

// snapshot is what the wallet showed: its documents and the length of its share history.
type snapshot struct {
	Docs   map[string]document
	Shares int
}

// match says whether snap is the state m, or why not. newID is the placeholder ID of a
// document an add is creating (its real ID is unknown until the command prints it): it
// matches one document whose ID is not otherwise expected, and that ID is returned.
func (m model) match(snap snapshot, newID string) (string, string) {
	if snap.Shares != m.Shares {
		return "", fmt.Sprintf("history has %d shares, want %d", snap.Shares, m.Shares)
	}
	var extra []string
	for id := range snap.Docs {
		if _, ok := m.Docs[id]; !ok {
			extra = append(extra, id)
		}
	}
	_, hasNew := m.Docs[newID]
	if hasNew {
		if len(extra) != 1 {
			return "", fmt.Sprintf("%d new documents %v, want 1", len(extra), extra)
		}
	} else if len(extra) > 0 {
		return "", fmt.Sprintf("unexpected documents %v", extra)
	}
	for id, d := range m.Docs {
		gotID := id
		if id == newID {
			gotID = extra[0]
		}
		got, ok := snap.Docs[gotID]
		if !ok {
			return "", fmt.Sprintf("document %s is missing", id)
		}
		if diff := d.diff(got); diff != "" {
			return "", fmt.Sprintf("document %s: %s", gotID, diff)
		}
	}
	if hasNew {
		return extra[0], ""
	}
	return "", ""
}
