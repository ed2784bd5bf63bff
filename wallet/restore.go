package wallet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/internal/fsutil"
	"github.com/paspor/paspor/wallet/schema"
)

// ImportInput is what [Wallet.Import] and [Restore] put into a wallet: documents with their
// IDs and attachments (Role, MediaType, Size and SHA256 declared; BlobID is ignored), share
// records, and the scans' content.
type ImportInput struct {
	Documents []*Document
	Shares    []ShareRecord
	// Feedback is imported feedback, kept as recorded (ReceivedAt included); each must be
	// about a share of Shares or of the wallet that went to its partner key.
	Feedback []FeedbackRecord
	// Scans must call each once for every attachment of every document, in the order of
	// Documents and their Attachments, and return each's first error. An error from reading r
	// means the source is bad: everything stored from it is dropped.
	Scans func(each func(doc, att int, r io.Reader) error) error
}

// ImportReport says what an import added and what it left alone.
type ImportReport struct {
	Added           []string // IDs of the documents added
	Skipped         []string // IDs of documents the wallet already held, left as they are
	SharesAdded     int
	SharesSkipped   int // share records already in the history
	FeedbackAdded   int
	FeedbackSkipped int // feedback already in the wallet
}

var restoredDocID = regexp.MustCompile(`^[0-9a-hjkmnp-tv-z]{8}$`)

// Import adds documents, share records and feedback, keeping their IDs, and skips those the
// wallet already holds (by document ID, bundle ID, feedback ID): a merge. Shares that answered
// a request pin their partners as sharing did. Every document is checked against
// the schema before any scan is read; the scans are stored as given (byte-identical, metadata
// kept), each checked against its declared size, hash and media type; and one transaction
// then commits every document and share at once, so a failure anywhere adds nothing.
func (w *Wallet) Import(in ImportInput) (*ImportReport, error) {
	if err := w.writable(); err != nil {
		return nil, err
	}
	if err := checkImport(in.Documents); err != nil {
		return nil, err
	}
	rep := &ImportReport{}
	skip := make([]bool, len(in.Documents))
	if err := view(w.db, func(tx *bolt.Tx) error {
		docs := tx.Bucket(bucketDocuments)
		for i, d := range in.Documents {
			skip[i] = docs.Get([]byte(d.ID)) != nil
		}
		return nil
	}); err != nil {
		return nil, err
	}
	stored := make([][]Attachment, len(in.Documents))
	var blobs []string
	err := in.Scans(func(d, a int, r io.Reader) error {
		if d < 0 || d >= len(in.Documents) || a != len(stored[d]) || a >= len(in.Documents[d].Attachments) {
			return errors.New("failed to import: scans out of order")
		}
		want := in.Documents[d].Attachments[a]
		if skip[d] {
			stored[d] = append(stored[d], want)
			_, err := io.Copy(io.Discard, r) // the source still checks what it hands out
			return err
		}
		got, err := w.writeAttachment(r, AddOptions{MaxFileSize: max(want.Size, 1), KeepMetadata: true}, want.Role)
		if err != nil {
			// A bad source explains a failed store better than the store's own error.
			if _, derr := io.Copy(io.Discard, r); derr != nil {
				return derr
			}
			return err
		}
		blobs = append(blobs, got.BlobID)
		if got.Size != want.Size || got.SHA256 != want.SHA256 || got.MediaType != want.MediaType {
			return &CorruptError{Kind: "imported attachment", ID: in.Documents[d].ID + " " + want.Role,
				Err: errors.New("stored content differs from the declared size, hash or media type")}
		}
		got.Metadata = nil
		stored[d] = append(stored[d], got)
		return nil
	})
	if err == nil {
		for d, doc := range in.Documents {
			if len(stored[d]) != len(doc.Attachments) {
				err = errors.New("failed to import: a scan was not given")
			}
		}
	}
	if err == nil {
		err = w.update(func(tx *bolt.Tx) error { return w.commitImport(tx, in, skip, stored, rep) })
	}
	if err != nil {
		w.dropBlobs(blobs)
		return nil, err
	}
	return rep, nil
}

// commitImport writes the documents not skipped and the shares not yet recorded.
func (w *Wallet) commitImport(tx *bolt.Tx, in ImportInput, skip []bool, stored [][]Attachment, rep *ImportReport) error {
	*rep = ImportReport{}
	for i, src := range in.Documents {
		if skip[i] {
			rep.Skipped = append(rep.Skipped, src.ID)
			continue
		}
		d := *src
		d.Fields = maps.Clone(src.Fields)
		d.Attachments = stored[i]
		if d.Attachments == nil {
			d.Attachments = []Attachment{}
		}
		ids := make([]string, len(d.Attachments))
		for j, a := range d.Attachments {
			ids[j] = a.BlobID
		}
		if err := w.putDocument(tx, &d, ids, nil); err != nil {
			return err
		}
		rep.Added = append(rep.Added, d.ID)
	}
	shares := tx.Bucket(bucketShares)
	for _, s := range in.Shares {
		if s.BundleID == "" {
			return errors.New("failed to import: a share record has no bundle ID")
		}
		if shares.Get([]byte(s.BundleID)) != nil {
			rep.SharesSkipped++
			continue
		}
		if err := w.putShare(tx, s); err != nil {
			return err
		}
		if err := w.pinRestored(tx, s); err != nil {
			return err
		}
		rep.SharesAdded++
	}
	return w.commitFeedback(tx, in.Feedback, rep)
}

