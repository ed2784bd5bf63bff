package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/internal/fsutil"
)

type keygenOptions struct {
	output  string
	partner string
	name    string
	classic bool
}

func (o *keygenOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVarP(&o.output, "output", "o", "", "write only an age identity to this file (created 0600, must not exist)")
	f.StringVar(&o.partner, "partner", "", "create a partner folder DIR: identity, signing key, name, requests, replay store")
	f.StringVar(&o.name, "name", "", "with --partner: the partner's display name, shown to holders")
	f.BoolVar(&o.classic, "classic", false, "X25519 instead of hybrid post-quantum")
}

func newPartnerKeygenCommand(g *globals) *cobra.Command {
	var opts keygenOptions
	cmd := &cobra.Command{
		Use:   "keygen --partner DIR --name NAME [--classic] | keygen [-o FILE] [--classic]",
		Short: "Create a partner folder (identity + signing key), or a bare identity",
		Long: `With --partner DIR --name NAME, create a partner folder (0700, files 0600) holding what a
partner needs to request, open and give feedback:

  partner.json        the display name
  identity            the age identity bundles are encrypted to (hybrid ML-KEM-768+X25519,
                      age1pq1..., by default; X25519 with --classic)
  signing_key(.pub)   an Ed25519 signing key in OpenSSH format, so that ssh-keygen -Y verify
                      checks the partner's requests and feedback
  requests/           every request made (paspor partner request)
  bundles/            hashes of what each bundle opened with --partner held (for feedback)
  replay              the nonces and request IDs already answered

An existing DIR is never touched. The recipient, signing key and fingerprint are printed
(paspor partner show prints them again).

Without --partner, create only an age identity for receiving bundles: with -o the file
is created 0600 (never overwritten) and the recipient is printed on stdout; without -o the
identity goes to stdout, as age-keygen does.`,
		Example: `  paspor partner keygen --partner bank/ --name "Example Bank"
  paspor partner keygen -o partner.key`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error { return runPartnerKeygen(g, opts) },
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

func runPartnerKeygen(g *globals, opts keygenOptions) error {
	if opts.partner != "" || opts.name != "" {
		return runPartnerKeygenFolder(g, opts)
	}
	if opts.output == "" && g.json {
		return usageError("--json needs -o FILE: standard output carries the identity")
	}
	content, rcpt, err := crypto.GeneratePartnerIdentity(!opts.classic)
	if err != nil {
		return err
	}
	if opts.output == "" {
		if _, err := g.stdout.Write(content); err != nil {
			return err
		}
		if !g.json {
			fmt.Fprintf(g.stderr, "Public key: %s\n", rcpt)
		}
		return nil
	}
	if err := fsutil.WriteFile(opts.output, content, fsutil.NoReplace); err != nil {
		if errors.Is(err, os.ErrExist) {
			return errorWithHint(exitExists, fmt.Sprintf("%s already exists", opts.output), "paspor never overwrites a key file; choose another path")
		}
		return fmt.Errorf("failed to write identity file: %w", err)
	}
	if g.json {
		return printJSON(g.stdout, map[string]string{"recipient": rcpt, "identity_file": opts.output})
	}
	_, err = fmt.Fprintln(g.stdout, rcpt)
	return err
}

func runPartnerKeygenFolder(g *globals, opts keygenOptions) error {
	switch {
	case opts.output != "":
		return usageError("-o and --partner cannot be combined", "--partner DIR makes a partner folder; -o FILE writes a bare identity")
	case opts.partner == "":
		return usageError("--name needs --partner DIR", "paspor partner keygen --partner DIR --name NAME")
	case opts.name == "":
		return usageError("no partner name", "pass --name NAME: holders see it on the consent screen")
	}
	if err := checkNameFlag(opts.name); err != nil {
		return err
	}
	st, err := createPartnerState(opts.partner, opts.name, !opts.classic)
	if err != nil {
		return err
	}
	return printPartner(g, st)
}
