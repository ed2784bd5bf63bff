package wallet

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/wallet/factor"
)

// The tamper sweep runs its flips in child processes (this test binary, re-executed with
// the variables below), so that a flip that kills the process or hangs it is counted as a
// finding instead of ending the sweep.
const (
	envTamperPlan = "PASPOR_TAMPER_PLAN" // the plan file
	envTamperFrom = "PASPOR_TAMPER_FROM" // first flip to check
	envTamperTo   = "PASPOR_TAMPER_TO"   // one past the last
	envTamperOut  = "PASPOR_TAMPER_OUT"  // results, one JSON line per flip
)

// flipTimeout bounds one flip's checks: a hang bound, not a timing goal.
const flipTimeout = 20 * time.Second

// Outcome classes of one flip.
const (
	outcomeIntact   = "intact"        // every document, attachment and share came back exactly
	outcomeRollback = "rollback"      // the state before the last transaction: bbolt fell back to the older meta page
	outcomeCorrupt  = "corrupt"       // at least one typed ErrCorrupt, nothing wrong
	outcomeUnlock   = "unlock_failed" // ErrUnlockFailed (a damaged salt, KDF or slot)
	outcomeWrong    = "wrong"         // content that differs from the original: never allowed
	outcomeUntyped  = "untyped"       // an error of no documented class: never allowed
	outcomeCrash    = "crash"         // the child process died: never allowed
	outcomeHang     = "hang"          // the flip's checks outran flipTimeout: never allowed
	outcomeNotFound = "not_found"     // a damaged key: the document is gone from the index
)

type tamperPlan struct {
	Wallet string       // the pristine file
	Factor string       // its key file
	Pass   string       // its passphrase
	Docs   []tamperDoc  // what every document must read back as
	Shares []byte       // Shares(), JSON
	Before []byte       // Shares() before the last transaction (which recorded the share)
	Flips  []tamperFlip // what to damage
}

type tamperDoc struct {
	ID     string
	Record []byte            // Get(ID), JSON
	Files  map[string]string // role -> SHA-256 of the content that was added
}

type tamperFlip struct {
	Blob     string // the blob file flipped, by blob ID; "" for the store file
	Offset   int64
	Mask     byte
	Writable bool   // open read-write (loads the freelist, collects orphans) rather than read-only
	Region   string // what the byte belongs to (parent side only)
	Owner    string // the document whose blob holds the byte, if any
}

type flipResult struct {
	Index    int
	Outcome  string
	Readable []string // documents whose record and attachments came back exactly
	Detail   string   `json:",omitempty"`
}

