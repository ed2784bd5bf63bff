package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/paspor/paspor/export"
	"github.com/paspor/paspor/export/request"
	"github.com/paspor/paspor/internal/termsafe"
)

type openOptions struct {
	identities   []string
	holder       string
	holderName   string
	knownHolders string
	remember     bool
	nonce        string
	allowExpired bool
	output       string
	jobs         int
	request      string
	partner      string
	replay       string
	partial      bool
	changed      func(name string) bool
}

func (o *openOptions) AddFlags(f *pflag.FlagSet) {
	f.StringArrayVarP(&o.identities, "identity", "i", nil, "partner identity file: age or OpenSSH private key (repeatable)")
	f.StringVar(&o.holder, "holder", "", "pin the holder: an ssh-ed25519 key line, or a file holding one")
	f.StringVar(&o.holderName, "holder-name", "", "pin the holder to NAME's key in the known-holders file")
	f.StringVar(&o.knownHolders, "known-holders", "", "known-holders file; - reads it from standard input (default $XDG_CONFIG_HOME/paspor/known_holders)")
	f.BoolVar(&o.remember, "remember", false, "with --holder-name: add the verified holder's key to the known-holders file")
	f.StringVar(&o.nonce, "nonce", "", "require this request nonce")
	f.BoolVar(&o.allowExpired, "allow-expired", false, "accept bundles past their expiry")
	f.StringVarP(&o.output, "output", "o", "", "extract verified bundles into DIR/<bundle_id>/")
	f.IntVar(&o.jobs, "jobs", runtime.NumCPU(), "bundles checked in parallel")
	f.StringVar(&o.request, "request", "", "check that each bundle answers this request (paspor partner request)")
	f.StringVar(&o.partner, "partner", "", "partner folder: its identity, the request each bundle names, its replay store")
	f.StringVar(&o.replay, "replay", "", "with --request and no --partner: the replay store file")
	f.BoolVar(&o.partial, "partial", false, "with a request: accept a bundle that lacks what the holder did not have")
	o.changed = func(name string) bool { return f.Changed(name) }
}

