package wallet

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/internal/fsutil"
)

// Attachments live beside the store: each is one age file in the blob folder, named
// <blob ID>.age, where the blob folder is the wallet file's path plus ".blobs"
// (wallet.db.blobs/). A blob is written once under a temporary name (.tmp-<blob ID>),
// fsynced, renamed into place and the folder fsynced; only then does the transaction that
// commits the document put the blob ID into the blob index (bucket "blobs", blob ID ->
// document ID). A blob file the index does not name is an orphan (a crash, a refused add,
// Ctrl-C, a removed document) and the next writer deletes it. Each age file is bound to the
// wallet and the blob ID (S3): a blob moved to another name or another wallet does not
// decrypt.
const (
	blobFolderSuffix = ".blobs"
	blobFileSuffix   = ".age"
	blobTempPrefix   = ".tmp-"
	blobBufferSize   = 1 << 20 // one write syscall per MiB of ciphertext
)

// blobFolder is the folder of the wallet file path's blobs.
func blobFolder(walletPath string) string { return walletPath + blobFolderSuffix }

func (w *Wallet) blobPath(id string) string {
	return filepath.Join(blobFolder(w.path), id+blobFileSuffix)
}

func newBlobID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// validBlobID says whether s is a name newBlobID could have made: an index entry or a file
// name that is not one is never used as a path.
func validBlobID(s string) bool {
	if len(s) != 32 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}

// blobFile is a blob being written: a temporary file in the blob folder.
type blobFile struct {
	id   string
	tmp  string
	dst  string
	dir  string
	file *os.File
	buf  *bufio.Writer
}

// createBlob opens a new temporary blob file (0600, O_EXCL) in the blob folder (0700).
func (w *Wallet) createBlob() (*blobFile, error) {
	dir := blobFolder(w.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("failed to create the blob folder: %w", err)
	}
	id := newBlobID()
	b := &blobFile{id: id, dir: dir, tmp: filepath.Join(dir, blobTempPrefix+id), dst: w.blobPath(id)}
	f, err := os.OpenFile(b.tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("failed to create attachment file: %w", err)
	}
	b.file, b.buf = f, bufio.NewWriterSize(fsutil.NewWriteback(f), blobBufferSize)
	return b, nil
}

func (b *blobFile) Write(p []byte) (int, error) { return b.buf.Write(p) }

// commit makes the blob durable under its final name: flush, fsync, close, rename, fsync
// of the folder. After it the blob is an orphan until a document record names it.
func (b *blobFile) commit() error {
	err := b.buf.Flush()
	if err == nil {
		err = b.file.Sync()
	}
	if cerr := b.file.Close(); err == nil {
		err = cerr
	}
	b.file = nil
	if err == nil {
		err = os.Rename(b.tmp, b.dst)
	}
	if err == nil {
		err = fsutil.SyncDir(b.dir)
	}
	if err != nil {
		b.abort()
		return fmt.Errorf("failed to write attachment file: %w", err)
	}
	return nil
}

// abort removes a blob whose writing failed; what cannot be removed now, the next writer
// collects.
func (b *blobFile) abort() {
	if b.file != nil {
		b.file.Close()
		b.file = nil
	}
	os.Remove(b.tmp)
}

// removeBlobFiles deletes blob files no record names any more (after the transaction that
// dropped them committed, or after a failed add). Failures are left to the next writer.
func (w *Wallet) removeBlobFiles(ids []string) {
	removed := false
	for _, id := range ids {
		if validBlobID(id) && os.Remove(w.blobPath(id)) == nil {
			removed = true
		}
	}
	if removed {
		_ = fsutil.SyncDir(blobFolder(w.path))
	}
}

// indexBlobs records the blobs of document docID in the blob index, inside the transaction
// that commits the document.
func indexBlobs(tx *bolt.Tx, docID string, ids []string) error {
	idx := tx.Bucket(bucketBlobs)
	for _, id := range ids {
		if err := idx.Put([]byte(id), []byte(docID)); err != nil {
			return err
		}
	}
	return nil
}

// unindexBlobs removes blobs from the index inside a transaction; their files are removed
// once it committed.
func unindexBlobs(tx *bolt.Tx, ids []string) error {
	idx := tx.Bucket(bucketBlobs)
	for _, id := range ids {
		if err := idx.Delete([]byte(id)); err != nil {
			return err
		}
	}
	return nil
}

// collectOrphans deletes every file in the blob folder that the blob index does not name:
// temporary files and blobs whose document was never committed or was removed. It runs
// when a writer unlocks, holding the exclusive lock, so no other process is writing one.
// It returns the number of files removed.
func (w *Wallet) collectOrphans() (int, error) {
	orphans, err := w.orphans()
	if err != nil {
		return 0, err
	}
	dir := blobFolder(w.path)
	n := 0
	for _, name := range orphans {
		if err := os.Remove(filepath.Join(dir, name)); err == nil {
			n++
		} else if !errors.Is(err, fs.ErrNotExist) {
			return n, fmt.Errorf("failed to remove an orphaned attachment file: %w", err)
		}
	}
	if n > 0 {
		if err := fsutil.SyncDir(dir); err != nil {
			return n, fmt.Errorf("failed to sync the blob folder: %w", err)
		}
	}
	return n, nil
}

// orphans lists the names in the blob folder that no index entry accounts for.
func (w *Wallet) orphans() ([]string, error) {
	entries, err := os.ReadDir(blobFolder(w.path))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read the blob folder: %w", err)
	}
	var orphans []string
	err = view(w.db, func(tx *bolt.Tx) error {
		idx := tx.Bucket(bucketBlobs)
		for _, e := range entries {
			name := e.Name()
			id, isBlob := strings.CutSuffix(name, blobFileSuffix)
			if isBlob && validBlobID(id) && e.Type().IsRegular() && idx.Get([]byte(id)) != nil {
				continue
			}
			if isBlob || strings.HasPrefix(name, blobTempPrefix) {
				orphans = append(orphans, name)
			}
		}
		return nil
	})
	return orphans, err
}

// errBlobMissing is why an attachment is corrupt when its blob file is gone.
var errBlobMissing = errors.New("attachment file missing")

// openBlob opens a blob's age file for reading; a missing file is damage to the wallet.
func (w *Wallet) openBlob(doc string, a *Attachment) (*os.File, error) {
	if !validBlobID(a.BlobID) {
		return nil, &CorruptError{Kind: "attachment", ID: doc + " " + a.Role, Err: errors.New("malformed blob ID")}
	}
	f, err := os.Open(w.blobPath(a.BlobID))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &CorruptError{Kind: "attachment", ID: doc + " " + a.Role, Err: errBlobMissing}
	}
	if err != nil {
		return nil, fmt.Errorf("failed to open attachment: %w", err)
	}
	return f, nil
}

// blobBinding is what a blob's age stream is bound to (S3).
func (w *Wallet) blobBinding(id string) crypto.Binding { return w.binding("blob", id) }
