package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/export/request"
	"github.com/paspor/paspor/internal/termsafe"
	"github.com/paspor/paspor/wallet"
)

// requestSnapshot is what share --request reads from the wallet before the consent screen;
// the wallet is closed again once it is taken.
type requestSnapshot struct {
	docs     []*wallet.Document
	byID     map[string]*wallet.Document
	pinned   *wallet.KnownPartner  // the partner known under the request's name, if any
	sameKey  []wallet.KnownPartner // partners known under another name with the request's key
	feedback []wallet.FeedbackRecord
	now      time.Time
}

// loadRequestSnapshot unlocks the wallet read-only, takes what the screen needs, and closes it.
func loadRequestSnapshot(ctx context.Context, g *globals, pass []byte, req *request.Request) (*requestSnapshot, error) {
	w, err := g.unlockWith(ctx, true, pass)
	if err != nil {
		return nil, err
	}
	defer w.Close()
	snap := &requestSnapshot{now: testOnlyNow}
	if snap.now.IsZero() {
		snap.now = time.Now()
	}
	if snap.docs, err = w.List(""); err != nil {
		return nil, err
	}
	snap.byID = documentsByID(snap.docs)
	if snap.pinned, snap.sameKey, err = w.LookupPartner(req.Partner, req.SigningKey); err != nil {
		return nil, err
	}
	if snap.feedback, err = w.Feedback(); err != nil {
		return nil, err
	}
	return snap, nil
}

// answerPlan is, per scope element, the candidate chosen to answer it (nil: none).
type answerPlan struct {
	matches []request.ElementMatch
	chosen  []*request.Candidate
}

// usable reports whether c can go: complete, or with --partial anything but a stale proof of
// address (a stale document never answers).
func usable(c *request.Candidate, partial bool) bool {
	if c.Complete() {
		return true
	}
	return partial && !slices.ContainsFunc(c.Missing, func(it request.Item) bool { return it.Kind == request.ItemFreshness })
}

// planAnswer matches the request's scope against the wallet and chooses one document per
// element: the one --pick names, the only usable one, or (on a terminal) the one the holder
// picks. Several usable documents without a terminal or --pick is a usage error listing them.
func planAnswer(p *prompter, snap *requestSnapshot, req *request.Request, picks map[string]string, ro shareRequestOptions, interactive bool) (*answerPlan, error) {
	rdocs := make([]request.Document, len(snap.docs))
	for i, d := range snap.docs {
		rdocs[i] = request.Document{ID: d.ID, Type: d.Type, Fields: d.Fields}
		for _, a := range d.Attachments {
			rdocs[i].Scans = append(rdocs[i].Scans, a.Role)
		}
	}
	plan := &answerPlan{matches: request.Match(req.Scope, rdocs, snap.now)}
	plan.chosen = make([]*request.Candidate, len(plan.matches))
	used := map[string]bool{}
	for i := range plan.matches {
		m := &plan.matches[i]
		c, err := chooseCandidate(p, i+1, m, picks, used, ro.partial, interactive, snap.byID)
		if err != nil {
			return nil, err
		}
		plan.chosen[i] = c
	}
	for t := range picks {
		if !used[t] {
			return nil, usageError("--pick " + t + "=...: the request asks for no " + t)
		}
	}
	return plan, nil
}

func chooseCandidate(p *prompter, index int, m *request.ElementMatch, picks map[string]string, used map[string]bool,
	partial, interactive bool, byID map[string]*wallet.Document) (*request.Candidate, error) {
	types := m.Element.Types()
	var pickType string
	for _, t := range types {
		if _, ok := picks[t]; ok {
			if pickType != "" {
				return nil, usageError(fmt.Sprintf("--pick names two documents for element %d (%s)", index, strings.Join(types, " or ")))
			}
			pickType = t
		}
	}
	if pickType != "" {
		used[pickType] = true
		prefix := picks[pickType]
		var found []*request.Candidate
		for j := range m.Candidates {
			c := &m.Candidates[j]
			if c.Type == pickType && strings.HasPrefix(c.DocumentID, prefix) {
				found = append(found, c)
			}
		}
		if len(found) != 1 {
			return nil, usageError(fmt.Sprintf("--pick %s=%s names %d of your %s documents, not one", pickType, prefix, len(found), pickType),
				pickHint(m.Candidates, pickType))
		}
		return found[0], nil
	}
	var ok []*request.Candidate
	for j := range m.Candidates {
		if usable(&m.Candidates[j], partial) {
			ok = append(ok, &m.Candidates[j])
		}
	}
	switch {
	case len(ok) == 1:
		return ok[0], nil
	case len(ok) == 0:
		return nil, nil
	case !interactive:
		return nil, usageError(fmt.Sprintf("element %d (%s): %d of your documents can answer it; choose one", index, strings.Join(types, " or "), len(ok)),
			pickHint(derefAll(ok), ""))
	}
	return askPick(p, index, types, ok, byID)
}

