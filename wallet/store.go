package wallet

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/paspor/paspor/crypto"
)

// FormatVersion names the on-disk layout; a file with another value is refused.
const FormatVersion = "paspor-wallet/2"

// ErrUnsupportedFormat means the wallet file is of a format this version does not read
// (format 1, from before scans moved beside the store, or a newer one).
var ErrUnsupportedFormat = errors.New("unsupported wallet format")

// DefaultLockTimeout is how long Open waits for another process to release the wallet (S10).
const DefaultLockTimeout = time.Second

// Bucket and key names. Only public data lives outside sealed records: the format, the wallet
// ID, the creation time, the factor kind and the KDF parameters and salt (an attacker needs the
// device secret before any of them help, S2).
var (
	bucketMeta      = []byte("meta")
	bucketDocuments = []byte("documents")
	bucketBlobs     = []byte("blobs")
	bucketShares    = []byte("shares")

	keyFormat    = []byte("format")
	keyWalletID  = []byte("wallet_id")
	keyCreatedAt = []byte("created_at")
	keyFactor    = []byte("factor")
	keyKDF       = []byte("kdf")
	keySalt      = []byte("salt")
	keySlot      = []byte("slot")
	keyMAC       = []byte("mac")
)

// OpenOptions says how to open a wallet file.
type OpenOptions struct {
	// ReadOnly takes a shared lock, so several readers can run at once; writers need an
	// exclusive one.
	ReadOnly bool
	// LockTimeout bounds the wait for the lock; 0 means DefaultLockTimeout.
	LockTimeout time.Duration
	// Now is the clock for the timestamps the unlocked wallet writes; nil means time.Now.
	Now func() time.Time
}

// header is the public part of a wallet, readable before unlocking.
type header struct {
	WalletID  string
	CreatedAt time.Time
	Factor    string
	KDF       crypto.KDFParams
	Salt      []byte
	Slot      []byte
	MAC       []byte // crypto.HeaderMAC over macFields, keyed from the device secret
}

// macFields are the header fields the header MAC covers, in a fixed order.
func (h header) macFields() [][]byte {
	kdf, _ := json.Marshal(h.KDF)
	created, _ := h.CreatedAt.UTC().MarshalText()
	return [][]byte{[]byte(FormatVersion), []byte(h.WalletID), created, []byte(h.Factor), kdf, h.Salt, h.Slot}
}

// seal sets the header MAC for device.
func (h *header) seal(device []byte) error {
	mac, err := crypto.HeaderMAC(device, h.macFields()...)
	h.MAC = mac
	return err
}

// verify checks the header MAC with device; it runs before any KDF.
func (h header) verify(device []byte) bool {
	return crypto.VerifyHeaderMAC(device, h.MAC, h.macFields()...) == nil
}

// Locked is an opened but not yet unlocked wallet: it knows its ID and which kind of
// second factor it expects, so the caller can pick the right factor.Store.
type Locked struct {
	db       *bolt.DB
	path     string
	readOnly bool
	hdr      header
	now      func() time.Time
}

// Open opens the wallet file at path and reads its public header. It returns
// ErrNotInitialized when there is no file and ErrWalletInUse when another process holds
// the lock for longer than the timeout.
func Open(path string, opts OpenOptions) (*Locked, error) {
	if err := CheckFile(path); err != nil {
		return nil, err
	}
	db, err := openDB(path, opts)
	if err != nil {
		return nil, err
	}
	l := &Locked{db: db, path: path, readOnly: opts.ReadOnly, now: opts.Now}
	if err := view(db, func(tx *bolt.Tx) error {
		h, err := readHeader(tx)
		l.hdr = h
		return err
	}); err != nil {
		db.Close()
		return nil, err
	}
	return l, nil
}

// NotWalletError means the wallet path names something that cannot be a wallet file: a
// folder, or an empty file (which bbolt would otherwise try to write a new database into).
type NotWalletError struct {
	Path   string
	Folder bool // a folder; else an empty file
}

func (e *NotWalletError) Error() string {
	if e.Folder {
		return fmt.Sprintf("%s is a folder, not a wallet file", e.Path)
	}
	return fmt.Sprintf("%s is an empty file, not a wallet", e.Path)
}

// CheckFile says, before any passphrase is asked for, whether path can be a wallet: nil, or
// ErrNotInitialized when nothing is there, or a *NotWalletError.
func CheckFile(path string) error {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return ErrNotInitialized
	case err != nil:
		return fmt.Errorf("failed to stat wallet: %w", err)
	case st.IsDir():
		return &NotWalletError{Path: path, Folder: true}
	case st.Size() == 0:
		return &NotWalletError{Path: path}
	}
	return nil
}

func openDB(path string, opts OpenOptions) (*bolt.DB, error) {
	timeout := opts.LockTimeout
	if timeout == 0 {
		timeout = DefaultLockTimeout
	}
	var db *bolt.DB
	err := guarded(path, func() error {
		var err error
		db, err = bolt.Open(path, 0o600, &bolt.Options{
			Timeout:  timeout,
			ReadOnly: opts.ReadOnly,
			// The freelist stays synced (bbolt's default): rebuilding it on open walks every
			// page of the file, which would make memory and time grow with the scans stored.
		})
		return err
	})
	if err != nil {
		var corrupt *CorruptError
		if errors.As(err, &corrupt) {
			return nil, err
		}
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, ErrWalletInUse
		}
		if errors.Is(err, bolterrors.ErrInvalid) || errors.Is(err, bolterrors.ErrChecksum) ||
			errors.Is(err, bolterrors.ErrVersionMismatch) {
			return nil, &CorruptError{Kind: "wallet file", ID: path, Err: err}
		}
		return nil, fmt.Errorf("failed to open wallet: %w", err)
	}
	return db, nil
}

