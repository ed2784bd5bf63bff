package backup

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"filippo.io/age"
	"filippo.io/age/armor"
	"golang.org/x/crypto/ssh"

	"github.com/paspor/paspor/crypto"
)

// OpenOptions say how [Open] decrypts and checks a backup.
type OpenOptions struct {
	// Identities decrypt a backup made to recipients.
	Identities []age.Identity
	// Passphrase decrypts a passphrase backup; used when Identities is empty.
	Passphrase []byte
	// Holder pins the holder key; nil accepts any key the backup is validly signed with.
	Holder ed25519.PublicKey
	// MaxScanSize caps each scan; 0 means 8 GiB - 1, what one tar entry can hold.
	MaxScanSize int64
	// MaxTotalSize caps the whole decrypted tar; 0 means no cap beyond the scans' own.
	MaxTotalSize int64
}

// Backup is a backup whose signature, head and JSON files passed every check. Its scans
// are read, once, with [Backup.Scans].
type Backup struct {
	// Manifest is the signed manifest.
	Manifest *Manifest
	// Contents are the documents, history and feedback.
	Contents Contents
	// SigningKey is the holder key stored in holder.key.
	SigningKey ed25519.PrivateKey
	// Fingerprint is the holder key's SHA256 fingerprint, as ssh-keygen -l prints it.
	Fingerprint string

	u       *ustarReader
	scanned bool
}

// Open decrypts r (binary or armored age) and reads and checks everything but the scans'
// content: the tar headers, the signature over SHA256SUMS by the manifest's holder key (and
// the pinned one, if pinned), the hash of every entry against SHA256SUMS, the strict JSON of
// every file, the schema of every document, share and feedback entry, and that SHA256SUMS
// lists exactly the entries the documents declare. Nothing of r beyond the JSON files is read.
func Open(r io.Reader, opts OpenOptions) (*Backup, error) {
	plain, err := decrypt(r, opts)
	if err != nil {
		return nil, err
	}
	return openPlain(plain, opts)
}

// openPlain reads and checks a decrypted backup.
func openPlain(plain io.Reader, opts OpenOptions) (*Backup, error) {
	if opts.MaxScanSize <= 0 || opts.MaxScanSize > maxOctal11 {
		opts.MaxScanSize = maxOctal11
	}
	var src io.Reader = plain
	if opts.MaxTotalSize > 0 {
		src = &cappedReader{r: plain, left: opts.MaxTotalSize}
	}
	b := &Backup{u: &ustarReader{r: src}}
	if err := b.readHead(opts); err != nil {
		return nil, err
	}
	return b, nil
}

func decrypt(r io.Reader, opts OpenOptions) (io.Reader, error) {
	ids := opts.Identities
	if len(ids) == 0 {
		if len(opts.Passphrase) == 0 {
			return nil, errors.New("failed to open backup: no identities and no passphrase")
		}
		id, err := age.NewScryptIdentity(string(opts.Passphrase))
		if err != nil {
			return nil, fmt.Errorf("failed to open backup: %w", err)
		}
		ids = []age.Identity{id}
	}
	br := bufio.NewReader(r)
	var src io.Reader = br
	// Like the age CLI: armor may follow some whitespace.
	head, _ := br.Peek(1024 + len(armor.Header))
	if bytes.HasPrefix(bytes.TrimSpace(head), []byte(armor.Header)) {
		src = armor.NewReader(br)
	}
	plain, err := age.Decrypt(src, ids...)
	if err != nil {
		var noMatch *age.NoIdentityMatchError
		if errors.As(err, &noMatch) {
			if len(opts.Identities) == 0 {
				return nil, reject(ReasonDecrypt, "the passphrase does not open the backup, or it is not a passphrase backup")
			}
			return nil, reject(ReasonDecrypt, "no identity matches the backup's recipients")
		}
		return nil, reject(ReasonDecrypt, "not a valid age file")
	}
	return &plainReader{r: plain}, nil
}

// plainReader turns errors of the age stream (damaged or truncated ciphertext) into
// rejections, so a changed byte anywhere is a rejected backup, not an I/O error.
type plainReader struct{ r io.Reader }

func (p *plainReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if err != nil && err != io.EOF {
		var rej *RejectedError
		if !errors.As(err, &rej) {
			err = reject(ReasonDamaged, "the encrypted data is damaged or truncated")
		}
	}
	return n, err
}

// cappedReader fails once more than left bytes were read.
type cappedReader struct {
	r    io.Reader
	left int64
}

func (c *cappedReader) Read(b []byte) (int, error) {
	if c.left <= 0 {
		var one [1]byte
		if n, _ := c.r.Read(one[:]); n > 0 {
			return 0, reject(ReasonTooLarge, "the backup is larger than the cap")
		}
	}
	if int64(len(b)) > c.left+1 {
		b = b[:c.left+1]
	}
	n, err := c.r.Read(b)
	c.left -= int64(n)
	if c.left < 0 {
		return 0, reject(ReasonTooLarge, "the backup is larger than the cap")
	}
	return n, err
}

