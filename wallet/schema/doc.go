// Package schema is the document schema of the wallet: the document types Telegram Passport
// defines ([LookupType], [TypeNames]), their fields and how each kind of value is normalised
// and validated ([TypeSpec.NormalizeFields]), the attachment roles ([ParseRole],
// [TypeSpec.CheckRole]), media-type sniffing of scans ([SniffMediaType]), and the expiry
// rules: which documents are expired, expiring or, for a proof of address, stale on a given
// day ([TypeSpec.CheckExpiry], [Today]).
//
// It is pure: no I/O, no state, no clock (callers pass the day). Every failure is an
// [*InvalidInputError] whose message never repeats the value that failed, which may be
// document content.
package schema