func newOpenCommand(g *globals) *cobra.Command {
	var opts openOptions
	cmd := &cobra.Command{
		Use:   "open BUNDLE... (-i IDENTITY | --partner DIR) [--request FILE] [--holder KEY | --holder-name NAME] [-o DIR]",
		Short: "Check (and extract) bundles received from holders",
		Long: `Decrypt and check bundles with the partner's identity: safe tar entries, the holder's
signature (against --holder, or NAME's key in the known-holders file with --holder-name),
that the audience names this partner and nobody else can decrypt, the times, the nonce
(--nonce), and every file's size, SHA-256 and media type. With -o, a bundle lands in
DIR/<bundle_id>/ only after every check passed. Needs no wallet.

Without --holder or --holder-name anyone's validly signed bundle verifies, and the output
says NOT PINNED. --holder-name NAME --remember pins NAME to the holder key of the bundle the
first time; after that a bundle for NAME signed by another key is refused (holder).
A BUNDLE of - is read from standard input (once per run), as age reads it.

A rejected bundle gets a stable reason: decrypt, not_a_bundle, unsafe_entry, signature,
holder, audience, not_yet_valid, expired, nonce, hash, media_type, missing_file,
extra_file, too_large. The others in the batch still go on; the exit code is 9 if any was
rejected. A bundle whose folder DIR/<bundle_id>/ already exists (it was opened there
before) is not replaced: its reason is exists, and the exit code 10 unless one was rejected.

With --partner DIR (a partner folder: paspor partner keygen --partner), the folder's
identity opens the bundles, each bundle must answer the request its manifest names (one
made with paspor partner request from that folder), and the folder's replay store refuses
a second bundle for the same request. --request FILE checks against that request instead
(with --replay FILE when there is no folder). The checks, after the ones above: request_id,
nonce, audience (exactly the request's recipients), late (made outside the request's
validity), extra (a document, field or scan not asked for), stale (a proof of address older
than max_age), missing (a mandatory element, field or scan; --partial accepts it), replay
(the request was answered before). A rejected bundle writes nothing, and its nonce stays
unused. A holder who resends after feedback answers a new request: make one with
paspor partner request.`,
		Example: `  paspor open kyc.age -i partner.key --holder holder.pub --nonce 8f2c -o received/
  paspor open kyc.age -i partner.key --holder-name customer-4711 --remember
  paspor open inbox/*.age -i partner.key --json
  paspor open kyc.age --partner bank/ -o received/
  paspor open kyc.age -i partner.key --request req.paspor --replay seen.json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runOpen(cmd.Context(), g, args, opts) },
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// stdinBundle is the BUNDLE argument that reads the bundle from standard input, as age
// reads "-"; at most once per run.
const stdinBundle = "-"

// reasonExists is the JSON reason of a bundle that passed every check but whose folder in
// -o DIR already exists (exit 10).
const reasonExists = "exists"

// testOnlyNow, when not zero, is the time open checks times against. Only the test binary
// sets it, so that scripts test expiry without waiting for a clock.
var testOnlyNow time.Time

// openSummary is what open prints per bundle (one JSON object per line for several).
type openSummary struct {
	Bundle       string            `json:"bundle"`
	Verified     bool              `json:"verified"`
	Reason       string            `json:"reason,omitempty"`
	Detail       string            `json:"detail,omitempty"`
	BundleID     string            `json:"bundle_id,omitempty"`
	Holder       string            `json:"holder,omitempty"`
	Fingerprint  string            `json:"fingerprint,omitempty"`
	HolderPinned bool              `json:"holder_pinned"`
	HolderName   string            `json:"holder_name,omitempty"`
	KnownAs      []string          `json:"holder_known_as,omitempty"`
	Remembered   bool              `json:"holder_remembered,omitempty"`
	Audience     []string          `json:"audience,omitempty"`
	CreatedAt    *time.Time        `json:"created_at,omitempty"`
	ExpiresAt    *time.Time        `json:"expires_at,omitempty"`
	Nonce        string            `json:"nonce,omitempty"`
	Purpose      string            `json:"purpose,omitempty"`
	Documents    []export.Document `json:"documents,omitempty"`
	RequestID    string            `json:"request_id,omitempty"`
	Answers      bool              `json:"answers_request,omitempty"`
	Dir          string            `json:"dir,omitempty"`
	err          error
}

func runOpen(ctx context.Context, g *globals, bundles []string, opts openOptions) error {
	if err := checkOpenFlags(opts, bundles); err != nil {
		return err
	}
	var st *partnerState
	if opts.partner != "" {
		var err error
		if st, err = openPartnerState(opts.partner); err != nil {
			return err
		}
		if len(opts.identities) == 0 {
			opts.identities = []string{filepath.Join(opts.partner, partnerIdentityFile)}
		}
	}
	rc, err := newRequestCheck(opts, st)
	if err != nil {
		return err
	}
	ids, err := readIdentities(opts.identities)
	if err != nil {
		return err
	}
	pins, err := resolveHolderPins(g, opts)
	if err != nil {
		return err
	}
	if opts.output != "" {
		// Made here, once: parallel opens must not race to create (or remove) it, and
		// export.Open never creates or removes it. If we made it and nothing landed, it goes
		// again: a rejected bundle leaves nothing behind.
		if _, err := os.Stat(opts.output); os.IsNotExist(err) {
			defer os.Remove(opts.output) // fails, harmlessly, once a bundle is inside
		}
		if err := os.MkdirAll(opts.output, 0o700); err != nil {
			return fmt.Errorf("failed to create %s: %w", opts.output, err)
		}
	}
	base := export.OpenOptions{Identities: ids, Holder: pins.key, Nonce: opts.nonce,
		AllowExpired: opts.allowExpired, OutDir: opts.output, StageLog: stageLogDir(), Now: testOnlyNow}
	results := make([]openSummary, len(bundles))
	sem := make(chan struct{}, opts.jobs)
	var wg sync.WaitGroup
	for i, path := range bundles {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			results[i] = openOne(ctx, g, path, base, rc, len(bundles) == 1)
		}()
	}
	wg.Wait()
	for i := range results {
		pins.annotate(&results[i])
	}
	if opts.remember && results[0].err == nil {
		if err := pins.remember(&results[0]); err != nil {
			return err
		}
	}
	return reportOpen(g, results)
}

// checkOpenFlags fails closed: an empty value for a flag that narrows what is accepted would
// otherwise mean "check nothing" (an unset variable in a partner's script).
func checkOpenFlags(opts openOptions, bundles []string) error {
	for _, name := range []string{"holder", "holder-name", "nonce", "known-holders", "output", "request", "partner", "replay"} {
		if opts.changed(name) && flagValue(opts, name) == "" {
			return usageError(fmt.Sprintf("--%s is empty", name), "an empty value would check nothing; leave the flag out or give a value")
		}
	}
	for _, id := range opts.identities {
		if id == "" {
			return usageError("-i is empty", "pass -i FILE (the partner's age identity or SSH private key)")
		}
	}
	if len(opts.identities) == 0 && opts.partner == "" {
		return usageError("no identity", "pass -i FILE (the partner's age identity or SSH private key) or --partner DIR")
	}
	if opts.jobs < 1 {
		return usageError("--jobs must be at least 1")
	}
	if opts.remember && (opts.holderName == "" || len(bundles) != 1) {
		return usageError("--remember needs --holder-name and exactly one bundle")
	}
	stdin := 0
	for _, b := range bundles {
		if b == stdinBundle {
			stdin++
		}
	}
	if opts.knownHolders == "-" {
		stdin++
		if opts.remember {
			return usageError("--remember writes the known-holders file, and standard input (--known-holders -) cannot be written")
		}
	}
	if stdin > 1 {
		return usageError("standard input (-) can be read only once", "name the other bundles (or the known-holders file) by their files")
	}
	return nil
}

func flagValue(opts openOptions, name string) string {
	switch name {
	case "holder":
		return opts.holder
	case "holder-name":
		return opts.holderName
	case "nonce":
		return opts.nonce
	case "known-holders":
		return opts.knownHolders
	case "request":
		return opts.request
	case "partner":
		return opts.partner
	case "replay":
		return opts.replay
	}
	return opts.output
}

func openOne(ctx context.Context, g *globals, path string, opts export.OpenOptions, rc *requestCheck, progress bool) openSummary {
	s := openSummary{Bundle: path}
	if err := ctx.Err(); err != nil {
		s.err = err
		return s
	}
	var src io.Reader
	if path == stdinBundle {
		// No progress bar: the size of a pipe is not known.
		src = interruptible(ctx, g.stdin)
	} else {
		f, err := os.Open(path)
		if err != nil {
			s.err = errorWithHint(exitNotFound, "cannot be opened")
			return s
		}
		defer f.Close()
		src = interruptible(ctx, f)
		if st, err := f.Stat(); err == nil && progress {
			src = withProgress(g, src, st.Size(), "checking "+termsafe.Escape(filepath.Base(path)))
		}
	}
	var req *request.Request
	if rc != nil {
		opts = rc.options(opts, &req)
	}
	res, err := export.Open(src, opts)
	if err != nil {
		var (
			rej *export.RejectedError
			rqr *request.RejectedError
			exi *export.ExistsError
		)
		switch {
		case errors.As(err, &rej):
			s.Reason, s.Detail = rej.Reason, rej.Detail
		case errors.As(err, &rqr):
			s.Reason, s.Detail = rqr.Reason, rqr.Detail
		case errors.As(err, &exi):
			// Checked, but not extracted: verified stays false, since nothing of this run
			// landed; the folder from before is named.
			s.Reason, s.Detail, s.BundleID, s.Dir = reasonExists, "the bundle's folder already exists; nothing was replaced", exi.BundleID, exi.Dir
		}
		s.err = err
		return s
	}
	m := res.Manifest
	s.Verified, s.BundleID, s.Holder, s.Fingerprint, s.HolderPinned = true, m.BundleID, res.Holder, res.Fingerprint, res.HolderPinned
	s.Audience, s.CreatedAt, s.ExpiresAt, s.Nonce, s.Purpose, s.Documents, s.Dir = m.Audience, &m.CreatedAt, &m.ExpiresAt, m.Nonce, m.Purpose, m.Documents, res.Dir
	s.RequestID = m.RequestID
	if rc != nil {
		s.Answers = true
		if err := rc.keep(m); err != nil {
			s.err = err
		}
	}
	return s
}

// reportOpen prints each result in input order and picks the exit code: rejected (9) if
// any bundle was rejected, else the first other failure's class.
func reportOpen(g *globals, results []openSummary) error {
	code := exitOK
	for _, s := range results {
		if s.err != nil {
			c := exitCodeOf(s.err)
			if c == exitRejected || code == exitOK {
				code = c
			}
			ue := describeError(s.err)
			printError(g.stderr, &userError{msg: termsafe.Escape(s.Bundle + ": " + ue.msg), hints: ue.hints, code: ue.code}, g.json)
		}
		switch {
		case g.json:
			// One compact line per bundle, however many: a failure that is no check of the
			// bundle (a file that cannot be read, Ctrl-C) has the exit code's name as reason.
			if s.err != nil && s.Reason == "" {
				ue := describeError(s.err)
				s.Reason, s.Detail = exitCodeName(ue.code), ue.msg
			}
			printJSONLine(g.stdout, s)
		case s.err == nil:
			printOpenText(g, s)
		}
	}
	if code != exitOK {
		return errExit{code}
	}
	return nil
}

// printOpenText prints a verified bundle. Every string that came from the bundle has passed
// the manifest's grammar, and is escaped again here; free text is quoted, so that nothing a
// holder wrote can pass for one of these lines.
func printOpenText(g *globals, s openSummary) {
	fmt.Fprintf(g.stdout, "%s: verified bundle %s\n", termsafe.Escape(s.Bundle), s.BundleID)
	pinned := "NOT PINNED: anyone could have signed it; pass --holder or --holder-name to check who"
	switch {
	case s.HolderPinned && s.HolderName != "":
		pinned = "pinned as " + s.HolderName
	case s.HolderPinned:
		pinned = "pinned"
	case s.Remembered:
		pinned = "NOT PINNED, now remembered as " + s.HolderName
	}
	fmt.Fprintf(g.stdout, "  holder:   %s (%s)\n", s.Fingerprint, pinned)
	if len(s.KnownAs) > 0 && !s.HolderPinned {
		fmt.Fprintf(g.stdout, "  known as: %s (in the known-holders file)\n", strings.Join(s.KnownAs, ", "))
	}
	fmt.Fprintf(g.stdout, "  audience: %d recipient(s), this partner among them, one age stanza each\n", len(s.Audience))
	fmt.Fprintf(g.stdout, "  created:  %s, expires %s\n", s.CreatedAt.Format(time.RFC3339), s.ExpiresAt.Format(time.RFC3339))
	if s.Nonce != "" {
		fmt.Fprintf(g.stdout, "  nonce:    %s\n", termsafe.Quote(s.Nonce))
	}
	if s.Purpose != "" {
		fmt.Fprintf(g.stdout, "  purpose:  %s\n", termsafe.Quote(s.Purpose))
	}
	if s.Answers {
		fmt.Fprintf(g.stdout, "  request:  %s answered (nonce now used)\n", s.RequestID)
	}
	for _, d := range s.Documents {
		var roles []string
		for _, f := range d.Files {
			roles = append(roles, f.Role)
		}
		fmt.Fprintf(g.stdout, "  document: %s %s, %d field(s), scans: %s\n", termsafe.Escape(d.Type), termsafe.Escape(d.ID),
			len(d.Fields), dash(termsafe.Escape(strings.Join(roles, ", "))))
	}
	if s.Dir != "" {
		fmt.Fprintf(g.stdout, "  saved in: %s\n", termsafe.Escape(s.Dir))
	}
}
