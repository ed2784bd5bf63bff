package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/paspor/paspor/export/request"
	"github.com/paspor/paspor/wallet"
)

// share --request answers a partner's signed request: the request says who asks, why, to
// whom the bundle is encrypted and what it must hold; the holder sees all of it on the
// consent screen before anything is written. The wallet is read, and released, before the
// screen: no lock is held while the holder decides, and it is opened again to write.

// shareRequestOptions are share's flags for answering a request.
type shareRequestOptions struct {
	path         string
	picks        []string
	yes          bool
	dryRun       bool
	partial      bool
	acceptNewKey bool
	force        bool
}

func (o *shareRequestOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.path, "request", "", "answer this signed partner request (paspor-request/1; - for standard input)")
	f.StringArrayVar(&o.picks, "pick", nil, "with --request: answer an element with this document, TYPE=ID (repeatable)")
	f.BoolVarP(&o.yes, "yes", "y", false, "with --request: consent without asking (the screen is still printed)")
	f.BoolVar(&o.dryRun, "dry-run", false, "with --request: print the consent screen and write nothing")
	f.BoolVar(&o.partial, "partial", false, "with --request: send what you have when a mandatory item is missing")
	f.BoolVar(&o.acceptNewKey, "accept-new-key", false, "with --request: answer a known partner whose signing key changed")
	f.BoolVar(&o.force, "force", false, "with --request: share although this partner's feedback on a document is unresolved")
}

// used reports whether a request-only flag was given.
func (o *shareRequestOptions) used() bool {
	return len(o.picks) > 0 || o.yes || o.dryRun || o.partial || o.acceptNewKey || o.force
}

// checkRequestFlags refuses share's flags that the request decides.
func checkRequestFlags(selectors []string, opts shareOptions) error {
	if len(selectors) > 0 {
		return usageError("share --request takes no SELECTOR: the request says what to share",
			"when several documents can answer, choose with --pick TYPE=ID")
	}
	if len(opts.recipients) > 0 || len(opts.recipientFiles) > 0 || opts.nonce != "" || opts.purpose != "" ||
		len(opts.fields) > 0 || len(opts.attachments) > 0 {
		return usageError("-r, -R, --nonce, --purpose, --fields and --attachments cannot be combined with --request",
			"the request names the recipients, nonce, purpose and what to send")
	}
	if opts.format != "paspor-bundle" || opts.publicKey != "" || opts.scope != "" {
		return usageError("--request answers with a paspor bundle: --format, --public-key and --scope do not apply")
	}
	return nil
}

func runShareRequest(ctx context.Context, g *globals, selectors []string, opts shareOptions) error {
	ro := opts.request
	if err := checkRequestFlags(selectors, opts); err != nil {
		return err
	}
	if ro.dryRun && ro.yes {
		return usageError("--dry-run and --yes cannot be combined")
	}
	if g.json && !ro.dryRun && !ro.yes {
		return usageError("--json with --request needs --dry-run or --yes", "the consent question needs a terminal; --json is for scripts")
	}
	interactive := ro.path != "-" && isTerminal(g.stdin)
	if !ro.dryRun && !ro.yes && !interactive {
		return usageError("no terminal to ask for consent on",
			"read the screen with --dry-run, then consent with --yes")
	}
	picks, err := parsePicks(ro.picks)
	if err != nil {
		return err
	}
	ttl, err := parseTTL(opts.expires)
	if err != nil {
		return err
	}
	streamed := isStdio(opts.output) || isSpecialFile(opts.output)
	if !ro.dryRun {
		if streamed && g.json {
			return usageError("--json needs -o FILE: standard output carries the bundle")
		}
		if err := checkOutput(g, opts.output, "a binary bundle", opts.armor, true); err != nil {
			return err
		}
	}
	req, err := readRequest(g, ro.path)
	if err != nil {
		return err
	}
	pass, err := g.passphrase(ctx, "Passphrase: ", false)
	if err != nil {
		return err
	}
	defer clear(pass)
	snap, err := loadRequestSnapshot(ctx, g, pass, req)
	if err != nil {
		return err
	}
	if err := checkPartnerKey(snap, req, ro.acceptNewKey); err != nil {
		return err
	}
	p := &prompter{ctx: ctx, in: bufio.NewReader(g.stdin), out: g.stderr}
	plan, err := planAnswer(p, snap, req, picks, ro, interactive)
	if err != nil {
		return err
	}
	// The expiry rule of every share, before the screen: never ask consent for what is refused.
	var chosen []*wallet.Document
	for _, ch := range plan.chosen {
		if ch != nil {
			chosen = append(chosen, snap.byID[ch.DocumentID])
		}
	}
	if err := checkShareExpiry(g.stderr, chosen, opts.allowExpired); err != nil {
		return err
	}
	c := buildConsent(snap, req, plan, ro, ttl)
	screen := g.stderr
	if ro.dryRun {
		screen = g.stdout
	}
	if !g.json {
		printConsent(screen, c)
	}
	if err := checkAnswerable(c, ro); err != nil {
		if g.json && ro.dryRun {
			_ = printJSON(g.stdout, consentResult{consent: c})
		}
		return err
	}
	if ro.dryRun {
		if g.json {
			return printJSON(g.stdout, consentResult{consent: c})
		}
		fmt.Fprintln(g.stdout, "dry run: nothing was written")
		return nil
	}
	if !ro.yes {
		ok, err := askConsent(p, req)
		if err != nil {
			return err
		}
		if !ok {
			return &userError{msg: "declined: nothing was shared", code: exitDeclined}
		}
	}
	res, m, err := writeAnswer(ctx, g, pass, req, snap, plan, opts, ttl, c.Partial)
	if err != nil {
		return err
	}
	if g.json {
		return printJSON(g.stdout, consentResult{consent: c, Bundle: res})
	}
	summary, where := g.stdout, opts.output
	if streamed {
		summary = g.stderr
	}
	if isStdio(opts.output) {
		where = "standard output"
	}
	files := 0
	for _, d := range m.Documents {
		files += len(d.Files)
	}
	_, err = fmt.Fprintf(summary, "wrote bundle %s to %s answering request %s: %d document(s), %d scan(s), expires %s\n",
		m.BundleID, where, req.RequestID, len(m.Documents), files, m.ExpiresAt.Format(time.RFC3339))
	return err
}

