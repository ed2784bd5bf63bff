package main

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/export/backup"
	"github.com/paspor/paspor/wallet"
)

type restoreOptions struct {
	secrets backupSecrets
	kdf     initOptions
}

func (o *restoreOptions) AddFlags(f *pflag.FlagSet) {
	f.StringArrayVarP(&o.secrets.identities, "identity", "i", nil, "an identity file the backup is encrypted to (repeatable); without -i the backup passphrase is asked")
	f.StringVar(&o.secrets.holder, "holder", "", "require this holder key (ssh-ed25519 line or a file holding one, e.g. your old paspor key)")
	f.StringVar(&o.secrets.passphraseFile, "backup-passphrase-file", "", "read the backup passphrase from this file (default $PASPOR_BACKUP_PASSPHRASE_FILE, else the terminal)")
	o.kdf.AddFlags(f)
}

func newRestoreCommand(g *globals) *cobra.Command {
	var opts restoreOptions
	cmd := &cobra.Command{
		Use:   "restore BACKUP [-i IDENTITY]...",
		Short: "Create a wallet from a backup, or merge a backup into this wallet",
		Long: `Check a backup made by paspor backup completely, then restore it.

Where --wallet (or PASPOR_WALLET, or the default path) names no wallet, restore creates one
as init does: a new passphrase (asked twice, or --passphrase-file), a new device secret in
the OS keyring or in --factor-file, and a new recovery code, printed once. The new wallet
holds the backup's documents under their IDs, byte-identical scans, the share history, the
partners it pinned (so share --request still knows them and still refuses a changed key),
the received feedback and the holder key, so "paspor key" prints what partners pinned.

Where a wallet exists, restore merges the backup into it (its passphrase unlocks it as
usual): documents, share records and feedback it does not hold are added under their IDs,
those it holds are left as they are and listed as skipped. The wallet keeps its own holder
key, and a partner it knows from a later share keeps the key of that share.

Before anything is written, the signature over SHA256SUMS, the manifest, every document,
the history and the tar structure are checked; when BACKUP is a file, every scan is checked
too, in a first pass. Scans are then stored as they stream and checked again; the new wallet
appears (or the merge commits) only after the last check, so a rejected backup (exit 9)
leaves nothing behind.

The signature is checked against the holder key inside the backup: it shows the backup is
whole and unchanged since that key signed it, not that it is yours. --holder pins the key
(your old "paspor key"); restore prints the key's fingerprint either way.`,
		Example: `  paspor restore wallet-2026-12.age -i offline.key
  paspor restore wallet.age --factor-file ~/.config/paspor/device.key
  paspor restore wallet.age -i offline.key --holder old-key.pub --wallet ~/other.db`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runRestore(cmd.Context(), g, args[0], opts) },
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

type restoreResult struct {
	WalletID       string   `json:"wallet_id"`
	Path           string   `json:"path"`
	Created        bool     `json:"created"`
	BackupWalletID string   `json:"backup_wallet_id"`
	BackupCreated  string   `json:"backup_created_at"`
	Fingerprint    string   `json:"fingerprint"`
	HolderKeyKept  bool     `json:"holder_key_restored"`
	Added          []string `json:"added"`
	Skipped        []string `json:"skipped"`
	SharesAdded    int      `json:"shares_added"`
	SharesSkipped  int      `json:"shares_skipped"`
	FeedbackAdded  int      `json:"feedback_added"`
	FeedbackSkip   int      `json:"feedback_skipped"`
	Factor         string   `json:"factor,omitempty"`
	FactorFile     string   `json:"factor_file,omitempty"`
	RecoveryCode   string   `json:"recovery_code,omitempty"`
}

func runRestore(ctx context.Context, g *globals, file string, opts restoreOptions) error {
	path := g.walletFile()
	_, statErr := os.Lstat(path)
	merge := statErr == nil
	kdf, err := opts.kdf.kdfParams()
	if err != nil {
		return err
	}
	oopts, err := opts.secrets.openOptions(ctx, g)
	if err != nil {
		return err
	}
	defer clear(oopts.Passphrase)
	// A file is checked completely before anything is unlocked or created; standard input
	// can be read once only, and is checked as it is restored.
	if file != "-" {
		if err := verifyBackupFile(ctx, g, file, oopts); err != nil {
			return err
		}
	}
	if merge {
		return restoreMerge(ctx, g, file, oopts)
	}
	return restoreNew(ctx, g, file, oopts, kdf)
}

func verifyBackupFile(ctx context.Context, g *globals, file string, oopts backup.OpenOptions) error {
	r, c, err := openBackupFile(ctx, g, file)
	if err != nil {
		return err
	}
	defer c.Close()
	b, err := backup.Open(r, oopts)
	if err == nil {
		err = b.Verify()
	}
	return backupRejected(err)
}

func restoreNew(ctx context.Context, g *globals, file string, oopts backup.OpenOptions, kdf crypto.KDFParams) error {
	path, fs, pass, err := newWalletSecrets(ctx, g)
	if err != nil {
		return err
	}
	defer clear(pass)
	r, c, err := openBackupFile(ctx, g, file)
	if err != nil {
		return err
	}
	defer c.Close()
	b, err := backup.Open(r, oopts)
	if err != nil {
		return backupRejected(err)
	}
	defer clear(b.SigningKey)
	code, rep, err := wallet.Restore(ctx, path, pass, wallet.RestoreOptions{
		Init:  wallet.InitOptions{Factor: fs, KDF: kdf, SigningKey: b.SigningKey},
		Input: importInput(b)})
	if err != nil {
		return backupRejected(err)
	}
	l, err := wallet.Open(path, wallet.OpenOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("restored wallet written to %s, but it cannot be opened: %w", path, err)
	}
	res := restoreSummary(b, rep)
	res.WalletID, res.Path, res.Created, res.HolderKeyKept = l.WalletID(), path, true, true
	l.Close()
	res.Factor, res.RecoveryCode = fs.Kind(), code
	if fs.Kind() == wallet.FactorFile {
		res.FactorFile = g.factorFilePath()
	}
	if g.json {
		return printJSON(g.stdout, res)
	}
	fmt.Fprintf(g.stdout, "Restored wallet %s from the backup of wallet %s made %s\n  file:          %s\n  second factor: %s\n  holder key:    %s (the backup's; partners' pins keep working)\n  restored:      %d document(s), %d share record(s), %d feedback\n\n",
		res.WalletID, res.BackupWalletID, res.BackupCreated, path, fs.Describe(), res.Fingerprint, len(res.Added), res.SharesAdded, res.FeedbackAdded)
	printRecoveryCode(g, code)
	return nil
}

func restoreMerge(ctx context.Context, g *globals, file string, oopts backup.OpenOptions) error {
	w, err := g.unlock(ctx, false)
	if err != nil {
		return err
	}
	defer w.Close()
	r, c, err := openBackupFile(ctx, g, file)
	if err != nil {
		return err
	}
	defer c.Close()
	b, err := backup.Open(r, oopts)
	if err != nil {
		return backupRejected(err)
	}
	defer clear(b.SigningKey)
	rep, err := w.Import(importInput(b))
	if err != nil {
		return backupRejected(err)
	}
	res := restoreSummary(b, rep)
	res.WalletID, res.Path, res.HolderKeyKept = w.ID(), g.walletFile(), sameKey(w.SigningKey(), b.SigningKey)
	if g.json {
		return printJSON(g.stdout, res)
	}
	fmt.Fprintf(g.stdout, "merged the backup of wallet %s (made %s) into wallet %s: added %d document(s), skipped %d already here; added %d share record(s), skipped %d; added %d feedback, skipped %d\n",
		res.BackupWalletID, res.BackupCreated, res.WalletID, len(res.Added), len(res.Skipped), res.SharesAdded, res.SharesSkipped, res.FeedbackAdded, res.FeedbackSkip)
	if len(res.Skipped) > 0 {
		fmt.Fprintf(g.stdout, "skipped (this wallet's copy kept): %s\n", strings.Join(res.Skipped, " "))
	}
	if !res.HolderKeyKept {
		own := crypto.Fingerprint(w.SigningKey().Public().(ed25519.PublicKey))
		fmt.Fprintf(g.stdout, "holder key: this wallet keeps its own (%s); the backup's (%s) was not imported\n", own, res.Fingerprint)
	}
	return nil
}

func restoreSummary(b *backup.Backup, rep *wallet.ImportReport) restoreResult {
	return restoreResult{BackupWalletID: b.Manifest.WalletID, BackupCreated: b.Manifest.CreatedAt.Format(time.RFC3339),
		Fingerprint: b.Fingerprint, Added: nonNil(rep.Added), Skipped: nonNil(rep.Skipped),
		SharesAdded: rep.SharesAdded, SharesSkipped: rep.SharesSkipped, FeedbackAdded: rep.FeedbackAdded, FeedbackSkip: rep.FeedbackSkipped}
}
