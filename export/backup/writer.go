package backup

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"time"

	"filippo.io/age"
	"filippo.io/age/armor"
	"golang.org/x/crypto/ssh"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/export"
)

// WriteOptions say to whom and how [Write] writes a backup.
type WriteOptions struct {
	// Recipients are the age or SSH recipients the backup is encrypted to, from
	// export.ParseRecipients. Exactly one of Recipients and Passphrase is set.
	Recipients *export.Recipients
	// Passphrase encrypts the backup to age's scrypt recipient instead.
	Passphrase []byte
	// ScryptWorkFactor is the scrypt cost's base-2 logarithm; 0 means age's default (18).
	ScryptWorkFactor int
	// Armor writes the age file ASCII-armored.
	Armor bool
	// Now is the creation time; zero means time.Now().
	Now time.Time
	// Signer is the holder's signing key: it signs SHA256SUMS and is stored in holder.key.
	Signer ed25519.PrivateKey
}

// ScanOpener opens the content of c.Documents[d].Attachments[a] for [Write].
type ScanOpener func(d, a int) (io.ReadCloser, error)

// Write streams a backup of c to w. Scans are read through open one at a time and never held
// in memory; each must have exactly the Size and SHA256 its Attachment declares, or Write
// fails. Write sets every Attachment.Path and returns the manifest it wrote. On error, w holds
// an unusable prefix: callers write to a temporary file and rename it only on success.
func Write(w io.Writer, c *Contents, open ScanOpener, opts WriteOptions) (*Manifest, error) {
	recipients, err := ageRecipients(opts)
	if err != nil {
		return nil, err
	}
	if len(opts.Signer) != ed25519.PrivateKeySize {
		return nil, errors.New("failed to write backup: no signing key")
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	m, entries, err := buildEntries(c, opts.Signer, now.UTC().Truncate(time.Second))
	if err != nil {
		return nil, err
	}
	out := w
	var armorW io.WriteCloser
	if opts.Armor {
		armorW = armor.NewWriter(w)
		out = armorW
	}
	ageW, err := age.Encrypt(out, recipients...)
	if err != nil {
		return nil, fmt.Errorf("failed to encrypt backup: %w", err)
	}
	tw := &ustarWriter{w: ageW}
	mtime := m.CreatedAt.Unix()
	for _, e := range entries {
		if err := writeEntry(tw, e.name, e.data, mtime); err != nil {
			return nil, err
		}
	}
	for d, doc := range c.Documents {
		for a, att := range doc.Attachments {
			if err := writeScan(tw, att, mtime, func() (io.ReadCloser, error) { return open(d, a) }); err != nil {
				return nil, err
			}
		}
	}
	if err := tw.close(); err != nil {
		return nil, fmt.Errorf("failed to write backup: %w", err)
	}
	if err := ageW.Close(); err != nil {
		return nil, fmt.Errorf("failed to encrypt backup: %w", err)
	}
	if armorW != nil {
		if err := armorW.Close(); err != nil {
			return nil, fmt.Errorf("failed to armor backup: %w", err)
		}
	}
	return m, nil
}

func ageRecipients(opts WriteOptions) ([]age.Recipient, error) {
	switch {
	case opts.Recipients != nil && len(opts.Passphrase) > 0:
		return nil, ErrRecipientsAndPassphrase
	case opts.Recipients != nil:
		rs := opts.Recipients.AgeRecipients()
		if len(rs) == 0 {
			return nil, ErrNoRecipients
		}
		return rs, nil
	case len(opts.Passphrase) > 0:
		r, err := age.NewScryptRecipient(string(opts.Passphrase))
		if err != nil {
			return nil, fmt.Errorf("failed to encrypt backup: %w", err)
		}
		if opts.ScryptWorkFactor > 0 {
			r.SetWorkFactor(opts.ScryptWorkFactor)
		}
		return []age.Recipient{r}, nil
	}
	return nil, ErrNoRecipients
}

type entry struct {
	name string
	data []byte
}

// buildEntries encodes and signs everything but the scans, in the order of the tar: the
// signed head (manifest.json, SHA256SUMS, SHA256SUMS.sig) first, so that a reader checks the
// signature before it reads anything else, then holder.pub, holder.key, history.json,
// feedback.json and every document.json. SHA256SUMS lists the scans' declared hashes, which
// writeScan checks as it streams each one.
func buildEntries(c *Contents, signer ed25519.PrivateKey, created time.Time) (*Manifest, []entry, error) {
	pub := signer.Public().(ed25519.PublicKey)
	m := &Manifest{Format: Format, WalletID: c.WalletID, CreatedAt: created,
		Holder: crypto.SSHPublicKeyLine(pub, ""), Documents: []string{}}
	sums := map[string]string{}
	var body []entry
	add := func(name string, data []byte) {
		h := sha256.Sum256(data)
		sums[name] = hex.EncodeToString(h[:])
		body = append(body, entry{name, data})
	}
	add(holderPub, []byte(m.Holder+"\n"))
	keyBlock, err := ssh.MarshalPrivateKey(signer, "paspor holder key")
	if err != nil {
		return nil, nil, fmt.Errorf("failed to encode the holder key: %w", err)
	}
	add(holderKey, pem.EncodeToMemory(keyBlock))
	history := c.History
	if history == nil {
		history = []Share{}
	}
	feedback := c.Feedback
	if feedback == nil {
		feedback = []Feedback{}
	}
	for _, v := range []struct {
		name string
		v    any
	}{{historyName, history}, {feedbackName, feedback}} {
		data, err := encodeJSON(v.v)
		if err != nil {
			return nil, nil, err
		}
		add(v.name, data)
	}
	for i := range c.Documents {
		d := &c.Documents[i]
		if d.Attachments == nil {
			d.Attachments = []Attachment{}
		}
		for j := range d.Attachments {
			a := &d.Attachments[j]
			a.Path = scanPath(d.ID, a.Role, a.MediaType)
			sums[a.Path] = a.SHA256
		}
		if err := d.validate(1 << 62); err != nil {
			return nil, nil, fmt.Errorf("failed to write backup: document %s: %w", d.ID, err)
		}
		data, err := encodeJSON(d)
		if err != nil {
			return nil, nil, err
		}
		add(docPath(d.ID), data)
		m.Documents = append(m.Documents, d.ID)
		m.Counts.Scans += len(d.Attachments)
	}
	m.Counts.Documents, m.Counts.Shares, m.Counts.Feedback = len(c.Documents), len(history), len(feedback)
	if err := m.validate(); err != nil {
		return nil, nil, fmt.Errorf("failed to write backup: %w", err)
	}
	manifestJSON, err := encodeJSON(m)
	if err != nil {
		return nil, nil, err
	}
	h := sha256.Sum256(manifestJSON)
	sums[manifestName] = hex.EncodeToString(h[:])
	sumsText := formatSums(sums)
	sig, err := crypto.SignSSHSIG(signer, Namespace, bytes.NewReader(sumsText))
	if err != nil {
		return nil, nil, fmt.Errorf("failed to sign backup: %w", err)
	}
	head := []entry{{manifestName, manifestJSON}, {sumsName, sumsText}, {sigName, sig}}
	return m, append(head, body...), nil
}

// encodeJSON is the format's JSON: two-space indentation, no HTML escaping, a final newline.
func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("failed to encode backup: %w", err)
	}
	return b.Bytes(), nil
}

