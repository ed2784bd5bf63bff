package wallet

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/internal/fsutil"
	"github.com/paspor/paspor/wallet/factor"
)

// Factor kinds recorded in the wallet header.
const (
	FactorKeyring = factor.KindKeyring
	FactorFile    = factor.KindFile
)

// Wallet is an unlocked wallet. It holds the wallet key in memory until Close.
type Wallet struct {
	db         *bolt.DB
	path       string
	readOnly   bool
	hdr        header
	secrets    *crypto.SlotSecrets
	passphrase []byte // kept to re-derive the KEK on factor rotation; zeroed on Close
	device     []byte // the device secret that opened the slot
	factor     factor.Store
	now        func() time.Time // the clock for timestamps; never nil
	counter    uint64           // the sealed state's counter as of the last write
	listed     listTouches      // documents written in the current write transaction
}

// InitOptions configures a new wallet.
type InitOptions struct {
	Factor factor.Store
	KDF    crypto.KDFParams
	Now    time.Time // zero means time.Now(); when set, also the clock of the returned Wallet
	// SigningKey, when set, is the holder key of the new wallet instead of a fresh one (a
	// restore keeps the key partners pinned).
	SigningKey ed25519.PrivateKey
}

// Init creates a wallet at path, stores a fresh device secret in opts.Factor and returns the
// unlocked wallet and the recovery code (the device secret in printable form, shown once).
// The file appears at path only once it is complete: it is built under a temporary name
// and renamed.
func Init(ctx context.Context, path string, passphrase []byte, opts InitOptions) (*Wallet, string, error) {
	if len(passphrase) == 0 {
		return nil, "", &InvalidInputError{Field: "passphrase", Reason: "empty"}
	}
	if err := opts.KDF.Validate(); err != nil {
		return nil, "", &InvalidInputError{Field: "kdf", Reason: err.Error()}
	}
	if st, err := os.Lstat(path); err == nil {
		if st.IsDir() || st.Size() == 0 {
			return nil, "", &NotWalletError{Path: path, Folder: st.IsDir()}
		}
		return nil, "", fmt.Errorf("%w at %s", ErrAlreadyExists, path)
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	h := header{WalletID: newWalletID(), CreatedAt: now.UTC().Truncate(time.Second),
		Factor: opts.Factor.Kind(), KDF: opts.KDF}
	device, err := crypto.NewDeviceSecret()
	if err != nil {
		return nil, "", err
	}
	if h.Salt, err = crypto.NewSalt(); err != nil {
		return nil, "", err
	}
	secrets, err := crypto.NewSlotSecrets()
	if err != nil {
		return nil, "", err
	}
	if opts.SigningKey != nil {
		if len(opts.SigningKey) != ed25519.PrivateKeySize {
			return nil, "", &InvalidInputError{Field: "signing key", Reason: "not an Ed25519 private key"}
		}
		secrets.SigningKey = clone(opts.SigningKey)
	}
	if h.Slot, err = sealSlot(passphrase, device, h, secrets); err != nil {
		return nil, "", err
	}
	if err := h.seal(device); err != nil {
		return nil, "", err
	}
	code, err := crypto.EncodeRecoveryCode(device)
	if err != nil {
		return nil, "", err
	}
	// The factor goes first: a wallet file whose device secret was never stored would be
	// unopenable, while a stored secret without a wallet is only clutter, removed below.
	if err := opts.Factor.Create(ctx, h.WalletID, device); err != nil {
		return nil, "", err
	}
	if err := createInFolder(path, h, secrets.WalletKey); err != nil {
		_ = opts.Factor.Delete(context.WithoutCancel(ctx), h.WalletID)
		return nil, "", err
	}
	db, err := openDB(path, OpenOptions{})
	if err != nil {
		return nil, "", err
	}
	w := &Wallet{db: db, path: path, hdr: h, secrets: secrets,
		passphrase: clone(passphrase), device: device, factor: opts.Factor, now: time.Now}
	if !opts.Now.IsZero() {
		w.now = func() time.Time { return opts.Now }
	}
	return w, code, nil
}

// createInFolder creates the wallet's folder (0700) if needed and the file in it; a folder
// it created is removed again when the file could not be made, so a failed init leaves nothing.
func createInFolder(path string, h header, walletKey []byte) error {
	dir := filepath.Dir(path)
	_, statErr := os.Stat(dir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("failed to create wallet folder: %w", err)
	}
	if err := createFile(path, h, walletKey); err != nil {
		if os.IsNotExist(statErr) {
			os.Remove(dir)
		}
		return err
	}
	return nil
}

func createFile(path string, h header, walletKey []byte) error {
	tmp := fmt.Sprintf("%s.init-%s", path, newWalletID())
	db, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: DefaultLockTimeout})
	if err != nil {
		return fmt.Errorf("failed to create wallet: %w", err)
	}
	err = update(db, func(tx *bolt.Tx) error {
		if err := writeHeader(tx, h); err != nil {
			return err
		}
		for _, b := range [][]byte{bucketDocuments, bucketBlobs, bucketShares, bucketState} {
			if _, err := tx.CreateBucket(b); err != nil {
				return err
			}
		}
		return writeState(tx, walletKey, h.WalletID, 0)
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		// Link fails if path appeared meanwhile, so a concurrent init never overwrites a wallet.
		err = os.Link(tmp, path)
		if errors.Is(err, os.ErrExist) {
			err = fmt.Errorf("%w at %s", ErrAlreadyExists, path)
		}
	}
	os.Remove(tmp)
	if err != nil {
		return fmt.Errorf("failed to create wallet: %w", err)
	}
	return fsutil.SyncDir(filepath.Dir(path))
}

