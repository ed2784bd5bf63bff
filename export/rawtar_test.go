package export

import (
	"bytes"
	"fmt"
	"strconv"
	"testing"
)

// rawHeader encodes one 512-byte ustar header by hand, so that tests can write what
// archive/tar's Writer refuses to: pax and GNU long-name headers, sparse types, sizes larger
// than the data, names holding NUL bytes.
func rawHeader(name string, typeflag byte, size int64) []byte {
	b := make([]byte, 512)
	copy(b[0:100], name)
	copy(b[100:108], "0000600\x00")
	copy(b[108:116], "0000000\x00")
	copy(b[116:124], "0000000\x00")
	if size < 1<<33 {
		copy(b[124:136], fmt.Sprintf("%011o\x00", size))
	} else {
		// Base-256, as GNU tar writes sizes that do not fit 11 octal digits.
		b[124] = 0x80
		for i := 135; i > 124; i-- {
			b[i] = byte(size)
			size >>= 8
		}
	}
	copy(b[136:148], fmt.Sprintf("%011o\x00", testNow.Unix()))
	b[156] = typeflag
	copy(b[257:265], "ustar\x0000")
	copy(b[329:337], "0000000\x00")
	copy(b[337:345], "0000000\x00")
	if typeflag == 'S' {
		// Old GNU sparse entries exist only in the GNU format, whose header holds the real size.
		copy(b[257:265], "ustar  \x00")
		copy(b[483:495], fmt.Sprintf("%011o\x00", size))
	}
	copy(b[148:156], "        ")
	var chk int64
	for _, c := range b {
		chk += int64(c)
	}
	copy(b[148:156], fmt.Sprintf("%06o\x00 ", chk))
	return b
}

// rawEntry is a header followed by data padded to the block size.
func rawEntry(name string, typeflag byte, size int64, data []byte) []byte {
	out := append(rawHeader(name, typeflag, size), data...)
	if pad := len(data) % 512; pad != 0 {
		out = append(out, make([]byte, 512-pad)...)
	}
	return out
}

// paxRecords encodes pax "length key=value\n" records.
func paxRecords(kv ...string) []byte {
	var b bytes.Buffer
	for i := 0; i+1 < len(kv); i += 2 {
		rec := " " + kv[i] + "=" + kv[i+1] + "\n"
		// The length counts its own digits: iterate to the fixed point.
		n := len(rec)
		for n != len(rec)+len(strconv.Itoa(n)) {
			n = len(rec) + len(strconv.Itoa(n))
		}
		b.WriteString(strconv.Itoa(n) + rec)
	}
	return b.Bytes()
}

// paxEntry is a pax extended header carrying kv, followed by a regular entry.
func paxEntry(ustarName string, data []byte, kv ...string) []byte {
	recs := paxRecords(kv...)
	out := rawEntry("PaxHeaders/x", 'x', int64(len(recs)), recs)
	return append(out, rawEntry(ustarName, '0', int64(len(data)), data)...)
}

// spliceTar inserts raw blocks before the end-of-archive marker of a tar made by buildTar.
func spliceTar(t testing.TB, tarBytes []byte, blocks ...[]byte) []byte {
	end := len(tarBytes) - 1024
	if end < 0 || !bytes.Equal(tarBytes[end:], make([]byte, 1024)) {
		panic("tar does not end with the end-of-archive marker")
	}
	out := bytes.Clone(tarBytes[:end])
	for _, b := range blocks {
		out = append(out, b...)
	}
	return append(out, make([]byte, 1024)...)
}
