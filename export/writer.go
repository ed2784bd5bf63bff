package export

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"filippo.io/age"
	"filippo.io/age/armor"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/wallet/schema"
)

// WriteOptions say to whom and how [Write] writes a bundle.
type WriteOptions struct {
	// Recipients are the partners the bundle is encrypted to, from [ParseRecipients].
	Recipients *Recipients
	// Armor writes the age file ASCII-armored.
	Armor bool
	// Nonce is the partner's request nonce, copied into the signed manifest.
	Nonce string
	// Purpose is free text copied into the signed manifest.
	Purpose string
	// RequestID is the ID of the request the bundle answers, copied into the signed manifest.
	RequestID string
	// Now is the creation time; zero means time.Now().
	Now time.Time
	// TTL is how long the bundle is valid: expires_at = created_at + TTL. It must be positive.
	TTL time.Duration
	// Signer is the holder's signing key.
	Signer ed25519.PrivateKey
}

// FileOpener opens the content of docs[d].Files[f] for [Write].
type FileOpener func(d, f int) (io.ReadCloser, error)

// Write streams a bundle of docs to w, encrypted to opts.Recipients and signed with
// opts.Signer. Attachments are read through open one at a time and never held in memory;
// each must have exactly the Size and SHA256 its File declares, or Write fails. Write fills in
// Format, BundleID, CreatedAt, ExpiresAt, Holder, Audience and every File.Path, and returns the
// manifest it wrote. On error, w holds an unusable prefix: callers write to a temporary file
// and rename it only on success.
//
// Write includes exactly what it is given: selecting fields and files is the caller's job.
func Write(w io.Writer, docs []Document, open FileOpener, opts WriteOptions) (*Manifest, error) {
	if opts.Recipients == nil || len(opts.Recipients.recipients) == 0 {
		return nil, fmt.Errorf("failed to write bundle: %w", ErrNoRecipients)
	}
	m, err := newManifest(docs, opts.Recipients.Audience(), opts)
	if err != nil {
		return nil, err
	}
	manifestJSON, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("failed to encode manifest: %w", err)
	}
	manifestJSON = append(manifestJSON, '\n')

	out := w
	var armorW io.WriteCloser
	if opts.Armor {
		armorW = armor.NewWriter(w)
		out = armorW
	}
	ageW, err := age.Encrypt(out, opts.Recipients.recipients...)
	if err != nil {
		return nil, fmt.Errorf("failed to encrypt bundle: %w", err)
	}
	if err := writeTar(ageW, m, manifestJSON, open, opts.Signer); err != nil {
		return nil, err
	}
	if err := ageW.Close(); err != nil {
		return nil, fmt.Errorf("failed to encrypt bundle: %w", err)
	}
	if armorW != nil {
		if err := armorW.Close(); err != nil {
			return nil, fmt.Errorf("failed to armor bundle: %w", err)
		}
	}
	return m, nil
}

