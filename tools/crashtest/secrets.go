package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/wallet/factor"
)

// What "exactly one of old and new unlocks" means after a kill:
//
// passphrase: the slot is re-sealed in one bbolt transaction, so the wallet (with the key
// file, which passphrase does not touch) opens with the old passphrase or with the new one,
// never both and never neither. Checked with a read-only `list` under each.
//
// factor rotate: the new device secret is staged in <key>.pending, the slot is re-sealed in
// one transaction, then .pending is renamed over the key file. A kill leaves one of:
//
//	not staged      key=old                 slot sealed with old
//	staged          key=old, .pending=new   slot sealed with old
//	committed       key=old, .pending=new   slot sealed with new
//	promoted        key=new                 slot sealed with new
//
// The new secret is never printed when the command is killed, but whatever exists of it is
// on disk (.pending, or the key file once promoted). "Exactly one" is: `recover` with the old
// recovery code succeeds if and only if `recover` with a code made from the new secret fails
// (no new secret on disk counts as failing), and the key file together with any .pending
// still opens the wallet (Unlock tries both). Recover writes to a scratch key file, so the
// checks do not repair anything themselves; the next clean writer must leave no .pending and
// the key file holding the secret that won (checkCleanWriter).
const (
	rotNotStaged = "not staged"
	rotStaged    = "staged"
	rotCommitted = "committed"
	rotPromoted  = "promoted"
)

// readKeyFile returns the device secrets in the key file and in its .pending beside it (nil
// when there is none).
func readKeyFile(path string) (current, pending []byte, err error) {
	read := func(p string) ([]byte, error) {
		data, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("failed to read key file: %w", err)
		}
		_, secret, err := factor.ParseFile(data)
		if err != nil {
			return nil, fmt.Errorf("key file %s: %w", filepath.Base(p), err)
		}
		return secret, nil
	}
	if current, err = read(path); err != nil {
		return nil, nil, err
	}
	if current == nil {
		return nil, nil, fmt.Errorf("key file %s is missing", path)
	}
	pending, err = read(path + ".pending")
	return current, pending, err
}

// unlocks reports whether a read-only command opens the wallet with passFile: exit 0 is
// yes, exit 4 (unlock failed) is no, anything else is a failure of its own.
func (r *runner) unlocks(passFile string) (bool, error) {
	res, err := r.paspor(call{args: []string{"list", "--json"}, passFile: passFile})
	if err != nil {
		return false, err
	}
	switch res.code {
	case 0:
		return true, nil
	case 4:
		return false, nil
	}
	return false, fmt.Errorf("list with a candidate passphrase: %v", res)
}

// oldAndNewUnlock says which of the passphrases before and after o open the wallet.
func (r *runner) oldAndNewUnlock(o *op) (oldOK, newOK bool, err error) {
	if oldOK, err = r.unlocks(o.before.PassFile); err != nil {
		return false, false, err
	}
	newOK, err = r.unlocks(o.after.PassFile)
	return oldOK, newOK, err
}

func (r *runner) checkPassphraseKill(o *op) error {
	oldOK, newOK, err := r.oldAndNewUnlock(o)
	if err != nil {
		return err
	}
	ks := r.st.kinds[o.kind]
	switch {
	case oldOK && newOK:
		return errors.New("after a killed passphrase change both the old and the new passphrase unlock")
	case !oldOK && !newOK:
		return errors.New("after a killed passphrase change neither the old nor the new passphrase unlocks")
	case newOK:
		r.m.PassFile = o.after.PassFile
		r.st.passNew++
		ks.killedNew++
	default:
		r.st.passOld++
		ks.killedOld++
	}
	return nil
}

func (r *runner) checkPassphraseChanged(o *op) error {
	oldOK, newOK, err := r.oldAndNewUnlock(o)
	if err != nil {
		return err
	}
	if oldOK || !newOK {
		return fmt.Errorf("after passphrase exited 0: old unlocks %v, new unlocks %v", oldOK, newOK)
	}
	return nil
}

