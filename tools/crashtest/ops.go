package main

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

var opKinds = []string{"add", "edit", "attach", "detach", "rm", "passphrase", "rotate", "share", "compact"}

// opWeights: adds and attachment changes dominate, since they write chunks; the secret
// changes get enough runs for both of their outcomes to show up many times.
var opWeights = map[string]int{"add": 22, "edit": 14, "attach": 14, "detach": 10, "rm": 8,
	"passphrase": 8, "rotate": 8, "share": 10, "compact": 6}

// newDocID stands for the ID of the document an add creates, unknown until it prints it.
const newDocID = "(new)"

// op is one mutating command with the state it must leave on exit 0.
type op struct {
	n         int
	kind      string
	args      []string
	scanBytes int64 // bytes the command streams, for its expected run time
	before    model
	after     model    // the state on exit 0 (add: the new document under newDocID)
	touched   []string // documents whose content is read back after the command
	files     []string // scans and outputs to delete afterwards
	bundle    string   // share's output
}

// typeSpec is the part of paspor's schema the generator uses.
type typeSpec struct {
	name    string
	single  []string // roles held once
	lists   []string // roles numbered file/1, file/2, ...
	fields  func(rng *rand.Rand, n int) map[string]string
	unsetOK []string // optional fields edit may remove
}

var addFlags = map[string]string{"front_side": "--front", "reverse_side": "--reverse",
	"selfie": "--selfie", "file": "--file", "translation": "--translation"}

func idFields(rng *rand.Rand, n int) map[string]string {
	return map[string]string{"document_no": fmt.Sprintf("X%07d", n), "expiry_date": date(rng),
		"issuing_country": []string{"DE", "FR", "NL", "PL"}[rng.IntN(4)]}
}

var docTypes = []typeSpec{
	{name: "passport", single: []string{"front_side", "selfie"}, lists: []string{"translation"},
		fields: idFields, unsetOK: []string{"expiry_date", "issuing_country"}},
	{name: "identity_card", single: []string{"front_side", "reverse_side", "selfie"}, lists: []string{"translation"},
		fields: idFields, unsetOK: []string{"expiry_date", "issuing_country"}},
	{name: "bank_statement", lists: []string{"file", "translation"},
		fields:  func(rng *rand.Rand, _ int) map[string]string { return map[string]string{"issue_date": date(rng)} },
		unsetOK: []string{"issue_date"}},
	{name: "email",
		fields: func(_ *rand.Rand, n int) map[string]string {
			return map[string]string{"email": fmt.Sprintf("u%d@example.org", n)}
		}},
}

func specOf(name string) typeSpec {
	for _, t := range docTypes {
		if t.name == name {
			return t
		}
	}
	panic("unknown type " + name)
}

func date(rng *rand.Rand) string {
	return fmt.Sprintf("20%02d-%02d-%02d", 20+rng.IntN(20), 1+rng.IntN(12), 1+rng.IntN(28))
}

// Limits that keep a check's read-back bounded on a small machine.
const (
	maxDocs  = 10
	maxBytes = 128 << 20
)

// pickKind chooses the next command: weighted, but an empty wallet gets an add and a full
// one gets rm or detach.
func (r *runner) pickKind() string {
	switch {
	case len(r.m.Docs) == 0:
		return "add"
	case len(r.m.Docs) >= maxDocs || r.m.bytes() >= maxBytes:
		return []string{"rm", "rm", "detach"}[r.rng.IntN(3)]
	}
	total := 0
	for _, k := range opKinds {
		total += opWeights[k]
	}
	x := r.rng.IntN(total)
	for _, k := range opKinds {
		if x -= opWeights[k]; x < 0 {
			return k
		}
	}
	return "add"
}

// nextOp builds operation n; kinds that find nothing to work on fall back to add.
func (r *runner) nextOp(n int) (*op, error) {
	o := &op{n: n, kind: r.pickKind(), before: r.m.clone()}
	o.after = o.before.clone()
	var err error
	ok := true
	switch o.kind {
	case "add":
		err = r.planAdd(o)
	case "edit":
		ok = r.planEdit(o)
	case "attach":
		ok, err = r.planAttach(o)
	case "detach":
		ok = r.planDetach(o)
	case "rm":
		ok = r.planRm(o)
	case "passphrase":
		err = r.planPassphrase(o)
	case "rotate":
		o.args = []string{"factor", "rotate", "--json"}
	case "share":
		ok = r.planShare(o)
	case "compact":
		o.args = []string{"compact", "--json"}
	}
	if err == nil && !ok {
		o.kind, o.after = "add", o.before.clone()
		err = r.planAdd(o)
	}
	return o, err
}

