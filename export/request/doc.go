// Package request implements the partner side of the KYC exchange as files, with no server:
//
//   - paspor-request/1: a partner's signed request (who asks, for what purpose, to which
//     recipients the answer is encrypted, a fresh nonce, and a [Scope] saying which documents,
//     fields and scans it wants). [New] fills one in, [Sign] writes it, [Parse] reads it strictly.
//   - Telegram Passport's PassportScope JSON, accepted as scope input ([ParseTelegramScope]) and
//     converted to the native [Scope].
//   - [Match]: which wallet documents can answer each scope element, what would go and what is
//     missing, for the holder's consent screen; [CheckManifest]: whether a received bundle
//     answers a request exactly.
//   - paspor-feedback/1: the partner's signed, age-encrypted list of problems with what it
//     received, in the sources of Telegram's PassportElementError ([SealFeedback],
//     [OpenFeedback]); [FeedbackItem.Resolved] says when the holder has dealt with an item.
//   - [ReplayStore]: the partner's record of nonces and request IDs already answered.
//
// Requests and feedback are a canonical one-line JSON document followed by a detached SSHSIG
// armor, so that `ssh-keygen -Y verify` checks them with stock tools (namespaces
// [RequestNamespace] and [FeedbackNamespace]). Every rejection is a [*RejectedError] with a
// stable Reason; docs/request-format.md is the specification.
//
// The package never prints, prompts or reads the wallet: callers pass plain [Document] values.
package request