// next reads the next entry header, which must be name with mtime; names the format does
// not write are unsafe, a known name out of its place is missing.
func (b *Backup) next(name string, mtime int64) (size int64, err error) {
	got, size, gotMtime, err := b.u.next()
	switch {
	case err == io.EOF:
		return 0, reject(ReasonMissingFile, "%s is missing", name)
	case errors.Is(err, errUnsafeHeader):
		return 0, reject(ReasonUnsafeEntry, "a tar header is not a plain 0600 file entry")
	case errors.Is(err, errTarStructure):
		return 0, reject(ReasonNotABackup, "the tar is malformed")
	case err != nil:
		return 0, err
	case got != name && !entryName.MatchString(got) && !isHeadName(got):
		return 0, reject(ReasonUnsafeEntry, "an entry has a name the format does not write")
	case got != name:
		return 0, reject(ReasonMissingFile, "%s is missing or out of its place", name)
	case mtime >= 0 && gotMtime != mtime:
		return 0, reject(ReasonUnsafeEntry, "%s has another time than created_at", name)
	}
	return size, nil
}

func isHeadName(s string) bool { return s == manifestName || s == sumsName || s == sigName }

// readSmall reads the current entry, of at most limit bytes.
func (b *Backup) readSmall(name string, size, limit int64) ([]byte, error) {
	if size > limit {
		return nil, reject(ReasonTooLarge, "%s is larger than %d bytes", name, limit)
	}
	data := make([]byte, size)
	if _, err := io.ReadFull(b.u, data); err != nil {
		if errors.Is(err, errTarStructure) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, reject(ReasonNotABackup, "the tar ends inside %s", name)
		}
		return nil, err
	}
	return data, nil
}

// entry reads the next entry, which must be name, within limit, with the hash sums lists.
func (b *Backup) entry(name string, limit int64, sums map[string]string) ([]byte, error) {
	size, err := b.next(name, b.Manifest.CreatedAt.Unix())
	if err != nil {
		return nil, err
	}
	data, err := b.readSmall(name, size, limit)
	if err != nil {
		return nil, err
	}
	want, ok := sums[name]
	if !ok {
		return nil, reject(ReasonHash, "SHA256SUMS does not list %s", name)
	}
	if !sameHash(sha256.Sum256(data), want) {
		return nil, reject(ReasonHash, "%s does not match its SHA-256", name)
	}
	return data, nil
}

func sameHash(got [32]byte, want string) bool {
	w, err := hex.DecodeString(want)
	return err == nil && subtle.ConstantTimeCompare(got[:], w) == 1
}

func (b *Backup) readHead(opts OpenOptions) error {
	size, err := b.next(manifestName, -1)
	if err != nil {
		var rej *RejectedError
		if errors.As(err, &rej) && rej.Reason == ReasonMissingFile {
			return reject(ReasonNotABackup, "manifest.json is not the first entry")
		}
		return err
	}
	manifestJSON, err := b.readSmall(manifestName, size, maxManifestSize)
	if err != nil {
		return err
	}
	var m Manifest
	if err := decodeStrict(manifestJSON, &m); err != nil {
		return reject(ReasonNotABackup, "manifest.json: %v", err)
	}
	if err := m.validate(); err != nil {
		return reject(ReasonNotABackup, "manifest.json: %v", err)
	}
	holder, err := crypto.ParseHolderKey(m.Holder)
	if err != nil || crypto.SSHPublicKeyLine(holder, "") != m.Holder {
		return reject(ReasonNotABackup, "manifest.json: invalid holder key")
	}
	// The manifest's mtime is checked now that created_at is known.
	b.Manifest = &m
	sums, err := b.readSignature(holder, opts.Holder)
	if err != nil {
		return err
	}
	if !sameHash(sha256.Sum256(manifestJSON), sums[manifestName]) {
		return reject(ReasonHash, "manifest.json does not match its SHA-256")
	}
	b.Fingerprint = crypto.Fingerprint(holder)
	if err := b.readKeys(holder, sums); err != nil {
		return err
	}
	if err := b.readLists(sums); err != nil {
		return err
	}
	if err := b.readDocuments(sums, opts.MaxScanSize); err != nil {
		return err
	}
	return checkListed(b, sums)
}

// readSignature reads SHA256SUMS and SHA256SUMS.sig and checks the signature by the manifest's
// holder key, then the pin.
func (b *Backup) readSignature(holder, pinned ed25519.PublicKey) (map[string]string, error) {
	mtime := b.Manifest.CreatedAt.Unix()
	var data [2][]byte
	for i, e := range []struct {
		name  string
		limit int64
	}{{sumsName, maxSumsSize}, {sigName, maxSigSize}} {
		size, err := b.next(e.name, mtime)
		if err != nil {
			var rej *RejectedError
			if errors.As(err, &rej) && rej.Reason == ReasonMissingFile {
				return nil, reject(ReasonSignature, "%s is missing or out of its place", e.name)
			}
			return nil, err
		}
		if data[i], err = b.readSmall(e.name, size, e.limit); err != nil {
			return nil, err
		}
	}
	signer, err := crypto.VerifySSHSIG(data[1], Namespace, bytes.NewReader(data[0]))
	if err != nil || !signer.Equal(holder) {
		return nil, reject(ReasonSignature, "SHA256SUMS.sig is not a valid signature by the manifest's holder key")
	}
	if pinned != nil && !holder.Equal(pinned) {
		return nil, reject(ReasonHolder, "signed by %s, not by the pinned holder key", crypto.Fingerprint(holder))
	}
	sums, err := parseSums(data[0])
	if err != nil {
		return nil, reject(ReasonSignature, "SHA256SUMS: %v", err)
	}
	return sums, nil
}

