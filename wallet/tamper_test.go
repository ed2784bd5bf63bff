package wallet

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/cryptotest"
	"time"
	"unsafe"

	bolt "go.etcd.io/bbolt"

	"github.com/paspor/paspor/wallet/factor"
)

const (
	tamperSeed    = 4 // fixed so that a finding can be replayed
	tamperUniform = 2000
	// tamperPerValueKind flips land in each kind of value (record, index, header, share, state).
	tamperPerValueKind = 8
	tamperShards       = 2 // child processes at a time: the machine has 2 cores
	// metaBytes is what a meta page holds: the page header (16) and the meta (64). Every one of
	// these bytes is flipped in pages 0 and 1; the rest of those pages is sampled by stride.
	metaBytes  = 80
	metaStride = 97
)

// TestTamperSweep flips single bytes of a real wallet (the store file and its blob files)
// and reads everything back: each flip must give the original content or a typed error,
// never a panic, a crash, a hang or wrong plaintext, and damage inside one document's blob
// must leave the other documents readable. A flip in a record breaks the sealed state, so
// the whole wallet is refused as corrupt. The figures it logs go into SECURITY.md.
func TestTamperSweep(t *testing.T) {
	if plan := os.Getenv(envTamperPlan); plan != "" {
		runTamperChild(t, plan)
		return
	}
	dir := t.TempDir()
	plan := buildTamperWallet(t, dir)
	t.Logf("swept wallet: sha256 %s", fileSum(t, plan.Wallet))
	regions := mapTamperRegions(t, plan)
	plan.Flips = append(sampleFlips(regions, regions.used), sampleBlobFlips(t, plan)...)
	planPath := filepath.Join(dir, "plan.json")
	b, err := json.Marshal(plan)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(planPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	results := runTamperShards(t, planPath, len(plan.Flips))
	t.Logf("tamper sweep: %d flips of a %d-byte wallet (%d documents, seed %d) in %s",
		len(plan.Flips), len(regions.kind), len(plan.Docs), tamperSeed, time.Since(start).Round(time.Second))
	reportTamper(t, plan, results)
}

// TestTamperWalletDeterministic builds the swept wallet twice: the bytes must be the same,
// or the sweep's flips land on different bytes from run to run and its findings cannot be
// replayed.
func TestTamperWalletDeterministic(t *testing.T) {
	a := buildTamperWallet(t, t.TempDir())
	b := buildTamperWallet(t, t.TempDir())
	if sa, sb := fileSum(t, a.Wallet), fileSum(t, b.Wallet); sa != sb {
		t.Fatalf("two builds of the swept wallet differ: sha256 %s and %s", sa, sb)
	}
	if string(a.Docs[0].Record) != string(b.Docs[0].Record) {
		t.Fatalf("two builds of the swept wallet hold different documents")
	}
}

func fileSum(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// tamperClock is the swept wallet's clock: timestamps of varying length would move every
// record that follows them.
var tamperClock = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// buildTamperWallet makes a wallet with several documents, fields, a share record and
// attachments of a few kilobytes each.
//
// The same bytes are built on every run: randomness (IDs, salt, keys, age's nonces) comes
// from a seeded source, the clock is fixed, and since bbolt places the pages of a
// transaction that changes several buckets in map order (random), the wallet is built in a
// scratch file and copied one bucket per transaction (canonicalCopy) before the last,
// single-bucket changes.
func buildTamperWallet(t *testing.T, dir string) *tamperPlan {
	cryptotest.SetGlobalRandom(t, tamperSeed)

	plan := &tamperPlan{Wallet: filepath.Join(dir, "wallet.db"), Factor: filepath.Join(dir, "dev.key"), Pass: "tamper"}
	scratch := filepath.Join(dir, "scratch.db")
	w, _, err := Init(context.Background(), scratch, []byte(plan.Pass),
		InitOptions{Factor: factor.File{Path: plan.Factor}, KDF: cheapKDF, Now: tamperClock})
	if err != nil {
		t.Fatal(err)
	}
	type att struct {
		role string
		size int
	}
	docs := []struct {
		typ    string
		fields map[string]string
		atts   []att
	}{
		{"personal_details", map[string]string{"first_name": "Ada", "last_name": "Lovelace", "birth_date": "1815-12-10",
			"gender": "female", "country_code": "GB", "residence_country_code": "GB"}, nil},
		{"passport", map[string]string{"document_no": "P1234567", "expiry_date": "2031-01-01"},
			[]att{{"front_side", 14000}, {"selfie", 1800}}},
		{"bank_statement", map[string]string{"issue_date": "2025-03-01"}, []att{{"file", 21000}, {"file", 700}}},
		{"utility_bill", nil, []att{{"file", 10500}}},
		{"address", map[string]string{"street_line1": "12 St James's Square", "city": "London", "post_code": "SW1Y 4JH", "country_code": "GB"}, nil},
		{"email", map[string]string{"email": "ada@example.org"}, nil},
		{"phone_number", map[string]string{"phone_number": "+442079460000"}, nil},
		{"identity_card", map[string]string{"document_no": "ID99", "issuing_country": "GB"}, nil},
		{"driver_license", map[string]string{"document_no": "LOVEL812105AA9", "issue_date": "2020-05-05"}, nil},
		{"email", map[string]string{"email": "countess@example.org"}, nil},
		{"rental_agreement", map[string]string{"issue_date": "2024-09-30"}, nil},
		{"internal_passport", map[string]string{"document_no": "IP-7"}, nil},
	}
	files := map[string]map[string]string{}
	for _, spec := range docs {
		var in []AttachmentInput
		var sums []string
		for _, a := range spec.atts {
			scan := pngScan(t, a.size)
			in = append(in, AttachmentInput{Role: a.role, Reader: bytes.NewReader(scan)})
			sum := sha256.Sum256(scan)
			sums = append(sums, hex.EncodeToString(sum[:]))
		}
		d, err := w.Add(spec.typ, "", spec.fields, in, AddOptions{})
		if err != nil {
			t.Fatalf("Add %s: %v", spec.typ, err)
		}
		for i, a := range d.Attachments {
			files[d.ID] = setDefault(files[d.ID])
			files[d.ID][a.Role] = sums[i]
		}
	}
	list, err := w.List("")
	if err != nil {
		t.Fatal(err)
	}
	// A removal changes the documents and the blobs buckets, an edit the documents and the
	// list index: done before the copy. bbolt writes the buckets a transaction changed in
	// map order, so a transaction that changes two buckets too large to be inline lays the
	// file out differently from run to run.
	if _, err := w.Remove(list[len(list)-1].ID); err != nil {
		t.Fatal(err)
	}
	label := "main"
	if _, err := w.Edit(list[0].ID, map[string]string{"middle_name": "King"}, nil, &label); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	canonicalCopy(t, scratch, plan.Wallet)
	copyBlobFolder(t, scratch, plan.Wallet)
	l, err := Open(plan.Wallet, OpenOptions{Now: func() time.Time { return tamperClock }})
	if err != nil {
		t.Fatal(err)
	}
	if w, err = l.Unlock(context.Background(), []byte(plan.Pass), factor.File{Path: plan.Factor}); err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	finishTamperWallet(t, w, plan, files)
	return plan
}

func setDefault(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// finishTamperWallet edits a document (so the file has free pages and a freelist with
// entries), records a share, and writes down what every read must return. Each change
// touches one bucket, so its pages land in the same places on every run.
func finishTamperWallet(t *testing.T, w *Wallet, plan *tamperPlan, files map[string]map[string]string) {
	list, err := w.List("")
	if err != nil {
		t.Fatal(err)
	}
	plan.Before, _ = json.Marshal([]ShareRecord(nil))
	err = w.RecordShare(ShareRecord{BundleID: "b1", CreatedAt: time.Unix(1e9, 0).UTC(), Audience: []string{"age1x"},
		Documents: []SharedDocument{{ID: list[0].ID, Type: list[0].Type, Fields: []string{"first_name"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if list, err = w.List(""); err != nil {
		t.Fatal(err)
	}
	for _, d := range list {
		rec, _ := json.Marshal(d)
		plan.Docs = append(plan.Docs, tamperDoc{ID: d.ID, Record: rec, Files: files[d.ID]})
	}
	shares, err := w.Shares()
	if err != nil {
		t.Fatal(err)
	}
	plan.Shares, _ = json.Marshal(shares)
}

// tamperRegions says, for every byte of the file, what it belongs to.
type tamperRegions struct {
	kind  []string // region class per byte
	owner []string // document ID whose record holds the byte
	used  int      // bytes up to the last page in use; bbolt grows the file ahead of them
}

// mapTamperRegions labels each byte by its page's type (meta, freelist, branch, leaf, free,
// beyond the last page) and, for the values bbolt hands out, by what the value is: a
// document record, a blob index entry, a header field, a share record, the sealed state or
// the list index. A value's place
// in the file is its address minus the start of bbolt's mapping.
func mapTamperRegions(t *testing.T, plan *tamperPlan) *tamperRegions {
	st, err := os.Stat(plan.Wallet)
	if err != nil {
		t.Fatal(err)
	}
	r := &tamperRegions{kind: make([]string, st.Size()), owner: make([]string, st.Size())}
	db, err := bolt.Open(plan.Wallet, 0o600, &bolt.Options{ReadOnly: true, PreLoadFreelist: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	base := db.Info().Data
	file, err := os.ReadFile(plan.Wallet)
	if err != nil {
		t.Fatal(err)
	}
	mark := func(v []byte, kind, owner string) {
		off := int(uintptr(unsafe.Pointer(unsafe.SliceData(v))) - base)
		if off < 0 || off+len(v) > len(file) {
			// bbolt copies an unaligned inline bucket to the heap: find its bytes instead.
			if off = bytes.Index(file, v); off < 0 || len(v) < 8 {
				return
			}
		}
		for i := off; i < off+len(v); i++ {
			r.kind[i], r.owner[i] = kind, owner
		}
	}
	err = db.View(func(tx *bolt.Tx) error {
		markPages(t, tx, r)
		for _, bucket := range []struct{ name, kind string }{{"meta", "header"}, {"documents", "record"},
			{"shares", "share"}, {"blobs", "index"}, {"state", "state"}, {"index", "list"}} {
			tx.Bucket([]byte(bucket.name)).ForEach(func(_, v []byte) error {
				mark(v, bucket.kind, "")
				return nil
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// markPages labels every byte with its page's type; overflow pages take their head's type.
func markPages(t *testing.T, tx *bolt.Tx, r *tamperRegions) {
	pageSize := tx.DB().Info().PageSize
	for i := range r.kind {
		r.kind[i] = "beyond"
	}
	for id := 0; ; {
		info, err := tx.Page(id)
		if err != nil {
			t.Fatal(err)
		}
		if info == nil {
			r.used = id * pageSize
			return
		}
		kind := info.Type
		if id < 2 {
			kind = "meta"
		}
		end := min((id+1+info.OverflowCount)*pageSize, len(r.kind))
		for i := id * pageSize; i < end; i++ {
			r.kind[i] = kind
		}
		id += 1 + info.OverflowCount
	}
}

// sampleFlips picks every meta byte of pages 0 and 1, a stride through the rest of them,
// tamperUniform offsets spread evenly over the pages in use (one at random in each stratum)
// and tamperPerValueKind offsets in each kind of value, each with a random non-zero XOR mask; every other flip opens the wallet read-write.
func sampleFlips(r *tamperRegions, size int) []tamperFlip {
	rng := rand.New(rand.NewPCG(tamperSeed, 0))
	var offsets []int
	for page := 0; page < 2; page++ {
		for i := 0; i < 4096; i++ {
			if i < metaBytes || i%metaStride == 0 {
				offsets = append(offsets, page*4096+i)
			}
		}
	}
	for s := 0; s < tamperUniform; s++ {
		lo, hi := s*size/tamperUniform, (s+1)*size/tamperUniform
		offsets = append(offsets, lo+rng.IntN(hi-lo))
	}
	// Values are small next to the pages around them, and where they land moves whenever a
	// record's size does: a few flips in each kind of value, spread over its bytes, keep every
	// kind covered whatever the layout.
	for _, kind := range []string{"record", "index", "header", "share", "state", "list"} {
		var at []int
		for off := 0; off < size && off < len(r.kind); off++ {
			if r.kind[off] == kind {
				at = append(at, off)
			}
		}
		for j := 0; j < tamperPerValueKind && len(at) > 0; j++ {
			offsets = append(offsets, at[j*len(at)/tamperPerValueKind])
		}
	}
	flips := make([]tamperFlip, len(offsets))
	for i, off := range offsets {
		flips[i] = tamperFlip{Offset: int64(off), Mask: byte(1 + rng.IntN(255)), Writable: i%2 == 1,
			Region: r.kind[off], Owner: r.owner[off]}
	}
	return flips
}

// runTamperShards splits the flips between tamperShards chains of child processes. When a
// child dies, the flip it was checking is recorded as a crash and a new child carries on.
func runTamperShards(t *testing.T, planPath string, n int) []flipResult {
	results := make([]flipResult, n)
	done := make(chan error, tamperShards)
	for s := 0; s < tamperShards; s++ {
		from, to := s*n/tamperShards, (s+1)*n/tamperShards
		outPath := fmt.Sprintf("%s.%d.out", planPath, s)
		go func() { done <- runTamperShard(planPath, outPath, from, to, results) }()
	}
	for s := 0; s < tamperShards; s++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	return results
}

func runTamperShard(planPath, outPath string, from, to int, results []flipResult) error {
	for next := from; next < to; {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestTamperSweep$", "-test.count=1")
		cmd.Env = append(os.Environ(), envTamperPlan+"="+planPath, envTamperOut+"="+outPath,
			fmt.Sprintf("%s=%d", envTamperFrom, next), fmt.Sprintf("%s=%d", envTamperTo, to))
		out, runErr := cmd.CombinedOutput()
		timedOut := ctx.Err() != nil
		cancel()
		b, err := os.ReadFile(outPath)
		if err != nil && !os.IsNotExist(err) {
			return err
		}
		last := next - 1
		for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
			var r flipResult
			if json.Unmarshal(line, &r) == nil && r.Index >= next && r.Index < to {
				results[r.Index], last = r, max(last, r.Index)
			}
		}
		// A child that stopped early either reported a hang itself (and exited) or died
		// while checking the flip after its last result.
		if hung := last >= next && results[last].Outcome == outcomeHang; last+1 < to && !hung {
			outcome := outcomeCrash
			if timedOut {
				outcome = outcomeHang
			}
			results[last+1] = flipResult{Index: last + 1, Outcome: outcome, Detail: crashSummary(runErr, out)}
			last++
		}
		next = last + 1
	}
	return nil
}

// crashSummary keeps the lines of a child's output that say how it died.
func crashSummary(err error, out []byte) string {
	var keep []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "fatal error") || strings.HasPrefix(line, "panic") ||
			strings.Contains(line, "signal") || strings.Contains(line, "goroutine ") && len(keep) < 3 {
			keep = append(keep, strings.TrimSpace(line))
		}
	}
	return capDetail(fmt.Sprintf("%v: %s", err, strings.Join(keep, " | ")))
}
