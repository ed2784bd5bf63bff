package crypto

import (
	"bytes"
	"strings"
	"testing"
)

// testKDFParams are the cheapest accepted parameters, so that tests stay fast.
var testKDFParams = KDFParams{MemoryKiB: MinKDFMemoryKiB, Iterations: MinKDFIterations, Parallelism: 1}

func TestDefaultKDFParams(t *testing.T) {
	p := DefaultKDFParams()
	if p != (KDFParams{MemoryKiB: 65536, Iterations: 3, Parallelism: 4}) {
		t.Fatalf("DefaultKDFParams() = %+v, want RFC 9106 second recommendation", p)
	}
	if err := p.Validate(); err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
	if p.Weak() {
		t.Fatal("defaults reported as weak")
	}
}

func TestKDFParamsValidate(t *testing.T) {
	tests := []struct {
		name string
		p    KDFParams
		ok   bool
		weak bool
	}{
		{"defaults", DefaultKDFParams(), true, false},
		{"minimum", KDFParams{MinKDFMemoryKiB, MinKDFIterations, 1}, true, true},
		{"maximum", KDFParams{MaxKDFMemoryKiB, MaxKDFIterations, 255}, true, false},
		{"memory below minimum", KDFParams{MinKDFMemoryKiB - 1, 3, 4}, false, true},
		{"memory zero", KDFParams{0, 3, 4}, false, true},
		{"memory above maximum", KDFParams{MaxKDFMemoryKiB + 1, 3, 4}, false, false},
		{"iterations zero", KDFParams{65536, 0, 4}, false, true},
		{"iterations above maximum", KDFParams{65536, MaxKDFIterations + 1, 4}, false, false},
		{"parallelism zero", KDFParams{65536, 3, 0}, false, false},
		{"fewer iterations", KDFParams{1 << 20, 2, 4}, true, true},
		{"less memory", KDFParams{32 * 1024, 10, 4}, true, true},
		{"one lane", KDFParams{65536, 3, 1}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate()
			if (err == nil) != tt.ok {
				t.Errorf("Validate() = %v, want ok=%v", err, tt.ok)
			}
			if got := tt.p.Weak(); got != tt.weak {
				t.Errorf("Weak() = %v, want %v", got, tt.weak)
			}
		})
	}
}

func TestNewDeviceSecretAndSalt(t *testing.T) {
	a, err := NewDeviceSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewDeviceSecret()
	if len(a) != DeviceSecretSize || bytes.Equal(a, b) {
		t.Fatalf("device secrets: len %d, equal %v", len(a), bytes.Equal(a, b))
	}
	s, err := NewSalt()
	if err != nil {
		t.Fatal(err)
	}
	if len(s) != SaltSize {
		t.Fatalf("salt length %d", len(s))
	}
}

type kdfInput struct {
	passphrase, device, salt []byte
	walletID                 string
	params                   KDFParams
}

func baseKDFInput() kdfInput {
	return kdfInput{
		passphrase: []byte("correct horse battery staple"),
		device:     bytes.Repeat([]byte{0x42}, DeviceSecretSize),
		salt:       bytes.Repeat([]byte{0x17}, SaltSize),
		walletID:   "wallet-1",
		params:     testKDFParams,
	}
}

func (in kdfInput) derive(t *testing.T) []byte {
	t.Helper()
	k, err := DeriveKEK(in.passphrase, in.device, in.salt, in.walletID, in.params)
	if err != nil {
		t.Fatalf("DeriveKEK: %v", err)
	}
	if len(k) != 32 {
		t.Fatalf("KEK is %d bytes", len(k))
	}
	return k
}

func TestDeriveKEKDeterministic(t *testing.T) {
	in := baseKDFInput()
	if a, b := in.derive(t), in.derive(t); !bytes.Equal(a, b) {
		t.Fatal("same inputs gave different KEKs")
	}
}

func TestDeriveKEKEachInputMatters(t *testing.T) {
	base := baseKDFInput().derive(t)
	tests := []struct {
		name   string
		change func(*kdfInput)
	}{
		{"passphrase", func(in *kdfInput) { in.passphrase = []byte("correct horse battery stapleX") }},
		{"device secret", func(in *kdfInput) { in.device = bytes.Repeat([]byte{0x43}, DeviceSecretSize) }},
		{"device secret last byte", func(in *kdfInput) { in.device[DeviceSecretSize-1] ^= 1 }},
		{"salt", func(in *kdfInput) { in.salt[0] ^= 1 }},
		{"wallet ID", func(in *kdfInput) { in.walletID = "wallet-2" }},
		{"memory", func(in *kdfInput) { in.params.MemoryKiB++ }},
		{"iterations", func(in *kdfInput) { in.params.Iterations++ }},
		{"parallelism", func(in *kdfInput) { in.params.Parallelism++ }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := baseKDFInput()
			tt.change(&in)
			if bytes.Equal(in.derive(t), base) {
				t.Fatalf("changing the %s did not change the KEK", tt.name)
			}
		})
	}
}

func TestDeriveKEKRejects(t *testing.T) {
	tests := []struct {
		name   string
		change func(*kdfInput)
	}{
		{"empty passphrase", func(in *kdfInput) { in.passphrase = nil }},
		{"short device secret", func(in *kdfInput) { in.device = in.device[:31] }},
		{"long device secret", func(in *kdfInput) { in.device = append(in.device, 0) }},
		{"missing device secret", func(in *kdfInput) { in.device = nil }},
		{"short salt", func(in *kdfInput) { in.salt = in.salt[:8] }},
		{"empty wallet ID", func(in *kdfInput) { in.walletID = "" }},
		{"invalid params", func(in *kdfInput) { in.params.Parallelism = 0 }},
		{"too little memory", func(in *kdfInput) { in.params.MemoryKiB = 1024 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := baseKDFInput()
			tt.change(&in)
			k, err := DeriveKEK(in.passphrase, in.device, in.salt, in.walletID, in.params)
			if err == nil || k != nil {
				t.Fatalf("DeriveKEK = %x, %v; want an error", k, err)
			}
			if strings.Contains(err.Error(), string(baseKDFInput().passphrase)) {
				t.Fatalf("error leaks the passphrase: %v", err)
			}
		})
	}
}
