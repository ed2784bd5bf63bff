package factor

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// factorStoreOpener opens a store for one wallet; every store an opener returns within one
// test shares the same backing keyring or folder, so that wallet IDs could collide.
type factorStoreOpener func(walletID string) Store

// testFactorStore is the conformance suite every Store must pass (like restic's backend
// tests): the in-memory keyring, the key file and the real Secret Service all run it.
func testFactorStore(t *testing.T, newOpener func(t *testing.T) factorStoreOpener) {
	ctx := context.Background()
	const w1, w2 = "wallet1", "wallet2"

	t.Run("Missing", func(t *testing.T) {
		s := newOpener(t)(w1)
		if _, _, err := s.Load(ctx, w1); !errors.Is(err, ErrMissing) {
			t.Fatalf("Load on an empty store = %v, want ErrMissing", err)
		}
		if err := s.Promote(ctx, w1); !errors.Is(err, ErrMissing) {
			t.Fatalf("Promote with nothing pending = %v, want ErrMissing", err)
		}
		mustFactor(t, s.Discard(ctx, w1))
		mustFactor(t, s.Delete(ctx, w1))
	})
	t.Run("CreateLoad", func(t *testing.T) {
		s := newOpener(t)(w1)
		s1, s2 := newFactorSecret(t), newFactorSecret(t)
		mustFactor(t, s.Create(ctx, w1, s1))
		wantFactorLoad(t, s, w1, s1, nil)
		if err := s.Create(ctx, w1, s2); !errors.Is(err, ErrExists) {
			t.Fatalf("second Create = %v, want ErrExists", err)
		}
		wantFactorLoad(t, s, w1, s1, nil)
	})
	t.Run("StagePromote", func(t *testing.T) {
		s := newOpener(t)(w1)
		s1, s2, s3 := newFactorSecret(t), newFactorSecret(t), newFactorSecret(t)
		mustFactor(t, s.Create(ctx, w1, s1))
		mustFactor(t, s.Stage(ctx, w1, s2))
		wantFactorLoad(t, s, w1, s1, s2)
		mustFactor(t, s.Stage(ctx, w1, s3)) // a retried rotation replaces the pending secret
		wantFactorLoad(t, s, w1, s1, s3)
		wantFactorLoad(t, s, w1, s1, s3) // loading does not consume the pending secret
		mustFactor(t, s.Promote(ctx, w1))
		wantFactorLoad(t, s, w1, s3, nil)
		if err := s.Promote(ctx, w1); !errors.Is(err, ErrMissing) {
			t.Fatalf("second Promote = %v, want ErrMissing", err)
		}
		wantFactorLoad(t, s, w1, s3, nil)
	})
	t.Run("StageDiscard", func(t *testing.T) {
		s := newOpener(t)(w1)
		s1, s2 := newFactorSecret(t), newFactorSecret(t)
		mustFactor(t, s.Create(ctx, w1, s1))
		mustFactor(t, s.Stage(ctx, w1, s2))
		mustFactor(t, s.Discard(ctx, w1))
		wantFactorLoad(t, s, w1, s1, nil)
		mustFactor(t, s.Discard(ctx, w1))
	})
	t.Run("Save", func(t *testing.T) {
		s := newOpener(t)(w1)
		s1, s2, s3 := newFactorSecret(t), newFactorSecret(t), newFactorSecret(t)
		mustFactor(t, s.Save(ctx, w1, s1)) // recovery on a new machine: nothing there yet
		wantFactorLoad(t, s, w1, s1, nil)
		mustFactor(t, s.Stage(ctx, w1, s2))
		mustFactor(t, s.Save(ctx, w1, s3))
		wantFactorLoad(t, s, w1, s3, nil)
	})
	t.Run("Delete", func(t *testing.T) {
		s := newOpener(t)(w1)
		s1, s2 := newFactorSecret(t), newFactorSecret(t)
		mustFactor(t, s.Create(ctx, w1, s1))
		mustFactor(t, s.Stage(ctx, w1, s2))
		mustFactor(t, s.Delete(ctx, w1))
		if _, _, err := s.Load(ctx, w1); !errors.Is(err, ErrMissing) {
			t.Fatalf("Load after Delete = %v, want ErrMissing", err)
		}
		mustFactor(t, s.Create(ctx, w1, s2))
		wantFactorLoad(t, s, w1, s2, nil)
	})
	t.Run("TwoWallets", func(t *testing.T) {
		open := newOpener(t)
		a, b := open(w1), open(w2)
		s1, s2, s3 := newFactorSecret(t), newFactorSecret(t), newFactorSecret(t)
		mustFactor(t, a.Create(ctx, w1, s1))
		if _, _, err := b.Load(ctx, w2); !errors.Is(err, ErrMissing) {
			t.Fatalf("Load of the other wallet = %v, want ErrMissing", err)
		}
		mustFactor(t, b.Create(ctx, w2, s2))
		mustFactor(t, b.Stage(ctx, w2, s3))
		wantFactorLoad(t, a, w1, s1, nil)
		mustFactor(t, a.Delete(ctx, w1))
		wantFactorLoad(t, b, w2, s2, s3)
	})
	t.Run("InvalidInput", func(t *testing.T) {
		s := newOpener(t)(w1)
		for _, err := range []error{
			s.Create(ctx, w1, make([]byte, factorSecretSize-1)),
			s.Stage(ctx, w1, nil),
			s.Create(ctx, "two words", newFactorSecret(t)),
			s.Create(ctx, "", newFactorSecret(t)),
			s.Create(ctx, w1+".pending", newFactorSecret(t)),
		} {
			if !errors.Is(err, ErrInvalidArgument) {
				t.Errorf("got %v, want ErrInvalidArgument", err)
			}
		}
		if _, _, err := s.Load(ctx, w1); !errors.Is(err, ErrMissing) {
			t.Fatalf("Load after rejected writes = %v, want ErrMissing", err)
		}
	})
}

