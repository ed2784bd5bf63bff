package main

import (
	"context"
	"crypto/ed25519"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/paspor/paspor/crypto"
)

func newKeyCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "key",
		Short: "Print your holder public key (it signs your bundles)",
		Long: `Print the holder's public key as an OpenSSH line. Give it to partners so they can pin it
(paspor open --holder, or an allowed_signers file for ssh-keygen -Y verify).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runKey(cmd.Context(), g) },
	}
}

func runKey(ctx context.Context, g *globals) error {
	w, err := g.unlock(ctx, true)
	if err != nil {
		return err
	}
	defer w.Close()
	pub := w.SigningKey().Public().(ed25519.PublicKey)
	line := crypto.SSHPublicKeyLine(pub, "paspor")
	if g.json {
		return printJSON(g.stdout, map[string]string{"public_key": line, "fingerprint": crypto.Fingerprint(pub)})
	}
	_, err = fmt.Fprintln(g.stdout, line)
	return err
}
