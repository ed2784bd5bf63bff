package main

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/wallet"
	"github.com/paspor/paspor/wallet/factor"
)

type initOptions struct {
	kdfMemoryMiB  uint32
	kdfIterations uint32
}

func (o *initOptions) AddFlags(f *pflag.FlagSet) {
	def := crypto.DefaultKDFParams()
	f.Uint32Var(&o.kdfMemoryMiB, "kdf-memory", def.MemoryKiB/1024, "Argon2id memory in MiB (minimum 8)")
	f.Uint32Var(&o.kdfIterations, "kdf-iterations", def.Iterations, "Argon2id iterations (minimum 1)")
}

func newInitCommand(g *globals) *cobra.Command {
	var opts initOptions
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Create a wallet and print its recovery code",
		Long: `Create a new wallet, store a fresh device secret in the OS keyring (or in the key file
named by --factor-file, created 0600), and print the recovery code once.

The recovery code is the device secret in printable form: with it and the passphrase,
paspor recover brings the wallet back on a new machine. Losing the passphrase loses the
wallet: nobody, not even paspor's authors, can open it without.`,
		Example: `  paspor init
  paspor init --factor-file ~/.config/paspor/device.key --passphrase-file pass.txt --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runInit(cmd.Context(), g, opts) },
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

type initResult struct {
	WalletID     string `json:"wallet_id"`
	Path         string `json:"path"`
	Factor       string `json:"factor"`
	FactorFile   string `json:"factor_file,omitempty"`
	RecoveryCode string `json:"recovery_code"`
}

// kdfParams are the KDF parameters --kdf-memory and --kdf-iterations ask for, checked.
func (o *initOptions) kdfParams() (crypto.KDFParams, error) {
	kdf := crypto.DefaultKDFParams()
	kdf.MemoryKiB = o.kdfMemoryMiB * 1024
	kdf.Iterations = o.kdfIterations
	if err := kdf.Validate(); err != nil {
		return kdf, usageError(lower(err.Error()), "--kdf-memory takes MiB (at least 8), --kdf-iterations at least 1")
	}
	return kdf, nil
}

// newWalletSecrets is what init and restore ask before they create a wallet: its path, the
// second factor's store (a key file must not exist yet) and the new passphrase, asked
// twice, with a warning when it is weak. The caller clears pass.
func newWalletSecrets(ctx context.Context, g *globals) (path string, fs factor.Store, pass []byte, err error) {
	path = g.walletFile()
	if fs, err = g.factorStore(wallet.FactorKeyring); err != nil {
		return "", nil, nil, err
	}
	if err := checkNewKeyFile(path, fs); err != nil {
		return "", nil, nil, err
	}
	if pass, err = g.passphrase(ctx, "New passphrase: ", true); err != nil {
		return "", nil, nil, err
	}
	warnWeakPassphrase(g.stderr, pass)
	return path, fs, pass, nil
}

func runInit(ctx context.Context, g *globals, opts initOptions) error {
	kdf, err := opts.kdfParams()
	if err != nil {
		return err
	}
	path, fs, pass, err := newWalletSecrets(ctx, g)
	if err != nil {
		return err
	}
	defer clear(pass)
	if kdf.Weak() {
		warnf(g.stderr, "KDF parameters below the defaults (%d MiB, %d iterations) make passphrase guessing cheaper",
			crypto.DefaultKDFParams().MemoryKiB/1024, crypto.DefaultKDFParams().Iterations)
	}
	w, code, err := wallet.Init(ctx, path, pass, wallet.InitOptions{Factor: fs, KDF: kdf})
	if err != nil {
		return err
	}
	defer w.Close()
	res := initResult{WalletID: w.ID(), Path: path, Factor: fs.Kind(), RecoveryCode: code}
	if fs.Kind() == wallet.FactorFile {
		res.FactorFile = g.factorFilePath()
	}
	if g.json {
		return printJSON(g.stdout, res)
	}
	fmt.Fprintf(g.stdout, "Created wallet %s\n  file:          %s\n  second factor: %s\n\n", res.WalletID, path, fs.Describe())
	printRecoveryCode(g, code)
	return nil
}

// checkNewKeyFile refuses a --factor-file that already exists before init creates anything,
// with a hint about the key file rather than the wallet path. wallet.Init refuses it too
// (O_EXCL); this only gives the person the right message.
func checkNewKeyFile(walletPath string, fs factor.Store) error {
	ff, ok := fs.(factor.File)
	if !ok {
		return nil
	}
	if _, err := os.Lstat(walletPath); err == nil {
		return nil // wallet.Init says the wallet exists, which matters more
	}
	if _, err := os.Lstat(ff.Path); err == nil {
		return errorWithHint(exitExists, fmt.Sprintf("key file %s already exists", ff.Path),
			"nothing was overwritten; name a new key file with --factor-file")
	}
	return nil
}