func newFactorSecret(t testing.TB) []byte {
	t.Helper()
	secret := make([]byte, factorSecretSize)
	if _, err := rand.Read(secret); err != nil {
		t.Fatal(err)
	}
	return secret
}

func mustFactor(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantFactorLoad checks Load; it compares secrets without printing them, as the code must not.
func wantFactorLoad(t testing.TB, s Store, walletID string, wantCurrent, wantPending []byte) {
	t.Helper()
	current, pending, err := s.Load(context.Background(), walletID)
	if err != nil {
		t.Fatalf("Load(%s) from %s: %v", walletID, s.Describe(), err)
	}
	if !bytes.Equal(current, wantCurrent) {
		t.Errorf("Load(%s): current secret differs (got %d bytes, want %d)", walletID, len(current), len(wantCurrent))
	}
	if !bytes.Equal(pending, wantPending) {
		t.Errorf("Load(%s): pending secret differs (got %d bytes, want %d)", walletID, len(pending), len(wantPending))
	}
}

// memoryKeyring is an in-memory KeyringBackend; go-keyring's MockInit is global state.
type memoryKeyring struct {
	mu    sync.Mutex
	items map[string]string
	err   error // returned by every call when set
}

func newMemoryKeyring() *memoryKeyring { return &memoryKeyring{items: map[string]string{}} }

func (m *memoryKeyring) Get(service, user string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return "", m.err
	}
	v, ok := m.items[service+"\x00"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (m *memoryKeyring) Set(service, user, password string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return m.err
	}
	m.items[service+"\x00"+user] = password
	return nil
}

func (m *memoryKeyring) Delete(service, user string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return m.err
	}
	if _, ok := m.items[service+"\x00"+user]; !ok {
		return keyring.ErrNotFound
	}
	delete(m.items, service+"\x00"+user)
	return nil
}

// stallingKeyring blocks every call until release is closed, like a keyring waiting on an
// unlock prompt that nobody answers.
type stallingKeyring struct{ release chan struct{} }

func (s stallingKeyring) Get(string, string) (string, error) {
	<-s.release
	return "", keyring.ErrNotFound
}
func (s stallingKeyring) Set(string, string, string) error { <-s.release; return nil }
func (s stallingKeyring) Delete(string, string) error      { <-s.release; return nil }

func TestKeyringFactorConformance(t *testing.T) {
	testFactorStore(t, func(t *testing.T) factorStoreOpener {
		backend := newMemoryKeyring()
		return func(string) Store { return Keyring{Backend: backend} }
	})
}

