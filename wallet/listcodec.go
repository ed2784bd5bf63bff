package wallet

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"time"
)

// The list index's plaintext is a compact binary list rather than JSON: opening it is the
// whole cost of a listing, and decoding 10,000 JSON objects costs more than the decryption.
// Layout: the version byte listIndexVersion, a uvarint entry count, then per entry the ID,
// type, label, expiry date and issue date (each a uvarint length and that many bytes), the attachment
// count (uvarint), the creation and update times (varint Unix nanoseconds, UTC) and the
// 32-byte SHA-256 of the sealed record. Entries are in ID order, IDs unique; anything else,
// or bytes left over, is malformed. The record is sealed, so only paspor can have written
// it; the decoder is strict anyway.
const listIndexVersion = 1

// maxListString bounds each string of an entry (IDs, type names, labels, dates are short).
const maxListString = 1 << 10

var errListMalformed = errors.New("malformed list index")

func encodeListIndex(entries []indexEntry) []byte {
	b := []byte{listIndexVersion}
	b = binary.AppendUvarint(b, uint64(len(entries)))
	for i := range entries {
		e := &entries[i]
		for _, s := range []string{e.ID, e.Type, e.Label, e.ExpiryDate, e.IssueDate} {
			b = binary.AppendUvarint(b, uint64(len(s)))
			b = append(b, s...)
		}
		b = binary.AppendUvarint(b, uint64(e.Attachments))
		b = binary.AppendVarint(b, e.CreatedAt.UnixNano())
		b = binary.AppendVarint(b, e.UpdatedAt.UnixNano())
		b = append(b, e.Record[:]...)
	}
	return b
}

// minListEntry is the smallest encoded entry: five empty strings, three one-byte numbers
// and the hash; it bounds the count a buffer can claim.
const minListEntry = 5 + 3 + sha256.Size

// uvarint and varint decode the minimal encoding only (a last byte of zero is a longer
// spelling of a shorter number), so that each index has exactly one encoding.
func uvarint(b []byte) (uint64, int) {
	v, k := binary.Uvarint(b)
	if k > 1 && b[k-1] == 0 {
		return 0, -1
	}
	return v, k
}

func varint(b []byte) (int64, int) {
	v, k := binary.Varint(b)
	if k > 1 && b[k-1] == 0 {
		return 0, -1
	}
	return v, k
}

func decodeListIndex(b []byte) ([]indexEntry, error) {
	if len(b) == 0 || b[0] != listIndexVersion {
		return nil, errListMalformed
	}
	b = b[1:]
	n, k := uvarint(b)
	if k <= 0 || n > uint64(len(b)/minListEntry) {
		return nil, errListMalformed
	}
	b = b[k:]
	entries := make([]indexEntry, n)
	str := func() (string, bool) {
		l, k := uvarint(b)
		if k <= 0 || l > maxListString || l > uint64(len(b)-k) {
			return "", false
		}
		s := string(b[k : k+int(l)])
		b = b[k+int(l):]
		return s, true
	}
	num := func() (uint64, bool) {
		v, k := uvarint(b)
		if k <= 0 {
			return 0, false
		}
		b = b[k:]
		return v, true
	}
	stamp := func() (time.Time, bool) {
		v, k := varint(b)
		if k <= 0 {
			return time.Time{}, false
		}
		b = b[k:]
		return time.Unix(0, v).UTC(), true
	}
	for i := range entries {
		e := &entries[i]
		var ok [8]bool
		e.ID, ok[0] = str()
		e.Type, ok[1] = str()
		e.Label, ok[2] = str()
		e.ExpiryDate, ok[3] = str()
		e.IssueDate, ok[4] = str()
		var atts uint64
		atts, ok[5] = num()
		e.Attachments = int(atts)
		e.CreatedAt, ok[6] = stamp()
		e.UpdatedAt, ok[7] = stamp()
		for _, o := range ok {
			if !o {
				return nil, errListMalformed
			}
		}
		if atts > 1<<20 || len(b) < sha256.Size || e.ID == "" || (i > 0 && entries[i-1].ID >= e.ID) {
			return nil, errListMalformed
		}
		e.Record, b = [sha256.Size]byte(b[:sha256.Size]), b[sha256.Size:]
	}
	if len(b) != 0 {
		return nil, errListMalformed
	}
	return entries, nil
}