// pickDoc returns a random document that satisfies keep, in a seed-stable order.
func (r *runner) pickDoc(keep func(document) bool) (document, bool) {
	var ids []string
	for _, id := range r.m.sortedIDs() {
		if keep(r.m.Docs[id]) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return document{}, false
	}
	return r.m.Docs[ids[r.rng.IntN(len(ids))]].clone(), true
}

// scanSize picks a small scan most of the time and, when big is set and the wallet has room,
// a large one of 8 MiB up to MaxScan: several segments of chunks, so a kill can land between
// segment transactions.
func (r *runner) scanSize(big bool) int64 {
	if big && r.m.bytes()+r.cfg.MaxScan < maxBytes {
		lo := min(8<<20, r.cfg.MaxScan/2)
		return lo + r.rng.Int64N(r.cfg.MaxScan-lo+1)
	}
	if r.rng.IntN(4) == 0 {
		return 1<<20 + r.rng.Int64N(min(11<<20, r.cfg.MaxScan))
	}
	return 4<<10 + r.rng.Int64N(252<<10)
}

func (r *runner) newScan(o *op, role string, size int64) (scan, error) {
	s, err := writeScan(r.rng, r.scanDir, o.n*10+len(o.files), size)
	if err != nil {
		return s, err
	}
	s.att.Role = role
	o.files = append(o.files, s.path)
	o.scanBytes += size
	return s, nil
}

// nextRole is paspor's numbering: a list role takes its first free position.
func nextRole(d document, role string) string {
	taken := map[string]bool{}
	for _, a := range d.Attachments {
		taken[a.Role] = true
	}
	for i := 1; ; i++ {
		if r := role + "/" + strconv.Itoa(i); !taken[r] {
			return r
		}
	}
}

func (r *runner) planAdd(o *op) error {
	spec := docTypes[r.rng.IntN(len(docTypes))]
	d := document{ID: newDocID, Type: spec.name, Label: fmt.Sprintf("add-%d", o.n),
		Fields: spec.fields(r.rng, o.n), Attachments: []attachment{}}
	o.args = []string{"add", spec.name, "--json", "--label", d.Label, "--max-file-size", "128MiB"}
	for _, k := range slices.Sorted(maps.Keys(d.Fields)) {
		o.args = append(o.args, "--field", k+"="+d.Fields[k])
	}
	// cmd_add stores front, reverse, selfie, then files, then translations; roles follow.
	roles := append(slices.Clone(spec.single), spec.lists...)
	for i, role := range roles {
		if r.rng.IntN(2) == 0 && i > 0 {
			continue
		}
		s, err := r.newScan(o, role, r.scanSize(i == 0 && r.rng.IntN(5) < 3))
		if err != nil {
			return err
		}
		if slices.Contains(spec.lists, role) {
			s.att.Role = nextRole(d, role)
		}
		d.Attachments = append(d.Attachments, s.att)
		o.args = append(o.args, addFlags[role], s.path)
	}
	o.after.Docs[newDocID] = d
	o.touched = []string{newDocID}
	return nil
}

func (r *runner) planEdit(o *op) bool {
	d, ok := r.pickDoc(func(document) bool { return true })
	if !ok {
		return false
	}
	spec := specOf(d.Type)
	d.Label = fmt.Sprintf("edit-%d", o.n)
	o.args = []string{"edit", d.ID, "--json", "--label", d.Label}
	fresh := spec.fields(r.rng, o.n)
	keys := slices.Sorted(maps.Keys(fresh))
	k := keys[r.rng.IntN(len(keys))]
	d.Fields[k] = fresh[k]
	o.args = append(o.args, "--field", k+"="+fresh[k])
	for _, u := range spec.unsetOK {
		if _, has := d.Fields[u]; has && u != k && r.rng.IntN(3) == 0 {
			delete(d.Fields, u)
			o.args = append(o.args, "--unset", u)
			break
		}
	}
	o.after.Docs[d.ID] = d
	o.touched = []string{d.ID}
	return true
}

