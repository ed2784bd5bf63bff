package backup

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paspor/paspor/internal/termsafe"
	"github.com/paspor/paspor/wallet/schema"
)

// Format is the manifest's "format" value for this version of the backup format.
const Format = "paspor-backup/1"

// Namespace is the SSHSIG namespace of SHA256SUMS.sig: a backup's signature can never be
// replayed as a bundle's (namespace "paspor-bundle") or anything else's.
const Namespace = "paspor-backup"

// Names of the fixed tar entries, in the order they appear.
const (
	manifestName = "manifest.json"
	sumsName     = "SHA256SUMS"
	sigName      = "SHA256SUMS.sig"
	holderPub    = "holder.pub"
	holderKey    = "holder.key"
	historyName  = "history.json"
	feedbackName = "feedback.json"
	docsPrefix   = "documents/"
	docFileName  = "document.json"
)

// Caps on what a reader holds in memory; docs/backup-format.md states each.
const (
	maxManifestSize = 4 << 20
	maxSumsSize     = 16 << 20
	maxSigSize      = 16 << 10
	maxKeySize      = 16 << 10
	maxHistorySize  = 64 << 20
	maxFeedbackSize = 64 << 20
	maxDocSize      = 1 << 20
	maxDocuments    = 100_000
	maxAttachments  = 64 // per document
	maxShares       = 1_000_000
	maxFeedback     = 1_000_000
)

// Manifest is manifest.json: which wallet the backup is of, when it was made, by which
// holder key, and what it holds.
type Manifest struct {
	// Format is always [Format].
	Format string `json:"format"`
	// WalletID is the ID of the wallet backed up (32 lowercase hex digits).
	WalletID string `json:"wallet_id"`
	// CreatedAt is when the backup was written (UTC, whole seconds); every tar entry's mtime.
	CreatedAt time.Time `json:"created_at"`
	// Holder is the holder's public key, "ssh-ed25519 AAAA..." without comment.
	Holder string `json:"holder"`
	// Counts say how many of each thing the backup holds.
	Counts Counts `json:"counts"`
	// Documents lists the document IDs, in the order of their entries.
	Documents []string `json:"documents"`
}

// Counts are the manifest's tallies; a reader checks each against the content.
type Counts struct {
	Documents int `json:"documents"`
	Scans     int `json:"scans"`
	Shares    int `json:"shares"`
	Feedback  int `json:"feedback"`
}

// Document is documents/<id>/document.json: one document as the wallet holds it.
type Document struct {
	ID          string            `json:"id"`
	Type        string            `json:"type"`
	Label       string            `json:"label,omitempty"`
	Fields      map[string]string `json:"fields"`
	CreatedAt   time.Time         `json:"created_at"`
	UpdatedAt   time.Time         `json:"updated_at"`
	Attachments []Attachment      `json:"attachments"`
}

// Attachment is one scan of a document; its content is the tar entry named Path.
type Attachment struct {
	// Role is front_side, reverse_side, selfie, file/N or translation/N.
	Role string `json:"role"`
	// Path is "documents/<id>/<role, '/' as '-'>.<ext>"; [Write] sets it.
	Path string `json:"path"`
	// MediaType is image/jpeg, image/png or application/pdf.
	MediaType string `json:"media_type"`
	// Size is the content length in bytes.
	Size int64 `json:"size"`
	// SHA256 is the lowercase hex SHA-256 of the content.
	SHA256 string `json:"sha256"`
}

// Share is one entry of history.json: a bundle the holder handed out (names, no values).
type Share struct {
	BundleID  string    `json:"bundle_id"`
	CreatedAt time.Time `json:"created_at"`
	// ExpiresAt is the zero time, 0001-01-01T00:00:00Z, for a Telegram Passport share,
	// which has no expiry.
	ExpiresAt time.Time `json:"expires_at"`
	Audience  []string  `json:"audience"`
	Nonce     string    `json:"nonce,omitempty"`
	Purpose   string    `json:"purpose,omitempty"`
	// RequestID, Partner and PartnerKey are set, all three, when the share answered a signed
	// request: its ID, the partner's display name and its "ssh-ed25519 <base64>" key.
	RequestID  string `json:"request_id,omitempty"`
	Partner    string `json:"partner,omitempty"`
	PartnerKey string `json:"partner_key,omitempty"`
	// Partial is true when the bundle left out mandatory items of the request.
	Partial   bool             `json:"partial,omitempty"`
	Documents []SharedDocument `json:"documents"`
}

// SharedDocument names what of one document went into a shared bundle.
type SharedDocument struct {
	ID          string   `json:"id"`
	Type        string   `json:"type"`
	Fields      []string `json:"fields"`
	Attachments []string `json:"attachments"`
}

// Contents is everything a backup holds except the scans' bytes.
type Contents struct {
	// WalletID is the ID of the wallet backed up.
	WalletID string
	// Documents are the documents, with their attachments' declared size and hash.
	Documents []Document
	// History is the share history, oldest first.
	History []Share
	// Feedback is the received partner feedback.
	Feedback []Feedback
}

var (
	walletIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)
	// Document IDs as the wallet makes them: 8 characters of lower-case Crockford base32.
	docIDPattern  = regexp.MustCompile(`^[0-9a-hjkmnp-tv-z]{8}$`)
	sha256Pattern = regexp.MustCompile(`^[0-9a-f]{64}$`)
	noncePattern  = regexp.MustCompile(`^[\x21-\x7e]{1,256}$`)
)

var mediaTypeExt = map[string]string{
	"image/jpeg":      "jpg",
	"image/png":       "png",
	"application/pdf": "pdf",
}

