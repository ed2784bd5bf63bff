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
	classic bool
}

func (o *keygenOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVarP(&o.output, "output", "o", "", "write the identity to this file (created 0600, must not exist)")
	f.BoolVar(&o.classic, "classic", false, "X25519 instead of hybrid post-quantum")
}

func newPartnerKeygenCommand(g *globals) *cobra.Command {
	var opts keygenOptions
	cmd := &cobra.Command{
		Use:   "keygen [-o FILE] [--classic]",
		Short: "Create a partner identity (hybrid post-quantum by default)",
		Long: `Create an age identity for receiving bundles: hybrid ML-KEM-768+X25519 (age1pq1...) by
default, X25519 (age1...) with --classic. With -o the file is created 0600 (never
overwritten) and the recipient is printed on stdout; without -o the identity goes to
stdout, as age-keygen does.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error { return runPartnerKeygen(g, opts) },
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

func runPartnerKeygen(g *globals, opts keygenOptions) error {
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
