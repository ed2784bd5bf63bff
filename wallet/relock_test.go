package wallet

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"
)

// TestReleaseReacquire: a released wallet lets another process write; taking it back
// succeeds when only records changed, and fails with ErrWalletChanged when the header or
// the sealed state no longer fit the keys held (a passphrase change, an older copy put back).
func TestReleaseReacquire(t *testing.T) {
	tests := []struct {
		name    string
		meddle  func(t *testing.T, tw *testWallet, snapshot []byte)
		wantErr error
	}{
		{"nothing", func(*testing.T, *testWallet, []byte) {}, nil},
		{"a record added", func(t *testing.T, tw *testWallet, _ []byte) {
			other := mustUnlock(t, tw)
			defer other.Close()
			addPassport(t, other, "OTHER", nil)
		}, nil},
		{"passphrase changed", func(t *testing.T, tw *testWallet, _ []byte) {
			other := mustUnlock(t, tw)
			defer other.Close()
			if err := other.ChangePassphrase([]byte("new passphrase"), nil); err != nil {
				t.Fatal(err)
			}
		}, ErrWalletChanged},
		{"older copy put back", func(t *testing.T, tw *testWallet, snapshot []byte) {
			if err := os.WriteFile(tw.path, snapshot, 0o600); err != nil {
				t.Fatal(err)
			}
		}, ErrWalletChanged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, tw := newTestWallet(t)
			snapshot, err := os.ReadFile(tw.path)
			if err != nil {
				t.Fatal(err)
			}
			addPassport(t, w, "MINE", nil)
			if err := w.Release(); err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			if _, err := w.List(""); err == nil {
				t.Fatal("a released wallet still reads")
			}
			tt.meddle(t, tw, snapshot)
			err = w.Reacquire(false, 300*time.Millisecond)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Reacquire: %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if _, err := Open(tw.path, OpenOptions{ReadOnly: true, LockTimeout: 100 * time.Millisecond}); !errors.Is(err, ErrWalletInUse) {
				t.Fatalf("Reacquire(false) took no exclusive lock: %v", err)
			}
			if _, err := w.Remove(addPassport(t, w, "AFTER", nil).ID); err != nil {
				t.Fatalf("write after Reacquire: %v", err)
			}
		})
	}
}

// TestReacquireShared: a wallet taken back read-only shares the lock with other readers.
func TestReacquireShared(t *testing.T) {
	w, tw := newTestWallet(t)
	if err := w.Release(); err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.Reacquire(true, 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	l, err := Open(tw.path, OpenOptions{ReadOnly: true, LockTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatalf("second reader: %v", err)
	}
	r, err := l.Unlock(context.Background(), tw.pass, tw.factor)
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
}