func freeRoles(d document) []string {
	spec := specOf(d.Type)
	roles := slices.Clone(spec.lists)
	for _, s := range spec.single {
		if !slices.ContainsFunc(d.Attachments, func(a attachment) bool { return a.Role == s }) {
			roles = append(roles, s)
		}
	}
	return roles
}

func (r *runner) planAttach(o *op) (bool, error) {
	d, ok := r.pickDoc(func(d document) bool { return len(freeRoles(d)) > 0 })
	if !ok {
		return false, nil
	}
	roles := freeRoles(d)
	role := roles[r.rng.IntN(len(roles))]
	s, err := r.newScan(o, role, r.scanSize(false))
	if err != nil {
		return false, err
	}
	if slices.Contains(specOf(d.Type).lists, role) {
		s.att.Role = nextRole(d, role)
	}
	d.Attachments = append(d.Attachments, s.att)
	o.args = []string{"attach", d.ID, role, s.path, "--json", "--max-file-size", "128MiB"}
	o.after.Docs[d.ID] = d
	o.touched = []string{d.ID}
	return true, nil
}

// planDetach removes one scan; later entries of the same list move up one position.
func (r *runner) planDetach(o *op) bool {
	d, ok := r.pickDoc(func(d document) bool { return len(d.Attachments) > 0 })
	if !ok {
		return false
	}
	drop := d.Attachments[r.rng.IntN(len(d.Attachments))]
	name, idx, isList := strings.Cut(drop.Role, "/")
	at, _ := strconv.Atoi(idx)
	var kept []attachment
	for _, a := range d.Attachments {
		if a.Role == drop.Role {
			continue
		}
		if n, i, ok := strings.Cut(a.Role, "/"); isList && ok && n == name {
			if pos, _ := strconv.Atoi(i); pos > at {
				a.Role = fmt.Sprintf("%s/%d", n, pos-1)
			}
		}
		kept = append(kept, a)
	}
	d.Attachments = append([]attachment{}, kept...)
	o.args = []string{"detach", d.ID, drop.Role}
	o.after.Docs[d.ID] = d
	o.touched = []string{d.ID}
	return true
}

// planRm prefers the document holding the most bytes when the wallet is full.
func (r *runner) planRm(o *op) bool {
	d, ok := r.pickDoc(func(document) bool { return true })
	if !ok {
		return false
	}
	if r.m.bytes() >= maxBytes {
		for _, id := range r.m.sortedIDs() {
			if r.m.Docs[id].bytes() > d.bytes() {
				d = r.m.Docs[id]
			}
		}
	}
	o.args = []string{"rm", d.ID, "--yes"}
	delete(o.after.Docs, d.ID)
	return true
}

func (r *runner) planPassphrase(o *op) error {
	path, err := r.writeSecret(fmt.Sprintf("pass-%d.txt", o.n), fmt.Sprintf("passphrase %d %x\n", o.n, r.rng.Uint64()))
	if err != nil {
		return err
	}
	o.args = []string{"passphrase", "--new-passphrase-file", path, "--json"}
	o.after.PassFile = path
	return nil
}

func (r *runner) planShare(o *op) bool {
	ids := r.m.sortedIDs()
	if len(ids) == 0 {
		return false
	}
	r.rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	ids = ids[:min(len(ids), 1+r.rng.IntN(2))]
	o.bundle = filepath.Join(r.outDir, fmt.Sprintf("bundle-%d.age", o.n))
	o.args = append([]string{"share"}, ids...)
	// --allow-expired: the generator draws expiry dates in the past too, and share refuses those.
	o.args = append(o.args, "-r", r.recipient, "-o", o.bundle, "--json", "--purpose", "crashtest", "--allow-expired")
	var n int64
	for _, id := range ids {
		n += r.m.Docs[id].bytes()
	}
	if n > 16<<20 || r.rng.IntN(2) == 0 {
		o.args = append(o.args, "--attachments", "none")
	} else {
		o.scanBytes = n
	}
	o.after.Shares++
	o.files = append(o.files, o.bundle)
	return true
}
