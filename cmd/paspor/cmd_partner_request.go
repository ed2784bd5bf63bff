package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/export/request"
	"github.com/paspor/paspor/internal/termsafe"
)

type partnerRequestOptions struct {
	partner   string
	name      string
	purpose   string
	output    string
	scopeFile string
	wants     []string
	expires   string
	changed   func(name string) bool
}

func (o *partnerRequestOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.partner, "partner", "", "the partner folder (paspor partner keygen --partner DIR)")
	f.StringVar(&o.name, "name", "", "the partner name holders see (default: the folder's name)")
	f.StringVar(&o.purpose, "purpose", "", "why the partner asks, shown to the holder (required)")
	f.StringVarP(&o.output, "output", "o", "", "write the request to FILE (never overwritten; - for standard output)")
	f.StringVar(&o.scopeFile, "scope", "", `what to ask for: a native scope {"elements":[...]} or a Telegram PassportScope {"v":1,"data":[...]} file`)
	f.StringArrayVar(&o.wants, "want", nil, "what to ask for, one element per flag: TYPE[|TYPE...][:OPTION,...] (see below)")
	f.StringVar(&o.expires, "expires", "24h", "how long the request is valid, at most 30d (e.g. 90m, 48h, 7d)")
	o.changed = func(name string) bool { return f.Changed(name) }
}

