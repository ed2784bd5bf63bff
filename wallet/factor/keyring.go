package factor

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/zalando/go-keyring"

	"github.com/paspor/paspor/internal/keyringapi"
)

// Keyring keeps the device secret in the OS keyring through go-keyring (Secret Service on
// Linux, Keychain on macOS, Credential Manager on Windows). Entries live under Service, with the
// wallet ID as user name for the current secret and the wallet ID plus ".pending" for the
// pending one; the stored value is the secret in standard base64.
//
// Every operation runs under Timeout, because a locked keyring may show an unlock prompt that
// nobody answers and the underlying call then blocks forever. The zero value is ready to use.
type Keyring struct {
	Timeout time.Duration      // bound for one whole operation; 0 means DefaultKeyringTimeout
	Service string             // keyring service name; "" means "paspor"
	Backend keyringapi.Backend // nil means the real OS keyring; tests inject doubles
}

// Why the OS keyring could not be used. An [ErrUnavailable] error from [Keyring]
// also wraps one of these when the cause is known, so that the CLI can say what to do about it:
// each fault has a different remedy.
var (
	// ErrNoSessionBus: no D-Bus session bus is set or the one named cannot be reached.
	ErrNoSessionBus = errors.New("no session bus")
	// ErrNoSecretService: the bus answers but nothing provides org.freedesktop.secrets.
	ErrNoSecretService = errors.New("no Secret Service on the session bus")
	// ErrKeyringLocked: the keyring stayed locked (its unlock prompt failed or was dismissed).
	ErrKeyringLocked = errors.New("the keyring is locked")
	// ErrKeyringTimeout: the keyring did not answer within the timeout, typically because it
	// waits on an unlock prompt nobody sees.
	ErrKeyringTimeout = errors.New("the keyring did not answer")
)

// DefaultKeyringService is the keyring service name used when [Keyring.Service] is empty.
const DefaultKeyringService = "paspor"

// keyringPendingSuffix marks the pending entry's user name.
const keyringPendingSuffix = ".pending"

// osKeyring forwards to the go-keyring package functions, i.e. the OS keyring.
type osKeyring struct{}

func (osKeyring) Get(service, user string) (string, error) {
	if err := checkSessionBus(); err != nil {
		return "", err
	}
	v, err := keyring.Get(service, user)
	return v, withLockState(err)
}

func (osKeyring) Set(service, user, password string) error {
	if err := checkSessionBus(); err != nil {
		return err
	}
	return withLockState(keyring.Set(service, user, password))
}

func (osKeyring) Delete(service, user string) error {
	if err := checkSessionBus(); err != nil {
		return err
	}
	return withLockState(keyring.Delete(service, user))
}

// checkSessionBus fails fast where go-keyring uses the Secret Service and no session bus can
// be found. Without it, godbus falls back to "dbus-launch" (package dbus-x11), which on a
// headless machine starts a new bus and a locked gnome-keyring that outlive paspor, and then
// fails with "failed to unlock correct collection": stray daemons and a misleading error. The
// checks mirror godbus's own discovery.
func checkSessionBus() error {
	if !usesSecretService() {
		return nil
	}
	if addr := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); addr != "" && addr != "autolaunch:" {
		return nil
	}
	dirs := []string{fmt.Sprintf("/run/user/%d", os.Getuid())}
	if dir := os.Getenv("XDG_RUNTIME_DIR"); dir != "" {
		dirs = append(dirs, dir)
	}
	for _, dir := range dirs {
		for _, name := range []string{"bus", "dbus-session"} {
			if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
				return nil
			}
		}
	}
	return fmt.Errorf("%w (DBUS_SESSION_BUS_ADDRESS is not set)", ErrNoSessionBus)
}

// classifyKeyringError adds the fault class to an error from the keyring, when it can tell.
// go-keyring passes godbus errors through: a failed dial is the bus, a D-Bus error naming a
// missing or unstartable service is the Secret Service. A locked keyring has no typed error in
// go-keyring: withLockState asks the collection instead.
func classifyKeyringError(err error) error {
	for _, class := range []error{ErrNoSessionBus, ErrNoSecretService, ErrKeyringLocked, ErrKeyringTimeout} {
		if errors.Is(err, class) {
			return err
		}
	}
	var (
		dialErr *net.OpError
		busErr  dbus.Error
		busPtr  *dbus.Error
	)
	switch {
	case errors.As(err, &dialErr):
		return fmt.Errorf("%w: %w", ErrNoSessionBus, err)
	case errors.As(err, &busErr) && isNoServiceName(busErr.Name),
		errors.As(err, &busPtr) && isNoServiceName(busPtr.Name):
		return fmt.Errorf("%w: %w", ErrNoSecretService, err)
	}
	return err
}

