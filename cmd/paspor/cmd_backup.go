package main

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/export/backup"
	"github.com/paspor/paspor/internal/termsafe"
)

type backupOptions struct {
	output         string
	recipients     []string
	recipientFiles []string
	armor          bool
	passphrase     bool
	verify         string
	secrets        backupSecrets
}

func (o *backupOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVarP(&o.output, "output", "o", "", "write the backup to this file (must not exist); - for standard output")
	f.StringArrayVarP(&o.recipients, "recipient", "r", nil, "encrypt to this age or SSH recipient: age1..., age1pq1..., ssh-ed25519 ..., ssh-rsa ... (repeatable)")
	f.StringArrayVarP(&o.recipientFiles, "recipients-file", "R", nil, "encrypt to the recipients in this file, one per line (repeatable)")
	f.BoolVarP(&o.armor, "armor", "a", false, "write an ASCII-armored (PEM) age file")
	f.BoolVar(&o.passphrase, "passphrase", false, "encrypt to a backup passphrase (age's scrypt) instead of recipients")
	f.StringVar(&o.secrets.passphraseFile, "backup-passphrase-file", "", "read the backup passphrase from this file (default $PASPOR_BACKUP_PASSPHRASE_FILE, else the terminal)")
	f.StringVar(&o.verify, "verify", "", "check this backup completely without restoring it")
	f.StringArrayVarP(&o.secrets.identities, "identity", "i", nil, "with --verify: an identity file the backup is encrypted to (repeatable)")
	f.StringVar(&o.secrets.holder, "holder", "", "with --verify: require this holder key (ssh-ed25519 line or a file holding one)")
}

