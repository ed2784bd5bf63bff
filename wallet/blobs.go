package wallet

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"unsafe"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/paspor/paspor/crypto"
)

// Attachments are stored as one age stream per blob, cut into chunks of ChunkSize bytes.
// Chunks are grouped into segments of SegmentChunks, each segment a bucket written in its
// own transaction: memory stays at about two segments whatever the file size, and no
// transaction rewrites pages of an earlier segment (bbolt keeps values inline in leaf pages,
// so appending to one big bucket would re-read and re-write the last chunks every time).
const (
	ChunkSize     = 1 << 20
	SegmentChunks = 8
)

// testOnlyChunkSize and testOnlySegmentChunks shrink the layout in tests, so that a
// multi-segment attachment takes kilobytes instead of megabytes. Reading never depends on
// them: it follows whatever chunks and segments the file holds.
var (
	testOnlyChunkSize     = ChunkSize
	testOnlySegmentChunks = SegmentChunks
)

var keyPending = []byte("pending")

// blobWriter is an io.WriteCloser that appends age ciphertext to a blob's chunks. While one
// segment commits (bbolt copies it into pages, writes and fsyncs them) in the background,
// the next one fills: encryption and hashing overlap the disk's sync latency. Two segments of
// buffers are all it ever holds.
type blobWriter struct {
	db       *bolt.DB
	id       []byte
	fill     *segment   // being filled
	spare    *segment   // free for the next fill; nil while committing
	inflight chan error // result of the segment committing in the background, or nil
	next     uint32     // index of the next segment to commit
}

// segment is one transaction's worth of chunks.
type segment struct {
	bufs  [][]byte // one per chunk
	n     int      // chunks filled
	index uint32
}

func newSegment() *segment {
	s := &segment{bufs: make([][]byte, testOnlySegmentChunks)}
	for i := range s.bufs {
		s.bufs[i] = make([]byte, 0, testOnlyChunkSize)
	}
	return s
}

func newBlobID() []byte {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return []byte(hex.EncodeToString(b))
}

// createBlob makes the blob's bucket, marked pending: until a document record that refers to
// it is committed (which clears the mark in the same transaction), the next writer's
// collectOrphans removes it.
func createBlob(db *bolt.DB) (*blobWriter, error) {
	id := newBlobID()
	err := update(db, func(tx *bolt.Tx) error {
		b, err := tx.Bucket(bucketBlobs).CreateBucket(id)
		if err != nil {
			return err
		}
		return b.Put(keyPending, []byte{1})
	})
	if err != nil {
		return nil, fmt.Errorf("failed to create attachment: %w", err)
	}
	return &blobWriter{db: db, id: id, fill: newSegment()}, nil
}

func (bw *blobWriter) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		seg := bw.fill
		buf := &seg.bufs[seg.n]
		k := min(cap(*buf)-len(*buf), len(p))
		*buf = append(*buf, p[:k]...)
		p, written = p[k:], written+k
		if len(*buf) == cap(*buf) {
			seg.n++
			if seg.n == len(seg.bufs) {
				if err := bw.flush(); err != nil {
					return written, err
				}
			}
		}
	}
	return written, nil
}

// Close writes the last, partial segment and waits until every segment is committed.
func (bw *blobWriter) Close() error {
	seg := bw.fill
	if seg.n < len(seg.bufs) && len(seg.bufs[seg.n]) > 0 {
		seg.n++
	}
	if seg.n > 0 {
		if err := bw.flush(); err != nil {
			return err
		}
	}
	return bw.wait()
}

// flush hands the filled segment to a background commit, after the previous one finished.
func (bw *blobWriter) flush() error {
	if err := bw.wait(); err != nil {
		return err
	}
	seg := bw.fill
	seg.index = bw.next
	bw.next++
	bw.inflight = make(chan error, 1)
	go func(done chan<- error) { done <- bw.commit(seg) }(bw.inflight)
	if bw.fill = bw.spare; bw.fill == nil {
		bw.fill = newSegment()
	}
	bw.spare = seg
	return nil
}

// wait returns the result of the commit in flight, if any. After it, the spare segment's
// buffers are free: bbolt copied the values into its pages at commit.
func (bw *blobWriter) wait() error {
	if bw.inflight == nil {
		return nil
	}
	err := <-bw.inflight
	bw.inflight = nil
	if seg := bw.spare; seg != nil {
		for i := 0; i < seg.n; i++ {
			seg.bufs[i] = seg.bufs[i][:0]
		}
		seg.n = 0
	}
	return err
}

