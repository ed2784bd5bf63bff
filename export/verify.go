package export

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/paspor/paspor/crypto"
)

// maxClockSkew is how far in the future a bundle's created_at may be: the holder's clock may
// run ahead of the partner's by this much.
const maxClockSkew = 5 * time.Minute

// decrypted is what the age layer tells about a bundle: the recipient of the identity that
// opened it and the types of the header's recipient stanzas, in order.
type decrypted struct {
	recipient string
	stanzas   []string
}

// verifyHead runs the checks on the three fixed entries, in the documented order. Until the
// signature and manifest.json's hash are checked nothing in the manifest is trusted, so the
// holder pin, audience, expiry and nonce come after; the attachments are read only when all
// of these passed.
func verifyHead(h *head, dec decrypted, opts OpenOptions) (*Manifest, ed25519.PublicKey, error) {
	m, err := parseManifest(h.manifest)
	if errors.Is(err, errTooManyFiles) {
		return nil, nil, reject(ReasonTooLarge, "more than %d entries", maxEntries)
	}
	if err != nil {
		return nil, nil, reject(ReasonNotABundle, "invalid manifest.json: %v", err)
	}
	holder, err := verifySignature(h, m)
	if err != nil {
		return nil, nil, err
	}
	if opts.Holder != nil && !bytes.Equal(opts.Holder, holder) {
		return nil, nil, reject(ReasonHolder, "signed by %s, not by the pinned holder", crypto.Fingerprint(holder))
	}
	sums, err := parseSums(h.sums)
	if err != nil {
		return nil, nil, reject(ReasonHash, "%v", err)
	}
	digest := sha256.Sum256(h.manifest)
	if sums[manifestName] != hex.EncodeToString(digest[:]) {
		return nil, nil, reject(ReasonHash, "manifest.json does not match SHA256SUMS")
	}
	if err := checkSums(m, sums); err != nil {
		return nil, nil, err
	}
	for i, mt := range h.mtimes {
		if err := checkEntry(mt, m, i+1); err != nil {
			return nil, nil, err
		}
	}
	if err := checkClaims(m, dec, opts); err != nil {
		return nil, nil, err
	}
	return m, holder, nil
}

// verifySignature checks SHA256SUMS.sig over SHA256SUMS and that its signer is the manifest's
// holder, so that the holder named in the manifest is the one who signed.
func verifySignature(h *head, m *Manifest) (ed25519.PublicKey, error) {
	signer, err := crypto.VerifySSHSIG(h.sig, Namespace, bytes.NewReader(h.sums))
	if err != nil {
		return nil, reject(ReasonSignature, "SHA256SUMS.sig is not a valid signature of SHA256SUMS")
	}
	holder, err := crypto.ParseHolderKey(m.Holder)
	if err != nil || !bytes.Equal(holder, signer) {
		return nil, reject(ReasonSignature, "SHA256SUMS.sig was not made by the manifest's holder")
	}
	return holder, nil
}

// checkClaims checks the signed audience, the age header, the times and the nonce against
// the partner's view.
func checkClaims(m *Manifest, dec decrypted, opts OpenOptions) error {
	if !slices.Contains(m.Audience, dec.recipient) {
		return reject(ReasonAudience, "the bundle was not encrypted for this partner; it may have been forwarded")
	}
	if err := checkStanzas(m.Audience, dec.stanzas); err != nil {
		return err
	}
	if opts.Now.Add(maxClockSkew).Before(m.CreatedAt) {
		return reject(ReasonNotYetValid, "created at %s, in the future", m.CreatedAt.Format(time.RFC3339))
	}
	if !opts.AllowExpired && opts.Now.After(m.ExpiresAt) {
		return reject(ReasonExpired, "expired at %s", m.ExpiresAt.Format(time.RFC3339))
	}
	if opts.Nonce != "" && opts.Nonce != m.Nonce {
		return reject(ReasonNonce, "the bundle's nonce differs from the expected one")
	}
	return nil
}

// checkStanzas: the age header holds exactly one recipient stanza per audience entry, of the
// entry's kind, and for SSH entries with the entry's key tag. An extra stanza is a reader the
// holder did not sign for; an SSH stanza with another tag is another reader in its place.
func checkStanzas(audience, stanzas []string) error {
	want := make([]string, len(audience))
	for i, a := range audience {
		want[i] = stanzaType(a)
	}
	got := slices.Clone(stanzas)
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(want, got) {
		return reject(ReasonAudience, "the age header has %d recipient stanza(s) for an audience of %d, or of another kind", len(stanzas), len(audience))
	}
	return nil
}

// stanzaType is the age stanza type that encrypting to a canonical recipient writes, with the
// key tag for SSH recipients (the first 4 bytes of the SHA-256 of the wire-format key, in
// unpadded base64, as age writes it).
func stanzaType(recipient string) string {
	switch {
	case strings.HasPrefix(recipient, "age1pq1"):
		return "mlkem768x25519"
	case strings.HasPrefix(recipient, "age1"):
		return "X25519"
	case strings.HasPrefix(recipient, "ssh-"):
		pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(recipient))
		if err != nil {
			return ""
		}
		h := sha256.Sum256(pub.Marshal())
		return pub.Type() + " " + base64.RawStdEncoding.EncodeToString(h[:4])
	}
	return ""
}

// checkSums checks that SHA256SUMS covers exactly manifest.json and the manifest's files and
// agrees with the manifest on every hash.
func checkSums(m *Manifest, sums map[string]string) error {
	files := m.files()
	if len(sums) != len(files)+1 {
		return reject(ReasonHash, "SHA256SUMS does not cover exactly the manifest's files")
	}
	for _, f := range files {
		if sums[f.Path] != f.SHA256 {
			return reject(ReasonHash, "SHA256SUMS and manifest.json disagree on %s", f.Path)
		}
	}
	return nil
}
