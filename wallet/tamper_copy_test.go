package wallet

import (
	"testing"

	bolt "go.etcd.io/bbolt"
)

// canonicalCopy copies the bbolt file src to a new file dst so that dst's bytes depend only
// on src's keys and values: every bucket's own keys go in one transaction that changes only
// that bucket (and creates its sub-buckets empty), in key order. bbolt spills the dirty
// buckets of one transaction in map order, which would otherwise place pages differently
// from run to run.
func canonicalCopy(t *testing.T, src, dst string) {
	in, err := bolt.Open(src, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := bolt.Open(dst, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := out.Close(); err != nil {
			t.Fatal(err)
		}
	}()
	type kv struct{ k, v []byte }
	var copyBucket func(path [][]byte) error
	copyBucket = func(path [][]byte) error {
		var pairs []kv
		var subs [][]byte
		err := in.View(func(tx *bolt.Tx) error {
			c := tx.Cursor()
			if len(path) > 0 {
				b := tx.Bucket(path[0])
				for _, p := range path[1:] {
					b = b.Bucket(p)
				}
				c = b.Cursor()
			}
			for k, v := c.First(); k != nil; k, v = c.Next() {
				if v == nil {
					subs = append(subs, clone(k))
				} else {
					pairs = append(pairs, kv{clone(k), clone(v)})
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = out.Update(func(tx *bolt.Tx) error {
			if len(path) == 0 {
				for _, s := range subs {
					if _, err := tx.CreateBucket(s); err != nil {
						return err
					}
				}
				return nil
			}
			b := tx.Bucket(path[0])
			for _, p := range path[1:] {
				b = b.Bucket(p)
			}
			for _, p := range pairs {
				if err := b.Put(p.k, p.v); err != nil {
					return err
				}
			}
			for _, s := range subs {
				if _, err := b.CreateBucket(s); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, s := range subs {
			if err := copyBucket(append(append([][]byte(nil), path...), s)); err != nil {
				return err
			}
		}
		return nil
	}
	if err := copyBucket(nil); err != nil {
		t.Fatal(err)
	}
}
