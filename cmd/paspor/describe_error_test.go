package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/paspor/paspor/export/request"
	"github.com/paspor/paspor/wallet"
	"github.com/paspor/paspor/wallet/factor"
)

// describeError is the one place library errors become messages, hints and exit codes; the
// step an error happened in changes what some of them mean.
func TestDescribeError(t *testing.T) {
	foreign := &factor.KeyFileError{Path: "other.key", Problem: factor.KeyFileForeign}
	open := &factor.KeyFileError{Path: "open.key", Problem: factor.KeyFileTooOpen, Perm: 0o644}
	tests := []struct {
		name     string
		err      error
		code     int
		msg      string // prefix of the message
		hint     string // a substring of some hint, "" for none expected
		noHintOf string // a substring no hint may have
	}{
		{"foreign key file when unlocking", inStep(stepUnlock, foreign),
			exitUnlockFailed, "unlock failed: key file other.key: key file belongs to another wallet", "paspor recover --factor-file", ""},
		{"too-open key file when unlocking", inStep(stepUnlock, open),
			exitUnlockFailed, "unlock failed: key file open.key: permissions 0644", "chmod 600 open.key", ""},
		{"key file error elsewhere is bad input", fmt.Errorf("failed to init: %w", foreign),
			exitInvalidInput, "failed to init: key file other.key", "", "paspor recover"},
		{"wrong factor when unlocking", inStep(stepUnlock, wallet.ErrUnlockFailed),
			exitUnlockFailed, "unlock failed: wrong passphrase", "paspor recover", ""},
		{"wrong code when recovering", inStep(stepRecover, wallet.ErrUnlockFailed),
			exitUnlockFailed, "recovery failed:", "newest recovery code", "reinstall it with: paspor recover"},
		{"step wrapped again", fmt.Errorf("outer: %w", inStep(stepRecover, wallet.ErrUnlockFailed)),
			exitUnlockFailed, "recovery failed:", "", ""},
		{"step without a special meaning", inStep(stepUnlock, wallet.ErrWalletInUse),
			exitWalletInUse, "wallet is in use", "try again", ""},
		{"ambiguous", &wallet.AmbiguousError{Prefix: "passport", Matches: []string{"ab1", "ab2"}},
			exitInvalidInput, `"passport" matches 2 documents`, "name one by ID: ab1, ab2", ""},
		{"interrupted", fmt.Errorf("failed to copy: %w", context.Canceled), exitInterrupted, "interrupted", "", ""},
		{"unknown", errors.New("Disk on fire."), exitError, "disk on fire", "", ""},
		{"expired request", fmt.Errorf("failed to read the request: %w", rq("request", request.ReasonExpired)),
			exitRejected, "request rejected (expired)", "ask the partner for a new request", ""},
		{"request from the future", rq("request", request.ReasonNotYetValid),
			exitRejected, "request rejected (not_yet_valid)", "check this computer's clock", ""},
		{"tampered request", rq("request", request.ReasonSignature),
			exitRejected, "request rejected (signature)", "changed or damaged after the partner signed it", ""},
		{"request by another key", rq("request", request.ReasonSigner),
			exitRejected, "request rejected (signer)", "confirm its key by another channel", ""},
		{"garbled request", rq("request", request.ReasonMalformed),
			exitRejected, "request rejected (malformed)", "ask the partner to send it again", ""},
		{"bad scope", rq("scope", request.ReasonScope),
			exitRejected, "scope rejected (scope)", "ask the partner for a new request", ""},
		{"replayed answer", rq("replay", request.ReasonReplay),
			exitRejected, "replay rejected (replay)", "answers a new request (paspor partner request)", ""},
		{"answer missing an element", rq("answer", request.ReasonMissing),
			exitRejected, "answer rejected (missing)", "--partial", ""},
		{"answer with an extra element", rq("answer", request.ReasonExtra),
			exitRejected, "answer rejected (extra)", "more than the request asked for", "--partial"},
		{"answer to another request", rq("answer", request.ReasonNonce),
			exitRejected, "answer rejected (nonce)", "answers another request", ""},
		{"answer to another audience", rq("answer", request.ReasonAudience),
			exitRejected, "answer rejected (audience)", "forwarded", ""},
		{"late answer", rq("answer", request.ReasonLate),
			exitRejected, "answer rejected (late)", "issue a new request", ""},
		{"stale proof of address", rq("answer", request.ReasonStale),
			exitRejected, "answer rejected (stale)", "a recent one", ""},
		{"feedback for another wallet", rq("feedback", request.ReasonHolder),
			exitRejected, "feedback rejected (holder)", "paspor key", ""},
		{"feedback by a stranger", rq("feedback", request.ReasonSignature),
			exitRejected, "feedback rejected (signature)", "only from the partner a bundle went to", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ue := describeError(tt.err)
			if ue.code != tt.code {
				t.Errorf("code %d, want %d", ue.code, tt.code)
			}
			if !strings.HasPrefix(ue.msg, tt.msg) || strings.HasSuffix(ue.msg, ".") {
				t.Errorf("message %q, want prefix %q and no final period", ue.msg, tt.msg)
			}
			hints := strings.Join(ue.hints, "\n")
			if tt.hint != "" && !strings.Contains(hints, tt.hint) {
				t.Errorf("hints %q lack %q", ue.hints, tt.hint)
			}
			if tt.noHintOf != "" && strings.Contains(hints, tt.noHintOf) {
				t.Errorf("hints %q have %q", ue.hints, tt.noHintOf)
			}
			if inStep(stepUnlock, nil) != nil {
				t.Error("inStep(nil) is not nil")
			}
		})
	}
}

// rq is a rejection by the request library, as it returns them.
func rq(what, reason string) error {
	return &request.RejectedError{What: what, Reason: reason, Detail: "a detail"}
}
