package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/paspor/paspor/crypto"
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
	f, err := os.OpenFile(opts.output, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return errorWithHint(exitExists, fmt.Sprintf("%s already exists", opts.output), "paspor never overwrites a key file; choose another path")
		}
		return fmt.Errorf("failed to create identity file: %w", err)
	}
	if _, err := f.Write(content); err != nil {
		f.Close()
		os.Remove(opts.output)
		return fmt.Errorf("failed to write identity file: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(opts.output)
		return fmt.Errorf("failed to write identity file: %w", err)
	}
	if err := f.Close(); err != nil {
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

const maxIdentityFileSize = 1 << 20

func readIdentityFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, errorWithHint(exitNotFound, fmt.Sprintf("identity file %s does not exist", path))
		}
		return nil, fmt.Errorf("failed to open identity file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxIdentityFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("failed to read identity file: %w", err)
	}
	if len(data) > maxIdentityFileSize {
		return nil, errorWithHint(exitInvalidInput, fmt.Sprintf("identity file %s is too large", path))
	}
	return data, nil
}
