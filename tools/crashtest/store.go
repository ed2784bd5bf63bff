package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// storeFacts is what the wallet's files themselves show, read without paspor: the bbolt
// file and the blob folder beside it (<wallet file>.blobs, one <blob ID>.age per attachment).
type storeFacts struct {
	blobs   int      // files in the blob folder (blobs and temporary files)
	pending []string // of those, the ones the blob index does not name (orphans)
}

// checkStore opens the wallet file read-only with bbolt, runs its consistency check, reads
// the blob index and lists the blob folder. Every indexed blob must have its file. It closes
// the file before returning, so the next paspor run is not blocked by this process's lock.
func checkStore(path string) (storeFacts, error) {
	var f storeFacts
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 2 * time.Second})
	if err != nil {
		return f, fmt.Errorf("failed to open the wallet file with bbolt: %w", err)
	}
	defer db.Close()
	indexed := map[string]bool{}
	err = db.View(func(tx *bolt.Tx) error {
		var errs []error
		for e := range tx.Check() {
			errs = append(errs, e)
		}
		if len(errs) > 0 {
			return fmt.Errorf("bbolt consistency check: %w", errors.Join(errs...))
		}
		blobs := tx.Bucket([]byte("blobs"))
		if blobs == nil {
			return errors.New("no blob index bucket")
		}
		return blobs.ForEach(func(k, _ []byte) error {
			indexed[string(k)] = true
			return nil
		})
	})
	if err != nil {
		return f, err
	}
	entries, err := os.ReadDir(path + ".blobs")
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return f, err
	}
	onDisk := map[string]bool{}
	for _, e := range entries {
		f.blobs++
		id, ok := strings.CutSuffix(e.Name(), ".age")
		if ok && indexed[id] {
			onDisk[id] = true
			continue
		}
		f.pending = append(f.pending, e.Name())
	}
	for id := range indexed {
		if !onDisk[id] {
			return f, fmt.Errorf("indexed blob %s has no file", id)
		}
	}
	return f, db.Close()
}