// scanPath is the entry name of a document's scan.
func scanPath(docID, role, mediaType string) string {
	return docsPrefix + docID + "/" + strings.ReplaceAll(role, "/", "-") + "." + mediaTypeExt[mediaType]
}

// docPath is the entry name of a document's JSON.
func docPath(docID string) string { return docsPrefix + docID + "/" + docFileName }

// wholeUTCSecond: a time as the format writes it.
func wholeUTCSecond(t time.Time) bool {
	return !t.IsZero() && t.Location() == time.UTC && t.Nanosecond() == 0 && t.Year() >= 2000 && t.Year() <= 9999
}

// validTime accepts any UTC time the wallet stores (document times keep sub-seconds).
func validTime(t time.Time) bool {
	return !t.IsZero() && t.Location() == time.UTC && t.Year() >= 2000 && t.Year() <= 9999
}

func (m *Manifest) validate() error {
	switch {
	case m.Format != Format:
		return errors.New("unknown format")
	case !walletIDPattern.MatchString(m.WalletID):
		return errors.New("invalid wallet_id")
	case !wholeUTCSecond(m.CreatedAt) || m.CreatedAt.Unix() > maxOctal11:
		return errors.New("invalid created_at")
	case len(m.Documents) > maxDocuments:
		return errors.New("too many documents")
	case m.Counts.Documents != len(m.Documents):
		return errors.New("counts.documents differs from the documents listed")
	case m.Counts.Scans < 0 || m.Counts.Shares < 0 || m.Counts.Feedback < 0:
		return errors.New("negative count")
	}
	seen := map[string]bool{}
	for _, id := range m.Documents {
		if !docIDPattern.MatchString(id) || seen[id] {
			return errors.New("invalid or repeated document id")
		}
		seen[id] = true
	}
	return nil
}

func (d *Document) validate(maxScan int64) error {
	if !docIDPattern.MatchString(d.ID) {
		return errors.New("invalid id")
	}
	t, err := schema.LookupType(d.Type)
	if err != nil {
		return errors.New("unknown document type")
	}
	if !validLabel(d.Label) {
		return errors.New("invalid label")
	}
	if d.Fields == nil || !validTime(d.CreatedAt) || !validTime(d.UpdatedAt) {
		return errors.New("missing fields or invalid times")
	}
	// Every value as the wallet stores it: valid for its field, and in its canonical form.
	for _, name := range slices.Sorted(maps.Keys(d.Fields)) {
		if norm, err := t.NormalizeField(name, d.Fields[name]); err != nil || norm != d.Fields[name] {
			return errors.New("a field is unknown to the type or its value is invalid")
		}
	}
	if err := t.CheckRequired(d.Fields); err != nil {
		return errors.New("a required field is missing")
	}
	if len(d.Attachments) > maxAttachments {
		return errors.New("too many attachments")
	}
	roles := map[string]bool{}
	for j, a := range d.Attachments {
		ref, err := schema.ParseRole(a.Role)
		if err != nil || ref.String() != a.Role || t.CheckRole(ref) != nil || roles[a.Role] {
			return fmt.Errorf("attachment %d: invalid or repeated role for %s", j+1, d.Type)
		}
		roles[a.Role] = true
		if mediaTypeExt[a.MediaType] == "" {
			return fmt.Errorf("attachment %d: invalid media_type", j+1)
		}
		if a.Size < 0 || a.Size > maxScan || !sha256Pattern.MatchString(a.SHA256) {
			return fmt.Errorf("attachment %d: invalid size or sha256", j+1)
		}
		if a.Path != scanPath(d.ID, a.Role, a.MediaType) {
			return fmt.Errorf("attachment %d: path is not documents/<id>/<role>.<ext>", j+1)
		}
	}
	return nil
}

func (s *Share) validate() error {
	switch {
	case !walletIDPattern.MatchString(s.BundleID):
		return errors.New("invalid bundle_id")
	// A Telegram Passport share has no expiry: its expires_at is the zero time.
	case !validTime(s.CreatedAt) || (!s.ExpiresAt.IsZero() && !validTime(s.ExpiresAt)):
		return errors.New("invalid times")
	case len(s.Audience) == 0 || len(s.Audience) > 64:
		return errors.New("invalid audience")
	case s.Nonce != "" && !noncePattern.MatchString(s.Nonce):
		return errors.New("invalid nonce")
	case s.Purpose != "" && (!termsafe.Clean(s.Purpose) || utf8.RuneCountInString(s.Purpose) > 512):
		return errors.New("invalid purpose")
	}
	if err := s.validateRequest(); err != nil {
		return err
	}
	for _, a := range s.Audience {
		if a == "" || len(a) > 16<<10 || !termsafe.Clean(a) {
			return errors.New("invalid audience")
		}
	}
	for _, d := range s.Documents {
		if !docIDPattern.MatchString(d.ID) {
			return errors.New("invalid document id")
		}
		if _, err := schema.LookupType(d.Type); err != nil {
			return errors.New("unknown document type")
		}
		for _, n := range append(slices.Clone(d.Fields), d.Attachments...) {
			if n == "" || len(n) > 64 || !termsafe.Clean(n) {
				return errors.New("invalid field or attachment name")
			}
		}
	}
	return nil
}

// validLabel is the wallet's rule for labels: at most 64 runes of UTF-8 without control
// characters or surrounding space (the CLI escapes whatever else it prints).
func validLabel(s string) bool {
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > 64 || strings.TrimSpace(s) != s {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}