func (bw *blobWriter) commit(s *segment) error {
	err := update(bw.db, func(tx *bolt.Tx) error {
		blob := tx.Bucket(bucketBlobs).Bucket(bw.id)
		if blob == nil {
			return errors.New("attachment bucket vanished")
		}
		seg, err := blob.CreateBucket(u32key(s.index))
		if err != nil {
			return err
		}
		seg.FillPercent = 1 // append-only: pack pages full
		for i := 0; i < s.n; i++ {
			if err := seg.Put(u32key(uint32(i)), s.bufs[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("failed to write attachment chunks: %w", err)
	}
	return nil
}

// abort removes a blob whose writing failed; if even that fails, it stays pending and the
// next writer collects it.
func (bw *blobWriter) abort() {
	_ = bw.wait() // a commit still in flight would otherwise land after the delete
	_ = update(bw.db, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketBlobs).DeleteBucket(bw.id)
	})
}

func u32key(i uint32) []byte {
	var k [4]byte
	binary.BigEndian.PutUint32(k[:], i)
	return k[:]
}

// collectOrphans deletes every blob still marked pending: one whose writer crashed or failed
// before its document was committed. It runs when a writer unlocks, holding the exclusive
// lock, so no other process can be in the middle of writing one.
func (w *Wallet) collectOrphans() error {
	return update(w.db, func(tx *bolt.Tx) error {
		blobs := tx.Bucket(bucketBlobs)
		var orphans [][]byte
		err := blobs.ForEachBucket(func(k []byte) error {
			if blobs.Bucket(k).Get(keyPending) != nil {
				orphans = append(orphans, clone(k))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range orphans {
			if err := blobs.DeleteBucket(k); err != nil {
				return err
			}
		}
		return nil
	})
}

// blobReader streams a blob's ciphertext chunk by chunk inside one read transaction. Chunk
// pages are released from the process's mapping once read, so reading a large attachment
// does not grow resident memory with its size. Its transaction outlives any one call, so
// each Read runs under guarded itself.
type blobReader struct {
	tx       *bolt.Tx
	file     string
	seg      *bolt.Cursor
	chunks   *bolt.Cursor
	val      []byte  // the current chunk, as mapped
	cur      []byte  // what is left of it to read
	mapping  uintptr // start of bbolt's mapping of the file
	pageHigh uintptr // end of the pages this transaction can see
	done     bool
}

func openBlobReader(db *bolt.DB, id string) (*blobReader, error) {
	r := &blobReader{file: filepath.Base(db.Path())}
	err := guarded(r.file, func() error {
		var err error
		if r.tx, err = db.Begin(false); err != nil {
			return fmt.Errorf("failed to read attachment: %w", err)
		}
		r.mapping = db.Info().Data
		r.pageHigh = r.mapping + uintptr(r.tx.Size())
		blob := r.tx.Bucket(bucketBlobs).Bucket([]byte(id))
		if blob == nil || blob.Get(keyPending) != nil {
			return &CorruptError{Kind: "attachment", ID: id, Err: errors.New("missing chunks")}
		}
		r.seg = blob.Cursor()
		return nil
	})
	if err != nil {
		if r.tx != nil {
			r.tx.Rollback()
		}
		return nil, err
	}
	return r, nil
}

func (r *blobReader) Read(p []byte) (n int, err error) {
	err = guarded(r.file, func() error {
		for len(r.cur) == 0 {
			if r.done {
				return io.EOF
			}
			if err := r.next(); err != nil {
				return err
			}
		}
		// The copy reads the mapping too: on a damaged page it is what faults.
		n = copy(p, r.cur)
		r.cur = r.cur[n:]
		if len(r.cur) == 0 && r.mapped(r.val) {
			releasePages(r.val)
		}
		return nil
	})
	return n, err
}

// mapped says whether b lies inside the file's pages. A damaged element header can make
// bbolt hand out a value that points elsewhere in memory; its pages must never be
// released, since that would discard memory that is not the file's.
func (r *blobReader) mapped(b []byte) bool {
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	return start >= r.mapping && start <= r.pageHigh && uintptr(len(b)) <= r.pageHigh-start
}

// next moves to the next chunk, crossing into the next segment bucket when one ends.
func (r *blobReader) next() error {
	var k, v []byte
	if r.chunks != nil {
		k, v = r.chunks.Next()
	}
	for k == nil {
		var sk, sv []byte
		if r.chunks == nil {
			sk, sv = r.seg.First()
		} else {
			sk, sv = r.seg.Next()
		}
		for sk != nil && sv != nil { // skip plain keys; segments are nested buckets
			sk, sv = r.seg.Next()
		}
		if sk == nil {
			r.done = true
			return nil
		}
		seg := r.seg.Bucket().Bucket(sk)
		r.chunks = seg.Cursor()
		k, v = r.chunks.First()
	}
	if v == nil {
		return &CorruptError{Kind: "wallet file", ID: r.file, Err: errors.New("malformed attachment chunk")}
	}
	r.val, r.cur = v, v
	return nil
}

func (r *blobReader) Close() error {
	return guarded(r.file, r.tx.Rollback)
}

// deleteBlob removes a blob inside a transaction the caller commits.
func deleteBlob(tx *bolt.Tx, id string) error {
	err := tx.Bucket(bucketBlobs).DeleteBucket([]byte(id))
	if errors.Is(err, bolterrors.ErrBucketNotFound) {
		return nil
	}
	return err
}

// commitBlob clears the pending mark of a blob inside the transaction that commits its document.
func commitBlob(tx *bolt.Tx, id string) error {
	blob := tx.Bucket(bucketBlobs).Bucket([]byte(id))
	if blob == nil {
		return fmt.Errorf("attachment %s vanished before commit", id)
	}
	return blob.Delete(keyPending)
}

// blobBinding is what a blob's age stream is bound to (S3).
func (w *Wallet) blobBinding(id string) crypto.Binding { return w.binding("blob", id) }
