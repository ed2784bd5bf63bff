package backup

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzOpen feeds arbitrary decrypted backups (tar streams) to the reader: it must never
// panic, and must either accept the whole backup or reject it with a RejectedError.
// testdata/fuzz/FuzzOpen holds valid backups and near misses as seeds.
func FuzzOpen(f *testing.F) {
	f.Fuzz(func(t *testing.T, plain []byte) {
		_, _, err := openAll(plain, OpenOptions{MaxTotalSize: 1 << 20})
		var rej *RejectedError
		if err != nil && !errors.As(err, &rej) {
			t.Fatalf("not a rejection: %v", err)
		}
		if err == nil && !bytes.Contains(plain, []byte(Format)) {
			t.Fatal("accepted a tar without a manifest")
		}
	})
}