func newPartnerRequestCommand(g *globals) *cobra.Command {
	var opts partnerRequestOptions
	cmd := &cobra.Command{
		Use:   "request --partner DIR --purpose TEXT -o FILE (--scope FILE | --want SPEC...) [--expires 24h]",
		Short: "Write a signed request (paspor-request/1) for a holder to answer",
		Long: `Write a request signed with the partner folder's signing key: a fresh request ID and
128-bit nonce, the partner name, the folder's recipient(s), the purpose, the validity and a
scope saying what to send. The holder answers it with: paspor share --request FILE. The
request is kept in DIR/requests/, so that paspor open --partner DIR finds it by the ID the
bundle names. The request ID and nonce are printed (on standard error with -o -).

The scope comes from --scope FILE (a native scope, or Telegram's PassportScope JSON with
one_of, selfie, translation, native_names and the aliases id_document, address_document),
or from --want flags, one element each:

  --want TYPES[:OPTION,OPTION,...]

TYPES is a document type, or several joined by | (the holder sends one of them, first
preferred); id_document and address_document stand for their types. OPTIONs:

  selfie, translation      the selfie scan, the translation scans
  native_names             personal_details in the native script too
  optional                 the holder may leave the element out
  max_age=DAYS             a proof of address issued at most DAYS days ago
  fields=NAME+NAME...      only these fields (default: all)
  scans=ROLE+ROLE...       only these of front_side, reverse_side, file; scans=none for none

docs/request-format.md specifies the file.`,
		Example: `  paspor partner request --partner bank/ --purpose "account opening" -o req.paspor \
      --want personal_details --want 'passport|identity_card|driver_license:selfie,translation' \
      --want address_document:max_age=90
  paspor partner request --partner bank/ --purpose "account opening" --scope scope.json -o -`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error { return runPartnerRequest(g, opts) },
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// requestSummary is what partner request prints.
type requestSummary struct {
	RequestID   string    `json:"request_id"`
	Nonce       string    `json:"nonce"`
	Partner     string    `json:"partner"`
	Fingerprint string    `json:"fingerprint"`
	Purpose     string    `json:"purpose"`
	CreatedAt   time.Time `json:"created_at"`
	ExpiresAt   time.Time `json:"expires_at"`
	ScopeFrom   string    `json:"scope_from"`
	Elements    int       `json:"elements"`
	File        string    `json:"file"`
}

func runPartnerRequest(g *globals, opts partnerRequestOptions) error {
	if opts.output == "" {
		return usageError("no output", "pass -o FILE, or -o - for standard output")
	}
	if opts.purpose == "" {
		return usageError("no purpose", "pass --purpose TEXT: the holder sees why you ask")
	}
	if opts.changed("name") {
		if err := checkNameFlag(opts.name); err != nil {
			return err
		}
	}
	validity, err := parseTTL(opts.expires)
	if err != nil || validity < time.Second || validity > request.MaxValidity {
		return usageError("--expires takes a duration from 1s to 30d", "for example 90m, 48h or 7d")
	}
	scope, from, err := requestScope(opts)
	if err != nil {
		return err
	}
	st, err := openPartnerFlag(opts.partner)
	if err != nil {
		return err
	}
	if opts.output != "-" {
		if err := checkOutput(g, opts.output, "request", true, false); err != nil {
			return err
		}
	}
	name := st.name
	if opts.name != "" {
		name = opts.name
	}
	req, err := request.New(request.NewOptions{Partner: name, Purpose: opts.purpose, Recipients: st.recipients,
		SigningKey: st.publicKey(), Scope: scope, Now: testOnlyNow, Validity: validity})
	if err != nil {
		return requestFlagError(err)
	}
	file, err := request.Sign(req, st.signer)
	if err != nil {
		return err
	}
	// Kept first: a request the partner cannot find again could never be checked.
	if err := st.saveRequest(req.RequestID, file); err != nil {
		return err
	}
	if err := writeOutput(g, opts.output, func(w io.Writer) error { _, err := w.Write(file); return err }); err != nil {
		os.Remove(st.requestPath(req.RequestID))
		return err
	}
	sum := requestSummary{RequestID: req.RequestID, Nonce: req.Nonce, Partner: req.Partner, Fingerprint: crypto.Fingerprint(st.publicKey()),
		Purpose: req.Purpose, CreatedAt: req.CreatedAt, ExpiresAt: req.ExpiresAt, ScopeFrom: from, Elements: len(scope.Elements), File: opts.output}
	out := g.stdout
	if opts.output == "-" {
		out = g.stderr
	}
	if g.json {
		return printJSON(out, sum)
	}
	fmt.Fprintf(out, "wrote request %s to %s: %d element(s), from %s, expires %s\n", sum.RequestID,
		termsafe.Escape(displayPath(opts.output)), sum.Elements, termsafe.Quote(sum.Partner), sum.ExpiresAt.Format(time.RFC3339))
	fmt.Fprintf(out, "  request_id:  %s\n  nonce:       %s\n  fingerprint: %s\n", sum.RequestID, sum.Nonce, sum.Fingerprint)
	return nil
}

func displayPath(p string) string {
	if p == "-" {
		return "standard output"
	}
	return p
}

// requestScope reads the scope from --scope or --want (exactly one of them).
func requestScope(opts partnerRequestOptions) (request.Scope, string, error) {
	switch {
	case opts.scopeFile != "" && len(opts.wants) > 0:
		return request.Scope{}, "", usageError("--scope and --want cannot be combined", "give the scope one way")
	case opts.scopeFile == "" && len(opts.wants) == 0:
		return request.Scope{}, "", usageError("no scope", "pass --want TYPE... (one element each) or --scope FILE")
	case len(opts.wants) > 0:
		s, err := request.ParseWants(opts.wants)
		if err != nil {
			return request.Scope{}, "", requestFlagError(err)
		}
		return s, "want", nil
	}
	f, err := os.Open(opts.scopeFile)
	if err != nil {
		return request.Scope{}, "", errorWithHint(exitNotFound, fmt.Sprintf("scope file %s cannot be opened", termsafe.Escape(opts.scopeFile)))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, request.MaxTelegramScopeSize+1))
	if err != nil {
		return request.Scope{}, "", fmt.Errorf("failed to read the scope file: %w", err)
	}
	s, kind, err := request.ParseScopeInput(data)
	if err != nil {
		return request.Scope{}, "", requestFlagError(err)
	}
	return s, kind, nil
}

// requestFlagError turns a rejected scope or request field (the partner's own input) into
// invalid input (exit 8), with the stable reason in the message.
func requestFlagError(err error) error {
	var re *request.RejectedError
	if errors.As(err, &re) {
		return errorWithHint(exitInvalidInput, lower(re.Error()), "docs/request-format.md lists what a scope may hold; paspor partner request --help shows --want")
	}
	return err
}
