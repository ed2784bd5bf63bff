package wallet

import (
	"crypto/sha256"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/wallet/schema"
)

// The list index is one sealed record (bucket "index", key "list") holding a Summary of
// every document, so that listing decrypts one record instead of all of them. Each entry
// also holds the SHA-256 of the sealed document record it was made from. Every write
// transaction (Wallet.update) refreshes it before the wallet state is sealed, re-opening
// only the records the transaction wrote, and the state digest covers it like every record:
// an index edited, rolled back or deleted on disk is reported as corrupt at unlock. A
// reader that finds an entry whose hash does not match its record (or no entry) opens that
// record instead, so what list shows never depends on the index being current, only how
// fast it is. Check verifies that every entry matches its record.
var (
	bucketIndex = []byte("index")
	keyIndex    = []byte("list")
)

const kindIndex = "index"

// Summary is what a listing shows of a document, kept in the list index.
type Summary struct {
	ID         string `json:"id"`
	Type       string `json:"type"`
	Label      string `json:"label,omitempty"`
	ExpiryDate string `json:"expiry_date,omitempty"` // YYYY-MM-DD, "" when the type or document has none
	// IssueDate is a proof of address's issue_date (it goes stale), "" for other types.
	IssueDate   string    `json:"issue_date,omitempty"`
	Attachments int       `json:"attachments"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// summaryOf makes the Summary of d.
func summaryOf(d *Document) Summary {
	s := Summary{ID: d.ID, Type: d.Type, Label: d.Label, Attachments: len(d.Attachments),
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
	if spec, err := schema.LookupType(d.Type); err == nil {
		s.ExpiryDate = spec.ExpiryDate(d.Fields)
		if spec.IsProofOfAddress() {
			s.IssueDate = d.Fields["issue_date"]
		}
	}
	return s
}

// indexEntry is a Summary and the hash of the sealed record it was made from.
type indexEntry struct {
	Summary
	Record [sha256.Size]byte // SHA-256 of the sealed document record
}

func recordHash(sealed []byte) [sha256.Size]byte { return sha256.Sum256(sealed) }

// readIndexList opens the list index, its entries in ID order; a wallet without one (none
// written yet) has an empty one.
func (w *Wallet) readIndexList(tx *bolt.Tx) ([]indexEntry, error) {
	var sealed []byte
	if b := tx.Bucket(bucketIndex); b != nil {
		sealed = b.Get(keyIndex)
	}
	if sealed == nil {
		return nil, nil
	}
	plain, err := crypto.OpenRecord(w.secrets.WalletKey, w.binding(kindIndex, string(keyIndex)), sealed)
	if err != nil {
		return nil, &CorruptError{Kind: "list index", ID: "record", Err: err}
	}
	defer clear(plain)
	list, err := decodeListIndex(plain)
	if err != nil {
		return nil, &CorruptError{Kind: "list index", ID: "record", Err: err}
	}
	return list, nil
}

// readIndex is readIndexList by document ID.
func (w *Wallet) readIndex(tx *bolt.Tx) (map[string]*indexEntry, error) {
	list, err := w.readIndexList(tx)
	if err != nil {
		return nil, err
	}
	entries := make(map[string]*indexEntry, len(list))
	for i := range list {
		entries[list[i].ID] = &list[i]
	}
	return entries, nil
}

// listTouches collects the IDs of the documents a write transaction put or deleted
// (putDocument, Remove), for refreshIndex.
type listTouches map[string]bool

func (t *listTouches) touch(id string) {
	if *t == nil {
		*t = listTouches{}
	}
	(*t)[id] = true
}

// refreshIndex brings the list index in line with the document records as tx leaves them.
// The documents the transaction wrote are opened and summarised again, and entries of
// removed ones dropped; a wallet without an index yet gets one built from every record.
// It writes the index only when something changed, and forgets the touches either way.
func (w *Wallet) refreshIndex(tx *bolt.Tx) error {
	touched := w.listed
	w.listed = nil
	var sealed []byte
	if b := tx.Bucket(bucketIndex); b != nil {
		sealed = b.Get(keyIndex)
	}
	if sealed != nil && len(touched) == 0 {
		return nil
	}
	docs := tx.Bucket(bucketDocuments)
	summarise := func(id string, v []byte) (indexEntry, error) {
		d, err := w.openDocument(id, v)
		if err != nil {
			return indexEntry{}, err
		}
		return indexEntry{Summary: summaryOf(d), Record: recordHash(v)}, nil
	}
	var list []indexEntry
	if sealed == nil {
		// No index yet (a wallet written before there was one): build it from every record,
		// even for no documents, so that the next write need not look.
		err := docs.ForEach(func(k, v []byte) error {
			e, err := summarise(string(k), v)
			list = append(list, e)
			return err
		})
		if err != nil {
			return err
		}
	} else {
		var err error
		if list, err = w.readIndexList(tx); err != nil {
			return err
		}
		changed := false
		for _, id := range slices.Sorted(maps.Keys(touched)) {
			i, found := slices.BinarySearchFunc(list, id, func(e indexEntry, id string) int { return strings.Compare(e.ID, id) })
			v := docs.Get([]byte(id))
			switch {
			case v == nil && found:
				list = slices.Delete(list, i, i+1)
				changed = true
			case v == nil:
			case found && list[i].Record == recordHash(v):
			default:
				e, err := summarise(id, v)
				if err != nil {
					return err
				}
				if found {
					list[i] = e
				} else {
					list = slices.Insert(list, i, e)
				}
				changed = true
			}
		}
		if !changed {
			return nil
		}
	}
	plain := encodeListIndex(list)
	defer clear(plain)
	sealed, err := crypto.SealRecord(w.secrets.WalletKey, w.binding(kindIndex, string(keyIndex)), plain)
	if err != nil {
		return err
	}
	b, err := tx.CreateBucketIfNotExists(bucketIndex)
	if err != nil {
		return err
	}
	return b.Put(keyIndex, sealed)
}

// ListSummaries returns the Summary of every document, or of those of one type, in the
// order of [Wallet.List], from the list index: one record is decrypted, plus any document
// record the index does not match.
func (w *Wallet) ListSummaries(docType string) ([]Summary, error) {
	type stale struct {
		id   string
		data []byte
	}
	var (
		all    []Summary
		reopen []stale
	)
	err := view(w.db, func(tx *bolt.Tx) error {
		list, err := w.readIndexList(tx)
		if err != nil {
			return err
		}
		all = make([]Summary, 0, len(list))
		j := 0 // the records and the entries are both in ID order: walk them together
		return tx.Bucket(bucketDocuments).ForEach(func(k, v []byte) error {
			for j < len(list) && list[j].ID < string(k) {
				j++
			}
			if j < len(list) && list[j].ID == string(k) && list[j].Record == recordHash(v) {
				all = append(all, list[j].Summary)
			} else {
				reopen = append(reopen, stale{string(k), clone(v)})
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	opened := make([]*Document, len(reopen))
	errs := make([]error, len(reopen))
	parallel(len(reopen), func(i int) { opened[i], errs[i] = w.openDocument(reopen[i].id, reopen[i].data) })
	for i, d := range opened {
		if errs[i] != nil {
			return nil, errs[i]
		}
		all = append(all, summaryOf(d))
	}
	out := all[:0] // filtered in place
	for _, s := range all {
		if docType == "" || s.Type == docType {
			out = append(out, s)
		}
	}
	sortListed(out, func(s Summary) (string, time.Time) { return s.Type, s.CreatedAt })
	return out, nil
}

// checkIndex reports where the list index disagrees with the records Check opened: an entry
// that matches its record's hash but not its content, or an entry for no record. An entry
// whose hash is stale is not damage (the next write refreshes it), but the index of a
// wallet paspor wrote never has one, so it is reported too.
// docs holds the records that opened, hashes the hash of every record read.
func checkIndex(entries map[string]*indexEntry, err error, docs map[string]*Document, hashes map[string][sha256.Size]byte) []Problem {
	if err != nil {
		return []Problem{{Item: "list index", Reason: reasonOf(err)}}
	}
	var problems []Problem
	for id, d := range docs {
		e := entries[id]
		switch {
		case e == nil:
			problems = append(problems, Problem{DocumentID: id, Type: d.Type, Item: "list index", Reason: "no entry for the document"})
		case e.Record != hashes[id]:
			problems = append(problems, Problem{DocumentID: id, Type: d.Type, Item: "list index", Reason: "entry is out of date"})
		case !summaryEqual(e.Summary, summaryOf(d)):
			problems = append(problems, Problem{DocumentID: id, Type: d.Type, Item: "list index", Reason: "entry differs from the document"})
		}
	}
	for id := range entries {
		if _, ok := hashes[id]; !ok {
			problems = append(problems, Problem{DocumentID: id, Item: "list index", Reason: "entry for a document that does not exist"})
		}
	}
	sort.Slice(problems, func(i, j int) bool { return problems[i].DocumentID < problems[j].DocumentID })
	return problems
}

func summaryEqual(a, b Summary) bool {
	return a.ID == b.ID && a.Type == b.Type && a.Label == b.Label && a.ExpiryDate == b.ExpiryDate &&
		a.Attachments == b.Attachments && a.CreatedAt.Equal(b.CreatedAt) && a.UpdatedAt.Equal(b.UpdatedAt)
}
