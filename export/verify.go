package export

import (
	"bytes"
	"crypto/ed25519"
	"slices"
	"time"

	"github.com/paspor/paspor/crypto"
)

// verify runs the checks in the documented order. Until the signature and manifest.json's
// hash are checked nothing in the manifest is trusted, so audience, expiry and nonce come after.
func verify(c *contents, recipient string, opts OpenOptions) (*Manifest, ed25519.PublicKey, error) {
	if !c.have[manifestName] {
		return nil, nil, reject(ReasonNotABundle, "manifest.json is missing")
	}
	m, err := parseManifest(c.manifest)
	if err != nil {
		return nil, nil, reject(ReasonNotABundle, "invalid manifest.json: %v", err)
	}
	holder, err := verifySignature(c, m)
	if err != nil {
		return nil, nil, err
	}
	if opts.Holder != nil && !bytes.Equal(opts.Holder, holder) {
		return nil, nil, reject(ReasonHolder, "signed by %s, not by the pinned holder", crypto.Fingerprint(holder))
	}
	sums, err := parseSums(c.sums)
	if err != nil {
		return nil, nil, reject(ReasonHash, "%v", err)
	}
	if sums[manifestName] != c.files[manifestName].sha256 {
		return nil, nil, reject(ReasonHash, "manifest.json does not match SHA256SUMS")
	}
	if err := checkClaims(m, recipient, opts); err != nil {
		return nil, nil, err
	}
	if err := checkFiles(c, m, sums); err != nil {
		return nil, nil, err
	}
	return m, holder, nil
}

// verifySignature checks SHA256SUMS.sig over SHA256SUMS and that its signer is the manifest's
// holder, so that the holder named in the manifest is the one who signed.
func verifySignature(c *contents, m *Manifest) (ed25519.PublicKey, error) {
	if !c.have[sumsName] || !c.have[sigName] {
		return nil, reject(ReasonSignature, "SHA256SUMS or SHA256SUMS.sig is missing")
	}
	signer, err := crypto.VerifySSHSIG(c.sig, Namespace, bytes.NewReader(c.sums))
	if err != nil {
		return nil, reject(ReasonSignature, "SHA256SUMS.sig is not a valid signature of SHA256SUMS")
	}
	holder, err := crypto.ParseHolderKey(m.Holder)
	if err != nil || !bytes.Equal(holder, signer) {
		return nil, reject(ReasonSignature, "SHA256SUMS.sig was not made by the manifest's holder")
	}
	return holder, nil
}

// checkClaims checks the signed audience, expiry and nonce against the partner's view.
func checkClaims(m *Manifest, recipient string, opts OpenOptions) error {
	if !slices.Contains(m.Audience, recipient) {
		return reject(ReasonAudience, "the bundle was not encrypted for this partner; it may have been forwarded")
	}
	if !opts.AllowExpired && opts.Now.After(m.ExpiresAt) {
		return reject(ReasonExpired, "expired at %s", m.ExpiresAt.UTC().Format(time.RFC3339))
	}
	if opts.Nonce != "" && opts.Nonce != m.Nonce {
		return reject(ReasonNonce, "the bundle's nonce differs from the expected one")
	}
	return nil
}

// checkFiles checks that SHA256SUMS covers exactly manifest.json and the manifest's files, that
// every present file matches both, and that no file is missing or extra.
func checkFiles(c *contents, m *Manifest, sums map[string]string) error {
	listed := map[string]File{}
	var order []File // manifest order, so that the first problem reported is stable
	for _, d := range m.Documents {
		for _, f := range d.Files {
			listed[f.Path] = f
			order = append(order, f)
		}
	}
	if len(sums) != len(listed)+1 {
		return reject(ReasonHash, "SHA256SUMS does not cover exactly the manifest's files")
	}
	for _, f := range order {
		if path := f.Path; sums[path] != f.SHA256 {
			return reject(ReasonHash, "SHA256SUMS and manifest.json disagree on %s", displayName(path))
		}
	}
	for _, f := range order {
		if e, ok := c.files[f.Path]; ok && (e.size != f.Size || e.sha256 != f.SHA256) {
			return reject(ReasonHash, "%s does not match its size or sha256", displayName(f.Path))
		}
	}
	for _, f := range order {
		if _, ok := c.files[f.Path]; !ok {
			return reject(ReasonMissingFile, "%s is missing", displayName(f.Path))
		}
	}
	for path := range c.files {
		if _, ok := listed[path]; !ok && fixedCaps[path] == 0 {
			return reject(ReasonExtraFile, "%s is not listed in the manifest", displayName(path))
		}
	}
	return nil
}
