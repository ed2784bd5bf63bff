package main

import (
	"context"
	"crypto/subtle"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/paspor/paspor/wallet"
)

type passphraseOptions struct{ newFile string }

func newPassphraseCommand(g *globals) *cobra.Command {
	var opts passphraseOptions
	cmd := &cobra.Command{
		Use:   "passphrase",
		Short: "Change the wallet passphrase",
		Long: `Change the passphrase. The current one comes from the usual sources; the new one from
--new-passphrase-file, $PASPOR_NEW_PASSPHRASE_FILE, or the terminal (asked twice). Only the
key slot is re-sealed, in one transaction: documents are not re-encrypted, and an
interruption leaves either the old or the new passphrase working.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runPassphrase(cmd.Context(), g, opts) },
	}
	cmd.Flags().StringVar(&opts.newFile, "new-passphrase-file", "", "read the new passphrase from this file")
	return cmd
}

func runPassphrase(ctx context.Context, g *globals, opts passphraseOptions) error {
	if err := wallet.CheckFile(g.walletFile()); err != nil {
		return err
	}
	// Both passphrases are read before the wallet is opened: nobody holds the lock while
	// a person types.
	oldPass, err := g.passphrase(ctx, "Passphrase: ", false)
	if err != nil {
		return err
	}
	defer clear(oldPass)
	path := opts.newFile
	if path == "" {
		path = os.Getenv("PASPOR_NEW_PASSPHRASE_FILE")
	}
	var newPass []byte
	if path != "" {
		newPass, err = readSecretFile(g, path, "new passphrase")
	} else {
		newPass, err = promptSecret(ctx, "New passphrase: ", true, "no new passphrase given and no terminal to ask on",
			"pass --new-passphrase-file FILE or set PASPOR_NEW_PASSPHRASE_FILE")
	}
	if err != nil {
		return err
	}
	defer clear(newPass)
	w, err := g.unlockWith(ctx, false, oldPass)
	if err != nil {
		return err
	}
	defer w.Close()
	if subtle.ConstantTimeCompare(oldPass, newPass) == 1 {
		warnf(g.stderr, "the new passphrase is the current one; nothing was changed")
		if g.json {
			return printJSON(g.stdout, map[string]bool{"changed": false})
		}
		return nil
	}
	warnWeakPassphrase(g.stderr, newPass)
	if err := w.ChangePassphrase(newPass, nil); err != nil {
		return err
	}
	if g.json {
		return printJSON(g.stdout, map[string]bool{"changed": true})
	}
	_, err = fmt.Fprintln(g.stdout, "passphrase changed")
	return err
}
