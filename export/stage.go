package export

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/paspor/paspor/internal/fsutil"
)

// stagePrefix names the staging folders Open makes inside OutDir while a bundle is unverified.
// A folder is made as newPrefix+suffix, locked, and only then renamed to stagePrefix+suffix,
// so that a sweep never sees (and removes) a stage whose opener has not locked it yet. A
// newPrefix folder is always empty: one left by a kill in that instant holds no plaintext.
const (
	stagePrefix = ".paspor-open-"
	newPrefix   = ".paspor-new-"
)

// newStage creates a staging folder (0700) inside outDir and holds an exclusive lock on it for
// as long as the process lives, so that [removeStaleStages] (which [Open] runs first) can tell
// the folder of a live open from one left by a killed process. release drops the lock, and
// with remove first deletes the stage.
func newStage(outDir, log string) (stage string, release func(remove bool), err error) {
	if outDir == "" {
		return "", func(bool) {}, nil
	}
	st, err := os.Stat(outDir)
	if err != nil {
		return "", nil, fmt.Errorf("failed to use output folder: %w", err)
	}
	if !st.IsDir() {
		return "", nil, fmt.Errorf("failed to use output folder: %s is not a folder", outDir)
	}
	fresh, err := os.MkdirTemp(outDir, newPrefix)
	if err != nil {
		return "", nil, fmt.Errorf("failed to create temporary folder: %w", err)
	}
	lock, err := lockDir(fresh, false)
	if err != nil {
		os.Remove(fresh)
		return "", nil, fmt.Errorf("failed to lock temporary folder: %w", err)
	}
	stage = filepath.Join(outDir, stagePrefix+strings.TrimPrefix(filepath.Base(fresh), newPrefix))
	if err := os.Rename(fresh, stage); err != nil {
		lock.Close()
		os.Remove(fresh)
		return "", nil, fmt.Errorf("failed to create temporary folder: %w", err)
	}
	// Logged before anything is written into it: a kill from here on leaves an entry that the
	// next paspor command of any kind follows (SweepStages).
	unlog, err := logStage(log, stage)
	if err != nil {
		lock.Close()
		os.Remove(stage)
		return "", nil, err
	}
	return stage, func(remove bool) {
		if remove {
			os.RemoveAll(stage)
		}
		lock.Close()
		unlog()
	}, nil
}

// logStage records the absolute path of stage in the folder log (0700), one small file per
// stage, so that [SweepStages] can find it after a kill without knowing the output folder.
// The returned function removes the record. An empty log records nothing.
func logStage(log, stage string) (unlog func(), err error) {
	if log == "" {
		return func() {}, nil
	}
	abs, err := filepath.Abs(stage)
	if err != nil {
		return nil, fmt.Errorf("failed to record temporary folder: %w", err)
	}
	if err := os.MkdirAll(log, 0o700); err != nil {
		return nil, fmt.Errorf("failed to record temporary folder: %w", err)
	}
	sum := sha256.Sum256([]byte(abs))
	entry := filepath.Join(log, hex.EncodeToString(sum[:16]))
	if err := fsutil.WriteFile(entry, []byte(abs), fsutil.Replace); err != nil {
		return nil, fmt.Errorf("failed to record temporary folder: %w", err)
	}
	return func() { os.Remove(entry) }, nil
}

// maxStageLogEntry caps what SweepStages reads of one record: an absolute path.
const maxStageLogEntry = 4096

// SweepStages removes every staging folder recorded in the folder log (by [Open] with
// [OpenOptions.StageLog], or [NewStage]) that no live process holds any more: the plaintext
// of a bundle or of Telegram data whose check a kill interrupted. The CLI runs it at the start
// of every command, so that nothing unverified outlives the next paspor command, whatever
// folder it was written to. A record is followed only to a folder named like a stage; records
// of stages that are gone are removed. A missing log is nothing to do.
func SweepStages(log string) error {
	entries, err := os.ReadDir(log)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("failed to read the temporary-folder records: %w", err)
	}
	var firstErr error
	for _, e := range entries {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
			continue // fsutil's temporary files, or nothing of ours
		}
		entry := filepath.Join(log, e.Name())
		if err := sweepStage(entry); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}

func sweepStage(entry string) error {
	f, err := os.Open(entry)
	if err != nil {
		return nil // removed meanwhile by its owner
	}
	raw, err := io.ReadAll(io.LimitReader(f, maxStageLogEntry+1))
	f.Close()
	if err != nil {
		return fmt.Errorf("failed to read a temporary-folder record: %w", err)
	}
	stage := string(raw)
	if len(raw) > maxStageLogEntry || !filepath.IsAbs(stage) || filepath.Clean(stage) != stage ||
		!strings.HasPrefix(filepath.Base(stage), stagePrefix) {
		os.Remove(entry) // not a record of ours: never follow it
		return nil
	}
	lock, err := lockDir(stage, true)
	switch {
	case errors.Is(err, errLockHeld):
		return nil // a live process is using it
	case errors.Is(err, fs.ErrNotExist):
		os.Remove(entry) // moved into place, or removed, before the record was
		return nil
	case err != nil:
		return fmt.Errorf("failed to check a leftover temporary folder: %w", err)
	}
	err = os.RemoveAll(stage)
	lock.Close()
	if err != nil {
		return fmt.Errorf("failed to remove a leftover temporary folder: %w", err)
	}
	os.Remove(entry)
	return nil
}

// removeStaleStages removes the staging folders in outDir that no live process holds: ones
// left by a process killed before it could clean up, so that the plaintext of a bundle that
// was never fully checked does not outlive the next open into the same folder.
func removeStaleStages(outDir string) error {
	entries, err := os.ReadDir(outDir)
	if err != nil {
		return fmt.Errorf("failed to use output folder: %w", err)
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), stagePrefix) {
			continue
		}
		path := filepath.Join(outDir, e.Name())
		lock, err := lockDir(path, true)
		if errors.Is(err, errLockHeld) || errors.Is(err, fs.ErrNotExist) {
			continue // another open is using it, or has just moved it into place
		}
		if err != nil {
			return fmt.Errorf("failed to check a leftover temporary folder: %w", err)
		}
		err = os.RemoveAll(path)
		lock.Close()
		if err != nil {
			return fmt.Errorf("failed to remove a leftover temporary folder: %w", err)
		}
	}
	return nil
}

// NewStage creates a locked staging folder (0700) inside dir, for a command other than
// [Open] that fills a folder and then renames it into place: while the process lives the
// lock keeps [RemoveStaleStages] and [SweepStages] away; after a kill, the next sweep of
// dir, or of log (when not ""), removes it. release drops the lock and the record, and with
// remove first deletes the stage.
func NewStage(dir, log string) (stage string, release func(remove bool), err error) {
	if dir == "" {
		return "", nil, errors.New("failed to use output folder: no folder")
	}
	return newStage(dir, log)
}

// RemoveStaleStages removes the staging folders in dir that [NewStage] or [Open] made and
// that no live process holds any more.
func RemoveStaleStages(dir string) error { return removeStaleStages(dir) }
