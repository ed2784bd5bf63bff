package wallet

import (
	"bytes"
	"crypto/sha256"
	"testing"
	"time"
)

func sampleEntries() []indexEntry {
	at := time.Date(2026, 12, 1, 10, 0, 0, 123, time.UTC)
	var out []indexEntry
	for i, id := range []string{"0abc1234", "1xyz9876", "zzzzzzzz"} {
		h := sha256.Sum256([]byte(id))
		out = append(out, indexEntry{Summary: Summary{ID: id, Type: "passport", Label: []string{"", "mine", "ünïcode"}[i],
			ExpiryDate: []string{"2031-05-01", "", "1999-01-01"}[i], Attachments: i * 3,
			CreatedAt: at.Add(time.Duration(i) * time.Hour), UpdatedAt: at.Add(-time.Duration(i))}, Record: h})
	}
	return out
}

// TestListCodecRoundTrip: what encodeListIndex writes, decodeListIndex reads back equal, and
// every truncation, every appended byte and a wrong version are refused.
func TestListCodecRoundTrip(t *testing.T) {
	for _, entries := range [][]indexEntry{nil, sampleEntries()} {
		b := encodeListIndex(entries)
		got, err := decodeListIndex(b)
		if err != nil || len(got) != len(entries) {
			t.Fatalf("decode: %d entries, %v; want %d", len(got), err, len(entries))
		}
		for i := range got {
			if !summaryEqual(got[i].Summary, entries[i].Summary) || got[i].Record != entries[i].Record {
				t.Fatalf("entry %d: got %+v, want %+v", i, got[i], entries[i])
			}
		}
		for n := range len(b) {
			if _, err := decodeListIndex(b[:n]); err == nil {
				t.Fatalf("truncated to %d of %d bytes: decoded", n, len(b))
			}
		}
		if _, err := decodeListIndex(append(bytes.Clone(b), 0)); err == nil {
			t.Fatal("trailing byte: decoded")
		}
		bad := bytes.Clone(b)
		bad[0]++
		if _, err := decodeListIndex(bad); err == nil {
			t.Fatal("other version: decoded")
		}
	}
	unordered := sampleEntries()
	unordered[0], unordered[1] = unordered[1], unordered[0]
	if _, err := decodeListIndex(encodeListIndex(unordered)); err == nil {
		t.Fatal("entries out of ID order: decoded")
	}
	dup := sampleEntries()
	dup[1].ID = dup[0].ID
	if _, err := decodeListIndex(encodeListIndex(dup)); err == nil {
		t.Fatal("duplicate IDs: decoded")
	}
}

// FuzzDecodeListIndex: seeds in testdata/fuzz/FuzzDecodeListIndex. Whatever decodes
// re-encodes to the same bytes (one encoding per index), and nothing panics.
func FuzzDecodeListIndex(f *testing.F) {
	f.Add(encodeListIndex(sampleEntries()))
	f.Add(encodeListIndex(nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		entries, err := decodeListIndex(b)
		if err != nil {
			return
		}
		if again := encodeListIndex(entries); !bytes.Equal(again, b) {
			t.Fatalf("decoded input re-encodes differently:\n%x\n%x", b, again)
		}
	})
}
