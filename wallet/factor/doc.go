// Package factor keeps a wallet's second factor, the device secret: in the OS keyring
// ([Keyring], through the Secret Service on Linux) or in a key file ([File], for headless
// machines). It is the only code in paspor that talks to D-Bus or reads the environment for
// the session bus.
//
// Every store supports two-phase replacement (Stage, Promote) so that rotating the device
// secret is crash-safe, and bounds every keyring call by a timeout, because a locked keyring
// may wait on a prompt nobody sees.
//
// Failures are typed: [ErrMissing], [ErrUnavailable] (wrapping [ErrNoSessionBus],
// [ErrNoSecretService], [ErrKeyringLocked] or [ErrKeyringTimeout] when the cause is known),
// [ErrExists], [*KeyFileError] (a key file that is malformed, another wallet's, too widely
// readable or not a regular file) and [*MalformedSecretError]. No message repeats a secret,
// and none names a CLI flag or command.
package factor