// testOnlyDeriveKEK lets the tamper sweep memoise the KDF, a pure function, across the
// thousands of opens it makes of one wallet.
var testOnlyDeriveKEK = crypto.DeriveKEK

func sealSlot(passphrase, device []byte, h header, s *crypto.SlotSecrets) ([]byte, error) {
	kek, err := testOnlyDeriveKEK(passphrase, device, h.Salt, h.WalletID, h.KDF)
	if err != nil {
		return nil, err
	}
	defer clear(kek)
	return crypto.SealSlot(kek, h.WalletID, s)
}

func openSlot(passphrase, device []byte, h header) (*crypto.SlotSecrets, error) {
	kek, err := testOnlyDeriveKEK(passphrase, device, h.Salt, h.WalletID, h.KDF)
	if err != nil {
		return nil, err
	}
	defer clear(kek)
	s, err := crypto.OpenSlot(kek, h.WalletID, h.Slot)
	switch {
	case errors.Is(err, crypto.ErrWrongKey):
		return nil, ErrUnlockFailed
	case err != nil:
		return nil, &CorruptError{Kind: "key slot", ID: h.WalletID, Err: err}
	}
	return s, nil
}

// Unlock opens the key slot with the passphrase and the device secret from factor. When a
// device-secret rotation was interrupted, the pending secret is tried too and the factor
// store is repaired (a writable wallet only). The Locked handle is consumed either way.
func (l *Locked) Unlock(ctx context.Context, passphrase []byte, factor factor.Store) (*Wallet, error) {
	w, err := l.unlock(ctx, passphrase, factor)
	if err != nil {
		l.db.Close()
		return nil, err
	}
	return w, nil
}

