package main

import (
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// storeFacts is what the bbolt file itself shows, read without paspor.
type storeFacts struct {
	blobs   int      // nested buckets under "blobs": one per stored attachment
	pending []string // of those, the IDs still marked "pending" (not yet committed)
}

// checkStore opens the wallet file read-only with bbolt, runs its consistency check and
// counts the blob buckets. It closes the file before returning, so the next paspor run is
// not blocked by this process's lock.
func checkStore(path string) (storeFacts, error) {
	var f storeFacts
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 2 * time.Second})
	if err != nil {
		return f, fmt.Errorf("failed to open the wallet file with bbolt: %w", err)
	}
	defer db.Close()
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
			return errors.New("no blobs bucket")
		}
		return blobs.ForEachBucket(func(k []byte) error {
			f.blobs++
			if blobs.Bucket(k).Get([]byte("pending")) != nil {
				f.pending = append(f.pending, string(k))
			}
			return nil
		})
	})
	if err != nil {
		return f, err
	}
	return f, db.Close()
}