func TestKeyringFactorStalls(t *testing.T) {
	const timeout = 200 * time.Millisecond
	stall := stallingKeyring{release: make(chan struct{})}
	t.Cleanup(func() { close(stall.release) }) // let the abandoned goroutines finish
	k := Keyring{Backend: stall, Timeout: timeout}
	ctx := context.Background()
	secret := newFactorSecret(t)
	calls := map[string]func() error{
		"Load":    func() error { _, _, err := k.Load(ctx, "w"); return err },
		"Create":  func() error { return k.Create(ctx, "w", secret) },
		"Save":    func() error { return k.Save(ctx, "w", secret) },
		"Stage":   func() error { return k.Stage(ctx, "w", secret) },
		"Promote": func() error { return k.Promote(ctx, "w") },
		"Discard": func() error { return k.Discard(ctx, "w") },
		"Delete":  func() error { return k.Delete(ctx, "w") },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			err := call()
			elapsed := time.Since(start)
			if !errors.Is(err, ErrUnavailable) {
				t.Fatalf("%s on a stalled keyring = %v, want ErrUnavailable", name, err)
			}
			if !strings.Contains(err.Error(), "timed out after 200ms") {
				t.Errorf("error %q does not say it timed out", err)
			}
			// The whole operation, not each of its keyring calls, is bounded by Timeout.
			if elapsed < timeout || elapsed > timeout+time.Second {
				t.Errorf("%s returned after %v, want about %v", name, elapsed, timeout)
			}
		})
	}
}

func TestKeyringFactorCanceled(t *testing.T) {
	stall := stallingKeyring{release: make(chan struct{})}
	t.Cleanup(func() { close(stall.release) })
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, _, err := Keyring{Backend: stall}.Load(ctx, "w")
	if !errors.Is(err, ErrUnavailable) || !errors.Is(err, context.Canceled) {
		t.Fatalf("Load with a canceled context = %v, want ErrUnavailable and context.Canceled", err)
	}
}

func TestKeyringFactorBackendError(t *testing.T) {
	backend := newMemoryKeyring()
	backend.err = errors.New("no session bus")
	k := Keyring{Backend: backend}
	_, _, err := k.Load(context.Background(), "w")
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "no session bus") {
		t.Fatalf("Load = %v, want ErrUnavailable naming the cause", err)
	}
	if err := k.Stage(context.Background(), "w", newFactorSecret(t)); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Stage = %v, want ErrUnavailable", err)
	}
}

func TestKeyringFactorMalformedValue(t *testing.T) {
	const stored = "c2VjcmV0LWJ1dC10b28tc2hvcnQ=" // base64, but not 32 bytes
	for _, value := range []string{stored, "not base64 at all!!", ""} {
		backend := newMemoryKeyring()
		backend.items["paspor\x00w"] = value
		k := Keyring{Backend: backend}
		_, _, err := k.Load(context.Background(), "w")
		var malformed *MalformedSecretError
		if !errors.As(err, &malformed) || malformed.WalletID != "w" || malformed.Pending {
			t.Fatalf("Load of a malformed entry = %v, want *MalformedSecretError for the current secret of w", err)
		}
		if value != "" && strings.Contains(err.Error(), value) {
			t.Errorf("error %q repeats the stored value", err)
		}
		if err := k.Create(context.Background(), "w", newFactorSecret(t)); !errors.Is(err, ErrExists) {
			t.Errorf("Create over a malformed entry = %v, want ErrExists", err)
		}
		if backend.items["paspor\x00w"] != value {
			t.Errorf("Create overwrote the malformed entry")
		}
	}
}

func TestKeyringFactorStorageLayout(t *testing.T) {
	backend := newMemoryKeyring()
	k := Keyring{Backend: backend, Service: "paspor-test"}
	secret := make([]byte, factorSecretSize)
	mustFactor(t, k.Create(context.Background(), "w", secret))
	mustFactor(t, k.Stage(context.Background(), "w", secret))
	want := strings.Repeat("A", 43) + "="
	if backend.items["paspor-test\x00w"] != want || backend.items["paspor-test\x00w.pending"] != want {
		t.Errorf("entries = %q, want base64 under users w and w.pending", backend.items)
	}
	if got := k.Describe(); got != "OS keyring (service paspor-test)" {
		t.Errorf("Describe = %q", got)
	}
	if got := (Keyring{}).Describe(); got != "OS keyring (service paspor)" || (Keyring{}).Kind() != "keyring" {
		t.Errorf("zero value: Describe = %q, Kind = %q", got, (Keyring{}).Kind())
	}
}
