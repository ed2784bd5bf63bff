package export

import (
	"bytes"
	"io"
	"runtime"
	"testing"
	"time"
)

const benchFileSize = 4 << 20

// benchDocs is one document with a 4 MiB attachment.
func benchDocs() ([]Document, FileOpener) {
	data := bytes.Repeat([]byte{0xff, 0xd8, 0xff, 0xe0}, benchFileSize/4)
	docs := []Document{{ID: "bench", Type: "passport", Fields: map[string]string{"document_no": "1"},
		Files: []File{{Role: "front_side", MediaType: "image/jpeg", Size: int64(len(data)), SHA256: sum(data)}}}}
	return docs, func(d, f int) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
}

func BenchmarkWrite(b *testing.B) {
	p := newPartner(b, false)
	docs, open := benchDocs()
	opts := WriteOptions{Recipients: mustRecipients(b, p.recipient), TTL: time.Hour, Signer: holderKey(1)}
	b.SetBytes(benchFileSize)
	for b.Loop() {
		if _, err := Write(io.Discard, docs, open, opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen(b *testing.B) {
	p := newPartner(b, false)
	docs, open := benchDocs()
	var buf bytes.Buffer
	if _, err := Write(&buf, docs, open, WriteOptions{Recipients: mustRecipients(b, p.recipient), TTL: time.Hour, Signer: holderKey(1)}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(benchFileSize)
	for b.Loop() {
		if _, err := Open(bytes.NewReader(buf.Bytes()), OpenOptions{Identities: p.ids, OutDir: b.TempDir()}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestOpenStreams: opening a bundle with a 32 MiB file does not hold it: contents are streamed
// (hashed and discarded here). age v1.3's stream reader allocates one short-lived 64 KiB buffer
// per chunk, which is garbage as it goes; beyond that, Open may allocate a few MiB, so a copy
// of the file anywhere makes this fail.
func TestOpenStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates a 32 MiB bundle")
	}
	p := newPartner(t, false)
	data := bytes.Repeat([]byte("%PDF-1.7"), 4<<20)
	docs := []Document{{ID: "big", Type: "bank_statement", Fields: map[string]string{},
		Files: []File{{Role: "file/1", MediaType: "application/pdf", Size: int64(len(data)), SHA256: sum(data)}}}}
	var buf bytes.Buffer
	open := func(d, f int) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	if _, err := Write(&buf, docs, open, WriteOptions{Recipients: mustRecipients(t, p.recipient), TTL: time.Hour, Signer: holderKey(1)}); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := Open(bytes.NewReader(buf.Bytes()), OpenOptions{Identities: p.ids}); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	ageGarbage := uint64(len(data))
	if got := after.TotalAlloc - before.TotalAlloc; got > ageGarbage+8<<20 {
		t.Fatalf("Open allocated %d bytes for a 32 MiB file", got)
	}
}
