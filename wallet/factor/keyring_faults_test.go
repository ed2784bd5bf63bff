package factor

import (
	"github.com/paspor/paspor/internal/keyringapi"

	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// faultyKeyring fails every call with err, as go-keyring does when the Secret Service cannot
// be used.
type faultyKeyring struct{ err error }

func (f faultyKeyring) Get(string, string) (string, error) { return "", f.err }
func (f faultyKeyring) Set(string, string, string) error   { return f.err }
func (f faultyKeyring) Delete(string, string) error        { return f.err }

// TestKeyringFaultClasses checks that the errors go-keyring passes through from godbus get the
// class the CLI picks its hint by, and stay ErrUnavailable. cmd/paspor's
// keyring_faults_test.go produces each of them with real programs.
func TestKeyringFaultClasses(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) }) // let the abandoned stalled call finish
	dial := &net.OpError{Op: "dial", Net: "unix", Err: errors.New("connect: connection refused")}
	cases := []struct {
		name    string
		backend keyringapi.Backend
		class   error
	}{
		{"no bus address", faultyKeyring{checkSessionBusErrorForTest()}, ErrNoSessionBus},
		{"dead bus socket", faultyKeyring{dial}, ErrNoSessionBus},
		{"no service", faultyKeyring{dbus.Error{Name: "org.freedesktop.DBus.Error.ServiceUnknown",
			Body: []any{"The name org.freedesktop.secrets was not provided by any .service files"}}}, ErrNoSecretService},
		{"activation failed", faultyKeyring{&dbus.Error{Name: "org.freedesktop.DBus.Error.Spawn.ChildExited"}}, ErrNoSecretService},
		// go-keyring's text for a dismissed unlock decides nothing by itself: the collection's
		// Locked property does (withLockState), shown against a really locked gnome-keyring by
		// cmd/paspor's TestKeyringFaultLocked.
		{"locked text only", faultyKeyring{errors.New("failed to unlock correct collection '/org/freedesktop/secrets/collection/login'")}, nil},
		{"no answer", stallingKeyring{release: release}, ErrKeyringTimeout},
		{"other", faultyKeyring{errors.New("something else")}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k := Keyring{Backend: c.backend, Timeout: 50 * time.Millisecond}
			_, _, err := k.Load(context.Background(), "w")
			if !errors.Is(err, ErrUnavailable) {
				t.Fatalf("Load = %v, want ErrUnavailable", err)
			}
			for _, class := range []error{ErrNoSessionBus, ErrNoSecretService, ErrKeyringLocked, ErrKeyringTimeout} {
				if got, want := errors.Is(err, class), class == c.class; got != want {
					t.Errorf("errors.Is(%q, %v) = %v, want %v", err, class, got, want)
				}
			}
		})
	}
}

// checkSessionBusErrorForTest is checkSessionBus's error, whatever the test's environment.
func checkSessionBusErrorForTest() error {
	return fmt.Errorf("%w (DBUS_SESSION_BUS_ADDRESS is not set)", ErrNoSessionBus)
}
