package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/export"
)

type openOptions struct {
	identities   []string
	holder       string
	nonce        string
	allowExpired bool
	output       string
	jobs         int
}

func (o *openOptions) AddFlags(f *pflag.FlagSet) {
	f.StringArrayVarP(&o.identities, "identity", "i", nil, "partner identity file: age or OpenSSH private key (repeatable)")
	f.StringVar(&o.holder, "holder", "", "pin the holder: an ssh-ed25519 key line, or a file holding one")
	f.StringVar(&o.nonce, "nonce", "", "require this request nonce")
	f.BoolVar(&o.allowExpired, "allow-expired", false, "accept bundles past their expiry")
	f.StringVarP(&o.output, "output", "o", "", "extract verified bundles into DIR/<bundle_id>/")
	f.IntVar(&o.jobs, "jobs", runtime.NumCPU(), "bundles checked in parallel")
}

func newOpenCommand(g *globals) *cobra.Command {
	var opts openOptions
	cmd := &cobra.Command{
		Use:   "open BUNDLE... -i IDENTITY [-o DIR]",
		Short: "Check (and extract) bundles received from holders",
		Long: `Decrypt and check bundles with the partner's identity: safe tar entries, the holder's
signature (against --holder when given), that the audience names this partner, the
expiry, the nonce (--nonce), and every file's size and SHA-256. With -o, a bundle lands in
DIR/<bundle_id>/ only after every check passed. Needs no wallet.

A rejected bundle gets a stable reason: decrypt, not_a_bundle, unsafe_entry, signature,
holder, audience, expired, nonce, hash, missing_file, extra_file, too_large. The others in
the batch still go on; the exit code is 9 if any was rejected.`,
		Example: `  paspor open kyc.age -i partner.key --holder holder.pub --nonce 8f2c -o received/
  paspor open inbox/*.age -i partner.key --json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runOpen(cmd.Context(), g, args, opts) },
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// testOnlyNow, when not zero, is the time open checks expiry against. Only the test binary
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
	CreatedAt    *time.Time        `json:"created_at,omitempty"`
	ExpiresAt    *time.Time        `json:"expires_at,omitempty"`
	Nonce        string            `json:"nonce,omitempty"`
	Purpose      string            `json:"purpose,omitempty"`
	Documents    []export.Document `json:"documents,omitempty"`
	Dir          string            `json:"dir,omitempty"`
	err          error
}

func runOpen(ctx context.Context, g *globals, bundles []string, opts openOptions) error {
	if len(opts.identities) == 0 {
		return usageError("no identity", "pass -i FILE (the partner's age identity or SSH private key)")
	}
	if opts.jobs < 1 {
		return usageError("--jobs must be at least 1")
	}
	var ids []crypto.PartnerIdentity
	for _, path := range opts.identities {
		data, err := readIdentityFile(path)
		if err != nil {
			return err
		}
		parsed, err := crypto.ParseIdentityFile(data)
		clear(data)
		if err != nil {
			return errorWithHint(exitInvalidInput, fmt.Sprintf("identity file %s: %s", path, lower(err.Error())))
		}
		ids = append(ids, parsed...)
	}
	var holder ed25519.PublicKey
	if opts.holder != "" {
		var err error
		if holder, err = parseHolderFlag(opts.holder); err != nil {
			return err
		}
	}
	if opts.output != "" {
		// Made here, once: parallel opens must not race to create (or remove) it. If we made
		// it and nothing landed, it goes again: a rejected bundle leaves nothing behind.
		if _, err := os.Stat(opts.output); os.IsNotExist(err) {
			defer os.Remove(opts.output) // fails, harmlessly, once a bundle is inside
		}
		if err := os.MkdirAll(opts.output, 0o700); err != nil {
			return fmt.Errorf("failed to create %s: %w", opts.output, err)
		}
	}
	base := export.OpenOptions{Identities: ids, Holder: holder, Nonce: opts.nonce,
		AllowExpired: opts.allowExpired, OutDir: opts.output, Now: testOnlyNow}
	results := make([]openSummary, len(bundles))
	sem := make(chan struct{}, opts.jobs)
	var wg sync.WaitGroup
	for i, path := range bundles {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			results[i] = openOne(ctx, g, path, base, len(bundles) == 1)
		}()
	}
	wg.Wait()
	return reportOpen(g, results)
}

func openOne(ctx context.Context, g *globals, path string, opts export.OpenOptions, progress bool) openSummary {
	s := openSummary{Bundle: path}
	if err := ctx.Err(); err != nil {
		s.err = err
		return s
	}
	f, err := os.Open(path)
	if err != nil {
		s.err = errorWithHint(exitNotFound, fmt.Sprintf("%s cannot be opened", path))
		return s
	}
	defer f.Close()
	src := interruptible(ctx, f)
	if st, err := f.Stat(); err == nil && progress {
		src = withProgress(g, src, st.Size(), "checking "+filepath.Base(path))
	}
	res, err := export.Open(src, opts)
	if err != nil {
		var rej *export.RejectedError
		if errors.As(err, &rej) {
			s.Reason, s.Detail = rej.Reason, rej.Detail
		}
		s.err = err
		return s
	}
	m := res.Manifest
	s.Verified, s.BundleID, s.Holder, s.Fingerprint, s.HolderPinned = true, m.BundleID, res.Holder, res.Fingerprint, res.HolderPinned
	s.CreatedAt, s.ExpiresAt, s.Nonce, s.Purpose, s.Documents, s.Dir = &m.CreatedAt, &m.ExpiresAt, m.Nonce, m.Purpose, m.Documents, res.Dir
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
			printError(g.stderr, &userError{msg: s.Bundle + ": " + ue.msg, hints: ue.hints, code: ue.code})
		}
		switch {
		case g.json && len(results) == 1:
			if s.err == nil || s.Reason != "" {
				printJSON(g.stdout, s)
			}
		case g.json:
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

func printOpenText(g *globals, s openSummary) {
	fmt.Fprintf(g.stdout, "%s: verified bundle %s\n", s.Bundle, s.BundleID)
	pinned := "NOT PINNED: pass --holder to check who signed"
	if s.HolderPinned {
		pinned = "pinned"
	}
	fmt.Fprintf(g.stdout, "  holder:   %s (%s)\n", s.Fingerprint, pinned)
	fmt.Fprintf(g.stdout, "  created:  %s, expires %s\n", s.CreatedAt.Format(time.RFC3339), s.ExpiresAt.Format(time.RFC3339))
	if s.Nonce != "" {
		fmt.Fprintf(g.stdout, "  nonce:    %s\n", s.Nonce)
	}
	if s.Purpose != "" {
		fmt.Fprintf(g.stdout, "  purpose:  %s\n", s.Purpose)
	}
	for _, d := range s.Documents {
		var roles []string
		for _, f := range d.Files {
			roles = append(roles, f.Role)
		}
		fmt.Fprintf(g.stdout, "  document: %s %s, %d field(s), scans: %s\n", d.Type, d.ID, len(d.Fields), dash(strings.Join(roles, ", ")))
	}
	if s.Dir != "" {
		fmt.Fprintf(g.stdout, "  saved in: %s\n", s.Dir)
	}
}

// parseHolderFlag accepts a key line or the path of a file holding one.
func parseHolderFlag(v string) (ed25519.PublicKey, error) {
	text := v
	if !strings.HasPrefix(strings.TrimSpace(v), "ssh-") {
		data, err := os.ReadFile(v)
		if err != nil {
			return nil, errorWithHint(exitNotFound, fmt.Sprintf("holder key file %s cannot be read", v),
				"--holder takes an ssh-ed25519 line or a file holding one (the holder's paspor key)")
		}
		text = string(data)
	}
	pub, err := crypto.ParseHolderKey(text)
	if err != nil {
		return nil, usageError("--holder is not an ssh-ed25519 public key", "ask the holder for the output of: paspor key")
	}
	return pub, nil
}
