package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/export"
	"github.com/paspor/paspor/internal/termsafe"
	"github.com/paspor/paspor/wallet"
)

type shareOptions struct {
	recipients     []string
	recipientFiles []string
	output         string
	armor          bool
	nonce          string
	expires        string
	purpose        string
	fields         []string
	attachments    []string
	format         string
	publicKey      string
	scope          string
	allowExpired   bool
	request        shareRequestOptions
}

const defaultShareExpires = "168h"

func (o *shareOptions) AddFlags(f *pflag.FlagSet) {
	f.StringArrayVarP(&o.recipients, "recipient", "r", nil, "partner recipient: age1..., age1pq1..., ssh-ed25519 ... or ssh-rsa ... (repeatable)")
	f.StringArrayVarP(&o.recipientFiles, "recipients-file", "R", nil, "file of partner recipients, one per line; - for standard input (repeatable)")
	f.StringVarP(&o.output, "output", "o", "", "write the bundle to this file (must not exist); - or no -o: standard output")
	f.BoolVarP(&o.armor, "armor", "a", false, "write an ASCII-armored (PEM) age file")
	f.StringVar(&o.nonce, "nonce", "", "the partner's request nonce, signed into the bundle")
	f.StringVar(&o.expires, "expires", defaultShareExpires, "how long the bundle is valid (e.g. 48h, 7d)")
	f.StringVar(&o.purpose, "purpose", "", "why you share, signed into the bundle")
	f.StringSliceVar(&o.fields, "fields", nil, "only these fields (comma-separated names)")
	f.StringSliceVar(&o.attachments, "attachments", nil, "only these scans (front_side, selfie, file, translation/2, ...; none for no scans)")
	f.StringVar(&o.format, "format", "paspor-bundle", "paspor-bundle, or telegram for Telegram Passport data (see paspor help telegram)")
	f.StringVar(&o.publicKey, "public-key", "", "with --format telegram: the bot's RSA public key (PEM)")
	f.StringVar(&o.scope, "scope", "", "with --format telegram: the bot's PassportScope JSON; only what it asks for is sent")
	f.BoolVar(&o.allowExpired, "allow-expired", false, "share a document whose expiry_date has passed (refused otherwise)")
	o.request.AddFlags(f)
}

