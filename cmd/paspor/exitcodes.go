package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/export"
	"github.com/paspor/paspor/wallet"
	"github.com/paspor/paspor/wallet/factor"
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
	exitRejected       = 9   // a bundle failed a check (paspor open)
	exitExists         = 10  // init or keygen would overwrite something
	exitCorrupt        = 11  // the wallet is damaged or was tampered with
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
	{exitRejected, "bundle_rejected", "a bundle failed a check; nothing was written for it"},
	{exitExists, "exists", "the wallet or file already exists; nothing was overwritten"},
	{exitCorrupt, "corrupt", "the wallet is damaged or was tampered with"},
	{exitInterrupted, "interrupted", "stopped by Ctrl-C; nothing half-written is left"},
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
	var (
		nf  *wallet.NotFoundError
		amb *wallet.AmbiguousError
		inv *wallet.InvalidInputError
		cor *wallet.CorruptError
		rej *export.RejectedError
		rcp *export.RecipientError
		khe *export.KnownHoldersError
		kf  *factor.KeyFileError
		bad *factor.MalformedSecretError
		big *wallet.TooLargeError
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
			hints: []string{"another paspor process has it open; try again when it has finished"}}
	case errors.As(err, &nf):
		return &userError{msg: lower(err.Error()), code: exitNotFound}
	case errors.As(err, &amb):
		return &userError{msg: lower(err.Error()), code: exitInvalidInput,
			hints: []string{"give more of the ID: " + strings.Join(amb.Matches, ", ")}}
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
	case errors.As(err, &cor):
		return &userError{msg: lower(err.Error()), code: exitCorrupt,
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
	case errors.As(err, &khe):
		return &userError{msg: lower(err.Error()), code: exitInvalidInput,
			hints: []string{"each line is NAME ssh-ed25519 AAAA..., each name once; fix or remove that line (--known-holders names the file)"}}
	case errors.As(err, &rej):
		return &userError{msg: "bundle rejected (" + rej.Reason + "): " + lower(rej.Detail), code: exitRejected,
			hints: rejectionHints[rej.Reason]}
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
