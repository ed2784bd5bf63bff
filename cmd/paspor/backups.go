package main

// What backup and restore share: turning wallet records into a backup's contents and back,
// the backup passphrase, opening a backup for reading, and how a rejected backup is told.

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"os"

	"filippo.io/age"

	"github.com/paspor/paspor/export/backup"
	"github.com/paspor/paspor/internal/termsafe"
	"github.com/paspor/paspor/wallet"
)

// testOnlyScryptWorkFactor, when not zero, is the scrypt work factor of passphrase backups.
// Only the test binary sets it (from PASPOR_TEST_SCRYPT_WORK_FACTOR), so that its scripts do
// not spend 256 MiB and seconds of race-instrumented scrypt on every backup; paspor itself
// uses age's default.
var testOnlyScryptWorkFactor int

// backupSecrets are the flags that say how a backup is decrypted, for restore and --verify.
type backupSecrets struct {
	identities     []string
	holder         string
	passphraseFile string
}

// backupContents collects everything the wallet holds, for backup.Write.
func backupContents(w *wallet.Wallet) (*backup.Contents, []*wallet.Document, error) {
	docs, err := w.List("")
	if err != nil {
		return nil, nil, err
	}
	shares, err := w.Shares()
	if err != nil {
		return nil, nil, err
	}
	c := &backup.Contents{WalletID: w.ID(), Documents: make([]backup.Document, len(docs)), History: make([]backup.Share, len(shares))}
	for i, d := range docs {
		bd := backup.Document{ID: d.ID, Type: d.Type, Label: d.Label, Fields: d.Fields,
			CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC(), Attachments: make([]backup.Attachment, len(d.Attachments))}
		for j, a := range d.Attachments {
			bd.Attachments[j] = backup.Attachment{Role: a.Role, MediaType: a.MediaType, Size: a.Size, SHA256: a.SHA256}
		}
		c.Documents[i] = bd
	}
	for i, s := range shares {
		bs := backup.Share{BundleID: s.BundleID, CreatedAt: s.CreatedAt.UTC(), ExpiresAt: s.ExpiresAt.UTC(),
			Audience: s.Audience, Nonce: s.Nonce, Purpose: s.Purpose, RequestID: s.RequestID, Partner: s.Partner,
			PartnerKey: s.PartnerKey, Partial: s.Partial, Documents: make([]backup.SharedDocument, len(s.Documents))}
		for j, d := range s.Documents {
			bs.Documents[j] = backup.SharedDocument{ID: d.ID, Type: d.Type, Fields: nonNil(d.Fields), Attachments: nonNil(d.Attachments)}
		}
		c.History[i] = bs
	}
	if c.Feedback, err = backupFeedback(w); err != nil {
		return nil, nil, err
	}
	return c, docs, nil
}

// importInput turns a checked backup into what the wallet imports; its scans come from b.
func importInput(b *backup.Backup) wallet.ImportInput {
	in := wallet.ImportInput{Scans: func(each func(d, a int, r io.Reader) error) error { return b.Scans(each) }}
	for _, d := range b.Contents.Documents {
		wd := &wallet.Document{ID: d.ID, Type: d.Type, Label: d.Label, Fields: d.Fields,
			CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, Attachments: make([]wallet.Attachment, len(d.Attachments))}
		for j, a := range d.Attachments {
			wd.Attachments[j] = wallet.Attachment{Role: a.Role, MediaType: a.MediaType, Size: a.Size, SHA256: a.SHA256}
		}
		in.Documents = append(in.Documents, wd)
	}
	for _, s := range b.Contents.History {
		ws := wallet.ShareRecord{BundleID: s.BundleID, CreatedAt: s.CreatedAt, ExpiresAt: s.ExpiresAt,
			Audience: s.Audience, Nonce: s.Nonce, Purpose: s.Purpose, RequestID: s.RequestID, Partner: s.Partner,
			PartnerKey: s.PartnerKey, Partial: s.Partial}
		for _, d := range s.Documents {
			ws.Documents = append(ws.Documents, wallet.SharedDocument{ID: d.ID, Type: d.Type, Fields: d.Fields, Attachments: d.Attachments})
		}
		in.Shares = append(in.Shares, ws)
	}
	in.Feedback = importFeedback(b.Contents.Feedback)
	return in
}

// backupPassphrase reads a backup passphrase from path (or $PASPOR_BACKUP_PASSPHRASE_FILE),
// else from the terminal; confirm asks twice (when writing one).
func backupPassphrase(ctx context.Context, g *globals, path string, confirm bool) ([]byte, error) {
	if path == "" {
		path = os.Getenv("PASPOR_BACKUP_PASSPHRASE_FILE")
	}
	if path != "" {
		return readSecretFile(g, path, "backup passphrase")
	}
	return promptSecret(ctx, "Backup passphrase: ", confirm, "no backup passphrase given and no terminal to ask on",
		"pass --backup-passphrase-file FILE or set PASPOR_BACKUP_PASSPHRASE_FILE")
}

// openOptions reads what decrypts a backup: -i identity files, else the backup passphrase.
func (s backupSecrets) openOptions(ctx context.Context, g *globals) (backup.OpenOptions, error) {
	var opts backup.OpenOptions
	if s.holder != "" {
		pub, err := parseHolderFlag(s.holder)
		if err != nil {
			return opts, err
		}
		opts.Holder = pub
	}
	if len(s.identities) > 0 {
		if s.passphraseFile != "" {
			return opts, usageError("-i and --backup-passphrase-file cannot be used together",
				"a backup is either encrypted to recipients (-i) or to a passphrase")
		}
		ids, err := readIdentities(s.identities)
		if err != nil {
			return opts, err
		}
		for _, id := range ids {
			opts.Identities = append(opts.Identities, age.Identity(id.Identity))
		}
		return opts, nil
	}
	pass, err := backupPassphrase(ctx, g, s.passphraseFile, false)
	if err != nil {
		return opts, err
	}
	opts.Passphrase = pass
	return opts, nil
}

// openBackupFile opens a backup to read: a file, or standard input for "-".
func openBackupFile(ctx context.Context, g *globals, path string) (io.Reader, io.Closer, error) {
	if path == "-" {
		return interruptible(ctx, g.stdin), io.NopCloser(nil), nil
	}
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil, errorWithHint(exitNotFound, fmt.Sprintf("backup %s does not exist", termsafe.Escape(path)))
		}
		return nil, nil, fmt.Errorf("failed to open backup: %w", err)
	}
	size := int64(0)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	return withProgress(g, interruptible(ctx, f), size, "reading backup"), f, nil
}

// backupRejected turns a rejected backup into exit 9 with a hint; other errors pass through.
func backupRejected(err error) error {
	var rej *backup.RejectedError
	if !errors.As(err, &rej) {
		return err
	}
	hint := "the backup was changed, damaged or truncated after it was written; nothing was written from it"
	switch rej.Reason {
	case backup.ReasonDecrypt:
		hint = "pass the identity the backup was encrypted to with -i FILE, or, for a passphrase backup, leave out -i and give the backup passphrase"
	case backup.ReasonHolder:
		hint = "the backup is signed by another holder key than --holder names; check which wallet it is from"
	case backup.ReasonNotABackup:
		hint = "is this a paspor backup? (bundles are opened with paspor open)"
	}
	return &userError{msg: lower(rej.Error()), code: exitRejected, hints: []string{hint}, err: err}
}

// sameKey says whether two holder keys are one.
func sameKey(a, b ed25519.PrivateKey) bool {
	return a.Public().(ed25519.PublicKey).Equal(b.Public())
}
