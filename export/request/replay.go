package request

import (
	"bytes"
	"crypto/subtle"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/paspor/paspor/internal/fsutil"
)

// ReplayFormat is the "format" value of a replay store file.
const ReplayFormat = "paspor-replay/1"

// Caps of a replay store.
const (
	// MaxReplayEntries caps the entries a store keeps; past it, Record refuses rather than
	// forget a nonce that could then be replayed.
	MaxReplayEntries = 100000
	maxReplayFile    = 32 << 20
)

// ReplayEntry is one answered request, as the partner saw it.
type ReplayEntry struct {
	// RequestID and Nonce are the answered request's.
	RequestID string `json:"request_id"`
	// Nonce is the answered request's nonce.
	Nonce string `json:"nonce"`
	// BundleID is the bundle that answered it.
	BundleID string `json:"bundle_id"`
	// SeenAt is when the partner opened it (UTC, whole seconds).
	SeenAt time.Time `json:"seen_at"`
	// ExpiresAt is the bundle's expires_at: after it, the bundle is refused as expired anyway
	// and the entry is dropped.
	ExpiresAt time.Time `json:"expires_at"`
}

type replayFile struct {
	Format  string        `json:"format"`
	Entries []ReplayEntry `json:"entries"`
}

// ReplayStore is the partner's record of answered requests, in one small JSON file. Each
// update holds an exclusive lock on the file's ".lock" companion and replaces the file
// atomically, so concurrent processes and a crash never lose or half-write an entry.
type ReplayStore struct {
	path string
}

// NewReplayStore returns the store kept at path (created 0600 on first Record; its folder
// must exist).
func NewReplayStore(path string) *ReplayStore { return &ReplayStore{path: path} }

// Record checks that neither e.Nonce nor e.RequestID was recorded before and records e. A seen
// one gives a *RejectedError with ReasonReplay and leaves the store unchanged. Entries whose
// ExpiresAt is before now are dropped first. A store file that does not parse is an error,
// never reset: a reset would let every nonce in it be replayed.
func (s *ReplayStore) Record(e ReplayEntry, now time.Time) error {
	if !idPattern.MatchString(e.RequestID) || !noncePattern.MatchString(e.Nonce) || !idPattern.MatchString(e.BundleID) {
		return errors.New("failed to record: request_id, nonce or bundle_id is malformed")
	}
	e.SeenAt = e.SeenAt.UTC().Truncate(time.Second)
	e.ExpiresAt = e.ExpiresAt.UTC().Truncate(time.Second)
	unlock, err := lockFile(s.path + ".lock")
	if err != nil {
		return err
	}
	defer unlock()
	entries, err := s.load()
	if err != nil {
		return err
	}
	kept := entries[:0]
	for _, old := range entries {
		if !old.ExpiresAt.Before(now) {
			kept = append(kept, old)
		}
	}
	for _, old := range kept {
		if equalSecret(old.Nonce, e.Nonce) || old.RequestID == e.RequestID {
			return reject("replay", ReasonReplay, "request %s was answered before, by bundle %s", old.RequestID, old.BundleID)
		}
	}
	if len(kept) >= MaxReplayEntries {
		return reject("replay", ReasonTooLarge, "the replay store holds %d entries", MaxReplayEntries)
	}
	kept = append(kept, e)
	data, err := encodeCanonical(replayFile{Format: ReplayFormat, Entries: kept})
	if err != nil {
		return err
	}
	return fsutil.WriteFile(s.path, append(data, '\n'), fsutil.Replace)
}

// Seen reports whether nonce is recorded (expired entries included, as the file holds them).
func (s *ReplayStore) Seen(nonce string) (bool, error) {
	unlock, err := lockFile(s.path + ".lock")
	if err != nil {
		return false, err
	}
	defer unlock()
	entries, err := s.load()
	if err != nil {
		return false, err
	}
	for _, e := range entries {
		if equalSecret(e.Nonce, nonce) {
			return true, nil
		}
	}
	return false, nil
}

func (s *ReplayStore) load() ([]ReplayEntry, error) {
	data, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read the replay store: %w", err)
	}
	if len(data) > maxReplayFile {
		return nil, errors.New("failed to read the replay store: file too large")
	}
	var f replayFile
	if err := decodeStrict("replay", bytes.TrimSuffix(data, []byte("\n")), &f); err != nil || f.Format != ReplayFormat {
		return nil, errors.New("failed to read the replay store: not a paspor-replay/1 file")
	}
	return f.Entries, nil
}

func equalSecret(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
