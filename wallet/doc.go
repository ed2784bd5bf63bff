// Package wallet is the holder's encrypted document store: a single bbolt file whose
// records are age-encrypted under a wallet key that opens only with the passphrase and
// the device secret (see package crypto for the constructions).
//
// A wallet holds documents of the types the schema defines (package
// [github.com/paspor/paspor/wallet/schema]), each with validated fields and attachments
// (front_side, reverse_side, selfie, file/N, translation/N). Attachments are streamed into
// fixed-size encrypted chunks, written before the document record that refers to them, so
// memory use does not grow with file size and a crash leaves at most unreferenced chunks,
// which the next writer collects.
//
// Beside documents it keeps, sealed the same way, the share history, the partners the holder
// answered requests from (a name pinned to a signing key, [KnownPartner]) and the partner
// feedback imported ([FeedbackRecord]); the sealed wallet state covers them all.
//
// The device secret lives behind a [factor.Store] (package
// [github.com/paspor/paspor/wallet/factor]): the OS keyring or a key file.
//
// The package never prints, prompts or exits; failures are typed errors ([ErrUnlockFailed],
// [ErrFactorUnavailable], [ErrWalletInUse], [*NotFoundError], [*InvalidInputError],
// [*TooLargeError], [*CorruptError], ...).
package wallet