func newBackupCommand(g *globals) *cobra.Command {
	var opts backupOptions
	cmd := &cobra.Command{
		Use:   "backup -o FILE (-r RECIPIENT | -R FILE... | --passphrase)",
		Short: "Write the whole wallet as one encrypted, signed backup file",
		Long: `Write every document, scan, the share history, received feedback and your holder key as
one age file (format paspor-backup/1), encrypted to age or SSH recipients (-r, -R) or, with
--passphrase, to a backup passphrase (age's scrypt recipient; asked twice on a terminal, or
read from --backup-passphrase-file). Inside is a tar that stock tools read: age -d | tar -x,
then ssh-keygen -Y verify and sha256sum -c check it (see docs/backup-format.md).

The backup opens with ONE secret: the recipient's private key or the backup passphrase. It
holds your holder key, so whoever opens it can sign bundles as you. Encrypt it to a key kept
offline (a second machine, a hardware key, paper) rather than to one on this machine.

The file is written under a temporary name and renamed when complete. As in age, -o -
writes to standard output, refused on a terminal unless --armor. Memory stays flat at any
wallet size, except that a passphrase backup's scrypt takes 256 MiB for a moment.

paspor backup --verify FILE checks a backup as restore would (signature, every hash, every
document, the tar) without writing anything: -i for a backup to recipients, else the backup
passphrase.`,
		Example: `  paspor backup -o wallet-2026-12.age -r age1...
  paspor backup -o wallet.age --passphrase
  paspor backup --verify wallet-2026-12.age -i offline.key`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runBackup(cmd.Context(), g, opts) },
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

type backupResult struct {
	WalletID    string    `json:"wallet_id"`
	Path        string    `json:"path"`
	CreatedAt   time.Time `json:"created_at"`
	Holder      string    `json:"holder"`
	Fingerprint string    `json:"fingerprint"`
	Documents   int       `json:"documents"`
	Scans       int       `json:"scans"`
	Shares      int       `json:"shares"`
	Feedback    int       `json:"feedback"`
	Encryption  string    `json:"encryption"` // "recipients" or "passphrase"
	Verified    bool      `json:"verified,omitempty"`
}

func runBackup(ctx context.Context, g *globals, opts backupOptions) error {
	if opts.verify != "" {
		return runBackupVerify(ctx, g, opts)
	}
	if len(opts.secrets.identities) > 0 || opts.secrets.holder != "" {
		return usageError("-i and --holder go with --verify", "to write a backup, name its recipients with -r or -R, or pass --passphrase")
	}
	if opts.output == "" {
		return usageError("backup needs -o FILE", "pass -o FILE, or -o - for standard output")
	}
	hasRecipients := len(opts.recipients)+len(opts.recipientFiles) > 0
	switch {
	case opts.secrets.passphraseFile != "" && !opts.passphrase:
		return usageError("--backup-passphrase-file needs --passphrase")
	case hasRecipients && opts.passphrase:
		return usageError("--passphrase cannot be combined with -r or -R", "age's passphrase (scrypt) recipient must be a file's only recipient")
	case !hasRecipients && !opts.passphrase:
		return usageError("backup needs recipients or --passphrase", "pass -r RECIPIENT or -R FILE (a key kept offline is best), or --passphrase")
	}
	wopts := backup.WriteOptions{Armor: opts.armor, ScryptWorkFactor: testOnlyScryptWorkFactor}
	if hasRecipients {
		rs, err := collectRecipients(g, shareOptions{recipients: opts.recipients, recipientFiles: opts.recipientFiles})
		if err != nil {
			return err
		}
		wopts.Recipients = rs
	}
	streamed := isStdio(opts.output) || isSpecialFile(opts.output)
	if streamed && g.json {
		return usageError("--json needs -o FILE: standard output carries the backup")
	}
	if err := checkOutput(g, opts.output, "a binary backup", opts.armor, true); err != nil {
		return err
	}
	if opts.passphrase {
		pass, err := backupPassphrase(ctx, g, opts.secrets.passphraseFile, true)
		if err != nil {
			return err
		}
		defer clear(pass)
		wopts.Passphrase = pass
	}
	w, err := g.unlock(ctx, true)
	if err != nil {
		return err
	}
	defer w.Close()
	contents, docs, err := backupContents(w)
	if err != nil {
		return err
	}
	wopts.Signer = w.SigningKey()
	open := func(d, a int) (io.ReadCloser, error) {
		att := contents.Documents[d].Attachments[a]
		r, _, err := w.OpenAttachment(docs[d], att.Role)
		if err != nil {
			return nil, err
		}
		return readCloser{withProgress(g, interruptible(ctx, r), att.Size, "backing up "+att.Role), r}, nil
	}
	var m *backup.Manifest
	err = writeOutput(g, opts.output, func(out io.Writer) error {
		m, err = backup.Write(out, contents, open, wopts)
		return err
	})
	if err != nil {
		return err
	}
	res := backupResult{WalletID: m.WalletID, Path: opts.output, CreatedAt: m.CreatedAt, Holder: m.Holder,
		Fingerprint: crypto.Fingerprint(w.SigningKey().Public().(ed25519.PublicKey)), Documents: m.Counts.Documents,
		Scans: m.Counts.Scans, Shares: m.Counts.Shares, Feedback: m.Counts.Feedback, Encryption: "recipients"}
	if opts.passphrase {
		res.Encryption = "passphrase"
	}
	if g.json {
		return printJSON(g.stdout, res)
	}
	summary, where := g.stdout, termsafe.Escape(opts.output)
	if streamed {
		summary = g.stderr
	}
	if isStdio(opts.output) {
		where = "standard output"
	}
	_, err = fmt.Fprintf(summary, "wrote backup of wallet %s to %s: %d document(s), %d scan(s), %d share(s), %d feedback; holder key %s\n",
		m.WalletID, where, m.Counts.Documents, m.Counts.Scans, m.Counts.Shares, m.Counts.Feedback, res.Fingerprint)
	return err
}

func runBackupVerify(ctx context.Context, g *globals, opts backupOptions) error {
	if opts.output != "" || len(opts.recipients)+len(opts.recipientFiles) > 0 || opts.passphrase || opts.armor {
		return usageError("--verify takes only -i, --holder and --backup-passphrase-file")
	}
	oopts, err := opts.secrets.openOptions(ctx, g)
	if err != nil {
		return err
	}
	defer clear(oopts.Passphrase)
	r, c, err := openBackupFile(ctx, g, opts.verify)
	if err != nil {
		return err
	}
	defer c.Close()
	b, err := backup.Open(r, oopts)
	if err == nil {
		err = b.Verify()
	}
	if err != nil {
		return backupRejected(err)
	}
	m := b.Manifest
	res := backupResult{WalletID: m.WalletID, Path: opts.verify, CreatedAt: m.CreatedAt, Holder: m.Holder,
		Fingerprint: b.Fingerprint, Documents: m.Counts.Documents, Scans: m.Counts.Scans, Shares: m.Counts.Shares,
		Feedback: m.Counts.Feedback, Encryption: "recipients", Verified: true}
	if len(oopts.Identities) == 0 {
		res.Encryption = "passphrase"
	}
	if g.json {
		return printJSON(g.stdout, res)
	}
	_, err = fmt.Fprintf(g.stdout, "backup OK: wallet %s, made %s: %d document(s), %d scan(s), %d share(s), %d feedback; signed by holder key %s\n",
		m.WalletID, m.CreatedAt.Format(time.RFC3339), m.Counts.Documents, m.Counts.Scans, m.Counts.Shares, m.Counts.Feedback, b.Fingerprint)
	return err
}
