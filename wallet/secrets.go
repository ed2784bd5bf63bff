package wallet

import (
	"context"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/wallet/factor"
)

// Recovery, passphrase change and device-secret rotation: each rewrites the header (key
// slot and header MAC) in one transaction and never touches the records (S5).

// Recover re-installs the device secret from a recovery code into factor, after checking that
// the code and the passphrase together open the wallet. The Locked handle is consumed.
func (l *Locked) Recover(ctx context.Context, passphrase []byte, code string, factor factor.Store) error {
	defer l.db.Close()
	if l.readOnly {
		return errors.New("failed to recover: wallet opened read-only")
	}
	device, err := crypto.DecodeRecoveryCode(code)
	if err != nil {
		return &InvalidInputError{Field: "recovery code", Reason: recoveryReason(err)}
	}
	// A code that does not authenticate the header is refused before the KDF, as a wrong
	// code: the two cannot be told apart from a changed header.
	if !l.hdr.verify(device) {
		return ErrUnlockFailed
	}
	if _, err := openSlot(passphrase, device, l.hdr); err != nil {
		return err
	}
	if err := factor.Save(ctx, l.hdr.WalletID, device); err != nil {
		return err
	}
	if factor.Kind() == l.hdr.Factor {
		return nil
	}
	h := l.hdr
	h.Factor = factor.Kind()
	if err := h.seal(device); err != nil {
		return err
	}
	return update(l.db, func(tx *bolt.Tx) error { return writeHeader(tx, h) })
}

func recoveryReason(err error) string {
	if errors.Is(err, crypto.ErrRecoveryCodeChecksum) {
		return "checksum does not match (a character is mistyped)"
	}
	return "not a recovery code (want PASPOR- followed by 56 characters)"
}

// ChangePassphrase re-seals the key slot under a new passphrase (and, if kdf is not nil, new
// KDF parameters) in one transaction; documents are not touched (S5).
func (w *Wallet) ChangePassphrase(newPassphrase []byte, kdf *crypto.KDFParams) error {
	if err := w.writable(); err != nil {
		return err
	}
	if len(newPassphrase) == 0 {
		return &InvalidInputError{Field: "passphrase", Reason: "empty"}
	}
	h := w.hdr
	if kdf != nil {
		if err := kdf.Validate(); err != nil {
			return &InvalidInputError{Field: "kdf", Reason: err.Error()}
		}
		h.KDF = *kdf
	}
	var err error
	if h.Salt, err = crypto.NewSalt(); err != nil {
		return err
	}
	if h.Slot, err = sealSlot(newPassphrase, w.device, h, w.secrets); err != nil {
		return err
	}
	if err := h.seal(w.device); err != nil {
		return err
	}
	if err := update(w.db, func(tx *bolt.Tx) error { return writeHeader(tx, h) }); err != nil {
		return fmt.Errorf("failed to save key slot: %w", err)
	}
	w.hdr = h
	clear(w.passphrase)
	w.passphrase = clone(newPassphrase)
	return nil
}

// RotateFactor replaces the device secret and returns the new recovery code. The new secret
// is staged in the factor store, the slot is re-sealed in one transaction, and only then is the
// staged secret promoted; Unlock finishes an interrupted rotation (S5).
func (w *Wallet) RotateFactor(ctx context.Context) (string, error) {
	if err := w.writable(); err != nil {
		return "", err
	}
	device, err := crypto.NewDeviceSecret()
	if err != nil {
		return "", err
	}
	code, err := crypto.EncodeRecoveryCode(device)
	if err != nil {
		return "", err
	}
	h := w.hdr
	if h.Salt, err = crypto.NewSalt(); err != nil {
		return "", err
	}
	if h.Slot, err = sealSlot(w.passphrase, device, h, w.secrets); err != nil {
		return "", err
	}
	if err := h.seal(device); err != nil {
		return "", err
	}
	if err := w.factor.Stage(ctx, h.WalletID, device); err != nil {
		return "", err
	}
	err = update(w.db, func(tx *bolt.Tx) error {
		if err := writeHeader(tx, h); err != nil {
			return err
		}
		return writeFactorRotated(tx, w.secrets.WalletKey, h.WalletID, w.now())
	})
	if err != nil {
		_ = w.factor.Discard(context.WithoutCancel(ctx), h.WalletID)
		return "", fmt.Errorf("failed to save key slot: %w", err)
	}
	w.hdr = h
	w.device = device
	if err := w.factor.Promote(ctx, h.WalletID); err != nil {
		return "", fmt.Errorf("new key slot saved, but the new device secret is still staged (the next unlock finishes it): %w", err)
	}
	return code, nil
}
