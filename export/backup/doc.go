// Package backup writes and reads paspor-backup/1 files: a whole wallet (documents, scans,
// share history, received feedback and the holder's signing key) as one age file, encrypted
// to age or SSH recipients or to a passphrase (age's scrypt recipient), holding a tar that
// stock tools read: manifest.json, SHA256SUMS, SHA256SUMS.sig (SSHSIG by the holder key,
// namespace "paspor-backup"), holder.pub, holder.key, history.json, feedback.json, one
// documents/<id>/document.json per document, then the scans under their document.
// docs/backup-format.md is the specification.
//
// [Write] streams a backup; [Open] decrypts one and checks the signature, every hash, the
// schema of every document and the tar's structure before it hands out anything, and
// [Backup.Scans] then streams the scans, each checked against its signed hash as it ends.
// Nothing here writes to disk, prints or prompts; a backup that fails a check is a
// [*RejectedError] with a stable Reason.
package backup
