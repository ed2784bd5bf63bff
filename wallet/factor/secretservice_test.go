package factor

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"github.com/paspor/paspor/internal/secretservice"
)

// TestKeyringFactorSecretService runs the conformance suite against a real Secret Service (a
// private gnome-keyring, see internal/secretservice) through the real go-keyring backend, then
// checks with secret-tool, an independent client, that the entries really are in that keyring.
func TestKeyringFactorSecretService(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the Secret Service is the Linux keyring")
	}
	if !secretservice.Require(t) {
		return
	}
	t.Logf("real Secret Service: DBUS_SESSION_BUS_ADDRESS=%s HOME=%s", os.Getenv("DBUS_SESSION_BUS_ADDRESS"), os.Getenv("HOME"))

	// Each subtest gets its own service name: one keyring serves them all.
	n := 0
	testFactorStore(t, func(t *testing.T) factorStoreOpener {
		n++
		service := "paspor-conformance-" + string(rune('a'+n))
		return func(string) Store { return Keyring{Service: service} }
	})

	t.Run("SeenBySecretTool", func(t *testing.T) {
		secretTool, err := exec.LookPath("secret-tool")
		if err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatal("secret-tool is missing: apt-get install libsecret-tools")
			}
			t.Skip("secret-tool not found: apt-get install libsecret-tools")
		}
		ctx := context.Background()
		k := Keyring{} // the production defaults: service "paspor", the real go-keyring
		current, pending := newFactorSecret(t), newFactorSecret(t)
		mustFactor(t, k.Create(ctx, "wallet-ss", current))
		mustFactor(t, k.Stage(ctx, "wallet-ss", pending))
		lookup := func(user string) []byte {
			out, err := exec.Command(secretTool, "lookup", "service", "paspor", "username", user).Output()
			if err != nil {
				t.Fatalf("secret-tool lookup %s: %v", user, err)
			}
			secret, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(out)))
			if err != nil {
				t.Fatalf("secret-tool lookup %s: the value is not base64", user)
			}
			return secret
		}
		if !bytes.Equal(lookup("wallet-ss"), current) || !bytes.Equal(lookup("wallet-ss.pending"), pending) {
			t.Fatal("secret-tool sees other values than Keyring stored")
		}
		t.Log("secret-tool found wallet-ss and wallet-ss.pending under service paspor, base64 of the stored secrets")

		// The other way round: an entry written by another client (the user restoring by
		// hand, say) is read by Keyring.
		restored := newFactorSecret(t)
		store := exec.Command(secretTool, "store", "--label=restored", "service", "paspor", "username", "wallet-restored")
		store.Stdin = strings.NewReader(base64.StdEncoding.EncodeToString(restored))
		if out, err := store.CombinedOutput(); err != nil {
			t.Fatalf("secret-tool store: %v: %s", err, out)
		}
		wantFactorLoad(t, k, "wallet-restored", restored, nil)
		mustFactor(t, k.Delete(ctx, "wallet-ss"))
		if _, err := exec.Command(secretTool, "lookup", "service", "paspor", "username", "wallet-ss").Output(); err == nil {
			t.Fatal("secret-tool still finds the entry after Delete")
		}
		t.Log("secret-tool store -> Keyring.Load and Keyring.Delete -> secret-tool lookup agree")
	})
}

// TestKeyringFactorNoSessionBus checks the real go-keyring path when no Secret Service can be
// reached, the usual case on a server: ErrUnavailable naming the cause, quickly.
func TestKeyringFactorNoSessionBus(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the Secret Service is the Linux keyring")
	}
	if os.Getenv(secretservice.EnvReady) == "1" {
		// godbus caches the session bus connection for the whole process.
		t.Skip("a session bus is already connected in this process")
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+t.TempDir()+"/no-bus")
	_, _, err := Keyring{}.Load(context.Background(), "w")
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Load without a session bus = %v, want ErrUnavailable", err)
	}
	t.Logf("without a bus: %v", err)
}

// TestKeyringFactorNoBusNoAutolaunch checks that without any session bus the real backend says
// so, instead of letting godbus run dbus-launch (which starts daemons that outlive paspor).
func TestKeyringFactorNoBusNoAutolaunch(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the Secret Service is the Linux keyring")
	}
	if _, err := os.Stat(fmt.Sprintf("/run/user/%d/bus", os.Getuid())); err == nil {
		t.Skip("this machine has a systemd user bus")
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	_, _, err := Keyring{}.Load(context.Background(), "w")
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "no session bus") {
		t.Fatalf("Load without DBUS_SESSION_BUS_ADDRESS = %v, want ErrUnavailable: no session bus", err)
	}
	t.Logf("without DBUS_SESSION_BUS_ADDRESS: %v", err)
}
