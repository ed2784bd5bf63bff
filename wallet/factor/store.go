package factor

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Store keeps a wallet's device secret. Two-phase replacement (Stage, then the wallet
// commits its new key slot, then Promote) makes device-secret rotation crash-safe: at every
// instant either the current or the pending secret opens the wallet, and Load returns both so
// the wallet can try each.
//
// Implementations: [Keyring] (the OS keyring, the default) and [File] (a key file,
// for headless machines). All methods are safe to call with a wallet ID that has nothing stored.
type Store interface {
	// Kind names the implementation: "keyring" or "file".
	Kind() string
	// Load returns the current secret and the pending one (nil if none). It wraps
	// ErrMissing when neither exists, and ErrUnavailable when the store cannot be
	// reached or does not answer in time. current may be nil when only a pending secret
	// exists (a rotation interrupted between its two steps).
	Load(ctx context.Context, walletID string) (current, pending []byte, err error)
	// Create stores the first secret and removes any stale pending one; it wraps
	// ErrExists if a current secret is already there.
	Create(ctx context.Context, walletID string, secret []byte) error
	// Save replaces the current secret (recovery) and removes any pending one.
	Save(ctx context.Context, walletID string, secret []byte) error
	// Stage stores secret as pending, replacing any pending one; the current stays.
	Stage(ctx context.Context, walletID string, secret []byte) error
	// Promote makes the pending secret current; it wraps ErrMissing if none is pending.
	Promote(ctx context.Context, walletID string) error
	// Discard removes the pending secret; no error if there is none.
	Discard(ctx context.Context, walletID string) error
	// Delete removes the current and pending secrets; no error if there are none.
	Delete(ctx context.Context, walletID string) error
	// Describe says where the secret lives, for info output and errors:
	// "OS keyring (service paspor)" or "key file /path".
	Describe() string
}

// DefaultKeyringTimeout bounds every keyring operation when [Keyring.Timeout] is zero.
// A locked keyring shows an unlock prompt that may never be answered (no desktop, a script):
// paspor must fail with ErrUnavailable rather than hang (design S10).
const DefaultKeyringTimeout = 5 * time.Second

// factorSecretSize is the device secret's length (design S2). Stores check it on the way in
// and on the way out, so a truncated or mangled value is reported where it is found instead
// of surfacing later as a wrong passphrase.
const factorSecretSize = 32

// factorMaxWalletID bounds wallet IDs; they are short random strings chosen by the store.
const factorMaxWalletID = 128

// checkFactorWalletID rejects IDs that could not be stored unambiguously: the key file line is
// space-separated and the keyring user name gets a ".pending" suffix.
func checkFactorWalletID(walletID string) error {
	if walletID == "" || len(walletID) > factorMaxWalletID {
		return fmt.Errorf("%w: wallet ID must be 1 to %d characters", ErrInvalidArgument, factorMaxWalletID)
	}
	// "w.pending" would be the keyring user name of wallet "w"'s pending secret.
	if strings.HasSuffix(walletID, keyringPendingSuffix) {
		return fmt.Errorf("%w: wallet ID must not end in %s", ErrInvalidArgument, keyringPendingSuffix)
	}
	for i := 0; i < len(walletID); i++ {
		if c := walletID[i]; c <= ' ' || c >= 0x7f {
			return fmt.Errorf("%w: wallet ID must be printable ASCII without spaces", ErrInvalidArgument)
		}
	}
	return nil
}

// checkFactorSecret rejects a secret of the wrong size; it never looks at the content.
func checkFactorSecret(secret []byte) error {
	if len(secret) != factorSecretSize {
		return fmt.Errorf("%w: device secret must be %d bytes, got %d", ErrInvalidArgument, factorSecretSize, len(secret))
	}
	return nil
}

// checkFactorArgs validates what every storing method receives.
func checkFactorArgs(walletID string, secret []byte) error {
	if err := checkFactorWalletID(walletID); err != nil {
		return err
	}
	return checkFactorSecret(secret)
}

// Kinds of store, as [Store.Kind] names them and the wallet header records them.
const (
	KindKeyring = "keyring"
	KindFile    = "file"
)
