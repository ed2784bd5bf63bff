package wallet

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/paspor/paspor/internal/fsutil"
	"github.com/paspor/paspor/wallet/schema"
)

// CheckReport is what [Wallet.Check] found. The header MAC and the sealed state were
// already verified by the unlock that opened the wallet.
type CheckReport struct {
	Documents int       `json:"documents"` // document records checked
	Blobs     int       `json:"blobs"`     // blob files read back in full
	Shares    int       `json:"shares"`    // share records checked
	Orphans   []string  `json:"orphans"`   // blob folder entries no record names (the next writer deletes them)
	Problems  []Problem `json:"problems"`  // everything that is damaged
	// Disagreements are documents intact on disk whose fields no longer agree with their own
	// stored machine-readable zone (an edit after the zone was read, or a typo in either).
	Disagreements []Problem `json:"disagreements"`
}

// Problem is one damaged item. It names the document by ID and type when it knows them,
// and never shows content.
type Problem struct {
	DocumentID string `json:"document_id,omitempty"`
	Type       string `json:"type,omitempty"`
	Item       string `json:"item"`   // "record", "attachment front_side", "blob index", "share <id>"
	Reason     string `json:"reason"` // what is wrong
}

// OK reports whether nothing is damaged.
func (r *CheckReport) OK() bool { return len(r.Problems) == 0 }