// recovers reports whether `paspor recover` accepts the device secret's recovery code with
// the current passphrase. It installs into a scratch key file, never the wallet's.
func (r *runner) recovers(secret []byte) (bool, error) {
	code, err := crypto.EncodeRecoveryCode(secret)
	if err != nil {
		return false, err
	}
	codeFile, err := r.writeSecret("code.txt", code+"\n")
	if err != nil {
		return false, err
	}
	scratch := filepath.Join(r.outDir, "recovered.key")
	os.Remove(scratch)
	defer os.Remove(scratch)
	res, err := r.paspor(call{args: []string{"recover", "--recovery-code-file", codeFile}, factorFile: scratch})
	if err != nil {
		return false, err
	}
	switch res.code {
	case 0:
		got, _, err := readKeyFile(scratch)
		if err != nil || !slices.Equal(got, secret) {
			return false, fmt.Errorf("recover exited 0 but did not install the secret: %v", err)
		}
		return true, nil
	case 4:
		return false, nil
	}
	return false, fmt.Errorf("recover: %v", res)
}

func (r *runner) checkRotationKill(o *op) error {
	old := o.before.Device
	current, pending, err := readKeyFile(r.factorFile)
	if err != nil {
		return err
	}
	// The new secret is whatever on disk is not the old one. A .pending left by an earlier
	// killed rotation and not yet settled may show up here too: it opens nothing, so it
	// never counts as a second winner.
	var fresh [][]byte
	for _, s := range [][]byte{current, pending} {
		if s != nil && !slices.Equal(s, old) {
			fresh = append(fresh, s)
		}
	}
	oldOK, err := r.recovers(old)
	if err != nil {
		return err
	}
	var winner []byte
	if oldOK {
		winner = old
	}
	for _, s := range fresh {
		ok, err := r.recovers(s)
		if err != nil {
			return err
		}
		if ok && winner != nil {
			return errors.New("after a killed factor rotate both the old and the new recovery code open the wallet")
		}
		if ok {
			winner = s
		}
	}
	if winner == nil {
		return errors.New("after a killed factor rotate neither the old nor the new recovery code opens the wallet")
	}
	if !slices.Equal(winner, current) && !slices.Equal(winner, pending) {
		return errors.New("after a killed factor rotate the secret that opens the wallet is in no key file")
	}
	r.countRotation(o, oldOK, slices.Equal(winner, pending), pending != nil)
	r.staged = r.staged || pending != nil
	r.m.Device = winner
	return nil
}

func (r *runner) countRotation(o *op, oldWon, pendingWon, hasPending bool) {
	ks := r.st.kinds[o.kind]
	outcome := rotPromoted
	switch {
	case oldWon && hasPending:
		outcome = rotStaged
	case oldWon:
		outcome = rotNotStaged
	case pendingWon:
		outcome = rotCommitted
	}
	r.st.rotate[outcome]++
	if oldWon {
		ks.killedOld++
	} else {
		ks.killedNew++
	}
}

// checkRotated checks a rotation that exited 0: the printed code recovers, the old one no
// longer does. It returns the new device secret.
func (r *runner) checkRotated(o *op, stdout []byte) ([]byte, error) {
	var out struct {
		RecoveryCode string `json:"recovery_code"`
	}
	if err := json.Unmarshal(stdout, &out); err != nil {
		return nil, fmt.Errorf("failed to parse factor rotate --json: %w", err)
	}
	device, err := crypto.DecodeRecoveryCode(out.RecoveryCode)
	if err != nil {
		return nil, fmt.Errorf("factor rotate printed a bad recovery code: %w", err)
	}
	newOK, err := r.recovers(device)
	if err != nil {
		return nil, err
	}
	oldOK, err := r.recovers(o.before.Device)
	if err != nil {
		return nil, err
	}
	if oldOK || !newOK {
		return nil, fmt.Errorf("after factor rotate exited 0: old code works %v, new code works %v", oldOK, newOK)
	}
	return device, nil
}
