// Command crashtest proves that paspor's writes are crash consistent.
//
// It runs the real paspor binary's mutating commands (add with a large scan, edit, attach,
// detach, rm, passphrase, factor rotate, share, compact) as child processes on a throwaway wallet with
// a cheap KDF, and kills most of them with SIGKILL after a random delay sized from how long
// that command takes here, so that kills land while a scan streams into its blob file, between
// the blob's rename and the document record, and during the key-slot rewrite. Half of the factor-rotation kills are
// timed instead from the moment the staged key file (<key file>.pending) appears, 0-1.5 ms
// later, so that they land around the slot commit, between staging and promotion, which a
// delay from the start rarely hits.
//
// After every kill, and after clean exits, it checks:
//
//   - the wallet opens: a read-only command works with the passphrase that must be current;
//   - bbolt's own consistency check (tx.Check) passes on the file;
//   - the documents are exactly those of a model updated only on exit 0; for a killed
//     command the wallet shows either the state before it or the state after it, as a whole,
//     never a mix and never a half-written document (fields, attachment roles, sizes and
//     SHA-256, and the content read back with paspor get);
//   - attachments whose writer was killed are left only as blob files the blob index does not
//     name (orphans), every indexed blob has its file, and the next writer's unlock deletes
//     the orphans (read from the bbolt file and the blob folder directly);
//   - after a killed passphrase change or factor rotation exactly one of the old and the new
//     secret unlocks (see checkPassphraseKill and checkRotationKill for what that means).
//
// Usage:
//
//	crashtest -paspor bin/paspor -ops 600 -min-kills 500 [-seed S] [-dir D]
//
// It prints what it checked and exits 1 at the first violation, keeping the folder and naming
// the seed and the operation so the run can be repeated. Kill timing is not reproducible, so
// a seed replays the same operations with kills at similar, not identical, moments.
package main