// Check decrypts and verifies every record and reads back every blob in full (age
// authentication, size, SHA-256, binding to its wallet and attachment), and checks that the
// blob index and the documents agree. Orphans are listed, not counted as damage.
func (w *Wallet) Check() (*CheckReport, error) {
	rep := &CheckReport{Orphans: []string{}, Problems: []Problem{}, Disagreements: []Problem{}}
	type rec struct{ k, v []byte }
	var docs, shares, index []rec
	var (
		listed  map[string]*indexEntry
		listErr error
	)
	err := view(w.db, func(tx *bolt.Tx) error {
		listed, listErr = w.readIndex(tx)
		for _, b := range []struct {
			name []byte
			into *[]rec
		}{{bucketDocuments, &docs}, {bucketShares, &shares}, {bucketBlobs, &index}} {
			err := tx.Bucket(b.name).ForEach(func(k, v []byte) error {
				*b.into = append(*b.into, rec{clone(k), clone(v)})
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	owner := map[string]string{} // blob ID -> document ID, from the index
	for _, e := range index {
		owner[string(e.k)] = string(e.v)
	}
	referenced := map[string]bool{}
	opened, hashes := map[string]*Document{}, map[string][sha256.Size]byte{}
	for _, r := range docs {
		rep.Documents++
		hashes[string(r.k)] = recordHash(r.v)
		d, err := w.openDocument(string(r.k), r.v)
		if err == nil {
			opened[d.ID] = d
		}
		if err != nil {
			rep.Problems = append(rep.Problems, Problem{DocumentID: string(r.k), Item: "record", Reason: reasonOf(err)})
			continue
		}
		if p, ok := mrzDisagreement(d); ok {
			rep.Disagreements = append(rep.Disagreements, p)
		}
		for i := range d.Attachments {
			a := &d.Attachments[i]
			referenced[a.BlobID] = true
			item := "attachment " + a.Role
			if owner[a.BlobID] != d.ID {
				rep.Problems = append(rep.Problems, Problem{DocumentID: d.ID, Type: d.Type, Item: item, Reason: "not in the blob index"})
				continue
			}
			rep.Blobs++
			if err := readAll(w, d, a.Role); err != nil {
				rep.Problems = append(rep.Problems, Problem{DocumentID: d.ID, Type: d.Type, Item: item, Reason: reasonOf(err)})
			}
		}
	}
	for _, e := range index {
		if !referenced[string(e.k)] {
			rep.Problems = append(rep.Problems, Problem{DocumentID: string(e.v), Item: "blob index",
				Reason: "names a blob no document refers to"})
		}
	}
	rep.Problems = append(rep.Problems, checkIndex(listed, listErr, opened, hashes)...)
	for _, r := range shares {
		rep.Shares++
		if _, err := w.openShare(string(r.k), r.v); err != nil {
			rep.Problems = append(rep.Problems, Problem{Item: "share " + string(r.k), Reason: reasonOf(err)})
		}
	}
	more, err := w.checkSealedRecords()
	if err != nil {
		return nil, err
	}
	rep.Problems = append(rep.Problems, more...)
	orphans, err := w.orphans()
	if err != nil {
		return nil, err
	}
	rep.Orphans = append(rep.Orphans, orphans...)
	return rep, nil
}

func readAll(w *Wallet, d *Document, role string) error {
	r, _, err := w.OpenAttachment(d, role)
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = io.Copy(io.Discard, r)
	return err
}

// reasonOf says what is wrong without repeating anything the error carries from the file.
func reasonOf(err error) string {
	var nf *NotFoundError
	switch {
	case errors.Is(err, ErrCorrupt):
		if errors.Is(err, errBlobMissing) {
			return "attachment file missing"
		}
		return "does not authenticate (damaged or tampered with)"
	case errors.As(err, &nf):
		return "missing"
	}
	return "unreadable"
}

// CompactResult reports a compaction's effect on the store file (blob files are not
// touched: removing a scan already deletes its file).
type CompactResult struct {
	BytesBefore int64 `json:"bytes_before"`
	BytesAfter  int64 `json:"bytes_after"`
}

// compactTempInfix names a compaction's temporary copy (<wallet file>.compact-<random>); the
// next writer removes one a crash left behind.
const compactTempInfix = ".compact-"

// Compact rewrites the store file without its free pages (bbolt.Compact into a temporary
// copy beside it, fsynced, renamed over the file, the folder fsynced) and closes the wallet:
// at every instant the path holds either the old file or the complete new one. Keys and
// values are copied unchanged, so the sealed state still matches.
func (w *Wallet) Compact() (CompactResult, error) {
	var res CompactResult
	if err := w.writable(); err != nil {
		return res, err
	}
	defer w.Close()
	st, err := os.Stat(w.path)
	if err != nil {
		return res, fmt.Errorf("failed to compact: %w", err)
	}
	res.BytesBefore = st.Size()
	tmp := w.path + compactTempInfix + newBlobID()
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: DefaultLockTimeout})
	if err != nil {
		return res, fmt.Errorf("failed to compact: %w", err)
	}
	err = guarded(w.path, func() error { return bolt.Compact(dst, w.db, 16<<20) })
	if err == nil {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, w.path)
	}
	if err != nil {
		os.Remove(tmp)
		return res, fmt.Errorf("failed to compact: %w", err)
	}
	if err := fsutil.SyncDir(filepath.Dir(w.path)); err != nil {
		return res, err
	}
	if st, err = os.Stat(w.path); err != nil {
		return res, fmt.Errorf("failed to compact: %w", err)
	}
	res.BytesAfter = st.Size()
	return res, nil
}

// removeCompactLeftovers deletes temporary copies of the store file that a compaction
// killed midway left; it runs with the exclusive lock held.
func (w *Wallet) removeCompactLeftovers() {
	matches, _ := filepath.Glob(w.path + compactTempInfix + "*")
	for _, m := range matches {
		if validBlobID(strings.TrimPrefix(m, w.path+compactTempInfix)) {
			os.Remove(m)
		}
	}
}

// mrzDisagreement reports a document whose fields disagree with its stored mrz field, naming
// the field but never a value.
func mrzDisagreement(d *Document) (Problem, bool) {
	spec, err := schema.LookupType(d.Type)
	if err != nil {
		return Problem{}, false
	}
	err = spec.CheckMRZ(d.Fields)
	if err == nil {
		return Problem{}, false
	}
	reason := "the stored machine-readable zone does not parse"
	var inv *InvalidInputError
	if errors.As(err, &inv) && inv.Field != "mrz" {
		reason = inv.Field + " disagrees with the stored machine-readable zone"
	}
	return Problem{DocumentID: d.ID, Type: d.Type, Item: "mrz", Reason: reason}, true
}
