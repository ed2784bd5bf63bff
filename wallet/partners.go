package wallet

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

const kindPartner = "partner"

// KnownPartner is a partner the holder has shared with in answer to a signed request: its
// display name pinned to the signing key it used (trust on first use, as SSH's known_hosts).
// A later request under the same name with another key is a changed key, which the holder
// must accept explicitly. It is sealed like every record; its bbolt key is random, so not even
// the partner's name is readable from the wallet file.
type KnownPartner struct {
	// Name is the partner's display name as its first answered request gave it.
	Name string `json:"name"`
	// SigningKey is the partner's "ssh-ed25519 <base64>" key line.
	SigningKey string `json:"signing_key"`
	// FirstShared and LastShared are when the holder first and last answered this partner.
	FirstShared time.Time `json:"first_shared"`
	LastShared  time.Time `json:"last_shared"`
	// Shares counts the answered requests.
	Shares int `json:"shares"`
}

// sameName compares display names for pinning: "Example Bank" and "example bank" are one
// partner (Unicode case folding), so a look-alike spelled in another case cannot pass as a
// new partner.
func sameName(a, b string) bool { return strings.EqualFold(a, b) }

// Partners lists the known partners, in no particular order.
func (w *Wallet) Partners() ([]KnownPartner, error) {
	var out []KnownPartner
	err := eachSealed(w, bucketPartners, kindPartner, "partner record", func(_ string, p *KnownPartner) error {
		out = append(out, *p)
		return nil
	})
	return out, err
}

// LookupPartner returns the partner pinned under name (compared case-insensitively), and the
// partners known under another name with key (the same signing key used under two names).
// p is nil when no partner has that name.
func (w *Wallet) LookupPartner(name, key string) (p *KnownPartner, sameKey []KnownPartner, err error) {
	all, err := w.Partners()
	if err != nil {
		return nil, nil, err
	}
	for i := range all {
		switch {
		case sameName(all[i].Name, name):
			p = &all[i]
		case all[i].SigningKey == key:
			sameKey = append(sameKey, all[i])
		}
	}
	return p, sameKey, nil
}

// pinPartner records in tx that the holder answered name signed by key at t: a new partner
// is added, a known one gets the key (the caller has had a changed key accepted) and the time.
func (w *Wallet) pinPartner(tx *bolt.Tx, name, key string, t time.Time) error {
	if name == "" || key == "" {
		return errors.New("failed to pin partner: empty name or key")
	}
	id, rec := "", KnownPartner{Name: name, SigningKey: key, FirstShared: t}
	if b := tx.Bucket(bucketPartners); b != nil {
		err := b.ForEach(func(k, sealed []byte) error {
			p, err := openSealed[KnownPartner](w, kindPartner, "partner record", string(k), sealed)
			if err != nil {
				return err
			}
			if sameName(p.Name, name) {
				id, rec = string(k), *p
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if id == "" {
		var b [16]byte
		if _, err := rand.Read(b[:]); err != nil {
			return err
		}
		id = hex.EncodeToString(b[:])
	}
	rec.SigningKey, rec.LastShared = key, t
	rec.Shares++
	return w.putSealed(tx, bucketPartners, kindPartner, id, rec)
}
