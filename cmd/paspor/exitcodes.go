package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/export"
	"github.com/paspor/paspor/export/request"
	"github.com/paspor/paspor/export/telegram"
	"github.com/paspor/paspor/internal/termsafe"
	"github.com/paspor/paspor/wallet"
	"github.com/paspor/paspor/wallet/factor"
	"github.com/paspor/paspor/wallet/mrz"
)

// Exit codes are part of paspor's interface: fixed, documented, never renumbered.
const (
	exitOK             = 0
	exitError          = 1   // anything else: I/O, internal
	exitUsage          = 2   // bad flags or arguments
	exitNotInitialized = 3   // no wallet at the path
	exitUnlockFailed   = 4   // wrong passphrase or second factor, or the second factor is missing
	exitFactorUnavail  = 5   // the keyring could not be reached or did not answer in time
	exitWalletInUse    = 6   // another process holds the wallet lock
	exitNotFound       = 7   // no such document, attachment or file
	exitInvalidInput   = 8   // input failed validation
	exitRejected       = 9   // a bundle, request or feedback failed a check
	exitExists         = 10  // init or keygen would overwrite something
	exitCorrupt        = 11  // the wallet is damaged or was tampered with
	exitAttention      = 12  // paspor expiring listed documents that need renewing
	exitDeclined       = 13  // the holder said no at the consent prompt; nothing was written
	exitUnanswerable   = 14  // the wallet cannot answer a request (missing items, unresolved feedback)
	exitInterrupted    = 130 // stopped by Ctrl-C (128 + SIGINT, as shells report it)
)

type exitCodeInfo struct {
	Code    int    `json:"code"`
	Name    string `json:"name"`
	Meaning string `json:"meaning"`
}

var exitCodeTable = []exitCodeInfo{
	{exitOK, "ok", "success"},
	{exitError, "error", "an error of no other class (I/O, internal)"},
	{exitUsage, "usage", "bad flags or arguments"},
	{exitNotInitialized, "not_initialized", "no wallet at the path: run paspor init"},
	{exitUnlockFailed, "unlock_failed", "wrong passphrase or second factor, or the second factor is missing"},
	{exitFactorUnavail, "factor_unavailable", "the OS keyring could not be reached or did not answer in time"},
	{exitWalletInUse, "wallet_in_use", "another paspor process holds the wallet"},
	{exitNotFound, "not_found", "no such document, attachment or file"},
	{exitInvalidInput, "invalid_input", "input failed validation; nothing was stored"},
	{exitRejected, "bundle_rejected", "a bundle, request or feedback failed a check; nothing was written for it"},
	{exitExists, "exists", "the wallet or file already exists; nothing was overwritten"},
	{exitCorrupt, "corrupt", "the wallet is damaged or was tampered with"},
	{exitAttention, "attention", "paspor expiring found documents that expired, expire soon or are stale"},
	{exitDeclined, "declined", "you said no at the consent prompt; nothing was written"},
	{exitUnanswerable, "unanswerable", "the wallet cannot answer the request (a mandatory item missing without --partial, or unresolved partner feedback without --force); nothing was written"},
	{exitInterrupted, "interrupted", "stopped by Ctrl-C, or Ctrl-D at a prompt; nothing half-written is left"},
}

// exitCodesHelp is the EXIT STATUS section of the root command's help.
func exitCodesHelp() string {
	var b strings.Builder
	b.WriteString("EXIT STATUS\n")
	for _, e := range exitCodeTable {
		fmt.Fprintf(&b, " %3d  %-19s %s\n", e.Code, e.Name, e.Meaning)
	}
	return b.String()
}

