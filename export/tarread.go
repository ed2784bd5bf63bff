package export

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// entry is what the reader keeps of one tar entry: its size and hash, never its content
// (except the three small fixed entries, kept in contents).
type entry struct {
	size   int64
	sha256 string
}

// contents is everything read from a bundle's tar.
type contents struct {
	manifest, sums, sig []byte
	have                map[string]bool // which of the three fixed entries were present
	files               map[string]entry
}

// plainReader caps the decrypted stream and remembers whether a read failed inside age, so that
// a damaged ciphertext is reported as "decrypt" and not as a malformed tar.
type plainReader struct {
	r        io.Reader
	n, max   int64
	ageError error
}

var errTooLarge = errors.New("bundle exceeds the size cap")

func (p *plainReader) Read(b []byte) (int, error) {
	if p.n >= p.max {
		// At the cap: one more byte means the bundle is too large.
		var one [1]byte
		k, err := p.r.Read(one[:])
		if k > 0 {
			return 0, errTooLarge
		}
		return 0, p.record(err)
	}
	if rest := p.max - p.n; int64(len(b)) > rest {
		b = b[:rest]
	}
	k, err := p.r.Read(b)
	p.n += int64(k)
	return k, p.record(err)
}

func (p *plainReader) record(err error) error {
	if err != nil && err != io.EOF && p.ageError == nil {
		p.ageError = err
	}
	return err
}

// classify turns an error met while reading the tar into a rejection.
func (p *plainReader) classify(err error) error {
	var de *diskError
	switch {
	case errors.Is(err, errTooLarge):
		return reject(ReasonTooLarge, "the bundle is larger than the cap")
	case errors.As(err, &de):
		return de.err
	case p.ageError != nil:
		return reject(ReasonDecrypt, "the encrypted stream is damaged or truncated")
	}
	return reject(ReasonNotABundle, "malformed tar")
}

// diskError marks a failure writing to the staging folder: an environment problem, not a
// property of the bundle.
type diskError struct{ err error }

func (e *diskError) Error() string { return e.err.Error() }

type diskWriter struct{ f *os.File }

func (w diskWriter) Write(b []byte) (int, error) {
	n, err := w.f.Write(b)
	if err != nil {
		return n, &diskError{fmt.Errorf("failed to write bundle file: %w", err)}
	}
	return n, nil
}

// readEntries reads every tar entry, refusing unsafe ones, and stages each under stage (when
// not "") while hashing it. Memory holds only the fixed entries, each under its own cap.
func readEntries(p *plainReader, stage string, maxFile int64) (*contents, error) {
	c := &contents{have: map[string]bool{}, files: map[string]entry{}}
	names := newNameSet()
	tr := tar.NewReader(p)
	for count := 0; ; count++ {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if errors.Is(err, tar.ErrInsecurePath) {
			// Only with GODEBUG=tarinsecurepath=0; checkHeader refuses these names anyway.
			return nil, reject(ReasonUnsafeEntry, "entry %d has an unsafe name", count+1)
		}
		if err != nil {
			return nil, p.classify(err)
		}
		if count >= maxEntries {
			return nil, reject(ReasonTooLarge, "more than %d entries", maxEntries)
		}
		if err := checkHeader(hdr, names, count); err != nil {
			return nil, err
		}
		if err := readEntry(tr, hdr, c, p, stage, maxFile); err != nil {
			return nil, err
		}
	}
	// Read to the end: age authenticates the end of the stream only when it is reached.
	if _, err := io.Copy(io.Discard, p); err != nil {
		return nil, p.classify(err)
	}
	return c, nil
}

func checkHeader(hdr *tar.Header, names *nameSet, index int) error {
	if hdr.Typeflag != tar.TypeReg {
		return reject(ReasonUnsafeEntry, "entry %d is not a regular file", index+1)
	}
	if isSparse(hdr) {
		// archive/tar expands pax sparse files to their declared size: a few bytes of tar
		// would write up to the per-file cap each, past the total cap, which counts the stream.
		return reject(ReasonUnsafeEntry, "entry %d is a sparse file", index+1)
	}
	if !safeEntryName(hdr.Name) {
		return reject(ReasonUnsafeEntry, "entry %d has an unsafe name", index+1)
	}
	if !names.add(hdr.Name) {
		return reject(ReasonUnsafeEntry, "entry %d duplicates or overlaps another entry", index+1)
	}
	return nil
}

// isSparse reports a GNU sparse file in pax form (formats 0.0 to 1.0), which archive/tar
// returns as a regular file.
func isSparse(hdr *tar.Header) bool {
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

// fixedCaps are the in-memory caps of the fixed entries.
var fixedCaps = map[string]int64{manifestName: maxManifestSize, sumsName: maxSumsSize, sigName: maxSigSize}

func readEntry(tr *tar.Reader, hdr *tar.Header, c *contents, p *plainReader, stage string, maxFile int64) error {
	limit, fixed := fixedCaps[hdr.Name]
	if !fixed {
		limit = maxFile
	}
	if hdr.Size > limit {
		return reject(ReasonTooLarge, "%s is larger than the cap", displayName(hdr.Name))
	}
	var buf *bytes.Buffer
	var dst []io.Writer
	if fixed {
		buf = &bytes.Buffer{}
		dst = append(dst, buf)
	}
	f, err := createStaged(stage, hdr.Name)
	if err != nil {
		return err
	}
	if f != nil {
		defer f.Close()
		dst = append(dst, diskWriter{f})
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(append(dst, h)...), tr)
	if err != nil {
		return p.classify(err)
	}
	if f != nil {
		if err := f.Close(); err != nil {
			return fmt.Errorf("failed to write bundle file: %w", err)
		}
	}
	if fixed {
		c.have[hdr.Name] = true
		switch hdr.Name {
		case manifestName:
			c.manifest = buf.Bytes()
		case sumsName:
			c.sums = buf.Bytes()
		case sigName:
			c.sig = buf.Bytes()
		}
	}
	c.files[hdr.Name] = entry{size: n, sha256: hex.EncodeToString(h.Sum(nil))}
	return nil
}

// createStaged creates stage/name exclusively (0600, folders 0700); nil when only verifying.
func createStaged(stage, name string) (*os.File, error) {
	if stage == "" {
		return nil, nil
	}
	path := filepath.Join(stage, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("failed to create bundle folder: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("failed to create bundle file: %w", err)
	}
	return f, nil
}

// displayName shortens a (safe) entry name for an error detail.
func displayName(name string) string {
	if len(name) > 80 {
		return name[:77] + "..."
	}
	return name
}

// nameSet tracks entry names case-insensitively, with every folder they imply, so that no two
// entries can land on the same file or a file and a folder of the same name, on any file system.
type nameSet struct{ files, dirs map[string]bool }

func newNameSet() *nameSet { return &nameSet{files: map[string]bool{}, dirs: map[string]bool{}} }

func (s *nameSet) add(name string) bool {
	lower := strings.ToLower(name)
	if s.files[lower] || s.dirs[lower] {
		return false
	}
	for i := range len(lower) {
		if lower[i] == '/' && s.files[lower[:i]] {
			return false
		}
	}
	for i := range len(lower) {
		if lower[i] == '/' {
			s.dirs[lower[:i]] = true
		}
	}
	s.files[lower] = true
	return true
}