func newShareCommand(g *globals) *cobra.Command {
	var opts shareOptions
	cmd := &cobra.Command{
		Use:   "share SELECTOR... (-r RECIPIENT | -R FILE)... [-o OUT]",
		Short: "Hand documents to a partner as a signed, encrypted bundle",
		Long: `Write a bundle (format paspor-bundle/1) of the selected documents, signed with your
holder key and encrypted to the partner's recipients. A SELECTOR is a document ID, a
unique ID prefix, or a type that exactly one document has.

--fields and --attachments are allowlists: what they leave out appears nowhere in the
bundle. share warns about scans that still carry metadata (kept with --keep-metadata,
added before paspor cleaned scans, or PDFs). The recipients, the nonce and the expiry are inside the signed content, so a
partner that re-encrypts the bundle to someone else hands over a bundle that is refused.
Every share is recorded in the wallet (paspor history).

A document whose expiry_date has passed is refused (exit 8, nothing written) unless
--allow-expired; one that expires within 30 days, and a proof of address issued more than
90 days ago, draw a warning on stderr (paspor help expiring).

As in age, -o - (or no -o) writes the bundle to standard output, which is refused when it
is a terminal unless --armor; an existing named pipe or device (-o /dev/stdout) is written
in place. The summary line then goes to stderr.

share --request REQ [-o OUT] answers a partner's signed request (paspor-request/1) instead:
the request names the recipients, nonce, purpose and what to send, so -r, -R, --nonce,
--purpose, --fields, --attachments and SELECTORs are refused. A consent screen shows who asks
(its name, signing-key fingerprint, and whether you answered it before or its key changed),
why, and exactly which documents, fields and scans go, before anything is written; on a
terminal paspor asks y/N (no: exit 13, nothing written), in scripts --yes consents and
--dry-run only shows it. A request the wallet cannot answer in full is refused with exit 14,
unless --partial; so is one while this partner's feedback on a document it asks for is
unresolved (paspor feedback), unless --force.`,
		Example: `  paspor share passport address -r age1pq1... -o bank.age --nonce 8f2c --purpose "account opening"
  paspor share 3k9x -R bank-recipients.txt -o kyc.age --fields first_name,last_name,birth_date --attachments none
  paspor share --request req.paspor --dry-run
  paspor share --request req.paspor -o kyc.age --pick passport=3k9x --yes`,
		Args: func(cmd *cobra.Command, args []string) error {
			if opts.request.path != "" {
				return nil // runShareRequest refuses selectors with a hint
			}
			return cobra.MinimumNArgs(1)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runShare(cmd.Context(), g, args, opts) },
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

func runShare(ctx context.Context, g *globals, selectors []string, opts shareOptions) error {
	if opts.request.path != "" {
		return runShareRequest(ctx, g, selectors, opts)
	}
	if opts.request.used() {
		return usageError("--pick, --yes, --dry-run, --partial, --accept-new-key and --force need --request")
	}
	switch opts.format {
	case "telegram":
		return runShareTelegram(ctx, g, selectors, opts)
	case "paspor-bundle":
		if opts.publicKey != "" || opts.scope != "" {
			return usageError("--public-key and --scope need --format telegram")
		}
	default:
		return usageError("--format is paspor-bundle or telegram")
	}
	recipients, err := collectRecipients(g, opts)
	if err != nil {
		return err
	}
	ttl, err := parseTTL(opts.expires)
	if err != nil {
		return err
	}
	// A bundle streamed to stdout, a pipe or a device (-o /dev/stdout) may share that stream
	// with the summary: the summary goes to stderr, and --json (whose result is data) is refused.
	streamed := isStdio(opts.output) || isSpecialFile(opts.output)
	if streamed && g.json {
		return usageError("--json needs -o FILE: standard output carries the bundle")
	}
	if err := checkOutput(g, opts.output, "a binary bundle", opts.armor, true); err != nil {
		return err
	}
	w, sel, err := unlockSelection(ctx, g, selectors, opts.fields, opts.attachments)
	if err != nil {
		return err
	}
	defer w.Close()
	if err := checkShareExpiry(g.stderr, sel.docs, opts.allowExpired); err != nil {
		return err
	}
	edocs, sources := sel.exportDocuments()
	var watcher scanWatcher
	open := func(d, f int) (io.ReadCloser, error) {
		file := edocs[d].Files[f]
		r, _, err := w.OpenAttachment(sources[d], file.Role)
		if err != nil {
			return nil, err
		}
		r = watcher.watch(sources[d].ID+" "+file.Role, file.MediaType, r)
		return readCloser{withProgress(g, interruptible(ctx, r), file.Size, "sharing "+file.Role), r}, nil
	}
	var m *export.Manifest
	err = writeOutput(g, opts.output, func(out io.Writer) error {
		m, err = export.Write(out, edocs, open, export.WriteOptions{Recipients: recipients, Armor: opts.armor,
			Nonce: opts.nonce, Purpose: opts.purpose, TTL: ttl, Signer: w.SigningKey()})
		return err
	})
	if err != nil {
		return err
	}
	watcher.warn(g.stderr)
	rec := wallet.ShareRecord{BundleID: m.BundleID, CreatedAt: m.CreatedAt, ExpiresAt: m.ExpiresAt,
		Audience: m.Audience, Nonce: m.Nonce, Purpose: m.Purpose, Documents: sel.shared(m)}
	if err := w.RecordShare(rec); err != nil {
		return fmt.Errorf("bundle written to %s, but failed to record it in the history: %w", opts.output, err)
	}
	if g.json {
		res := shareViewOf(rec)
		res.Path = opts.output
		return printJSON(g.stdout, res)
	}
	files := 0
	for _, d := range m.Documents {
		files += len(d.Files)
	}
	summary, where := g.stdout, opts.output
	if streamed {
		summary = g.stderr
	}
	if isStdio(opts.output) {
		where = "standard output"
	}
	_, err = fmt.Fprintf(summary, "wrote bundle %s to %s: %d document(s), %d scan(s), for %d recipient(s), expires %s\n",
		m.BundleID, where, len(m.Documents), files, len(m.Audience), m.ExpiresAt.Format(time.RFC3339))
	return err
}

// collectRecipients gathers -r values and -R files, in that order, and parses them. As in
// age, -R - reads the recipients from standard input.
func collectRecipients(g *globals, opts shareOptions) (*export.Recipients, error) {
	if err := stdinOnce(g, "recipients file", opts.recipientFiles...); err != nil {
		return nil, err
	}
	recipients := slices.Clone(opts.recipients)
	for _, path := range opts.recipientFiles {
		var r io.Reader = g.stdin
		name := "from standard input"
		if path != "-" {
			f, err := os.Open(path)
			if err != nil {
				return nil, errorWithHint(exitNotFound, fmt.Sprintf("recipients file %s cannot be opened", termsafe.Escape(path)))
			}
			defer f.Close()
			r, name = f, termsafe.Escape(path)
		}
		rs, err := crypto.ParseRecipientsFile(r)
		if err != nil {
			return nil, errorWithHint(exitInvalidInput, fmt.Sprintf("recipients file %s: %s", name, lower(err.Error())))
		}
		recipients = append(recipients, rs...)
	}
	// Parsed once, here, so that a typo fails before the passphrase is asked; describeError
	// turns a bad or mixed recipient into a usage error.
	return export.ParseRecipients(recipients)
}

// parseTTL reads Go durations plus a whole-day form ("7d").
func parseTTL(s string) (time.Duration, error) {
	var d time.Duration
	var err error
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		// n is bounded before multiplying: a huge count would wrap around to a short TTL.
		if _, err = fmt.Sscanf(days, "%d", &n); err == nil && fmt.Sprint(n) == days && n > 0 && n <= 5*365 {
			d = time.Duration(n) * 24 * time.Hour
		} else {
			err = errors.New("bad days")
		}
	} else {
		d, err = time.ParseDuration(s)
	}
	if err != nil || d <= 0 || d > 5*365*24*time.Hour {
		return 0, usageError("--expires takes a positive duration up to 5 years", "for example 48h, 90m or 7d")
	}
	return d, nil
}

// resolveSelectors maps each selector to one document; a document named twice counts once.
func resolveSelectors(w *wallet.Wallet, selectors []string) ([]*wallet.Document, error) {
	var docs []*wallet.Document
	seen := map[string]bool{}
	for _, s := range selectors {
		d, err := w.Resolve(s)
		if err != nil {
			return nil, err
		}
		if !seen[d.ID] {
			seen[d.ID] = true
			docs = append(docs, d)
		}
	}
	return docs, nil
}