func (l *Locked) unlock(ctx context.Context, passphrase []byte, factor factor.Store) (*Wallet, error) {
	if len(passphrase) == 0 {
		return nil, ErrUnlockFailed
	}
	current, pending, err := factor.Load(ctx, l.hdr.WalletID)
	if err != nil {
		return nil, err
	}
	// The header MAC is checked with each secret before any KDF runs: a header that neither
	// authenticates (tampered KDF parameters, factor kind, salt or slot) costs nothing.
	staged := pending != nil
	if current != nil && !l.hdr.verify(current) {
		current = nil
	}
	if pending != nil && !l.hdr.verify(pending) {
		pending = nil
	}
	if current == nil && pending == nil {
		return nil, &CorruptError{Kind: "wallet header", ID: l.hdr.WalletID, Err: errHeaderMismatch}
	}
	w := &Wallet{db: l.db, path: l.path, readOnly: l.readOnly, hdr: l.hdr,
		passphrase: clone(passphrase), factor: factor, now: l.now}
	if w.now == nil {
		w.now = time.Now
	}
	if current != nil {
		w.secrets, err = openSlot(passphrase, current, l.hdr)
		if err == nil {
			w.device = current
			if staged && !l.readOnly {
				// The rotation never committed its slot: the staged secret is useless.
				_ = factor.Discard(ctx, l.hdr.WalletID)
			}
		} else if !errors.Is(err, ErrUnlockFailed) {
			return nil, err
		}
	}
	if w.secrets == nil && pending != nil {
		w.secrets, err = openSlot(passphrase, pending, l.hdr)
		if err != nil {
			return nil, err
		}
		w.device = pending
		if !l.readOnly {
			// The slot was committed with the staged secret: finish the rotation.
			if err := factor.Promote(ctx, l.hdr.WalletID); err != nil {
				return nil, err
			}
		}
	}
	if w.secrets == nil {
		return nil, ErrUnlockFailed
	}
	// The KDF's memory (Argon2id's, 64 MiB by default) is garbage now: give it back before
	// the state check reads every record, so a process's peak is the larger of the two, not
	// their sum.
	debug.FreeOSMemory()
	if err := view(w.db, func(tx *bolt.Tx) error {
		w.counter, err = checkState(tx, w.secrets.WalletKey, w.hdr.WalletID)
		return err
	}); err != nil {
		return nil, err
	}
	if !l.readOnly {
		if _, err := w.collectOrphans(); err != nil {
			return nil, err
		}
		w.removeCompactLeftovers()
	}
	return w, nil
}

// errHeaderMismatch is why a header is corrupt when its MAC fails with every device secret
// the factor store holds. The two causes cannot be told apart: the header was changed, or
// the stored device secret belongs to another copy of the wallet (a backup from before a
// rotation).
var errHeaderMismatch = errors.New("the header does not match the device secret")

// Info describes a wallet for `paspor info`.
type Info struct {
	WalletID  string           `json:"wallet_id"`
	Path      string           `json:"path"`
	CreatedAt time.Time        `json:"created_at"`
	Documents int              `json:"documents"`
	Factor    string           `json:"factor"`
	KDF       crypto.KDFParams `json:"kdf"`
}

// Info returns the wallet's public facts and its document count.
func (w *Wallet) Info() (Info, error) {
	info := Info{WalletID: w.hdr.WalletID, Path: w.path, CreatedAt: w.hdr.CreatedAt,
		Factor: w.hdr.Factor, KDF: w.hdr.KDF}
	err := view(w.db, func(tx *bolt.Tx) error {
		info.Documents = tx.Bucket(bucketDocuments).Stats().KeyN
		return nil
	})
	return info, err
}

// SigningKey returns the holder's Ed25519 key that signs bundles.
func (w *Wallet) SigningKey() ed25519.PrivateKey { return w.secrets.SigningKey }

// Close zeroes the keys held in memory and releases the lock.
func (w *Wallet) Close() error {
	if w.secrets != nil {
		clear(w.secrets.WalletKey)
		clear(w.secrets.SigningKey)
	}
	clear(w.passphrase)
	clear(w.device)
	return w.db.Close()
}

func (w *Wallet) writable() error {
	if w.readOnly {
		return errors.New("wallet was opened read-only")
	}
	return nil
}

func (w *Wallet) binding(kind, id string) crypto.Binding {
	return crypto.Binding{WalletID: w.hdr.WalletID, Kind: kind, ID: id}
}

func newWalletID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b[:])
}

func validWalletID(s string) bool {
	if len(s) != 32 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// ID returns the wallet's public random identifier.
func (w *Wallet) ID() string { return w.hdr.WalletID }
