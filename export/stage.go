package export

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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
func newStage(outDir string) (stage string, release func(remove bool), err error) {
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
	return stage, func(remove bool) {
		if remove {
			os.RemoveAll(stage)
		}
		lock.Close()
	}, nil
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
// lock keeps [RemoveStaleStages] away; after a kill, the next sweep of dir removes it.
// release drops the lock, and with remove first deletes the stage.
func NewStage(dir string) (stage string, release func(remove bool), err error) {
	if dir == "" {
		return "", nil, errors.New("failed to use output folder: no folder")
	}
	return newStage(dir)
}

// RemoveStaleStages removes the staging folders in dir that [NewStage] or [Open] made and
// that no live process holds any more.
func RemoveStaleStages(dir string) error { return removeStaleStages(dir) }
