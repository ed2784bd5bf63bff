package backup

import (
	"crypto/sha256"
	"errors"
	"hash"
	"io"
)

// ScanFunc receives the content of Contents.Documents[d].Attachments[a]. r ends with a
// [*RejectedError] instead of io.EOF when the content does not match its signed hash or
// size, so whatever fn stored from it must be dropped when fn or [Backup.Scans] fails.
type ScanFunc func(d, a int, r io.Reader) error

// Scans streams every scan, in the order of Contents.Documents and their Attachments, to fn,
// then checks that the tar ends there: nothing after the last scan, two zero blocks, the end
// of the age stream. A scan fn does not read to the end is read (and checked) by Scans. Scans
// can be called once.
func (b *Backup) Scans(fn ScanFunc) error {
	if b.scanned {
		return errors.New("backup scans were already read")
	}
	b.scanned = true
	mtime := b.Manifest.CreatedAt.Unix()
	for d, doc := range b.Contents.Documents {
		for a, att := range doc.Attachments {
			size, err := b.next(att.Path, mtime)
			if err != nil {
				return err
			}
			if size != att.Size {
				return reject(ReasonHash, "%s has another size than its document.json says", att.Path)
			}
			r := &scanReader{r: b.u, left: size, want: att, h: sha256.New()}
			if err := fn(d, a, r); err != nil {
				return err
			}
			if _, err := io.Copy(io.Discard, r); err != nil {
				return err
			}
		}
	}
	_, _, _, err := b.u.next()
	switch {
	case err == io.EOF:
		return nil
	case errors.Is(err, errUnsafeHeader):
		return reject(ReasonUnsafeEntry, "a tar header is not a plain 0600 file entry")
	case errors.Is(err, errTarStructure):
		return reject(ReasonNotABackup, "the tar does not end where it should")
	case err != nil:
		return err
	}
	return reject(ReasonExtraFile, "the tar holds an entry after the last scan")
}

// Verify reads every scan and checks it, storing nothing: with [Open], the whole check.
func (b *Backup) Verify() error {
	return b.Scans(func(int, int, io.Reader) error { return nil })
}

// scanReader reads one scan entry, hashing it; its end is io.EOF only if the hash matches.
type scanReader struct {
	r    io.Reader
	left int64
	want Attachment
	h    hash.Hash
	err  error
}

func (s *scanReader) Read(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	if s.left == 0 {
		var sum [32]byte
		copy(sum[:], s.h.Sum(nil))
		if !sameHash(sum, s.want.SHA256) {
			s.err = reject(ReasonHash, "%s does not match its SHA-256", s.want.Path)
			return 0, s.err
		}
		s.err = io.EOF
		return 0, io.EOF
	}
	if int64(len(p)) > s.left {
		p = p[:s.left]
	}
	n, err := s.r.Read(p)
	s.h.Write(p[:n])
	s.left -= int64(n)
	if err == io.EOF || errors.Is(err, errTarStructure) {
		if s.left > 0 {
			s.err = reject(ReasonNotABackup, "the tar ends inside %s", s.want.Path)
			return n, s.err
		}
		err = nil
	}
	if err != nil {
		s.err = err
	}
	return n, err
}
