package wallet

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"

	bolt "go.etcd.io/bbolt"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/wallet/schema"
)

// DefaultMaxFileSize caps an attachment unless the caller raises it.
const DefaultMaxFileSize int64 = 100 << 20

// AttachmentInput is a scan to store: Role as the user wrote it ("front_side", "file",
// "translation"; list roles are appended) and its content.
type AttachmentInput struct {
	Role   string
	Reader io.Reader
}

// AddOptions tunes Add and Attach.
type AddOptions struct {
	MaxFileSize int64 // 0 means DefaultMaxFileSize
	// KeepMetadata stores scans as they are. By default JPEG and PNG scans are stored without
	// their metadata (see package scanmeta); either way every scan must decode as what it
	// claims to be, within scanmeta's pixel limit.
	KeepMetadata bool
}

func (o AddOptions) maxSize() int64 {
	if o.MaxFileSize <= 0 {
		return DefaultMaxFileSize
	}
	return o.MaxFileSize
}

// Add validates and stores a new document with its attachments. Attachments are streamed
// to disk first; the document record that makes them visible is written last, in one
// transaction, so a failure or a crash never leaves a half-added document.
func (w *Wallet) Add(docType, label string, fields map[string]string, atts []AttachmentInput, opts AddOptions) (*Document, error) {
	if err := w.writable(); err != nil {
		return nil, err
	}
	spec, err := schema.LookupType(docType)
	if err != nil {
		return nil, err
	}
	norm, err := spec.NormalizeFields(fields)
	if err != nil {
		return nil, err
	}
	if err := spec.CheckRequired(norm); err != nil {
		return nil, err
	}
	if err := spec.CheckDates(norm, w.now()); err != nil {
		return nil, err
	}
	if label, err = normalizeLabel(label); err != nil {
		return nil, err
	}
	now := w.now().UTC()
	d := &Document{ID: newDocID(), Type: spec.Name, Label: label, Fields: norm, CreatedAt: now, UpdatedAt: now}
	roles := make([]schema.RoleRef, len(atts))
	for i, in := range atts {
		if roles[i], err = nextRole(spec, d, roles[:i], in.Role); err != nil {
			return nil, err
		}
	}
	var blobs []string
	for i, in := range atts {
		a, err := w.writeAttachment(in.Reader, opts, roles[i].String())
		if err != nil {
			w.dropBlobs(blobs)
			return nil, err
		}
		d.Attachments = append(d.Attachments, a)
		blobs = append(blobs, a.BlobID)
	}
	err = w.update(func(tx *bolt.Tx) error {
		for tx.Bucket(bucketDocuments).Get([]byte(d.ID)) != nil {
			d.ID = newDocID()
		}
		return w.putDocument(tx, d, blobs, nil)
	})
	if err != nil {
		w.dropBlobs(blobs)
		return nil, fmt.Errorf("failed to save document: %w", err)
	}
	return d, nil
}

// nextRole checks that role fits the type and is free, and numbers list roles after the
// attachments the document has and those already planned.
func nextRole(spec *schema.TypeSpec, d *Document, planned []schema.RoleRef, role string) (schema.RoleRef, error) {
	r, err := schema.ParseRoleForAdd(role)
	if err != nil {
		return r, err
	}
	if err := spec.CheckRole(r); err != nil {
		return r, err
	}
	rs, _ := spec.Role(r.Name)
	taken := func(s string) bool {
		for _, p := range planned {
			if p.String() == s {
				return true
			}
		}
		_, err := d.Attachment(s)
		return err == nil
	}
	if !rs.List {
		if taken(r.String()) {
			return r, &InvalidInputError{Field: r.String(), Reason: "already attached (detach it first)"}
		}
		return r, nil
	}
	if r.Index != 0 {
		return r, &InvalidInputError{Field: r.String(), Reason: "list roles are numbered by paspor: give " + r.Name + " without /N"}
	}
	for r.Index = 1; taken(r.String()); r.Index++ {
	}
	return r, nil
}

func (w *Wallet) dropBlobs(ids []string) { w.removeBlobFiles(ids) }

// statSize returns the size of r when it is a regular file, so that the cap is checked
// before anything is streamed; -1 when it cannot tell.
func statSize(r io.Reader) int64 {
	s, ok := r.(interface{ Stat() (fs.FileInfo, error) })
	if !ok {
		return -1
	}
	info, err := s.Stat()
	if err != nil || !info.Mode().IsRegular() {
		return -1
	}
	return info.Size()
}

