package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/internal/fsutil"
)

type keygenOptions struct {
	output  string
	classic bool
}

func newPartnerCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "partner",
		Short: "Partner-side keys: make an identity, print its recipient",
		Args:  cobra.NoArgs,
	}
	var kopts keygenOptions
	keygen := &cobra.Command{
		Use:   "keygen [-o FILE] [--classic]",
		Short: "Create a partner identity (hybrid post-quantum by default)",
		Long: `Create an age identity for receiving bundles: hybrid ML-KEM-768+X25519 (age1pq1...) by
default, X25519 (age1...) with --classic. With -o the file is created 0600 (never
overwritten) and the recipient is printed on stdout; without -o the identity goes to
stdout, as age-keygen does.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error { return runPartnerKeygen(g, kopts) },
	}
	keygen.Flags().StringVarP(&kopts.output, "output", "o", "", "write the identity to this file (created 0600, must not exist)")
	keygen.Flags().BoolVar(&kopts.classic, "classic", false, "X25519 instead of hybrid post-quantum")
	var identity string
	recipient := &cobra.Command{
		Use:   "recipient -i FILE",
		Short: "Print the recipient of an identity file",
		Args:  cobra.NoArgs,
		RunE:  func(*cobra.Command, []string) error { return runPartnerRecipient(g, identity) },
	}
	recipient.Flags().StringVarP(&identity, "identity", "i", "", "identity file (age or OpenSSH private key)")
	cmd.AddCommand(keygen, recipient)
	return cmd
}

func runPartnerKeygen(g *globals, opts keygenOptions) error {
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

func runPartnerRecipient(g *globals, path string) error {
	if path == "" {
		return usageError("no identity file", "pass -i FILE")
	}
	data, err := readIdentityFile(path)
	if err != nil {
		return err
	}
	rcpts, err := crypto.RecipientOfIdentityFile(data)
	if err != nil {
		return errorWithHint(exitInvalidInput, fmt.Sprintf("%s: %s", path, lower(err.Error())))
	}
	if g.json {
		return printJSON(g.stdout, map[string][]string{"recipients": rcpts})
	}
	_, err = fmt.Fprintln(g.stdout, strings.Join(rcpts, "\n"))
	return err
}
