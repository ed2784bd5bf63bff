package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/paspor/paspor/wallet"
)

type recoverOptions struct{ codeFile string }

func newRecoverCommand(g *globals) *cobra.Command {
	var opts recoverOptions
	cmd := &cobra.Command{
		Use:   "recover",
		Short: "Reinstall the device secret from the recovery code",
		Long: `Reinstall the wallet's device secret from its recovery code, into the OS keyring or, with
--factor-file, into a key file. The passphrase is needed too: paspor checks that the code
and the passphrase open the wallet before it stores anything. The code comes from
--recovery-code-file (- for stdin) or the terminal.`,
		Example: "  paspor recover\n  paspor recover --recovery-code-file code.txt --factor-file ~/.config/paspor/device.key",
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return runRecover(cmd.Context(), g, opts) },
	}
	cmd.Flags().StringVar(&opts.codeFile, "recovery-code-file", "", "read the recovery code from this file (- for stdin)")
	return cmd
}

func runRecover(ctx context.Context, g *globals, opts recoverOptions) error {
	path := g.walletFile()
	var code []byte
	var err error
	if opts.codeFile != "" {
		code, err = readSecretFile(g, opts.codeFile, "recovery code")
	} else {
		code, err = promptSecret(ctx, "Recovery code: ", false, "no recovery code given and no terminal to ask on",
			"pass --recovery-code-file FILE (- for stdin)")
	}
	if err != nil {
		return err
	}
	defer clear(code)
	pass, err := g.passphrase(ctx, "Passphrase: ", false)
	if err != nil {
		return err
	}
	defer clear(pass)
	l, err := wallet.Open(path, wallet.OpenOptions{LockTimeout: g.lockTimeout()})
	if err != nil {
		return err
	}
	fs, err := g.factorStore(wallet.FactorKeyring)
	if err != nil {
		l.Close()
		return err
	}
	if err := l.Recover(ctx, pass, string(code), fs); err != nil {
		return inStep(stepRecover, err)
	}
	if g.json {
		return printJSON(g.stdout, map[string]string{"wallet_id": l.WalletID(), "factor": fs.Kind()})
	}
	_, err = fmt.Fprintf(g.stdout, "device secret reinstalled in %s\n", fs.Describe())
	return err
}