// writeAttachment sniffs, caps, checks, cleans, hashes and encrypts r into a new blob file,
// durable under its final name but not yet indexed (an orphan until its document commits).
// The size cap applies to the input, from stat before streaming when r is a regular file;
// the hash is of what is stored.
func (w *Wallet) writeAttachment(r io.Reader, opts AddOptions, role string) (Attachment, error) {
	a := Attachment{Role: role}
	maxSize := opts.maxSize()
	if size := statSize(r); size > maxSize {
		return a, &TooLargeError{Role: role, Limit: maxSize}
	}
	head := make([]byte, schema.SniffLen)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return a, fmt.Errorf("failed to read %s: %w", role, err)
	}
	head = head[:n]
	if a.MediaType, err = schema.SniffMediaType(head); err != nil {
		var inv *InvalidInputError
		if errors.As(err, &inv) {
			inv.Field = role
		}
		return a, err
	}
	bf, err := w.createBlob()
	if err != nil {
		return a, err
	}
	a.BlobID = bf.id
	ok := false
	defer func() {
		if !ok {
			bf.abort()
		}
	}()
	enc, err := crypto.EncryptStream(bf, w.secrets.WalletKey, w.blobBinding(a.BlobID))
	if err != nil {
		return a, err
	}
	h := sha256.New()
	in := &countingReader{r: io.LimitReader(io.MultiReader(bytes.NewReader(head), r), maxSize+1)}
	check := startScanCheck(in, a.MediaType, opts.KeepMetadata, h)
	a.Size, err = copyBuffered(enc, check.out)
	rep, cerr := check.finish(role, err == nil)
	if in.n > maxSize {
		return a, &TooLargeError{Role: role, Limit: maxSize}
	}
	if cerr != nil && !errors.Is(cerr, errScanStopped) {
		return a, cerr // the scan itself is bad; err, if any, is the same failure seen through the pipe
	}
	if err != nil {
		return a, fmt.Errorf("failed to store %s: %w", role, err)
	}
	if cerr != nil {
		return a, cerr
	}
	a.Metadata = rep
	if err := enc.Close(); err != nil {
		return a, fmt.Errorf("failed to store %s: %w", role, err)
	}
	if err := bf.commit(); err != nil {
		return a, err
	}
	a.SHA256 = hex.EncodeToString(h.Sum(nil)) // the checker finished: h is complete
	ok = true
	return a, nil
}

// Attach adds one attachment to an existing document.
func (w *Wallet) Attach(idOrPrefix, role string, r io.Reader, opts AddOptions) (*Document, *Attachment, error) {
	if err := w.writable(); err != nil {
		return nil, nil, err
	}
	d, err := w.Get(idOrPrefix)
	if err != nil {
		return nil, nil, err
	}
	spec, err := schema.LookupType(d.Type)
	if err != nil {
		return nil, nil, &CorruptError{Kind: "document", ID: d.ID, Err: err}
	}
	ref, err := nextRole(spec, d, nil, role)
	if err != nil {
		return nil, nil, err
	}
	a, err := w.writeAttachment(r, opts, ref.String())
	if err != nil {
		return nil, nil, err
	}
	err = w.update(func(tx *bolt.Tx) error {
		// Re-read inside the write transaction: the record is the source of truth.
		if d, err = w.getTx(tx, d.ID); err != nil {
			return err
		}
		d.Attachments = append(d.Attachments, a)
		d.UpdatedAt = w.now().UTC()
		return w.putDocument(tx, d, []string{a.BlobID}, nil)
	})
	if err != nil {
		w.dropBlobs([]string{a.BlobID})
		return nil, nil, err
	}
	return d, &a, nil
}

// Detach removes one attachment; later entries of a list role move up (file/3 becomes file/2).
func (w *Wallet) Detach(idOrPrefix, role string) (*Document, error) {
	ref, err := schema.ParseRole(role)
	if err != nil {
		return nil, err
	}
	return w.changeDocument(idOrPrefix, func(tx *bolt.Tx, d *Document) ([]string, error) {
		old, err := d.Attachment(ref.String())
		if err != nil {
			return nil, err
		}
		drop := old.BlobID
		kept := d.Attachments[:0:0]
		for _, a := range d.Attachments {
			if a.BlobID == drop {
				continue
			}
			if r, err := schema.ParseRole(a.Role); err == nil && r.Name == ref.Name && r.Index > ref.Index {
				r.Index--
				a.Role = r.String()
			}
			kept = append(kept, a)
		}
		d.Attachments = kept
		d.UpdatedAt = w.now().UTC()
		return []string{drop}, w.putDocument(tx, d, nil, []string{drop})
	})
}

// OpenAttachment streams an attachment's content. The stream is authenticated chunk by chunk
// (S3) and its size and SHA-256 are checked at the end; a mismatch is a read error. It is
// decrypted and checked on a goroutine of its own, a little ahead of the caller's reads;
// Close stops it.
func (w *Wallet) OpenAttachment(d *Document, role string) (io.ReadCloser, *Attachment, error) {
	ref, err := schema.ParseRole(role)
	if err != nil {
		return nil, nil, err
	}
	a, err := d.Attachment(ref.String())
	if err != nil {
		return nil, nil, err
	}
	f, err := w.openBlob(d.ID, a)
	if err != nil {
		return nil, nil, err
	}
	dec, err := crypto.DecryptStream(bufio.NewReaderSize(f, blobBufferSize), w.secrets.WalletKey, w.blobBinding(a.BlobID))
	if err != nil {
		f.Close()
		return nil, nil, &CorruptError{Kind: "attachment", ID: d.ID + " " + a.Role, Err: err}
	}
	return newReadAhead(&checkedReader{r: dec, want: *a, doc: d.ID, h: sha256.New()}, f), a, nil
}

type checkedReader struct {
	r    io.Reader
	h    hash.Hash
	n    int64
	want Attachment
	doc  string
}

func (c *checkedReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.h.Write(p[:n])
	c.n += int64(n)
	if c.n > c.want.Size {
		return n, c.corrupt(errors.New("longer than recorded"))
	}
	if errors.Is(err, io.EOF) {
		sum, _ := hex.DecodeString(c.want.SHA256)
		if c.n != c.want.Size || subtle.ConstantTimeCompare(sum, c.h.Sum(nil)) != 1 {
			return n, c.corrupt(errors.New("size or hash differs from the record"))
		}
	} else if err != nil {
		return n, c.corrupt(err)
	}
	return n, err
}

func (c *checkedReader) corrupt(err error) error {
	return &CorruptError{Kind: "attachment", ID: c.doc + " " + c.want.Role, Err: err}
}

// FormatSize prints a byte count the way the CLI shows caps: "100 MiB".
func FormatSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
