package crypto

import (
	"bytes"
	"io"
	"testing"
)

func BenchmarkSealRecord(b *testing.B) {
	pt := pseudoRandom(1024, 1)
	b.SetBytes(int64(len(pt)))
	for b.Loop() {
		if _, err := SealRecord(testWalletKey, testBinding, pt); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpenRecord(b *testing.B) {
	pt := pseudoRandom(1024, 1)
	ct := sealTest(b, pt)
	b.SetBytes(int64(len(pt)))
	for b.Loop() {
		if _, err := OpenRecord(testWalletKey, testBinding, ct); err != nil {
			b.Fatal(err)
		}
	}
}

const benchStreamSize = 16 << 20

func BenchmarkEncryptStream(b *testing.B) {
	pt := pseudoRandom(benchStreamSize, 2)
	b.SetBytes(benchStreamSize)
	for b.Loop() {
		w, err := EncryptStream(io.Discard, testWalletKey, testBinding)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := w.Write(pt); err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecryptStream(b *testing.B) {
	var buf bytes.Buffer
	w, err := EncryptStream(&buf, testWalletKey, testBinding)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := w.Write(pseudoRandom(benchStreamSize, 2)); err != nil {
		b.Fatal(err)
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	ct := buf.Bytes()
	b.SetBytes(benchStreamSize)
	for b.Loop() {
		r, err := DecryptStream(bytes.NewReader(ct), testWalletKey, testBinding)
		if err != nil {
			b.Fatal(err)
		}
		if n, err := io.Copy(io.Discard, r); err != nil || n != benchStreamSize {
			b.Fatalf("decrypted %d bytes: %v", n, err)
		}
	}
}

// BenchmarkDeriveKEK measures the cheapest accepted parameters; the defaults cost about
// eight times the memory and three times the passes.
func BenchmarkDeriveKEK(b *testing.B) {
	in := baseKDFInput()
	for b.Loop() {
		if _, err := DeriveKEK(in.passphrase, in.device, in.salt, in.walletID, testKDFParams); err != nil {
			b.Fatal(err)
		}
	}
}