// checkImport checks documents as Add would have made them: the wallet's ID spelling, a known
// type, every field valid and already in its stored form, the required fields, distinct
// valid roles and plausible attachment facts. Dates are not checked against today: a backup
// of an expired passport restores as it was.
func checkImport(docs []*Document) error {
	seen := map[string]bool{}
	for _, d := range docs {
		if d == nil || !restoredDocID.MatchString(d.ID) || seen[d.ID] {
			return &InvalidInputError{Field: "document", Reason: "invalid or repeated document ID"}
		}
		seen[d.ID] = true
		spec, err := schema.LookupType(d.Type)
		if err != nil {
			return err
		}
		for _, name := range slices.Sorted(maps.Keys(d.Fields)) {
			if norm, err := spec.NormalizeField(name, d.Fields[name]); err != nil || norm != d.Fields[name] {
				return &InvalidInputError{Field: d.ID + " " + name, Reason: "not a valid stored value"}
			}
		}
		if err := spec.CheckRequired(d.Fields); err != nil {
			return err
		}
		if label, err := normalizeLabel(d.Label); err != nil || label != d.Label {
			return &InvalidInputError{Field: d.ID + " label", Reason: "not a valid label"}
		}
		roles := map[string]bool{}
		for _, a := range d.Attachments {
			ref, err := schema.ParseRole(a.Role)
			if err != nil || ref.String() != a.Role || spec.CheckRole(ref) != nil || roles[a.Role] {
				return &InvalidInputError{Field: d.ID + " " + a.Role, Reason: "invalid or repeated role for " + d.Type}
			}
			roles[a.Role] = true
			if a.Size < 0 || len(a.SHA256) != 64 || a.MediaType == "" {
				return &InvalidInputError{Field: d.ID + " " + a.Role, Reason: "invalid size, hash or media type"}
			}
		}
	}
	return nil
}

// RestoreOptions configure [Restore].
type RestoreOptions struct {
	// Init is how the new wallet is made: its second factor, KDF and holder key
	// (Init.SigningKey: the backed-up key).
	Init InitOptions
	// Input is what goes into it.
	Input ImportInput
}

// Restore creates a new wallet at path holding in.Input, with a new wallet ID, a new device
// secret in opts.Init.Factor (its recovery code is returned) and the given holder key. The
// wallet is built under a temporary name beside path and appears at path only once every scan
// was stored and checked and the records committed: a failure or an interruption leaves no
// wallet at path, and the device secret it stored is deleted again.
func Restore(ctx context.Context, path string, passphrase []byte, opts RestoreOptions) (string, *ImportReport, error) {
	if _, err := os.Lstat(path); err == nil {
		return "", nil, fmt.Errorf("%w at %s", ErrAlreadyExists, path)
	}
	dir := filepath.Dir(path)
	_, dirErr := os.Stat(dir)
	stage := filepath.Join(dir, "."+filepath.Base(path)+".restore-"+newWalletID())
	w, code, err := Init(ctx, stage, passphrase, opts.Init)
	if err != nil {
		return "", nil, err
	}
	id := w.ID()
	undo := func() {
		os.Remove(stage)
		os.RemoveAll(blobFolder(stage))
		_ = opts.Init.Factor.Delete(context.WithoutCancel(ctx), id)
		if errors.Is(dirErr, fs.ErrNotExist) {
			os.Remove(dir) // the folder Init made for the wallet, if nothing else is in it
		}
	}
	rep, err := w.Import(opts.Input)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = moveIntoPlace(stage, path)
	}
	if err != nil {
		undo()
		return "", nil, err
	}
	return code, rep, nil
}

// moveIntoPlace moves a staged wallet's blob folder, then its file, to path. The file is
// linked, never renamed, so a wallet that appeared at path meanwhile is never replaced.
func moveIntoPlace(stage, path string) error {
	blobs := blobFolder(stage)
	movedBlobs := false
	if _, err := os.Stat(blobs); err == nil {
		if err := os.Rename(blobs, blobFolder(path)); err != nil {
			return fmt.Errorf("failed to move the restored scans into place: %w", err)
		}
		movedBlobs = true
	}
	if err := os.Link(stage, path); err != nil {
		if movedBlobs {
			_ = os.Rename(blobFolder(path), blobs)
		}
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%w at %s", ErrAlreadyExists, path)
		}
		return fmt.Errorf("failed to move the restored wallet into place: %w", err)
	}
	os.Remove(stage)
	return fsutil.SyncDir(filepath.Dir(path))
}

// putShare stores a share record inside tx with the next sequence number, as RecordShare does.
func (w *Wallet) putShare(tx *bolt.Tx, s ShareRecord) error {
	shares := tx.Bucket(bucketShares)
	seq, err := shares.NextSequence()
	if err != nil {
		return err
	}
	s.Sequence = seq
	plain, err := json.Marshal(s)
	if err != nil {
		return err
	}
	defer clear(plain)
	sealed, err := crypto.SealRecord(w.secrets.WalletKey, w.binding(kindShare, s.BundleID), plain)
	if err != nil {
		return err
	}
	return shares.Put([]byte(s.BundleID), sealed)
}
