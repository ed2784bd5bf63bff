package wallet

import (
	"context"
	"testing"
	"time"
)

func TestFactorRotatedAt(t *testing.T) {
	w, tw := newTestWallet(t)
	at, err := w.FactorRotatedAt()
	if err != nil || !at.IsZero() {
		t.Fatalf("a new wallet: %v %v, want never rotated", at, err)
	}
	now := time.Date(2026, 12, 1, 12, 30, 45, 0, time.UTC)
	w.now = func() time.Time { return now }
	if _, err := w.RotateFactor(context.Background()); err != nil {
		t.Fatal(err)
	}
	w.Close()
	w = mustUnlock(t, tw)
	defer w.Close()
	if at, err := w.FactorRotatedAt(); err != nil || !at.Equal(now) {
		t.Fatalf("after rotation: %v %v, want %v", at, err, now)
	}
}