// The Secret Service collection go-keyring stores in, and its fallback alias.
const (
	secretsService  = "org.freedesktop.secrets"
	loginCollection = "/org/freedesktop/secrets/collection/login"
	defaultAlias    = "/org/freedesktop/secrets/aliases/default"
	lockedProperty  = "org.freedesktop.Secret.Collection.Locked"
)

// withLockState marks a failed Secret Service call as ErrKeyringLocked when the collection
// go-keyring uses is locked after the call. go-keyring reports an unlock prompt that was
// dismissed or could not be shown with an untyped error, so the collection's own Locked
// property decides, never the error's text. Elsewhere (macOS, Windows) and for a missing
// entry, err is returned as it is.
func withLockState(err error) error {
	if err == nil || errors.Is(err, keyring.ErrNotFound) || !usesSecretService() {
		return err
	}
	if locked, ok := secretServiceLocked(); ok && locked {
		return fmt.Errorf("%w: %w", ErrKeyringLocked, err)
	}
	return err
}

func usesSecretService() bool {
	switch runtime.GOOS {
	case "darwin", "windows", "ios", "android", "plan9", "js", "wasip1":
		return false
	}
	return true
}

// secretServiceLocked reads the Locked property of the login collection (or the default
// alias when there is no login collection); ok is false when it cannot be read. It runs on
// the caller's goroutine, which Keyring.call already bounds by the keyring timeout.
func secretServiceLocked() (locked, ok bool) {
	conn, err := dbus.SessionBus()
	if err != nil {
		return false, false
	}
	for _, path := range []dbus.ObjectPath{loginCollection, defaultAlias} {
		v, err := conn.Object(secretsService, path).GetProperty(lockedProperty)
		if err != nil {
			continue
		}
		if b, isBool := v.Value().(bool); isBool {
			return b, true
		}
	}
	return false, false
}

// isNoServiceName reports whether a D-Bus error name says the called service does not exist
// or could not be started by bus activation.
func isNoServiceName(name string) bool {
	return name == "org.freedesktop.DBus.Error.ServiceUnknown" ||
		name == "org.freedesktop.DBus.Error.NameHasNoOwner" ||
		strings.HasPrefix(name, "org.freedesktop.DBus.Error.Spawn.")
}

// Kind returns "keyring".
func (k Keyring) Kind() string { return KindKeyring }

// Describe returns "OS keyring (service <name>)".
func (k Keyring) Describe() string { return "OS keyring (service " + k.service() + ")" }

func (k Keyring) service() string {
	if k.Service == "" {
		return DefaultKeyringService
	}
	return k.Service
}

func (k Keyring) timeout() time.Duration {
	if k.Timeout <= 0 {
		return DefaultKeyringTimeout
	}
	return k.Timeout
}

func (k Keyring) backend() keyringapi.Backend {
	if k.Backend == nil {
		return osKeyring{}
	}
	return k.Backend
}

// begin bounds one whole operation (all its keyring calls) by the timeout, so that Load, which
// makes two calls, still answers within Timeout.
func (k Keyring) begin(ctx context.Context) (context.Context, context.CancelFunc) {
	d := k.timeout()
	return context.WithTimeoutCause(ctx, d, fmt.Errorf("%w: timed out after %s", ErrKeyringTimeout, d))
}

// call runs fn on its own goroutine and gives up when ctx ends. go-keyring has no way to cancel
// a call: a keyring waiting on a prompt keeps that goroutine blocked, and we accept the leak (one
// goroutine per abandoned call, in a process that is about to report an error and exit) because
// the alternative is hanging. The channel is buffered so a late answer does not block forever.
func (k Keyring) call(ctx context.Context, fn func(keyringapi.Backend) error) error {
	if err := ctx.Err(); err != nil {
		return context.Cause(ctx)
	}
	b := k.backend()
	done := make(chan error, 1)
	go func() { done <- fn(b) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		select {
		case err := <-done: // answered at the last moment: prefer the answer
			return err
		default:
			return context.Cause(ctx)
		}
	}
}

func (k Keyring) unavailable(op string, cause error) error {
	return fmt.Errorf("failed to %s the %s: %w: %w", op, k.Describe(), ErrUnavailable, classifyKeyringError(cause))
}

// get reads one entry; found is false for a missing entry. A value that is not base64 of a
// 32-byte secret is an error that never repeats the value.
func (k Keyring) get(ctx context.Context, walletID, user string) (secret []byte, found bool, err error) {
	var value string
	err = k.call(ctx, func(b keyringapi.Backend) error {
		var err error
		value, err = b.Get(k.service(), user)
		return err
	})
	if errors.Is(err, keyringapi.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, k.unavailable("read the device secret from", err)
	}
	secret, err = base64.StdEncoding.Strict().DecodeString(value)
	if err != nil || len(secret) != factorSecretSize {
		return nil, false, &MalformedSecretError{Store: k.Describe(), WalletID: walletID, Pending: user != walletID}
	}
	return secret, true, nil
}

