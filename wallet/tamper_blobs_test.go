package wallet

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// tamperBlobFlips is how many flips land in blob files, spread over all of them; the first
// tamperBlobHeader bytes of each (the age header: stanza, MAC) are flipped every one.
const (
	tamperBlobFlips  = 300
	tamperBlobHeader = 160
)

// sampleBlobFlips picks flips in the blob files of the plan's wallet: every byte of each
// age header, and tamperBlobFlips offsets at random over the rest.
func sampleBlobFlips(t *testing.T, plan *tamperPlan) []tamperFlip {
	rng := rand.New(rand.NewPCG(tamperSeed, 1))
	owner := map[string]string{}
	var ids []string
	for _, d := range plan.Docs {
		var doc Document
		if err := json.Unmarshal(d.Record, &doc); err != nil {
			t.Fatal(err)
		}
		for _, a := range doc.Attachments {
			owner[a.BlobID] = d.ID
			ids = append(ids, a.BlobID)
		}
	}
	sort.Strings(ids)
	sizes := make([]int64, len(ids))
	var total int64
	for i, id := range ids {
		st, err := os.Stat(filepath.Join(blobFolder(plan.Wallet), id+blobFileSuffix))
		if err != nil {
			t.Fatal(err)
		}
		sizes[i] = st.Size()
		total += st.Size()
	}
	var flips []tamperFlip
	add := func(i int, off int64) {
		flips = append(flips, tamperFlip{Blob: ids[i], Offset: off, Mask: byte(1 + rng.IntN(255)),
			Writable: len(flips)%2 == 1, Region: "blob", Owner: owner[ids[i]]})
	}
	for i := range ids {
		for off := int64(0); off < min(tamperBlobHeader, sizes[i]); off++ {
			add(i, off)
		}
	}
	for range tamperBlobFlips {
		at := rng.Int64N(total)
		for i, size := range sizes {
			if at < size {
				add(i, at)
				break
			}
			at -= size
		}
	}
	return flips
}

// copyBlobs copies the blob folder of the wallet file src to that of dst, flipping byte off
// of blob flip (by XOR with mask) when flip is not empty.
func copyBlobs(src, dst, flip string, off int64, mask byte) error {
	from, to := blobFolder(src), blobFolder(dst)
	if err := os.MkdirAll(to, 0o700); err != nil {
		return err
	}
	entries, err := os.ReadDir(from)
	if err != nil {
		return err
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			return err
		}
		if flip != "" && e.Name() == flip+blobFileSuffix {
			b[off] ^= mask
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// copyBlobFolder is copyBlobs without a flip, for test setup.
func copyBlobFolder(t *testing.T, src, dst string) {
	t.Helper()
	if err := copyBlobs(src, dst, "", 0, 0); err != nil {
		t.Fatal(err)
	}
}
