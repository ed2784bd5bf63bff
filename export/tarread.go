package export

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/paspor/paspor/wallet/schema"
)

// head is what the reader keeps of the three fixed entries that open every bundle.
type head struct {
	manifest, sums, sig []byte
	mtimes              [3]int64
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

// classify turns an error met while reading the tar into a rejection; index is the 1-based
// entry being read.
func (p *plainReader) classify(err error, index int) error {
	var de *diskError
	var rej *RejectedError
	switch {
	case errors.As(err, &rej):
		return rej
	case errors.Is(err, errTooLarge):
		return reject(ReasonTooLarge, "the bundle is larger than the cap")
	case errors.As(err, &de):
		return de.err
	case p.ageError != nil:
		return reject(ReasonDecrypt, "the encrypted stream is damaged or truncated")
	case errors.Is(err, errUnsafeHeader):
		return reject(ReasonUnsafeEntry, "entry %d is not a plain ustar file of mode 0600 owned by 0", index)
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

// fixedOrder is the order of the entries that open every bundle, each with its in-memory cap.
var fixedOrder = []struct {
	name   string
	cap    int64
	reason string // the rejection when the entry is missing or out of place
}{
	{manifestName, maxManifestSize, ReasonNotABundle},
	{sumsName, maxSumsSize, ReasonSignature},
	{sigName, maxSigSize, ReasonSignature},
}

func isFixed(name string) bool {
	for _, f := range fixedOrder {
		if f.name == name {
			return true
		}
	}
	return false
}

// readHead reads manifest.json, SHA256SUMS and SHA256SUMS.sig, which must be the first three
// entries in that order, each under its cap: everything needed to verify the bundle before a
// byte of any attachment is read.
func readHead(u *ustarReader, p *plainReader) (*head, error) {
	h := &head{}
	for i, f := range fixedOrder {
		name, size, mtime, err := u.next()
		if err == io.EOF {
			return nil, reject(f.reason, "%s is missing", f.name)
		}
		if err != nil {
			return nil, p.classify(err, i+1)
		}
		if name != f.name {
			return nil, reject(f.reason, "entry %d is not %s", i+1, f.name)
		}
		if size > f.cap {
			return nil, reject(ReasonTooLarge, "%s is larger than the cap", f.name)
		}
		data := make([]byte, size)
		if _, err := io.ReadFull(u, data); err != nil {
			return nil, p.classify(eofIsStructure(err), i+1)
		}
		h.mtimes[i] = mtime
		switch i {
		case 0:
			h.manifest = data
		case 1:
			h.sums = data
		case 2:
			h.sig = data
		}
	}
	return h, nil
}

// readFiles reads the attachments, which must follow the head in manifest order, exactly the
// ones listed, each staged under stage (when not "") while it is hashed and its media type
// sniffed. Then the archive must end.
func readFiles(u *ustarReader, p *plainReader, m *Manifest, stage string, maxFile int64) error {
	listed := m.files()
	seen := map[string]bool{}
	index := len(fixedOrder)
	for _, want := range listed {
		index++
		name, size, mtime, err := u.next()
		if err == io.EOF {
			return reject(ReasonMissingFile, "%s is missing", want.Path)
		}
		if err != nil {
			return p.classify(err, index)
		}
		if name != want.Path {
			if _, ok := m.file(name); ok && !seen[name] {
				return reject(ReasonMissingFile, "%s is missing at its place", want.Path)
			}
			return extraOrUnsafe(m, name, index)
		}
		seen[name] = true
		if err := checkEntry(mtime, m, index); err != nil {
			return err
		}
		if size > maxFile {
			return reject(ReasonTooLarge, "%s is larger than the cap", want.Path)
		}
		if size != want.Size {
			return reject(ReasonHash, "%s does not match its size or sha256", want.Path)
		}
		if err := readFile(u, p, want, stage, index); err != nil {
			return err
		}
	}
	index++
	name, _, _, err := u.next()
	if err == nil {
		return extraOrUnsafe(m, name, index)
	}
	if err != io.EOF {
		return p.classify(err, index)
	}
	return nil
}

// extraOrUnsafe is the rejection for an entry that is not the next listed file: a second
// copy of a listed or fixed entry, an unsafe name, or a file the manifest does not list.
func extraOrUnsafe(m *Manifest, name string, index int) error {
	if _, listed := m.file(name); listed || isFixed(name) {
		return reject(ReasonUnsafeEntry, "entry %d duplicates another entry", index)
	}
	if !safeEntryName(name) {
		return reject(ReasonUnsafeEntry, "entry %d has an unsafe name", index)
	}
	return reject(ReasonExtraFile, "%s is not listed in the manifest", name)
}

// checkEntry: every entry carries the bundle's created_at as its mtime.
func checkEntry(mtime int64, m *Manifest, index int) error {
	if mtime != m.CreatedAt.Unix() {
		return reject(ReasonUnsafeEntry, "entry %d has another time than created_at", index)
	}
	return nil
}

func readFile(u *ustarReader, p *plainReader, want File, stage string, index int) error {
	sniff := &headBuffer{max: schema.SniffLen}
	dst := []io.Writer{sniff}
	f, err := createStaged(stage, want.Path)
	if err != nil {
		return err
	}
	if f != nil {
		defer f.Close()
		dst = append(dst, diskWriter{f})
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(append(dst, h)...), u)
	if err == nil && n != want.Size {
		err = errTarStructure
	}
	if err != nil {
		return p.classify(err, index)
	}
	if f != nil {
		if err := f.Close(); err != nil {
			return fmt.Errorf("failed to write bundle file: %w", err)
		}
	}
	if hex.EncodeToString(h.Sum(nil)) != want.SHA256 {
		return reject(ReasonHash, "%s does not match its size or sha256", want.Path)
	}
	if mt, err := schema.SniffMediaType(sniff.b.Bytes()); err != nil || mt != want.MediaType {
		return reject(ReasonMediaType, "%s is not %s", want.Path, want.MediaType)
	}
	return nil
}

// headBuffer keeps the first max bytes written to it.
type headBuffer struct {
	b   bytes.Buffer
	max int
}

func (h *headBuffer) Write(p []byte) (int, error) {
	if rest := h.max - h.b.Len(); rest > 0 {
		h.b.Write(p[:min(rest, len(p))])
	}
	return len(p), nil
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

// writeHead writes the three fixed entries to stage.
func writeHead(stage string, h *head) error {
	for i, data := range [][]byte{h.manifest, h.sums, h.sig} {
		f, err := createStaged(stage, fixedOrder[i].name)
		if err != nil || f == nil {
			return err
		}
		_, err = f.Write(data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("failed to write bundle file: %w", err)
		}
	}
	return nil
}
