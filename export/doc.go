// Package export writes and reads paspor-bundle/1 files: an age file encrypted to the
// partner's recipients, holding a tar of manifest.json, files/..., SHA256SUMS and
// SHA256SUMS.sig (SSHSIG, namespace "paspor-bundle"). docs/bundle-format.md is the
// specification; [Write] produces bundles and [Open] checks every property a partner relies on
// (signature, holder, audience, expiry, nonce, hashes, sizes, safe tar entries) before
// anything is moved into place.
//
// The package never prints; a rejected bundle is a [*RejectedError] with a stable Reason.
package export