// readKeys reads holder.pub and holder.key, which must be the manifest's key.
func (b *Backup) readKeys(holder ed25519.PublicKey, sums map[string]string) error {
	pub, err := b.entry(holderPub, maxKeySize, sums)
	if err != nil {
		return err
	}
	if string(pub) != b.Manifest.Holder+"\n" {
		return reject(ReasonHolder, "holder.pub is not the manifest's holder key")
	}
	keyPEM, err := b.entry(holderKey, maxKeySize, sums)
	if err != nil {
		return err
	}
	raw, err := ssh.ParseRawPrivateKey(keyPEM)
	if err != nil {
		return reject(ReasonHolder, "holder.key is not an unencrypted OpenSSH Ed25519 private key")
	}
	key, ok := raw.(*ed25519.PrivateKey)
	if !ok || !key.Public().(ed25519.PublicKey).Equal(holder) {
		return reject(ReasonHolder, "holder.key is not the private half of the manifest's holder key")
	}
	b.SigningKey = *key
	return nil
}

// readLists reads history.json and feedback.json.
func (b *Backup) readLists(sums map[string]string) error {
	data, err := b.entry(historyName, maxHistorySize, sums)
	if err != nil {
		return err
	}
	if err := decodeStrict(data, &b.Contents.History); err != nil {
		return reject(ReasonInvalid, "history.json: %v", err)
	}
	seen := map[string]bool{}
	for i := range b.Contents.History {
		s := &b.Contents.History[i]
		if err := s.validate(); err != nil || seen[s.BundleID] {
			return reject(ReasonInvalid, "history.json: share %d is invalid or repeated", i+1)
		}
		seen[s.BundleID] = true
	}
	if data, err = b.entry(feedbackName, maxFeedbackSize, sums); err != nil {
		return err
	}
	if err := decodeStrict(data, &b.Contents.Feedback); err != nil {
		return reject(ReasonInvalid, "feedback.json: %v", err)
	}
	for i := range b.Contents.Feedback {
		if err := b.Contents.Feedback[i].validate(); err != nil {
			return reject(ReasonInvalid, "feedback.json: entry %d is invalid: %v", i+1, err)
		}
	}
	if err := checkFeedbackAgainstHistory(b.Contents.History, b.Contents.Feedback); err != nil {
		return reject(ReasonInvalid, "feedback.json: %v", err)
	}
	c := b.Manifest.Counts
	if b.Contents.History == nil || b.Contents.Feedback == nil || len(b.Contents.History) != c.Shares || len(b.Contents.Feedback) != c.Feedback ||
		len(b.Contents.History) > maxShares || len(b.Contents.Feedback) > maxFeedback {
		return reject(ReasonInvalid, "history.json or feedback.json is not a list of counts.shares or counts.feedback entries")
	}
	return nil
}

// readDocuments reads every document.json in manifest order.
func (b *Backup) readDocuments(sums map[string]string, maxScan int64) error {
	b.Contents.WalletID = b.Manifest.WalletID
	b.Contents.Documents = make([]Document, 0, len(b.Manifest.Documents))
	scans := 0
	for _, id := range b.Manifest.Documents {
		name := docPath(id)
		data, err := b.entry(name, maxDocSize, sums)
		if err != nil {
			return err
		}
		var d Document
		if err := decodeStrict(data, &d); err != nil {
			return reject(ReasonInvalid, "%s: %v", name, err)
		}
		if err := d.validate(maxScan); err != nil {
			return reject(ReasonInvalid, "%s: %v", name, err)
		}
		if d.ID != id {
			return reject(ReasonInvalid, "%s: id differs from its folder", name)
		}
		for _, a := range d.Attachments {
			if sums[a.Path] != a.SHA256 {
				return reject(ReasonHash, "%s: the SHA-256 of %s differs from SHA256SUMS", name, a.Path)
			}
		}
		scans += len(d.Attachments)
		b.Contents.Documents = append(b.Contents.Documents, d)
	}
	if scans != b.Manifest.Counts.Scans {
		return reject(ReasonInvalid, "manifest.json: counts.scans differs from the documents' attachments")
	}
	return nil
}

// checkListed: SHA256SUMS lists exactly the backup's entries, no more.
func checkListed(b *Backup, sums map[string]string) error {
	want := 5 + len(b.Contents.Documents) + b.Manifest.Counts.Scans // manifest, keys, lists
	if len(sums) != want {
		return reject(ReasonHash, "SHA256SUMS lists entries the backup does not hold")
	}
	return nil
}