// runTamperChild checks the flips [from, to) of the plan and appends one result line per
// flip to the out file, written before the next flip starts.
func runTamperChild(t *testing.T, planPath string) {
	var plan tamperPlan
	b, err := os.ReadFile(planPath)
	if err == nil {
		err = json.Unmarshal(b, &plan)
	}
	if err != nil {
		t.Fatalf("read plan: %v", err)
	}
	from, _ := strconv.Atoi(os.Getenv(envTamperFrom))
	to, _ := strconv.Atoi(os.Getenv(envTamperTo))
	out, err := os.OpenFile(os.Getenv(envTamperOut), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	pristine, err := os.ReadFile(plan.Wallet)
	if err != nil {
		t.Fatal(err)
	}
	dir := flipDir(t)
	memoiseKDF()
	for i := from; i < to; i++ {
		done := make(chan flipResult, 1)
		go func() { done <- checkFlip(&plan, pristine, i, filepath.Join(dir, fmt.Sprintf("f%d.db", i))) }()
		var res flipResult
		select {
		case res = <-done:
		case <-time.After(flipTimeout):
			res = flipResult{Outcome: outcomeHang, Detail: "checks did not finish in " + flipTimeout.String()}
		}
		res.Index = i
		line, _ := json.Marshal(res)
		if _, err := out.Write(append(line, '\n')); err != nil {
			t.Fatal(err)
		}
		if res.Outcome == outcomeHang {
			os.Exit(3) // the stuck goroutine cannot be stopped; the parent resumes after it
		}
		os.Remove(filepath.Join(dir, fmt.Sprintf("f%d.db", i)))
	}
}

// checkFlip damages a copy of the wallet and reads everything back through the public API.
func checkFlip(plan *tamperPlan, pristine []byte, i int, path string) flipResult {
	f := plan.Flips[i]
	damaged := append([]byte(nil), pristine...)
	if f.Blob == "" {
		damaged[f.Offset] ^= f.Mask
	}
	if err := os.WriteFile(path, damaged, 0o600); err != nil {
		return flipResult{Outcome: outcomeUntyped, Detail: err.Error()}
	}
	if err := copyBlobs(plan.Wallet, path, f.Blob, f.Offset, f.Mask); err != nil {
		return flipResult{Outcome: outcomeUntyped, Detail: err.Error()}
	}
	defer os.RemoveAll(blobFolder(path))
	l, err := Open(path, OpenOptions{ReadOnly: !f.Writable})
	if err != nil {
		return classifyErr("open", err)
	}
	w, err := l.Unlock(context.Background(), []byte(plan.Pass), factor.File{Path: plan.Factor})
	if err != nil {
		return classifyErr("unlock", err)
	}
	defer w.Close()
	s := &sweepState{res: flipResult{Outcome: outcomeIntact}}
	s.checkList(w, plan.Docs)
	for _, d := range plan.Docs {
		if s.checkDoc(w, d) {
			s.res.Readable = append(s.res.Readable, d.ID)
		}
	}
	shares, err := w.Shares()
	if err != nil {
		s.fail("shares", err)
	} else if got, _ := json.Marshal(shares); string(got) == string(plan.Before) {
		s.set(outcomeRollback, "shares as before the last transaction")
	} else if string(got) != string(plan.Shares) {
		s.wrong("shares differ")
	}
	return s.res
}

// sweepState collects one flip's worst outcome: wrong beats untyped beats corrupt.
type sweepState struct{ res flipResult }

func (s *sweepState) set(outcome, detail string) {
	rank := map[string]int{outcomeIntact: 0, outcomeRollback: 1, outcomeNotFound: 2, outcomeCorrupt: 3,
		outcomeUntyped: 4, outcomeWrong: 5}
	if rank[outcome] > rank[s.res.Outcome] {
		s.res.Outcome, s.res.Detail = outcome, detail
	}
}

func (s *sweepState) wrong(detail string) { s.set(outcomeWrong, detail) }

func (s *sweepState) fail(step string, err error) {
	r := classifyErr(step, err)
	s.set(r.Outcome, r.Detail)
}

func (s *sweepState) checkList(w *Wallet, docs []tamperDoc) {
	list, err := w.List("")
	if err != nil {
		s.fail("list", err)
		return
	}
	want := map[string][]byte{}
	for _, d := range docs {
		want[d.ID] = d.Record
	}
	if len(list) != len(docs) {
		s.wrong(fmt.Sprintf("list has %d documents, want %d", len(list), len(docs)))
	}
	for _, d := range list {
		if got, _ := json.Marshal(d); string(got) != string(want[d.ID]) {
			s.wrong("list returned a different document " + d.ID)
		}
	}
	// What `list` shows comes from the list index: it must match the documents too.
	sums, err := w.ListSummaries("")
	if err != nil {
		s.fail("list summaries", err)
		return
	}
	if len(sums) != len(docs) {
		s.wrong(fmt.Sprintf("list summaries has %d documents, want %d", len(sums), len(docs)))
	}
	for _, got := range sums {
		var d Document
		if json.Unmarshal(want[got.ID], &d) != nil || !summaryEqual(got, summaryOf(&d)) {
			s.wrong("list summaries differ for " + got.ID)
		}
	}
}

// checkDoc reports whether the document and all its attachments came back exactly.
func (s *sweepState) checkDoc(w *Wallet, want tamperDoc) bool {
	d, err := w.Get(want.ID)
	if err != nil {
		s.fail("get "+want.ID, err)
		return false
	}
	if got, _ := json.Marshal(d); string(got) != string(want.Record) {
		s.wrong("get returned a different document " + want.ID)
		return false
	}
	ok := true
	for role, sum := range want.Files {
		got, err := readAttachmentSum(w, d, role)
		switch {
		case err != nil:
			s.fail("read "+want.ID+" "+role, err)
			ok = false
		case got != sum:
			s.wrong("attachment " + want.ID + " " + role + " read back different bytes")
			ok = false
		}
	}
	return ok
}

func readAttachmentSum(w *Wallet, d *Document, role string) (string, error) {
	r, _, err := w.OpenAttachment(d, role)
	if err != nil {
		return "", err
	}
	defer r.Close()
	h := sha256.New()
	if _, err := io.Copy(h, bufio.NewReaderSize(r, 1000)); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// classifyErr sorts an error into the documented classes; anything else is a finding.
// A header flip may change the wallet ID so that the key file no longer matches it: the
// factor store then refuses the key file, an unlock failure the CLI reports as one.
func classifyErr(step string, err error) flipResult {
	var (
		nf *NotFoundError
		kf *factor.KeyFileError
	)
	detail := step + ": " + err.Error()
	if ce := (*CorruptError)(nil); errors.As(err, &ce) && ce.Err != nil {
		detail += " (" + ce.Err.Error() + ")"
	}
	detail = capDetail(detail)
	switch {
	case errors.Is(err, ErrCorrupt):
		return flipResult{Outcome: outcomeCorrupt, Detail: detail}
	case errors.Is(err, ErrUnlockFailed) && step == "unlock",
		errors.Is(err, ErrFactorMissing) && step == "unlock",
		errors.As(err, &kf) && kf.Problem == factor.KeyFileForeign && step == "unlock":
		return flipResult{Outcome: outcomeUnlock, Detail: detail}
	case errors.As(err, &nf) && step != "open" && step != "unlock":
		return flipResult{Outcome: outcomeNotFound, Detail: detail}
	}
	return flipResult{Outcome: outcomeUntyped, Detail: fmt.Sprintf("%s (%T)", detail, err)}
}

// maxDetail bounds one flip's detail: the sweep's output stays small even when every flip
// fails.
const maxDetail = 200

// capDetail escapes what is not printable ASCII (an error may quote bytes of the damaged
// file) and cuts the text to maxDetail bytes.
func capDetail(s string) string {
	q := strconv.QuoteToASCII(s)
	q = q[1 : len(q)-1]
	if len(q) > maxDetail {
		q = q[:maxDetail] + "..."
	}
	return q
}

// flipDir is where the damaged copies go: /dev/shm when there is one, since a read-write
// open commits (and syncs) a transaction on every copy.
func flipDir(t *testing.T) string {
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		dir, err := os.MkdirTemp("/dev/shm", "paspor-tamper-")
		if err == nil {
			t.Cleanup(func() { os.RemoveAll(dir) })
			return dir
		}
	}
	return t.TempDir()
}

// memoiseKDF caches Argon2id results by their inputs: unlocking thousands of copies of one
// wallet would otherwise spend the sweep in the KDF. A flip of the salt, the parameters or
// the wallet ID changes the inputs and runs the real KDF.
func memoiseKDF() {
	cache := map[string][]byte{}
	derive := crypto.DeriveKEK
	testOnlyDeriveKEK = func(pass, device, salt []byte, walletID string, p crypto.KDFParams) ([]byte, error) {
		key := string(bytes.Join([][]byte{pass, device, salt, []byte(walletID), []byte(fmt.Sprint(p))}, []byte{0}))
		if kek, ok := cache[key]; ok {
			return bytes.Clone(kek), nil
		}
		kek, err := derive(pass, device, salt, walletID, p)
		if err == nil {
			cache[key] = bytes.Clone(kek)
		}
		return kek, err
	}
}
