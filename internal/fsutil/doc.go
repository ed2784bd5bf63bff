// Package fsutil holds paspor's one way of putting a file on disk so that a crash leaves either
// the old state or the new one, never a mix: WriteFile and WriteFileFunc write a temporary file
// beside the target (0600), fsync it, move it into place and fsync the folder; SyncDir is the
// folder fsync with paspor's one error policy (every failure is returned; only a platform or
// filesystem that cannot fsync a folder at all counts as success).
package fsutil