// describeError turns any error into the message, hints and exit code a person sees. Typed
// library errors get their class; hints say what to do next.
func describeError(err error) *userError {
	var ue *userError
	if errors.As(err, &ue) {
		return ue
	}
	if ue := describeStepError(err); ue != nil {
		return ue
	}
	var (
		nf  *wallet.NotFoundError
		amb *wallet.AmbiguousError
		inv *wallet.InvalidInputError
		cor *wallet.CorruptError
		nw  *wallet.NotWalletError
		rej *export.RejectedError
		exi *export.ExistsError
		rcp *export.RecipientError
		khe *export.KnownHoldersError
		kf  *factor.KeyFileError
		bad *factor.MalformedSecretError
		big *wallet.TooLargeError
		tgr *telegram.RejectedError
		rqr *request.RejectedError
		tgm *telegram.MissingError
		mzf *mrz.FieldError
		mzc *mrz.CheckDigitError
	)
	switch {
	case isInterrupted(err):
		return errInterrupted
	case errors.Is(err, wallet.ErrNotInitialized):
		return &userError{msg: "no wallet here", code: exitNotInitialized,
			hints: []string{"create one with: paspor init (or point --wallet / PASPOR_WALLET at yours)"}}
	case errors.Is(err, wallet.ErrAlreadyExists), errors.Is(err, factor.ErrExists):
		return &userError{msg: lower(err.Error()), code: exitExists,
			hints: []string{"nothing was overwritten; choose another path with --wallet"}}
	case errors.Is(err, wallet.ErrUnlockFailed):
		return &userError{msg: "unlock failed: wrong passphrase or wrong second factor", code: exitUnlockFailed,
			hints: []string{"if the device secret was lost or replaced, reinstall it with: paspor recover"}}
	case errors.Is(err, wallet.ErrFactorMissing):
		return &userError{msg: "unlock failed: " + lower(err.Error()), code: exitUnlockFailed,
			hints: []string{"reinstall the device secret from your recovery code with: paspor recover"}}
	case errors.Is(err, wallet.ErrFactorUnavailable):
		return &userError{msg: lower(err.Error()), code: exitFactorUnavail, hints: factorUnavailableHints(err)}
	case errors.Is(err, wallet.ErrWalletInUse):
		return &userError{msg: "wallet is in use", code: exitWalletInUse,
			hints: []string{"another paspor process has it open; try again when it has finished, or pass --lock-wait 30s to wait longer"}}
	case errors.Is(err, wallet.ErrWalletChanged):
		return &userError{msg: "the wallet changed while paspor waited for your answer; nothing was changed", code: exitWalletInUse,
			hints: []string{"run the command again"}}
	case errors.As(err, &nf):
		return &userError{msg: lower(err.Error()), code: exitNotFound}
	case errors.As(err, &amb):
		return &userError{msg: lower(err.Error()), code: exitInvalidInput,
			hints: []string{"name one by ID: " + strings.Join(amb.Matches, ", ")}}
	case errors.As(err, &kf):
		return &userError{msg: lower(err.Error()), code: exitInvalidInput, hints: keyFileHints(kf)}
	case errors.As(err, &bad):
		return &userError{msg: lower(err.Error()), code: exitInvalidInput,
			hints: []string{"reinstall the device secret from your recovery code with: paspor recover"}}
	case errors.As(err, &big):
		return &userError{msg: lower(err.Error()), code: exitInvalidInput,
			hints: []string{"nothing was stored; raise the cap with --max-file-size SIZE"}}
	case errors.As(err, &inv):
		return &userError{msg: lower(err.Error()), code: exitInvalidInput}
	case errors.As(err, &mzc):
		return &userError{msg: err.Error(), code: exitInvalidInput, hints: mrzHints(mzc)}
	case errors.As(err, &mzf):
		return &userError{msg: err.Error(), code: exitInvalidInput, hints: mrzHints(mzf)}
	case errors.As(err, &nw):
		return notWalletError(nw)
	case errors.As(err, &cor):
		return &userError{msg: termsafe.Escape(lower(err.Error())), code: exitCorrupt,
			hints: []string{"restore the wallet file from a backup; other documents may still open"}}
	case errors.Is(err, export.ErrNoRecipients):
		return &userError{msg: "no recipients", code: exitUsage,
			hints: []string{"pass -r RECIPIENT or -R FILE (the partner's age or SSH public key)"}}
	case errors.Is(err, crypto.ErrMixedRecipients):
		return &userError{msg: "post-quantum (age1pq1...) and classic recipients cannot be mixed in one bundle", code: exitUsage,
			hints: []string{"share twice, once for each kind of recipient"}}
	case errors.As(err, &rcp):
		return &userError{msg: fmt.Sprintf("recipient %d is not an age or SSH public key: %s", rcp.Index, lower(rcp.Err.Error())), code: exitUsage,
			hints: []string{"recipients look like age1..., age1pq1..., ssh-ed25519 AAAA... or ssh-rsa AAAA... (-r counts first, then -R files)"}}
	case errors.Is(err, export.ErrInvalidNonce):
		return &userError{msg: "invalid nonce: " + export.ErrInvalidNonce.Error(), code: exitUsage,
			hints: []string{"pass the partner's request nonce to --nonce exactly as they gave it"}}
	case errors.Is(err, export.ErrInvalidPurpose):
		return &userError{msg: "invalid purpose: " + export.ErrInvalidPurpose.Error(), code: exitUsage,
			hints: []string{"write --purpose as one line of plain text"}}
	case errors.Is(err, export.ErrInvalidRequestID):
		return &userError{msg: "invalid request ID: " + export.ErrInvalidRequestID.Error(), code: exitUsage}
	case errors.As(err, &khe):
		return &userError{msg: lower(err.Error()), code: exitInvalidInput,
			hints: []string{"each line is NAME ssh-ed25519 AAAA..., each name once; fix or remove that line (--known-holders names the file)"}}
	case errors.As(err, &exi):
		return &userError{msg: "bundle " + exi.BundleID + " is already in " + exi.Dir, code: exitExists,
			hints: []string{"nothing was overwritten: it was opened into this folder before; remove " + exi.Dir + " to open it again, or pass another -o DIR"}}
	case errors.As(err, &rej):
		return &userError{msg: "bundle rejected (" + rej.Reason + "): " + lower(rej.Detail), code: exitRejected,
			hints: rejectionHints[rej.Reason]}
	case errors.As(err, &rqr):
		// Detail never quotes input (request.RejectedError says so); lower() keeps the style.
		return &userError{msg: lower(rqr.Error()), code: exitRejected, hints: requestHints(rqr)}
	case errors.As(err, &tgr):
		return &userError{msg: lower(tgr.Error()), code: exitRejected, hints: telegramHints(tgr.Reason)}
	case errors.As(err, &tgm):
		return &userError{msg: lower(tgm.Error()), code: exitNotFound,
			hints: []string{"add the missing documents (paspor add) or name them as SELECTORs"}}
	}
	return &userError{msg: lower(err.Error()), code: exitError}
}