// pickHint lists the --pick values that would choose each candidate (of type t, or all).
func pickHint(cands []request.Candidate, t string) string {
	var opts []string
	for _, c := range cands {
		if t == "" || c.Type == t {
			opts = append(opts, "--pick "+c.Type+"="+c.DocumentID)
		}
	}
	if len(opts) == 0 {
		return "you have no document of this type"
	}
	return "choose with one of: " + strings.Join(opts, ", ")
}

func derefAll(cs []*request.Candidate) []request.Candidate {
	out := make([]request.Candidate, len(cs))
	for i, c := range cs {
		out[i] = *c
	}
	return out
}

// askPick asks on the terminal which document answers an element.
func askPick(p *prompter, index int, types []string, cands []*request.Candidate, byID map[string]*wallet.Document) (*request.Candidate, error) {
	fmt.Fprintf(p.out, "Element %d (%s): which document?\n", index, strings.Join(types, " or "))
	for j, c := range cands {
		label := ""
		if d := byID[c.DocumentID]; d != nil && d.Label != "" {
			label = " " + termsafe.Quote(d.Label)
		}
		fmt.Fprintf(p.out, "  %d) %s %s%s\n", j+1, c.Type, c.DocumentID, label)
	}
	for {
		answer, err := p.ask("the document choice", fmt.Sprintf("Number [1-%d]: ", len(cands)))
		if err != nil {
			if isInterrupted(err) {
				return nil, err
			}
			return nil, &userError{msg: "input ended at the document choice; nothing was shared", code: exitInterrupted,
				hints: []string{"run the command again, or choose with --pick TYPE=ID"}}
		}
		if n, err := strconv.Atoi(answer); err == nil && n >= 1 && n <= len(cands) {
			return cands[n-1], nil
		}
		p.retry("answer with a number from the list")
	}
}

// buildConsent assembles the consent screen from the plan.
func buildConsent(snap *requestSnapshot, req *request.Request, plan *answerPlan, ro shareRequestOptions, ttl time.Duration) *consent {
	c := &consent{RequestID: req.RequestID, Purpose: req.Purpose, RequestExpiresAt: req.ExpiresAt,
		BundleExpiresAt: snap.now.UTC().Truncate(time.Second).Add(ttl), Recipients: req.Recipients,
		Elements: []consentElement{}, Unresolved: []consentFeedback{}}
	c.Partner = consentPartner{Name: req.Partner, SigningKey: req.SigningKey, Fingerprint: req.Fingerprint(), Status: partnerNew}
	if p := snap.pinned; p != nil {
		c.Partner.Shares, c.Partner.LastShared = p.Shares, p.LastShared
		c.Partner.Status = partnerKnown
		if p.SigningKey != req.SigningKey {
			c.Partner.Status, c.Partner.PinnedFingerprint = partnerChanged, keyFingerprint(p.SigningKey)
		}
	}
	for _, p := range snap.sameKey {
		c.Partner.AlsoKnownAs = append(c.Partner.AlsoKnownAs, p.Name)
	}
	sending := map[string]bool{}
	for i, m := range plan.matches {
		e := consentElement{Index: i + 1, Types: m.Element.Types(), Optional: m.Element.Optional, Missing: []string{}}
		switch cand := plan.chosen[i]; {
		case cand != nil:
			e.Status = "send"
			d := &consentDocument{ID: cand.DocumentID, Type: cand.Type}
			if wd := snap.byID[cand.DocumentID]; wd != nil {
				d.Label = wd.Label
			}
			d.Fields, d.Scans = consentItems(cand)
			e.Document, e.Missing = d, missingNames(cand)
			sending[cand.DocumentID] = true
		case m.Element.Optional:
			e.Status, e.Missing = "none", elementMissing(&m)
		default:
			e.Status = "missing"
			e.Missing = elementMissing(&m)
		}
		c.Elements = append(c.Elements, e)
	}
	c.Partial = !c.complete()
	open := unresolvedFeedback(snap.feedback, snap.byID, func(fb *wallet.FeedbackRecord) bool { return samePartner(fb, req) })
	for _, e := range c.Elements {
		if e.Document == nil {
			continue
		}
		for _, o := range open[e.Document.ID] {
			c.Unresolved = append(c.Unresolved, consentFeedback{FeedbackID: o.fb.FeedbackID, DocumentID: o.item.DocumentID,
				Source: o.item.Source, Field: o.item.Field, Message: o.item.Message})
		}
	}
	return c
}

// elementMissing says why no document answers a mandatory element: none of its types, or
// what each candidate lacks.
func elementMissing(m *request.ElementMatch) []string {
	if len(m.Candidates) == 0 {
		return []string{"document"}
	}
	var out []string
	for i := range m.Candidates {
		c := &m.Candidates[i]
		out = append(out, c.Type+" "+c.DocumentID+": "+strings.Join(missingNames(c), ", "))
	}
	return out
}

// keyFingerprint is the SHA256 fingerprint of a stored "ssh-ed25519 <base64>" key line.
func keyFingerprint(line string) string {
	pub, err := crypto.ParseHolderKey(line)
	if err != nil {
		return "(unreadable key)"
	}
	return crypto.Fingerprint(pub)
}

// quoteName quotes hostile text (a partner's name) for a message.
func quoteName(s string) string { return termsafe.Quote(s) }
