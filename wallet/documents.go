package wallet

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/wallet/scanmeta"
	"github.com/paspor/paspor/wallet/schema"
)

// Document is one identity document as stored (sealed) in the wallet.
type Document struct {
	ID          string            `json:"id"`
	Type        string            `json:"type"`
	Label       string            `json:"label,omitempty"`
	Fields      map[string]string `json:"fields"`
	Attachments []Attachment      `json:"attachments"`
	CreatedAt   time.Time         `json:"created_at"`
	UpdatedAt   time.Time         `json:"updated_at"`
}

// Attachment is a scan stored with a document.
type Attachment struct {
	Role      string `json:"role"` // front_side, reverse_side, selfie, file/N, translation/N
	MediaType string `json:"media_type"`
	Size      int64  `json:"size"`
	SHA256    string `json:"sha256"`
	BlobID    string `json:"blob_id"`
	// Metadata is what Add and Attach removed from the scan (or, with KeepMetadata, found
	// and kept). It is reported to the caller, not stored.
	Metadata *scanmeta.Report `json:"-"`
}

// Attachment returns the attachment with the given role, or a *NotFoundError.
func (d *Document) Attachment(role string) (*Attachment, error) {
	for i := range d.Attachments {
		if d.Attachments[i].Role == role {
			return &d.Attachments[i], nil
		}
	}
	return nil, &NotFoundError{What: "attachment", ID: d.ID + " " + role}
}

const (
	docIDLen      = 8
	docIDAlphabet = "0123456789abcdefghjkmnpqrstvwxyz" // Crockford base32, lower case
	kindDocument  = "document"
)

func newDocID() string {
	var b [docIDLen]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = docIDAlphabet[b[i]&31]
	}
	return string(b[:])
}

func (w *Wallet) sealDocument(d *Document) ([]byte, error) {
	plain, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	defer clear(plain)
	return crypto.SealRecord(w.secrets.WalletKey, w.binding(kindDocument, d.ID), plain)
}

// testOnlyOpenDocument, when set by a test, is called for every document record opened.
var testOnlyOpenDocument func(id string)

func (w *Wallet) openDocument(id string, sealed []byte) (*Document, error) {
	if testOnlyOpenDocument != nil {
		testOnlyOpenDocument(id)
	}
	plain, err := crypto.OpenRecord(w.secrets.WalletKey, w.binding(kindDocument, id), sealed)
	if err != nil {
		return nil, &CorruptError{Kind: "document", ID: id, Err: err}
	}
	defer clear(plain)
	d := new(Document)
	if err := json.Unmarshal(plain, d); err != nil || d.ID != id {
		return nil, &CorruptError{Kind: "document", ID: id, Err: errors.New("malformed record")}
	}
	return d, nil
}

