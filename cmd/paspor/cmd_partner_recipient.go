package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/paspor/paspor/crypto"
)

func newPartnerRecipientCommand(g *globals) *cobra.Command {
	var identity string
	cmd := &cobra.Command{
		Use:   "recipient -i FILE",
		Short: "Print the recipient of an identity file",
		Args:  cobra.NoArgs,
		RunE:  func(*cobra.Command, []string) error { return runPartnerRecipient(g, identity) },
	}
	cmd.Flags().StringVarP(&identity, "identity", "i", "", "identity file (age or OpenSSH private key)")
	return cmd
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