// factorUnavailableHints says what to do about a keyring that could not be used: the remedy
// depends on the fault, and a key file is always the way around it.
func factorUnavailableHints(err error) []string {
	var first string
	switch {
	case errors.Is(err, factor.ErrNoSessionBus):
		first = "the OS keyring is reached through the D-Bus session bus: run paspor in a desktop session, or set DBUS_SESSION_BUS_ADDRESS to a running bus"
	case errors.Is(err, factor.ErrNoSecretService):
		first = "start a Secret Service on this bus (gnome-keyring-daemon --start --components=secrets, or KeePassXC with its Secret Service integration)"
	case errors.Is(err, factor.ErrKeyringLocked):
		first = "unlock the keyring (log in to the desktop session, or open it in seahorse) and try again"
	case errors.Is(err, factor.ErrKeyringTimeout):
		first = "the keyring may be waiting for an unlock prompt nobody can see: unlock it and try again"
	default:
		first = "check that the OS keyring (Secret Service) is running and unlocked, and try again"
	}
	return []string{first, "a key file needs no keyring: paspor init --factor-file FILE for a new wallet, paspor recover --factor-file FILE for an existing one"}
}

// keyFileHints says how to fix a key file whose problem has a fix of its own.
func keyFileHints(kf *factor.KeyFileError) []string {
	if kf.Problem == factor.KeyFileTooOpen && kf.Path != "" {
		return []string{"make it readable by you alone: chmod 600 " + kf.Path}
	}
	return nil
}

