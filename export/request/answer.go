package request

import (
	"crypto/subtle"
	"slices"

	"github.com/paspor/paspor/export"
	"github.com/paspor/paspor/wallet/schema"
)

// DocumentsFromManifest converts a bundle's documents for [Match] and [CheckManifest].
func DocumentsFromManifest(m *export.Manifest) []Document {
	docs := make([]Document, len(m.Documents))
	for i, d := range m.Documents {
		docs[i] = Document{ID: d.ID, Type: d.Type, Fields: d.Fields}
		for _, f := range d.Files {
			docs[i].Scans = append(docs[i].Scans, f.Role)
		}
	}
	return docs
}

// CheckManifest checks that a bundle, already opened and verified by export.Open, answers the
// validated request req exactly. The checks, in order:
// request ID, nonce, audience (exactly the request's recipients, in any order), the bundle's
// created_at within the request's validity, then per document: its type belongs to an element
// (else extra), no two documents answer one element (extra), every field and scan is one the
// element allows (extra), every mandatory one is there (missing), a proof of address is
// fresh as of the bundle's created_at (stale); last, every mandatory element is answered
// (missing). partial accepts missing elements, fields and scans, for a bundle the holder made
// with what they had; extra is never accepted.
func CheckManifest(req *Request, m *export.Manifest, partial bool) error {
	const what = "answer"
	if subtle.ConstantTimeCompare([]byte(m.RequestID), []byte(req.RequestID)) != 1 {
		return reject(what, ReasonRequestID, "the bundle answers another request")
	}
	if subtle.ConstantTimeCompare([]byte(m.Nonce), []byte(req.Nonce)) != 1 {
		return reject(what, ReasonNonce, "the bundle's nonce is not the request's")
	}
	if !sameSet(m.Audience, req.Recipients) {
		return reject(what, ReasonAudience, "the bundle is not encrypted to exactly the request's recipients")
	}
	if m.CreatedAt.Before(req.CreatedAt.Add(-MaxClockSkew)) || !m.CreatedAt.Before(req.ExpiresAt) {
		return reject(what, ReasonLate, "the bundle was made outside the request's validity")
	}
	answered := make([]bool, len(req.Scope.Elements))
	for _, d := range DocumentsFromManifest(m) {
		if !docIDPattern.MatchString(d.ID) {
			d.ID = "(invalid id)" // export.Open refuses such IDs; never print one
		}
		i := slices.IndexFunc(req.Scope.Elements, func(e Element) bool { return slices.Contains(e.Types(), d.Type) })
		if i < 0 {
			return reject(what, ReasonExtra, "document %s: type %s was not requested", d.ID, safeName(d.Type))
		}
		if answered[i] {
			return reject(what, ReasonExtra, "document %s: element %d is answered twice", d.ID, i+1)
		}
		answered[i] = true
		if err := checkDocument(&req.Scope.Elements[i], d, m, partial); err != nil {
			return err
		}
	}
	for i, e := range req.Scope.Elements {
		if !answered[i] && !e.Optional && !partial {
			return reject(what, ReasonMissing, "element %d (%s) is not answered", i+1, typeList(e.Types()))
		}
	}
	return nil
}

func checkDocument(e *Element, d Document, m *export.Manifest, partial bool) error {
	const what = "answer"
	t, err := schema.LookupType(d.Type)
	if err != nil {
		return reject(what, ReasonExtra, "document %s: unknown type", d.ID)
	}
	w := e.want(t)
	for name := range d.Fields {
		if !w.allowed["field:"+name] {
			return reject(what, ReasonExtra, "document %s: field %s was not requested", d.ID, safeName(name))
		}
	}
	for _, role := range d.Scans {
		if !w.allowed["scan:"+scanBase(role)] {
			return reject(what, ReasonExtra, "document %s: scan %s was not requested", d.ID, safeName(scanBase(role)))
		}
	}
	c := e.candidate(t, d, m.CreatedAt)
	for _, item := range c.Missing {
		if item.Kind == ItemFreshness {
			return reject(what, ReasonStale, "document %s: issued more than %d days before the bundle", d.ID, e.MaxAge)
		}
	}
	if len(c.Missing) > 0 && !partial {
		return reject(what, ReasonMissing, "document %s: %s %s is missing", d.ID, c.Missing[0].Kind, c.Missing[0].Name)
	}
	return nil
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

func typeList(types []string) string {
	out := ""
	for i, t := range types {
		if i > 0 {
			out += " or "
		}
		out += t
	}
	return out
}
