package wallet

import (
	"bytes"
	"errors"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ErrWalletChanged means another process changed the wallet's header (its passphrase or
// device secret) while this one had let go of the lock: the keys held in memory may no
// longer be the wallet's, so nothing is written.
var ErrWalletChanged = errors.New("the wallet changed while it was released")

// Release lets go of the wallet's lock (shared or exclusive) and keeps the keys in memory,
// so that a command can wait for a person (a confirmation prompt) without blocking other
// processes, then take the lock again with Reacquire. Until then every read or write fails.
func (w *Wallet) Release() error { return w.db.Close() }

// Reacquire opens the wallet file again after Release, with a shared lock when readOnly,
// else an exclusive one (waiting up to timeout; 0 means DefaultLockTimeout). The header
// must be the one the keys were unlocked with and the sealed state must open and match the
// records as at unlock, with a counter no lower than before (else ErrWalletChanged); a writable
// wallet sweeps orphaned scans as at unlock.
func (w *Wallet) Reacquire(readOnly bool, timeout time.Duration) error {
	db, err := openDB(w.path, OpenOptions{ReadOnly: readOnly, LockTimeout: timeout})
	if err != nil {
		return err
	}
	var counter uint64
	err = view(db, func(tx *bolt.Tx) error {
		h, err := readHeader(tx)
		if err != nil {
			return err
		}
		if !sameHeader(h, w.hdr) {
			return ErrWalletChanged
		}
		counter, err = checkState(tx, w.secrets.WalletKey, w.hdr.WalletID)
		return err
	})
	if err != nil {
		db.Close()
		return err
	}
	if counter < w.counter {
		db.Close()
		// An older copy was put back meanwhile (a restore): what was shown may be gone.
		return ErrWalletChanged
	}
	w.db, w.readOnly, w.counter = db, readOnly, counter
	if !readOnly {
		if _, err := w.collectOrphans(); err != nil {
			return err
		}
		w.removeCompactLeftovers()
	}
	return nil
}

// sameHeader compares every header field the header MAC covers, and the MAC.
func sameHeader(a, b header) bool {
	fa, fb := a.macFields(), b.macFields()
	for i := range fa {
		if !bytes.Equal(fa[i], fb[i]) {
			return false
		}
	}
	return bytes.Equal(a.MAC, b.MAC)
}