func (k Keyring) set(ctx context.Context, user string, secret []byte) error {
	value := base64.StdEncoding.EncodeToString(secret)
	err := k.call(ctx, func(b keyringapi.Backend) error { return b.Set(k.service(), user, value) })
	if err != nil {
		return k.unavailable("store the device secret in", err)
	}
	return nil
}

// remove deletes one entry; a missing entry is not an error.
func (k Keyring) remove(ctx context.Context, user string) error {
	err := k.call(ctx, func(b keyringapi.Backend) error { return b.Delete(k.service(), user) })
	if err != nil && !errors.Is(err, keyringapi.ErrNotFound) {
		return k.unavailable("remove the device secret from", err)
	}
	return nil
}

// Load returns the current and the pending secret; see [Store].
func (k Keyring) Load(ctx context.Context, walletID string) (current, pending []byte, err error) {
	if err := checkFactorWalletID(walletID); err != nil {
		return nil, nil, err
	}
	ctx, cancel := k.begin(ctx)
	defer cancel()
	current, hasCurrent, err := k.get(ctx, walletID, walletID)
	if err != nil {
		return nil, nil, err
	}
	pending, hasPending, err := k.get(ctx, walletID, walletID+keyringPendingSuffix)
	if err != nil {
		return nil, nil, err
	}
	if !hasCurrent && !hasPending {
		return nil, nil, fmt.Errorf("no device secret for wallet %s in the %s: %w", walletID, k.Describe(), ErrMissing)
	}
	return current, pending, nil
}

// Create stores the first secret; see [Store]. The keyring has no create-if-absent, so
// two concurrent inits could race between the check and the write; the wallet lock serialises
// them.
func (k Keyring) Create(ctx context.Context, walletID string, secret []byte) error {
	if err := checkFactorArgs(walletID, secret); err != nil {
		return err
	}
	ctx, cancel := k.begin(ctx)
	defer cancel()
	_, found, err := k.get(ctx, walletID, walletID)
	var malformed *MalformedSecretError
	if errors.As(err, &malformed) {
		found = true // a malformed entry is still an entry: never overwrite it silently
	} else if err != nil {
		return err
	}
	if found {
		return fmt.Errorf("the %s already holds a device secret for wallet %s (%w)", k.Describe(), walletID, ErrExists)
	}
	if err := k.set(ctx, walletID, secret); err != nil {
		return err
	}
	return k.remove(ctx, walletID+keyringPendingSuffix)
}

// Save replaces the current secret and removes any pending one; see [Store].
func (k Keyring) Save(ctx context.Context, walletID string, secret []byte) error {
	if err := checkFactorArgs(walletID, secret); err != nil {
		return err
	}
	ctx, cancel := k.begin(ctx)
	defer cancel()
	if err := k.set(ctx, walletID, secret); err != nil {
		return err
	}
	return k.remove(ctx, walletID+keyringPendingSuffix)
}

// Stage stores secret as pending; see [Store].
func (k Keyring) Stage(ctx context.Context, walletID string, secret []byte) error {
	if err := checkFactorArgs(walletID, secret); err != nil {
		return err
	}
	ctx, cancel := k.begin(ctx)
	defer cancel()
	return k.set(ctx, walletID+keyringPendingSuffix, secret)
}

// Promote makes the pending secret current. The keyring cannot rename, so it copies then
// deletes: between the two steps both entries hold the new secret, which still opens the
// wallet, so a crash there is harmless.
func (k Keyring) Promote(ctx context.Context, walletID string) error {
	if err := checkFactorWalletID(walletID); err != nil {
		return err
	}
	ctx, cancel := k.begin(ctx)
	defer cancel()
	pending, found, err := k.get(ctx, walletID, walletID+keyringPendingSuffix)
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("no pending device secret for wallet %s in the %s: %w", walletID, k.Describe(), ErrMissing)
	}
	if err := k.set(ctx, walletID, pending); err != nil {
		return err
	}
	return k.remove(ctx, walletID+keyringPendingSuffix)
}

// Discard removes the pending secret; see [Store].
func (k Keyring) Discard(ctx context.Context, walletID string) error {
	if err := checkFactorWalletID(walletID); err != nil {
		return err
	}
	ctx, cancel := k.begin(ctx)
	defer cancel()
	return k.remove(ctx, walletID+keyringPendingSuffix)
}

// Delete removes the current and the pending secret; see [Store]. The pending one goes
// first so that an interrupted Delete never leaves a pending secret without a current one.
func (k Keyring) Delete(ctx context.Context, walletID string) error {
	if err := checkFactorWalletID(walletID); err != nil {
		return err
	}
	ctx, cancel := k.begin(ctx)
	defer cancel()
	if err := k.remove(ctx, walletID+keyringPendingSuffix); err != nil {
		return err
	}
	return k.remove(ctx, walletID)
}
