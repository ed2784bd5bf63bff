package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/paspor/paspor/export"
	"github.com/paspor/paspor/export/request"
	"github.com/paspor/paspor/internal/termsafe"
)

// requestCheck checks, for open --request / --partner, that a verified bundle answers the
// partner's request (request.CheckManifest) and that no bundle answered it before (the replay
// store). The check runs on the manifest before any attachment is read; the replay store
// records the answer once every other check passed, before the bundle lands in -o DIR, so
// that a rejected bundle leaves nothing behind and two bundles for one request never both
// pass, even from two processes.
type requestCheck struct {
	fixed   *request.Request // --request FILE, or nil: the request the bundle names, from state
	state   *partnerState    // --partner DIR, or nil
	replay  *request.ReplayStore
	partial bool
}

// newRequestCheck reads --request, --partner and --replay; nil when none is given.
func newRequestCheck(opts openOptions, st *partnerState) (*requestCheck, error) {
	if opts.request == "" && st == nil {
		if opts.replay != "" || opts.partial {
			return nil, usageError("--replay and --partial need --request FILE or --partner DIR")
		}
		return nil, nil
	}
	if opts.allowExpired {
		return nil, usageError("--allow-expired cannot be combined with --request or --partner",
			"the replay store forgets a nonce once its bundle expired; open an old bundle without --request to look at it")
	}
	rc := &requestCheck{state: st, partial: opts.partial}
	switch {
	case opts.replay != "":
		if dir := filepath.Dir(opts.replay); !isDir(dir) {
			return nil, errorWithHint(exitNotFound, fmt.Sprintf("folder %s does not exist", termsafe.Escape(dir)), "create it first or choose another --replay FILE")
		}
		rc.replay = request.NewReplayStore(opts.replay)
	case st != nil:
		rc.replay = st.replay()
	default:
		return nil, usageError("--request needs a replay store", "pass --partner DIR (it keeps one) or --replay FILE")
	}
	if opts.request != "" {
		req, err := readRequestFile(opts.request, st)
		if err != nil {
			return nil, err
		}
		rc.fixed = req
	}
	return rc, nil
}

// readRequestFile reads the partner's own request; with a partner folder, it must be signed
// by the folder's key. Expired requests are read: CheckManifest says whether the bundle was
// made while it was valid.
func readRequestFile(path string, st *partnerState) (*request.Request, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, errorWithHint(exitNotFound, fmt.Sprintf("request file %s cannot be opened", termsafe.Escape(path)))
	}
	defer f.Close()
	opts := request.ParseOptions{AllowExpired: true, Now: testOnlyNow}
	if st != nil {
		opts.Signer = st.publicKey()
	}
	req, err := request.Parse(f, opts)
	if err != nil {
		return nil, fmt.Errorf("request file %s: %w", termsafe.Escape(path), err)
	}
	return req, nil
}

func (rc *requestCheck) requestFor(m *export.Manifest) (*request.Request, error) {
	if rc.fixed != nil {
		return rc.fixed, nil
	}
	if m.RequestID == "" {
		return nil, &request.RejectedError{What: "answer", Reason: request.ReasonRequestID, Detail: "the bundle answers no request"}
	}
	req, err := rc.state.loadRequest(m.RequestID)
	var ue *userError
	if errors.As(err, &ue) && ue.code == exitNotFound {
		return nil, &request.RejectedError{What: "answer", Reason: request.ReasonRequestID, Detail: "the bundle answers a request this partner folder did not make"}
	}
	return req, err
}

// options returns the export hooks for one bundle; the request it answered is kept in *req.
func (rc *requestCheck) options(base export.OpenOptions, req **request.Request) export.OpenOptions {
	base.Check = func(m *export.Manifest) error {
		r, err := rc.requestFor(m)
		if err != nil {
			return err
		}
		if err := request.CheckManifest(r, m, rc.partial); err != nil {
			return err
		}
		seen, err := rc.replay.Seen(r.Nonce)
		if err != nil {
			return err
		}
		if seen {
			return &request.RejectedError{What: "replay", Reason: request.ReasonReplay, Detail: "request " + r.RequestID + " was answered before"}
		}
		*req = r
		return nil
	}
	base.Accept = func(m *export.Manifest) error {
		now := time.Now()
		if !testOnlyNow.IsZero() {
			now = testOnlyNow
		}
		// Kept while the bundle or the request is valid, whichever is later: while the
		// request is valid, no second answer to it passes, however short-lived the first.
		keep := m.ExpiresAt
		if (*req).ExpiresAt.After(keep) {
			keep = (*req).ExpiresAt
		}
		return rc.replay.Record(request.ReplayEntry{RequestID: (*req).RequestID, Nonce: (*req).Nonce, BundleID: m.BundleID,
			SeenAt: now, ExpiresAt: keep}, now)
	}
	return base
}

// keep records, in the partner folder, what feedback on the bundle needs.
func (rc *requestCheck) keep(m *export.Manifest) error {
	if rc.state == nil {
		return nil
	}
	now := time.Now()
	if !testOnlyNow.IsZero() {
		now = testOnlyNow
	}
	return rc.state.saveBundle(newBundleRecord(m, now))
}
