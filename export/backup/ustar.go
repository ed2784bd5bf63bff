package backup

// The tar layer is paspor-bundle/1's: one canonical ustar header per entry, regular 0600
// files owned by 0/0, two zero blocks at the end and nothing after. The code is the export
// package's (unexported there), kept identical so that both formats read the same way.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// blockSize is the tar block size.
const blockSize = 512

// maxOctal11 is the largest value an 11-digit octal field holds (8 GiB - 1).
const maxOctal11 = 1<<33 - 1

// ustarHeader is the one header a backup entry may have (the same form as paspor-bundle/1): a POSIX ustar regular file ('0'),
// mode 0600, uid and gid 0, no user or group names, no link name, no prefix, size and mtime
// in 11 octal digits. It is also what archive/tar writes for such an entry. The reader
// rebuilds it from the name, size and mtime it read and requires the block to be byte-equal,
// so that no field (a pax or GNU extension, a setuid mode, an owner, a link) can mean anything.
func ustarHeader(name string, size, mtime int64) []byte {
	b := make([]byte, blockSize)
	copy(b[0:100], name)
	copy(b[100:108], "0000600\x00")
	copy(b[108:116], "0000000\x00")
	copy(b[116:124], "0000000\x00")
	copy(b[124:136], fmt.Sprintf("%011o\x00", size))
	copy(b[136:148], fmt.Sprintf("%011o\x00", mtime))
	b[156] = '0'
	copy(b[257:265], "ustar\x0000")
	copy(b[329:337], "0000000\x00")
	copy(b[337:345], "0000000\x00")
	copy(b[148:156], "        ")
	var sum int64
	for _, c := range b {
		sum += int64(c)
	}
	copy(b[148:156], fmt.Sprintf("%06o\x00 ", sum))
	return b
}

// errTarStructure marks a tar that breaks the format's block structure (no end-of-archive
// marker, data after it, a truncated block) as opposed to an unsafe header.
var errTarStructure = errors.New("malformed tar")

// errUnsafeHeader marks a header that is not the canonical ustar header of its entry.
var errUnsafeHeader = errors.New("unsafe tar header")

// ustarReader reads the entries of a bundle's tar, refusing every header that is not
// [ustarHeader] of its own name, size and mtime.
type ustarReader struct {
	r    io.Reader
	left int64 // data bytes of the current entry not yet read
	pad  int64 // padding after them
}

// next skips what is left of the current entry and reads the next header. At the end of the
// archive (two zero blocks, then the end of the stream) it returns io.EOF.
func (u *ustarReader) next() (name string, size, mtime int64, err error) {
	if _, err := io.CopyN(io.Discard, u.r, u.left); err != nil {
		return "", 0, 0, eofIsStructure(err)
	}
	// Unlike a bundle's reader, the padding must be zero: no byte of a backup goes unchecked.
	pad := make([]byte, u.pad)
	if _, err := io.ReadFull(u.r, pad); err != nil {
		return "", 0, 0, eofIsStructure(err)
	}
	if !bytes.Equal(pad, make([]byte, u.pad)) {
		return "", 0, 0, errTarStructure
	}
	u.left, u.pad = 0, 0
	block := make([]byte, blockSize)
	if _, err := io.ReadFull(u.r, block); err != nil {
		return "", 0, 0, eofIsStructure(err)
	}
	zero := make([]byte, blockSize)
	if bytes.Equal(block, zero) {
		if _, err := io.ReadFull(u.r, block); err != nil {
			return "", 0, 0, eofIsStructure(err)
		}
		if !bytes.Equal(block, zero) {
			return "", 0, 0, errTarStructure
		}
		var one [1]byte
		n, err := io.ReadFull(u.r, one[:])
		if n > 0 {
			return "", 0, 0, errTarStructure
		}
		if err != io.EOF {
			return "", 0, 0, err
		}
		return "", 0, 0, io.EOF
	}
	if !bytes.HasPrefix(block[257:], []byte("ustar")) {
		return "", 0, 0, errTarStructure // not a ustar, pax or GNU header at all
	}
	nameField, _, _ := bytes.Cut(block[0:100], []byte{0})
	name = string(nameField)
	size, ok1 := parseOctal11(block[124:136])
	mtime, ok2 := parseOctal11(block[136:148])
	if !ok1 || !ok2 || name == "" || !bytes.Equal(block, ustarHeader(name, size, mtime)) {
		return "", 0, 0, errUnsafeHeader
	}
	u.left, u.pad = size, (blockSize-size%blockSize)%blockSize
	return name, size, mtime, nil
}

// Read reads the current entry's data.
func (u *ustarReader) Read(p []byte) (int, error) {
	if u.left == 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > u.left {
		p = p[:u.left]
	}
	n, err := u.r.Read(p)
	u.left -= int64(n)
	if err == io.EOF && u.left > 0 {
		err = errTarStructure
	}
	return n, err
}

// parseOctal11 reads an 11-digit octal field ending in NUL.
func parseOctal11(f []byte) (int64, bool) {
	if len(f) != 12 || f[11] != 0 {
		return 0, false
	}
	v, err := strconv.ParseInt(string(f[:11]), 8, 64)
	return v, err == nil && v >= 0 && v <= maxOctal11
}

// eofIsStructure: the stream ending inside the archive is a malformed tar.
func eofIsStructure(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return errTarStructure
	}
	return err
}

// ustarWriter writes entries with [ustarHeader] and ends the archive with two zero blocks.
type ustarWriter struct {
	w    io.Writer
	left int64
	pad  int64
}

func (u *ustarWriter) writeHeader(name string, size, mtime int64) error {
	if u.left != 0 {
		return errors.New("previous entry is short")
	}
	if err := u.writePad(); err != nil {
		return err
	}
	if size < 0 || size > maxOctal11 {
		return errors.New("entry too large for ustar")
	}
	if _, err := u.w.Write(ustarHeader(name, size, mtime)); err != nil {
		return err
	}
	u.left, u.pad = size, (blockSize-size%blockSize)%blockSize
	return nil
}

func (u *ustarWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > u.left {
		return 0, errors.New("write past the entry's size")
	}
	n, err := u.w.Write(p)
	u.left -= int64(n)
	return n, err
}

func (u *ustarWriter) writePad() error {
	if u.pad > 0 {
		if _, err := u.w.Write(make([]byte, u.pad)); err != nil {
			return err
		}
		u.pad = 0
	}
	return nil
}

func (u *ustarWriter) close() error {
	if u.left != 0 {
		return errors.New("last entry is short")
	}
	if err := u.writePad(); err != nil {
		return err
	}
	_, err := u.w.Write(make([]byte, 2*blockSize))
	return err
}