// consentResult is share --request --json: the consent screen's content and, once written,
// the bundle.
type consentResult struct {
	*consent
	Bundle *shareView `json:"bundle,omitempty"`
}

// readRequest reads and verifies the request file (or standard input for "-"): format,
// signature by its own key, and the clock. Who signed it is checked against the wallet later.
func readRequest(g *globals, path string) (*request.Request, error) {
	var r io.Reader = g.stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, errorWithHint(exitNotFound, fmt.Sprintf("request file %s cannot be opened", path))
		}
		defer f.Close()
		r = f
	}
	req, err := request.Parse(r, request.ParseOptions{Now: testOnlyNow})
	if err != nil {
		return nil, withRequestHints(err)
	}
	return req, nil
}

// withRequestHints adds what the holder can do about a rejected request.
func withRequestHints(err error) error {
	ue := describeError(err)
	if ue.code != exitRejected {
		return err
	}
	ue.err = err
	ue.hints = append(ue.hints, "nothing was shared; ask the partner for a new request")
	return ue
}

// parsePicks reads --pick TYPE=ID values.
func parsePicks(values []string) (map[string]string, error) {
	picks := map[string]string{}
	for _, v := range values {
		t, id, ok := strings.Cut(v, "=")
		if !ok || t == "" || id == "" {
			return nil, usageError("--pick takes TYPE=ID", "for example --pick passport=3k9x")
		}
		if _, dup := picks[t]; dup {
			return nil, usageError("--pick names type " + t + " twice")
		}
		picks[t] = id
	}
	return picks, nil
}

// checkPartnerKey refuses a request signed by another key than the one the holder answered
// before under the same name, unless the holder accepts the new key.
func checkPartnerKey(snap *requestSnapshot, req *request.Request, accept bool) error {
	p := snap.pinned
	if p == nil || p.SigningKey == req.SigningKey || accept {
		return nil
	}
	return &userError{code: exitRejected,
		msg: fmt.Sprintf("request rejected (signer): %s is signed by key %s, not by the key %s you answered before",
			quoteName(req.Partner), req.Fingerprint(), keyFingerprint(p.SigningKey)),
		hints: []string{"someone else may be using this partner's name: nothing was shared",
			"if the partner told you by another channel that its key changed, pass --accept-new-key"}}
}

// checkAnswerable refuses a share the wallet cannot answer in full (unless --partial) or
// that feedback from this partner still holds back (unless --force).
func checkAnswerable(c *consent, ro shareRequestOptions) error {
	if !slices.ContainsFunc(c.Elements, func(e consentElement) bool { return e.Document != nil }) {
		return &userError{code: exitUnanswerable,
			msg:   "nothing in your wallet answers this request: missing " + c.missingSummary(),
			hints: []string{"add what is missing (paspor add, paspor attach); even --partial needs one document to send"}}
	}
	for _, e := range c.Elements {
		if e.Document != nil && slices.ContainsFunc(e.Missing, func(m string) bool { return strings.HasPrefix(m, string(request.ItemFreshness)+" ") }) {
			return &userError{code: exitUnanswerable,
				msg:   fmt.Sprintf("element %d: document %s is older than the request accepts", e.Index, e.Document.ID),
				hints: []string{"add a recent document of this type (paspor add), or choose another with --pick TYPE=ID"}}
		}
	}
	if !c.complete() && !ro.partial {
		return &userError{code: exitUnanswerable,
			msg:   "the wallet cannot answer this request: missing " + c.missingSummary(),
			hints: []string{"add what is missing (paspor add, paspor attach), or send without it with --partial"}}
	}
	if len(c.Unresolved) > 0 && !ro.force {
		return &userError{code: exitUnanswerable,
			msg: fmt.Sprintf("%d feedback item(s) from this partner on the documents asked for are unresolved", len(c.Unresolved)),
			hints: []string{"see paspor feedback show ID, then change what it names (paspor edit, paspor attach)",
				"--force shares the documents as they are"}}
	}
	return nil
}

// askConsent asks y/N on the terminal; anything but y or yes, and end of input, is no.
func askConsent(p *prompter, req *request.Request) (bool, error) {
	answer, err := p.ask("the consent question", fmt.Sprintf("Share this with %s? [y/N] ", quoteName(req.Partner)))
	if err != nil {
		if isInterrupted(err) {
			return false, err
		}
		return false, nil
	}
	answer = strings.ToLower(answer)
	return answer == "y" || answer == "yes", nil
}
