package wallet

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/paspor/paspor/wallet/factor"
)

// The benchmarks below time the hot paths of the store on a cheap-KDF wallet in a temporary
// folder (so on the disk of $TMPDIR, fsyncs included). Names are fixed for benchstat:
//
//	go test -run '^$' -bench . -count 10 ./wallet/ > new.txt && benchstat old.txt new.txt

// benchScanSize is large enough to cross two segments (8 MiB each) and a partial one.
const benchScanSize = 20 << 20

func newBenchWallet(b *testing.B) *Wallet {
	b.Helper()
	dir := b.TempDir()
	w, _, err := Init(context.Background(), filepath.Join(dir, "w", "wallet.db"), []byte("bench"),
		InitOptions{Factor: factor.File{Path: filepath.Join(dir, "device.key")}, KDF: cheapKDF})
	if err != nil {
		b.Fatalf("Init: %v", err)
	}
	b.Cleanup(func() { w.Close() })
	return w
}

func benchAdd(b *testing.B, w *Wallet, scan []byte) *Document {
	b.Helper()
	d, err := w.Add("passport", "", map[string]string{"document_no": "C01X00T47"},
		[]AttachmentInput{{Role: "front_side", Reader: bytes.NewReader(scan)}}, AddOptions{})
	if err != nil {
		b.Fatalf("Add: %v", err)
	}
	return d
}

// BenchmarkAddAttachment is the whole write path of a scan: sniff, hash, encrypt, the chunk
// writer, one fsynced transaction per segment, the document record.
func BenchmarkAddAttachment(b *testing.B) {
	w := newBenchWallet(b)
	scan := pngScan(b, benchScanSize)
	b.SetBytes(benchScanSize)
	for b.Loop() {
		d := benchAdd(b, w, scan)
		b.StopTimer()
		if _, err := w.Remove(d.ID); err != nil { // keeps the file from growing run after run
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkAddAttachmentNoSync is BenchmarkAddAttachment with bbolt's fsyncs turned off: the
// difference between the two is what durability costs on this disk. Diagnostic only; paspor
// never runs without them.
func BenchmarkAddAttachmentNoSync(b *testing.B) {
	w := newBenchWallet(b)
	w.db.NoSync = true
	scan := pngScan(b, benchScanSize)
	b.SetBytes(benchScanSize)
	for b.Loop() {
		d := benchAdd(b, w, scan)
		b.StopTimer()
		if _, err := w.Remove(d.ID); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkOpenAttachment is the whole read path: chunk reader, decryption, size and hash check.
func BenchmarkOpenAttachment(b *testing.B) {
	w := newBenchWallet(b)
	d := benchAdd(b, w, pngScan(b, benchScanSize))
	b.SetBytes(benchScanSize)
	for b.Loop() {
		r, _, err := w.OpenAttachment(d, "front_side")
		if err != nil {
			b.Fatal(err)
		}
		if n, err := io.Copy(io.Discard, r); err != nil || n != benchScanSize {
			b.Fatalf("read %d bytes: %v", n, err)
		}
		r.Close()
	}
}

// BenchmarkBlobWrite is the blob file writer alone, without encryption or hashing: what
// storage (buffered writes, fsync, rename, folder fsync) costs of BenchmarkAddAttachment.
func BenchmarkBlobWrite(b *testing.B) {
	w := newBenchWallet(b)
	data := pngScan(b, benchScanSize)
	b.SetBytes(benchScanSize)
	for b.Loop() {
		bf, err := w.createBlob()
		if err != nil {
			b.Fatal(err)
		}
		// 64 KiB writes, the size age's stream writer hands down.
		for off := 0; off < len(data); off += 64 << 10 {
			if _, err := bf.Write(data[off:min(off+64<<10, len(data))]); err != nil {
				b.Fatal(err)
			}
		}
		if err := bf.commit(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		w.dropBlobs([]string{bf.id})
		b.StartTimer()
	}
}

// BenchmarkSealDocument is one document record sealed (JSON and age under the wallet key).
func BenchmarkSealDocument(b *testing.B) {
	w := newBenchWallet(b)
	d := benchAdd(b, w, pngScan(b, 1024))
	for b.Loop() {
		if _, err := w.sealDocument(d); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGetDocument is one record looked up by ID prefix and opened, through Wallet.Get.
func BenchmarkGetDocument(b *testing.B) {
	w := newBenchWallet(b)
	d := benchAdd(b, w, pngScan(b, 1024))
	for b.Loop() {
		if _, err := w.Get(d.ID[:4]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkList1000 opens and sorts 1,000 records: paspor list without the process and
// the unlock around it.
func BenchmarkList1000(b *testing.B) {
	w := newBenchWallet(b)
	w.db.NoSync = true // setup only: 1,000 fsynced commits would cost seconds and time nothing
	for i := range 1000 {
		if _, err := w.Add("passport", fmt.Sprintf("passport %d", i), map[string]string{"document_no": fmt.Sprintf("C%08d", i)}, nil, AddOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	w.db.NoSync = false
	for b.Loop() {
		docs, err := w.List("")
		if err != nil || len(docs) != 1000 {
			b.Fatalf("List: %d documents, %v", len(docs), err)
		}
	}
}

// BenchmarkListSummaries10000 lists 10,000 documents from the list index: paspor list
// without the process and the unlock around it.
func BenchmarkListSummaries10000(b *testing.B) {
	w := newBenchWallet(b)
	w.db.NoSync = true // setup only
	for i := range 10000 {
		if _, err := w.Add("passport", fmt.Sprintf("passport %d", i), map[string]string{"document_no": fmt.Sprintf("C%08d", i)}, nil, AddOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	w.db.NoSync = false
	for b.Loop() {
		s, err := w.ListSummaries("")
		if err != nil || len(s) != 10000 {
			b.Fatalf("ListSummaries: %d documents, %v", len(s), err)
		}
	}
}
