package wallet

import (
	"errors"
	"hash"
	"io"

	"github.com/paspor/paspor/wallet/scanmeta"
)

// scanCheck runs scanmeta over an attachment as it streams in. When cleaning, the bytes to
// store are the cleaner's output (read them from the scanCheck); when keeping metadata, the
// input is stored as it is and a copy of it goes through the same checks, to io.Discard.
// Either way the checker's goroutine also feeds h with exactly the bytes to store, so that
// hashing runs on one core while the caller encrypts on another; h may be read once finish
// returned.
type scanCheck struct {
	out  io.Reader // what to store
	pr   *io.PipeReader
	pw   *io.PipeWriter
	keep bool
	done chan scanResult
}

type scanResult struct {
	rep *scanmeta.Report
	err error
}

var errScanStopped = errors.New("attachment storage stopped")

func startScanCheck(src io.Reader, mediaType string, keep bool, h hash.Hash) *scanCheck {
	pr, pw := io.Pipe()
	c := &scanCheck{pr: pr, pw: pw, keep: keep, done: make(chan scanResult, 1)}
	if keep {
		c.out = io.TeeReader(src, pw)
		go func() {
			stored := io.TeeReader(pr, h)
			rep, err := scanmeta.Clean(io.Discard, stored, mediaType, scanmeta.Limits{})
			_, _ = io.Copy(io.Discard, stored) // let the tee finish even after a failed check
			c.done <- scanResult{rep, err}
		}()
		return c
	}
	c.out = pr
	go func() {
		rep, err := scanmeta.Clean(io.MultiWriter(h, pw), src, mediaType, scanmeta.Limits{})
		pw.CloseWithError(err) // nil: the reader sees EOF
		c.done <- scanResult{rep, err}
	}()
	return c
}

// finish waits for the check and returns its report; inputDone says the input was read to
// its end. Scan errors become *InvalidInputError naming the role; an error wrapping
// errScanStopped means storage stopped first, and its own error is the one to report.
func (c *scanCheck) finish(role string, inputDone bool) (*scanmeta.Report, error) {
	if c.keep {
		if inputDone {
			c.pw.Close()
		} else {
			c.pw.CloseWithError(errScanStopped)
		}
	} else {
		c.pr.CloseWithError(errScanStopped) // unblocks the cleaner if storage gave up early
	}
	r := <-c.done
	if c.keep && !inputDone {
		return nil, errScanStopped // the check saw a cut-off copy: its verdict means nothing
	}
	if r.err != nil {
		var inv *scanmeta.InvalidError
		var big *scanmeta.TooLargeError
		if errors.As(r.err, &inv) || errors.As(r.err, &big) {
			return nil, &InvalidInputError{Field: role, Reason: r.err.Error()}
		}
		return nil, r.err
	}
	if c.keep {
		r.rep.Present = append(r.rep.Removed, r.rep.Present...)
		r.rep.Removed = []scanmeta.Item{}
	}
	return r.rep, nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// InspectAttachment reports the metadata still present in a stored scan (added before
// cleaning existed, or with KeepMetadata), reading it through like [Wallet.OpenAttachment].
func (w *Wallet) InspectAttachment(d *Document, role string) (*scanmeta.Report, error) {
	rc, a, err := w.OpenAttachment(d, role)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	rep, err := scanmeta.Inspect(rc, a.MediaType)
	if err != nil {
		var inv *scanmeta.InvalidError
		if errors.As(err, &inv) {
			return nil, &InvalidInputError{Field: a.Role, Reason: err.Error()}
		}
		return nil, err
	}
	// Inspect may stop at the image's end; read the rest so the size and hash are checked.
	if _, err := io.Copy(io.Discard, rc); err != nil {
		return nil, err
	}
	return rep, nil
}