// guarded runs fn with memory faults turned into panics and any panic turned into a
// *CorruptError. bbolt reads its pages through unsafe pointers into the mapped file: on a
// damaged file it can index out of range, follow a wild page ID or fault, and a damaged
// wallet must say so, not crash (S9). SetPanicOnFault is per goroutine, so it is set around
// fn only; bbolt's View and Update roll the transaction back while the panic passes through.
func guarded(file string, fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = &CorruptError{Kind: "wallet file", ID: file, Err: storeFault(r)}
		}
	}()
	return fn()
}

// storeFault describes a recovered panic without repeating what it carries: bbolt's own
// panic messages can quote keys and page bytes of the damaged file, so only Go runtime
// errors (fixed texts with numbers) are kept.
func storeFault(r any) error {
	if re, ok := r.(runtime.Error); ok {
		return fmt.Errorf("store fault: %s", re.Error())
	}
	return errors.New("store fault: bbolt stopped on a damaged page")
}

// view and update are db.View and db.Update under guarded: every transaction of the wallet
// goes through one of them (or, for streamed reads, through guarded directly).
func view(db *bolt.DB, fn func(*bolt.Tx) error) error {
	return guarded(db.Path(), func() error { return db.View(fn) })
}

func update(db *bolt.DB, fn func(*bolt.Tx) error) error {
	return guarded(db.Path(), func() error { return db.Update(fn) })
}

func readHeader(tx *bolt.Tx) (header, error) {
	var h header
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return h, &CorruptError{Kind: "wallet header", ID: "meta", Err: errors.New("missing")}
	}
	if format := meta.Get(keyFormat); string(format) != FormatVersion {
		if isFormatName(format) {
			return h, fmt.Errorf("%w: the file is %s, this paspor reads %s", ErrUnsupportedFormat, format, FormatVersion)
		}
		return h, &CorruptError{Kind: "wallet header", ID: "format", Err: errors.New("unknown format")}
	}
	h.WalletID = string(meta.Get(keyWalletID))
	h.Factor = string(meta.Get(keyFactor))
	h.Salt = clone(meta.Get(keySalt))
	h.Slot = clone(meta.Get(keySlot))
	h.MAC = clone(meta.Get(keyMAC))
	if err := h.CreatedAt.UnmarshalText(meta.Get(keyCreatedAt)); err != nil {
		return h, &CorruptError{Kind: "wallet header", ID: "created_at", Err: err}
	}
	if err := json.Unmarshal(meta.Get(keyKDF), &h.KDF); err != nil {
		return h, &CorruptError{Kind: "wallet header", ID: "kdf", Err: err}
	}
	if err := h.KDF.Validate(); err != nil {
		return h, &CorruptError{Kind: "wallet header", ID: "kdf", Err: err}
	}
	if !validWalletID(h.WalletID) || len(h.Salt) != crypto.SaltSize || len(h.Slot) == 0 ||
		len(h.MAC) != crypto.HeaderMACSize ||
		(h.Factor != FactorKeyring && h.Factor != FactorFile) {
		return h, &CorruptError{Kind: "wallet header", ID: "meta", Err: errors.New("malformed")}
	}
	for _, b := range [][]byte{bucketDocuments, bucketBlobs, bucketShares, bucketState} {
		if tx.Bucket(b) == nil {
			return h, &CorruptError{Kind: "wallet header", ID: string(b), Err: errors.New("missing bucket")}
		}
	}
	return h, nil
}

func writeHeader(tx *bolt.Tx, h header) error {
	meta, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return err
	}
	kdf, err := json.Marshal(h.KDF)
	if err != nil {
		return err
	}
	created, err := h.CreatedAt.UTC().MarshalText()
	if err != nil {
		return err
	}
	for _, kv := range []struct{ k, v []byte }{
		{keyFormat, []byte(FormatVersion)}, {keyWalletID, []byte(h.WalletID)},
		{keyCreatedAt, created}, {keyFactor, []byte(h.Factor)}, {keyKDF, kdf},
		{keySalt, h.Salt}, {keySlot, h.Slot}, {keyMAC, h.MAC},
	} {
		if err := meta.Put(kv.k, kv.v); err != nil {
			return err
		}
	}
	return nil
}

// isFormatName says whether b looks like a paspor format name ("paspor-wallet/N"), so that
// an old or newer wallet is told apart from a damaged header; only then is it quoted.
func isFormatName(b []byte) bool {
	rest, ok := strings.CutPrefix(string(b), "paspor-wallet/")
	if !ok || rest == "" || len(rest) > 4 {
		return false
	}
	for _, c := range rest {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// WalletID returns the wallet's public random identifier.
func (l *Locked) WalletID() string { return l.hdr.WalletID }

// FactorKind returns "keyring" or "file": where init (or the last recover) put the device secret.
func (l *Locked) FactorKind() string { return l.hdr.Factor }

// Path returns the wallet file's path.
func (l *Locked) Path() string { return l.path }

// Close releases the lock without unlocking.
func (l *Locked) Close() error { return l.db.Close() }

func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte(nil), b...)
}