// List returns every document, or those of one type, ordered by type, then creation time.
func (w *Wallet) List(docType string) ([]*Document, error) {
	type sealed struct {
		id   string
		data []byte
	}
	var records []sealed
	err := view(w.db, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDocuments).ForEach(func(k, v []byte) error {
			records = append(records, sealed{string(k), clone(v)})
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	// Opening a record is CPU work (age's stream reader, JSON): spread it over the cores.
	all := make([]*Document, len(records))
	errs := make([]error, len(records))
	parallel(len(records), func(i int) { all[i], errs[i] = w.openDocument(records[i].id, records[i].data) })
	var docs []*Document
	for i, d := range all {
		if errs[i] != nil {
			return nil, errs[i]
		}
		if docType == "" || d.Type == docType {
			docs = append(docs, d)
		}
	}
	sortListed(docs, func(d *Document) (string, time.Time) { return d.Type, d.CreatedAt })
	return docs, nil
}

// sortListed orders listed items by type (in schema order), then creation time, in place;
// each item's key is computed once and sorted along with it.
func sortListed[T any](items []T, key func(T) (string, time.Time)) {
	order := map[string]int{}
	for i, t := range schema.TypeNames() {
		order[t] = i
	}
	ks := listKeys[T]{items: items, rank: make([]int, len(items)), at: make([]int64, len(items))}
	for i, it := range items {
		t, at := key(it)
		ks.rank[i], ks.at[i] = order[t], at.UnixNano()
	}
	sort.Stable(ks)
}

type listKeys[T any] struct {
	items []T
	rank  []int
	at    []int64
}

func (k listKeys[T]) Len() int { return len(k.items) }
func (k listKeys[T]) Less(i, j int) bool {
	if k.rank[i] != k.rank[j] {
		return k.rank[i] < k.rank[j]
	}
	return k.at[i] < k.at[j]
}
func (k listKeys[T]) Swap(i, j int) {
	k.items[i], k.items[j] = k.items[j], k.items[i]
	k.rank[i], k.rank[j] = k.rank[j], k.rank[i]
	k.at[i], k.at[j] = k.at[j], k.at[i]
}

// Get returns the document whose ID is id or starts with it (a unique prefix).
func (w *Wallet) Get(idOrPrefix string) (*Document, error) {
	var d *Document
	err := view(w.db, func(tx *bolt.Tx) error {
		var err error
		d, err = w.getTx(tx, idOrPrefix)
		return err
	})
	return d, err
}

func (w *Wallet) getTx(tx *bolt.Tx, idOrPrefix string) (*Document, error) {
	id, err := resolveID(tx, idOrPrefix)
	if err != nil {
		return nil, err
	}
	return w.openDocument(id, tx.Bucket(bucketDocuments).Get([]byte(id)))
}

func resolveID(tx *bolt.Tx, prefix string) (string, error) {
	prefix = strings.ToLower(strings.TrimSpace(prefix))
	if prefix == "" {
		return "", &InvalidInputError{Field: "id", Reason: "empty document ID"}
	}
	var matches []string
	c := tx.Bucket(bucketDocuments).Cursor()
	for k, _ := c.Seek([]byte(prefix)); k != nil && strings.HasPrefix(string(k), prefix); k, _ = c.Next() {
		matches = append(matches, string(k))
	}
	switch len(matches) {
	case 0:
		return "", &NotFoundError{What: "document", ID: prefix}
	case 1:
		return matches[0], nil
	default:
		return "", &AmbiguousError{Prefix: prefix, Matches: matches}
	}
}

// Resolve finds the single document a selector names: an ID, a unique ID prefix, or a type
// name that exactly one document has.
func (w *Wallet) Resolve(selector string) (*Document, error) {
	if _, err := schema.LookupType(selector); err == nil {
		docs, err := w.List(selector)
		if err != nil {
			return nil, err
		}
		switch len(docs) {
		case 0:
			return nil, &NotFoundError{What: "document of type", ID: selector}
		case 1:
			return docs[0], nil
		default:
			ids := make([]string, len(docs))
			for i, d := range docs {
				ids[i] = d.ID
			}
			return nil, &AmbiguousError{Prefix: selector, Matches: ids}
		}
	}
	return w.Get(selector)
}

// putDocument seals and stores d, indexing newBlobs and unindexing dropBlobs in the same
// transaction, so a document and its attachments change together. The caller removes the
// files of dropBlobs once the transaction committed.
func (w *Wallet) putDocument(tx *bolt.Tx, d *Document, newBlobs, dropBlobs []string) error {
	sealed, err := w.sealDocument(d)
	if err != nil {
		return err
	}
	if err := indexBlobs(tx, d.ID, newBlobs); err != nil {
		return err
	}
	if err := unindexBlobs(tx, dropBlobs); err != nil {
		return err
	}
	w.listed.touch(d.ID)
	return tx.Bucket(bucketDocuments).Put([]byte(d.ID), sealed)
}

// Edit changes fields and the label of a document. set values are validated; unset names
// must be optional fields; the result must still have every required field.
func (w *Wallet) Edit(idOrPrefix string, set map[string]string, unset []string, label *string) (*Document, error) {
	return w.changeDocument(idOrPrefix, func(tx *bolt.Tx, d *Document) ([]string, error) {
		spec, err := schema.LookupType(d.Type)
		if err != nil {
			return nil, &CorruptError{Kind: "document", ID: d.ID, Err: err}
		}
		norm, err := spec.NormalizeFields(set)
		if err != nil {
			return nil, err
		}
		for _, name := range unset {
			if _, ok := spec.Field(name); !ok {
				return nil, &InvalidInputError{Field: name, Reason: "no such field for " + d.Type}
			}
			delete(d.Fields, name)
		}
		for k, v := range norm {
			d.Fields[k] = v
		}
		if err := spec.CheckRequired(d.Fields); err != nil {
			return nil, err
		}
		if err := spec.CheckDates(d.Fields, w.now()); err != nil {
			return nil, err
		}
		if label != nil {
			if d.Label, err = normalizeLabel(*label); err != nil {
				return nil, err
			}
		}
		d.UpdatedAt = w.now().UTC()
		return nil, w.putDocument(tx, d, nil, nil)
	})
}

// changeDocument loads a document inside one write transaction and lets change modify or
// delete it there, so that the record read is the record changed. change returns the blobs
// it unindexed; their files are removed once the transaction committed.
func (w *Wallet) changeDocument(idOrPrefix string, change func(tx *bolt.Tx, d *Document) ([]string, error)) (*Document, error) {
	if err := w.writable(); err != nil {
		return nil, err
	}
	var (
		d       *Document
		dropped []string
	)
	err := w.update(func(tx *bolt.Tx) error {
		var err error
		if d, err = w.getTx(tx, idOrPrefix); err != nil {
			return err
		}
		dropped, err = change(tx, d)
		return err
	})
	if err != nil {
		return nil, err
	}
	w.removeBlobFiles(dropped)
	return d, nil
}

// Remove deletes a document and its attachments in one transaction.
func (w *Wallet) Remove(idOrPrefix string) (*Document, error) {
	return w.changeDocument(idOrPrefix, func(tx *bolt.Tx, d *Document) ([]string, error) {
		ids := make([]string, len(d.Attachments))
		for i, a := range d.Attachments {
			ids[i] = a.BlobID
		}
		if err := unindexBlobs(tx, ids); err != nil {
			return nil, err
		}
		w.listed.touch(d.ID)
		return ids, tx.Bucket(bucketDocuments).Delete([]byte(d.ID))
	})
}

const maxLabelRunes = 64

func normalizeLabel(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len([]rune(s)) > maxLabelRunes {
		return "", &InvalidInputError{Field: "label", Reason: fmt.Sprintf("longer than %d characters", maxLabelRunes)}
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return "", &InvalidInputError{Field: "label", Reason: "contains control characters"}
		}
	}
	return s, nil
}

// parallel runs fn(0..n-1) on up to GOMAXPROCS goroutines and waits for all of them.
func parallel(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				fn(i)
			}
		}()
	}
	wg.Wait()
}