func writeEntry(tw *ustarWriter, name string, data []byte, mtime int64) error {
	if err := tw.writeHeader(name, int64(len(data)), mtime); err != nil {
		return fmt.Errorf("failed to write %s: %w", name, err)
	}
	if _, err := tw.Write(data); err != nil {
		return fmt.Errorf("failed to write %s: %w", name, err)
	}
	return nil
}

// writeScan streams one scan into the tar, checking the declared size and hash as it goes; a
// mismatch fails the whole backup rather than storing content the signed sums misstate.
func writeScan(tw *ustarWriter, a Attachment, mtime int64, open func() (io.ReadCloser, error)) error {
	rc, err := open()
	if err != nil {
		return fmt.Errorf("failed to open %s: %w", a.Path, err)
	}
	defer rc.Close()
	if err := tw.writeHeader(a.Path, a.Size, mtime); err != nil {
		return fmt.Errorf("failed to write %s: %w", a.Path, err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tw, h), io.LimitReader(rc, a.Size))
	if err != nil {
		return fmt.Errorf("failed to copy %s: %w", a.Path, err)
	}
	var extra [1]byte
	if k, _ := io.ReadFull(rc, extra[:]); n != a.Size || k != 0 {
		return fmt.Errorf("failed to copy %s: content size differs from the declared %d bytes", a.Path, a.Size)
	}
	if hex.EncodeToString(h.Sum(nil)) != a.SHA256 {
		return fmt.Errorf("failed to copy %s: content does not match its sha256", a.Path)
	}
	return nil
}