// step names what a command was doing when a library error came back, where that changes
// what the error means to the person (a foreign key file is a wrong second factor when
// unlocking, not bad input).
type step int

const (
	stepUnlock  step = iota + 1 // opening and unlocking the wallet
	stepRecover                 // reinstalling the device secret from the recovery code
)

// stepError carries the step an error happened in; describeError reads it.
type stepError struct {
	step step
	err  error
}

func (e *stepError) Error() string { return e.err.Error() }
func (e *stepError) Unwrap() error { return e.err }

// inStep marks err as having happened during s (nil stays nil).
func inStep(s step, err error) error {
	if err == nil {
		return nil
	}
	return &stepError{step: s, err: err}
}

// describeStepError describes the errors whose meaning depends on the step; nil means the
// step changes nothing and the error is described by its type alone.
func describeStepError(err error) *userError {
	var st *stepError
	if !errors.As(err, &st) {
		return nil
	}
	var kf *factor.KeyFileError
	switch {
	case st.step == stepUnlock && errors.As(err, &kf):
		// A key file that cannot serve as this wallet's second factor (another wallet's,
		// malformed, readable by others) is a wrong factor, not bad input.
		return &userError{msg: "unlock failed: " + lower(err.Error()), code: exitUnlockFailed, err: err,
			hints: append(keyFileHints(kf), "pass this wallet's key file with --factor-file FILE or PASPOR_FACTOR_FILE",
				"if the key file is lost, reinstall it with: paspor recover --factor-file FILE")}
	case st.step == stepRecover && errors.Is(err, wallet.ErrUnlockFailed):
		// The generic unlock hint would send the person back to recover itself.
		return &userError{msg: "recovery failed: the passphrase and the recovery code do not open this wallet",
			code: exitUnlockFailed, err: err,
			hints: []string{"check the passphrase, and use the newest recovery code: paspor factor rotate replaces it"}}
	}
	return nil
}

// lower makes a library message fit the message rules: lowercase initial, no final period.
func lower(s string) string {
	s = strings.TrimSuffix(strings.TrimSpace(s), ".")
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// rejectionHints says what a partner can do about each rejection reason of paspor open.
var rejectionHints = map[string][]string{
	export.ReasonDecrypt:   {"check that -i names the partner identity this bundle was encrypted to"},
	export.ReasonHolder:    {"the bundle was signed by another key than the pinned one; confirm the holder's key (paspor key on their side) before trusting it"},
	export.ReasonAudience:  {"the signed audience does not match who the bundle was encrypted to; do not trust it, and ask the holder to share it again with your recipient"},
	export.ReasonExpired:   {"ask the holder for a new bundle; --allow-expired opens it anyway"},
	export.ReasonNonce:     {"the bundle does not answer your request; ask the holder to share again with your --nonce"},
	export.ReasonTooLarge:  {"if the bundle is expected to be this large, ask the holder to share fewer scans"},
	export.ReasonSignature: {"do not trust any of its content; ask the holder to share again"},
	export.ReasonHash:      {"do not trust any of its content; ask the holder to share again"},
}

// notWalletError explains a wallet path that names a folder or an empty file.
func notWalletError(e *wallet.NotWalletError) *userError {
	path := termsafe.Escape(e.Path)
	if e.Folder {
		return &userError{msg: path + " is a folder, not a wallet file", code: exitInvalidInput,
			hints: []string{"point --wallet (or PASPOR_WALLET) at the wallet file itself, for example " + termsafe.Escape(filepath.Join(e.Path, "wallet.db"))}}
	}
	return &userError{msg: path + " is an empty file, not a wallet", code: exitInvalidInput,
		hints: []string{"point --wallet (or PASPOR_WALLET) at your wallet file, or remove the empty file and run: paspor init"}}
}
