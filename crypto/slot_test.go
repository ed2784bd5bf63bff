package crypto

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"testing"
)

// fuzzKEK and fuzzWalletID seal the committed FuzzOpenSlot seeds; changing them makes the
// "valid" seeds stop opening, which TestFuzzSeedsStillMeaningful catches.
var (
	fuzzKEK      = bytes.Repeat([]byte{0x5a}, kekSize)
	fuzzWalletID = "fuzz-wallet"
)

func newTestSecrets(t testing.TB) *SlotSecrets {
	t.Helper()
	s, err := NewSlotSecrets()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func sameSecrets(a, b *SlotSecrets) bool {
	return bytes.Equal(a.WalletKey, b.WalletKey) && a.SigningKey.Equal(b.SigningKey)
}

func TestNewSlotSecrets(t *testing.T) {
	a, b := newTestSecrets(t), newTestSecrets(t)
	if len(a.WalletKey) != WalletKeySize || len(a.SigningKey) != ed25519.PrivateKeySize {
		t.Fatalf("sizes: wallet key %d, signing key %d", len(a.WalletKey), len(a.SigningKey))
	}
	if bytes.Equal(a.WalletKey, b.WalletKey) || a.SigningKey.Equal(b.SigningKey) {
		t.Fatal("two calls returned the same secrets")
	}
}

func TestSlotRoundTrip(t *testing.T) {
	kek := bytes.Repeat([]byte{1}, kekSize)
	s := newTestSecrets(t)
	sealed, err := SealSlot(kek, "w1", s)
	if err != nil {
		t.Fatal(err)
	}
	again, err := SealSlot(kek, "w1", s)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(sealed, again) {
		t.Fatal("two seals are identical: the nonce is not random")
	}
	if bytes.Contains(sealed, s.WalletKey) || bytes.Contains(sealed, s.SigningKey.Seed()) {
		t.Fatal("sealed slot contains a secret in the clear")
	}
	got, err := OpenSlot(kek, "w1", sealed)
	if err != nil {
		t.Fatal(err)
	}
	if !sameSecrets(s, got) {
		t.Fatal("opened secrets differ from sealed ones")
	}
	msg := []byte("bundle")
	if !ed25519.Verify(s.SigningKey.Public().(ed25519.PublicKey), msg, ed25519.Sign(got.SigningKey, msg)) {
		t.Fatal("reopened signing key does not match the original public key")
	}
}

func TestOpenSlotRejects(t *testing.T) {
	kek := bytes.Repeat([]byte{1}, kekSize)
	sealed, err := SealSlot(kek, "w1", newTestSecrets(t))
	if err != nil {
		t.Fatal(err)
	}
	otherKEK := bytes.Clone(kek)
	otherKEK[kekSize-1] ^= 1
	tests := []struct {
		name     string
		kek      []byte
		walletID string
		sealed   []byte
		want     error
	}{
		{"wrong KEK", otherKEK, "w1", sealed, ErrWrongKey},
		{"other wallet ID", kek, "w2", sealed, ErrWrongKey},
		{"wallet ID prefix", kek, "w", sealed, ErrWrongKey},
		{"empty", kek, "w1", nil, ErrMalformedSlot},
		{"nonce only", kek, "w1", sealed[:24], ErrMalformedSlot},
		{"truncated tag", kek, "w1", sealed[:len(sealed)-1], ErrWrongKey},
		{"extended", kek, "w1", append(bytes.Clone(sealed), 0), ErrWrongKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := OpenSlot(tt.kek, tt.walletID, tt.sealed)
			if !errors.Is(err, tt.want) || got != nil {
				t.Fatalf("OpenSlot = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestOpenSlotEveryByteFlip(t *testing.T) {
	kek := bytes.Repeat([]byte{1}, kekSize)
	sealed, err := SealSlot(kek, "w1", newTestSecrets(t))
	if err != nil {
		t.Fatal(err)
	}
	for i := range sealed {
		for _, mask := range []byte{0x01, 0x80} {
			c := bytes.Clone(sealed)
			c[i] ^= mask
			if _, err := OpenSlot(kek, "w1", c); !errors.Is(err, ErrWrongKey) {
				t.Fatalf("flip of byte %d (mask %#x): err = %v, want ErrWrongKey", i, mask, err)
			}
		}
	}
	for n := range len(sealed) {
		if _, err := OpenSlot(kek, "w1", sealed[:n]); err == nil {
			t.Fatalf("truncation to %d bytes opened", n)
		}
	}
}

func TestOpenSlotMalformedPayload(t *testing.T) {
	good := make([]byte, slotPayloadSize)
	good[0] = slotVersion1
	tests := []struct {
		name    string
		payload []byte
		want    error
	}{
		{"valid", good, nil},
		{"unknown version", append([]byte{2}, good[1:]...), ErrMalformedSlot},
		{"version zero", append([]byte{0}, good[1:]...), ErrMalformedSlot},
		{"short", good[:slotPayloadSize-1], ErrMalformedSlot},
		{"long", append(bytes.Clone(good), 0), ErrMalformedSlot},
		{"empty", nil, ErrMalformedSlot},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sealed, err := sealSlotPayload(fuzzKEK, fuzzWalletID, tt.payload)
			if err != nil {
				t.Fatal(err)
			}
			_, err = OpenSlot(fuzzKEK, fuzzWalletID, sealed)
			if (tt.want == nil && err != nil) || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("OpenSlot err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestSealSlotRejects(t *testing.T) {
	good := newTestSecrets(t)
	kek := bytes.Repeat([]byte{1}, kekSize)
	tests := []struct {
		name string
		kek  []byte
		s    *SlotSecrets
	}{
		{"nil secrets", kek, nil},
		{"short wallet key", kek, &SlotSecrets{WalletKey: good.WalletKey[:16], SigningKey: good.SigningKey}},
		{"missing signing key", kek, &SlotSecrets{WalletKey: good.WalletKey}},
		{"seed instead of key", kek, &SlotSecrets{WalletKey: good.WalletKey, SigningKey: good.SigningKey[:32]}},
		{"short KEK", kek[:16], good},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if out, err := SealSlot(tt.kek, "w1", tt.s); err == nil {
				t.Fatalf("SealSlot = %x, want an error", out)
			}
		})
	}
	if _, err := OpenSlot(kek[:16], "w1", make([]byte, 200)); err == nil {
		t.Fatal("OpenSlot accepted a short KEK")
	}
}

// TestSlotWithDerivedKEK ties the slot to DeriveKEK: both factors are needed.
func TestSlotWithDerivedKEK(t *testing.T) {
	in := baseKDFInput()
	sealed, err := SealSlot(in.derive(t), in.walletID, newTestSecrets(t))
	if err != nil {
		t.Fatal(err)
	}
	wrongPass := baseKDFInput()
	wrongPass.passphrase = []byte("wrong")
	wrongDevice := baseKDFInput()
	wrongDevice.device = make([]byte, DeviceSecretSize)
	for name, in := range map[string]kdfInput{"passphrase": wrongPass, "device secret": wrongDevice} {
		if _, err := OpenSlot(in.derive(t), in.walletID, sealed); !errors.Is(err, ErrWrongKey) {
			t.Errorf("wrong %s: err = %v, want ErrWrongKey", name, err)
		}
	}
}

func FuzzOpenSlot(f *testing.F) {
	s := &SlotSecrets{WalletKey: make([]byte, WalletKeySize), SigningKey: ed25519.NewKeyFromSeed(make([]byte, 32))}
	if sealed, err := SealSlot(fuzzKEK, fuzzWalletID, s); err == nil {
		f.Add(sealed)
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, sealed []byte) {
		got, err := OpenSlot(fuzzKEK, fuzzWalletID, sealed)
		if err != nil {
			if got != nil || (!errors.Is(err, ErrWrongKey) && !errors.Is(err, ErrMalformedSlot)) {
				t.Fatalf("OpenSlot = %v, %v", got, err)
			}
			return
		}
		resealed, err := SealSlot(fuzzKEK, fuzzWalletID, got)
		if err != nil {
			t.Fatal(err)
		}
		again, err := OpenSlot(fuzzKEK, fuzzWalletID, resealed)
		if err != nil || !sameSecrets(got, again) {
			t.Fatalf("reseal round trip failed: %v", err)
		}
	})
}