func newManifest(docs []Document, audience []string, opts WriteOptions) (*Manifest, error) {
	if opts.TTL <= 0 || opts.TTL > MaxTTL {
		return nil, errors.New("failed to write bundle: the validity must be positive and at most 5 years")
	}
	if len(opts.Signer) != ed25519.PrivateKeySize {
		return nil, errors.New("failed to write bundle: no signing key")
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	// Whole seconds: RFC 3339 without fractions, and the tar mtime equals created_at exactly.
	created := now.UTC().Truncate(time.Second)
	expires := created.Add(opts.TTL).Truncate(time.Second)
	if !expires.After(created) {
		expires = created.Add(time.Second)
	}
	id := make([]byte, 16)
	rand.Read(id)
	m := &Manifest{
		Format:    Format,
		BundleID:  hex.EncodeToString(id),
		CreatedAt: created,
		ExpiresAt: expires,
		Holder:    crypto.SSHPublicKeyLine(opts.Signer.Public().(ed25519.PublicKey), ""),
		Audience:  audience,
		Nonce:     opts.Nonce,
		Purpose:   opts.Purpose,
		RequestID: opts.RequestID,
		Documents: make([]Document, len(docs)),
	}
	for i, d := range docs {
		d.Fields = cloneFields(d.Fields)
		d.Files = append([]File(nil), d.Files...)
		for j := range d.Files {
			d.Files[j].Path = filePath(d.ID, d.Files[j].Role, d.Files[j].MediaType)
		}
		m.Documents[i] = d
	}
	if err := m.validate(); err != nil {
		return nil, fmt.Errorf("failed to write bundle: %w", err)
	}
	return m, nil
}

func cloneFields(f map[string]string) map[string]string {
	out := make(map[string]string, len(f))
	for k, v := range f {
		out[k] = v
	}
	return out
}

// writeTar writes the entries in the order the format fixes: manifest.json, SHA256SUMS and
// SHA256SUMS.sig first, so that a reader verifies the signature before it reads any
// attachment, then the files in manifest order. SHA256SUMS lists the declared hashes, which
// writeAttachment checks as it streams each file.
func writeTar(dst io.Writer, m *Manifest, manifestJSON []byte, open FileOpener, signer ed25519.PrivateKey) error {
	tw := &ustarWriter{w: dst}
	mtime := m.CreatedAt.Unix()
	digest := sha256.Sum256(manifestJSON)
	sums := map[string]string{manifestName: hex.EncodeToString(digest[:])}
	for _, f := range m.files() {
		sums[f.Path] = f.SHA256
	}
	sumsText := formatSums(sums)
	sig, err := crypto.SignSSHSIG(signer, Namespace, bytes.NewReader(sumsText))
	if err != nil {
		return fmt.Errorf("failed to sign bundle: %w", err)
	}
	for _, e := range []struct {
		name string
		data []byte
	}{{manifestName, manifestJSON}, {sumsName, sumsText}, {sigName, sig}} {
		if err := writeEntry(tw, e.name, e.data, mtime); err != nil {
			return err
		}
	}
	for d, doc := range m.Documents {
		for f, file := range doc.Files {
			if err := writeAttachment(tw, file, mtime, func() (io.ReadCloser, error) { return open(d, f) }); err != nil {
				return err
			}
		}
	}
	if err := tw.close(); err != nil {
		return fmt.Errorf("failed to write bundle: %w", err)
	}
	return nil
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

// writeAttachment streams one file into the tar, checking the declared size, hash and media
// type as it goes; a mismatch fails the whole bundle rather than shipping content the
// manifest misstates.
func writeAttachment(tw *ustarWriter, file File, mtime int64, open func() (io.ReadCloser, error)) error {
	rc, err := open()
	if err != nil {
		return fmt.Errorf("failed to open %s: %w", file.Path, err)
	}
	defer rc.Close()
	if err := tw.writeHeader(file.Path, file.Size, mtime); err != nil {
		return fmt.Errorf("failed to write %s: %w", file.Path, err)
	}
	h := sha256.New()
	sniff := &headBuffer{max: schema.SniffLen}
	n, err := copyHashing(io.MultiWriter(tw, sniff), h, io.LimitReader(rc, file.Size))
	if err != nil {
		return fmt.Errorf("failed to copy %s: %w", file.Path, err)
	}
	var extra [1]byte
	if k, _ := io.ReadFull(rc, extra[:]); n != file.Size || k != 0 {
		return fmt.Errorf("failed to copy %s: content size differs from the declared %d bytes", file.Path, file.Size)
	}
	if hex.EncodeToString(h.Sum(nil)) != file.SHA256 {
		return fmt.Errorf("failed to copy %s: content does not match its sha256", file.Path)
	}
	if mt, err := schema.SniffMediaType(sniff.b.Bytes()); err != nil || mt != file.MediaType {
		return fmt.Errorf("failed to copy %s: content is not %s", file.Path, file.MediaType)
	}
	return nil
}
