package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/paspor/paspor/export"
	"github.com/paspor/paspor/wallet"
	"github.com/paspor/paspor/wallet/schema"
)

// selection applies share's --fields and --attachments allowlists to the chosen documents.
type selection struct {
	docs        []*wallet.Document
	fields      map[string]bool // nil: every field
	attachments []string        // nil: every scan; empty: none
}

// unlockSelection unlocks the wallet and resolves what a share sends: the documents the
// selectors name, narrowed by the --fields and --attachments allowlists. Both bundle and
// Telegram shares start here; the caller closes the wallet.
func unlockSelection(ctx context.Context, g *globals, selectors, fields, attachments []string) (*wallet.Wallet, *selection, error) {
	w, err := g.unlock(ctx, false)
	if err != nil {
		return nil, nil, err
	}
	docs, err := resolveSelectors(w, selectors)
	if err == nil {
		var sel *selection
		if sel, err = newSelection(docs, fields, attachments); err == nil {
			return w, sel, nil
		}
	}
	w.Close()
	return nil, nil, err
}

func newSelection(docs []*wallet.Document, fields, attachments []string) (*selection, error) {
	s := &selection{docs: docs}
	if len(fields) > 0 {
		s.fields = map[string]bool{}
		for _, f := range fields {
			f = strings.TrimSpace(f)
			if !anyTypeHasField(docs, f) {
				return nil, errorWithHint(exitInvalidInput, fmt.Sprintf("--fields: no selected document has a field %q", f),
					"paspor show ID lists a document's fields")
			}
			s.fields[f] = true
		}
	}
	if len(attachments) > 0 {
		s.attachments = []string{}
		for _, a := range attachments {
			a = strings.TrimSpace(a)
			if a == "none" {
				if len(attachments) > 1 {
					return nil, usageError("--attachments none cannot be combined with roles")
				}
				break
			}
			ref, err := schema.ParseRoleForAdd(a)
			if err != nil {
				return nil, errorWithHint(exitInvalidInput, "--attachments: "+lower(err.Error()), "roles are front_side, reverse_side, selfie, file, file/N, translation, translation/N, or none")
			}
			// A role no selected type has would silently send no scan.
			if !anyTypeHasRole(docs, ref.Name) {
				return nil, errorWithHint(exitInvalidInput, fmt.Sprintf("--attachments: no selected document can have a %s scan", ref.Name),
					"paspor show ID lists a document's scans")
			}
			s.attachments = append(s.attachments, a)
		}
	}
	return s, nil
}

func anyTypeHasField(docs []*wallet.Document, name string) bool {
	for _, d := range docs {
		if spec, err := schema.LookupType(d.Type); err == nil {
			if _, ok := spec.Field(name); ok {
				return true
			}
		}
	}
	return false
}

func anyTypeHasRole(docs []*wallet.Document, role string) bool {
	for _, d := range docs {
		if spec, err := schema.LookupType(d.Type); err == nil {
			if _, ok := spec.Role(role); ok {
				return true
			}
		}
	}
	return false
}

// keepsRole: "file" keeps every file/N, "file/2" only that one.
func (s *selection) keepsRole(role string) bool {
	if s.attachments == nil {
		return true
	}
	name, _, _ := strings.Cut(role, "/")
	return slices.Contains(s.attachments, role) || slices.Contains(s.attachments, name)
}

// exportDocuments builds the bundle's documents (only what the allowlists keep) and, index
// for index, the wallet documents their files come from.
func (s *selection) exportDocuments() ([]export.Document, []*wallet.Document) {
	out := make([]export.Document, 0, len(s.docs))
	for _, d := range s.docs {
		// Labels are the holder's private notes ("old passport"): they never leave the wallet.
		ed := export.Document{ID: d.ID, Type: d.Type, Fields: map[string]string{}}
		for k, v := range d.Fields {
			if s.fields == nil || s.fields[k] {
				ed.Fields[k] = v
			}
		}
		for _, a := range d.Attachments {
			if s.keepsRole(a.Role) {
				ed.Files = append(ed.Files, export.File{Role: a.Role, MediaType: a.MediaType, Size: a.Size, SHA256: a.SHA256})
			}
		}
		out = append(out, ed)
	}
	return out, s.docs
}

// shared lists, for the history, which fields and scans of each document went out.
func (s *selection) shared(m *export.Manifest) []wallet.SharedDocument {
	out := make([]wallet.SharedDocument, 0, len(m.Documents))
	for _, d := range m.Documents {
		sd := wallet.SharedDocument{ID: d.ID, Type: d.Type, Fields: []string{}, Attachments: []string{}}
		for k := range d.Fields {
			sd.Fields = append(sd.Fields, k)
		}
		slices.Sort(sd.Fields)
		for _, f := range d.Files {
			sd.Attachments = append(sd.Attachments, f.Role)
		}
		out = append(out, sd)
	}
	return out
}
