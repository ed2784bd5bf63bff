package export

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/internal/termsafe"
	"github.com/paspor/paspor/wallet/schema"
)

// Format is the manifest's "format" value for this version of the bundle format.
const Format = "paspor-bundle/1"

// Namespace is the SSHSIG namespace of SHA256SUMS.sig, so that a holder's signature on a
// bundle can never be replayed as a signature on anything else (git commits, files).
const Namespace = "paspor-bundle"

// Names of the fixed tar entries.
const (
	manifestName = "manifest.json"
	sumsName     = "SHA256SUMS"
	sigName      = "SHA256SUMS.sig"
	filesPrefix  = "files/"
)

// Caps on what is held in memory while opening; a real manifest is a few KiB.
const (
	maxManifestSize = 4 << 20
	maxSumsSize     = 4 << 20
	maxSigSize      = 16 << 10
	maxEntries      = 1000 // a bundle holds a few documents of a few files each
)

// Manifest is manifest.json: what the bundle holds, who made it and for whom. It is covered
// by SHA256SUMS, so everything in it is signed by the holder.
type Manifest struct {
	// Format is always [Format].
	Format string `json:"format"`
	// BundleID is 32 lowercase hex digits (16 random bytes); it names the folder Open creates.
	BundleID string `json:"bundle_id"`
	// CreatedAt is when the bundle was written (UTC, whole seconds).
	CreatedAt time.Time `json:"created_at"`
	// ExpiresAt is after which a partner must refuse the bundle.
	ExpiresAt time.Time `json:"expires_at"`
	// Holder is the holder's signing key, "ssh-ed25519 AAAA..." without comment.
	Holder string `json:"holder"`
	// Audience lists the canonical recipient strings the bundle was encrypted to.
	Audience []string `json:"audience"`
	// Nonce is the partner's request nonce, if it gave one.
	Nonce string `json:"nonce,omitempty"`
	// Purpose is free text from the holder saying why the bundle was shared.
	Purpose string `json:"purpose,omitempty"`
	// RequestID is the ID of the paspor-request/1 the bundle answers (32 lowercase hex
	// digits), if it answers one.
	RequestID string `json:"request_id,omitempty"`
	// Documents are the shared documents, with only the fields and files the holder chose.
	Documents []Document `json:"documents"`
}

// Document is one shared document.
type Document struct {
	// ID is the wallet's document ID: letters, digits, '-' and '_', at most 64 characters.
	ID string `json:"id"`
	// Type is the document type (passport, address, ...), one of the wallet's types.
	Type string `json:"type"`
	// Label is an optional name for the document. paspor share never fills it (labels are the
	// holder's private notes); readers must accept it.
	Label string `json:"label,omitempty"`
	// Fields maps Telegram Passport field names to values.
	Fields map[string]string `json:"fields"`
	// Files are the attachments shared with the document.
	Files []File `json:"files,omitempty"`
}

// File is one attachment inside the bundle.
type File struct {
	// Role is front_side, reverse_side, selfie, file/N or translation/N.
	Role string `json:"role"`
	// Path is the tar entry name, "files/<document id>/<role, '/' as '-'>.<ext>"; [Write] sets it.
	Path string `json:"path"`
	// MediaType is image/jpeg, image/png or application/pdf.
	MediaType string `json:"media_type"`
	// Size is the content length in bytes.
	Size int64 `json:"size"`
	// SHA256 is the lowercase hex SHA-256 of the content.
	SHA256 string `json:"sha256"`
}

// Limits of the manifest's values; docs/bundle-format.md states each.
const (
	maxAudience     = 64
	maxPurposeRunes = 512
	maxLabelRunes   = 64
	// MaxTTL is the longest a bundle may be valid: expires_at - created_at.
	MaxTTL = 5 * 365 * 24 * time.Hour
)

var (
	bundleIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)
	// Document IDs are lower case, so that no two file paths differ only in case.
	docIDPattern  = regexp.MustCompile(`^[0-9a-z_-]{1,64}$`)
	sha256Pattern = regexp.MustCompile(`^[0-9a-f]{64}$`)
	noncePattern  = regexp.MustCompile(`^[\x21-\x7e]{1,256}$`)
	// A request ID has the spelling of a bundle ID.
	requestIDPattern = bundleIDPattern
	// Names inside a bundle: lower-case ASCII components, so that they are safe and distinct
	// on every file system (the three fixed names are the only upper-case ones).
	pathComponent = regexp.MustCompile(`^[a-z0-9_][a-z0-9._-]{0,99}$`)
	// windowsDevices are names Windows maps to devices, with any extension ("nul.jpg").
	windowsDevices = regexp.MustCompile(`^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\.|$)`)
)

// mediaTypeExt maps the accepted media types to the extension Write gives their files.
var mediaTypeExt = map[string]string{
	"image/jpeg":      "jpg",
	"image/png":       "png",
	"application/pdf": "pdf",
}

// parseManifest decodes and validates manifest.json strictly (see checkStrictJSON): a
// bundle/1 reader must not guess what it does not know, nor read what another reader reads
// differently.
func parseManifest(data []byte) (*Manifest, error) {
	if err := checkStrictJSON(data, manifestSpec); err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("failed to decode manifest: %w", err)
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

func (m *Manifest) validate() error {
	if m.Format != Format {
		return errors.New("unknown format")
	}
	if !bundleIDPattern.MatchString(m.BundleID) {
		return errors.New("invalid bundle_id")
	}
	// created_at is every entry's tar mtime, which 11 octal digits hold until 2242.
	if !wholeUTCSecond(m.CreatedAt) || !wholeUTCSecond(m.ExpiresAt) || m.CreatedAt.Year() < 2000 || m.CreatedAt.Unix() > maxOctal11 {
		return errors.New("invalid created_at or expires_at")
	}
	if !m.ExpiresAt.After(m.CreatedAt) || m.ExpiresAt.Sub(m.CreatedAt) > MaxTTL {
		return errors.New("expires_at must be after created_at, by at most 5 years")
	}
	// Exactly the canonical "ssh-ed25519 <base64>", so that one key has one spelling.
	if pub, err := crypto.ParseHolderKey(m.Holder); err != nil || crypto.SSHPublicKeyLine(pub, "") != m.Holder {
		return errors.New("invalid holder key")
	}
	if err := checkAudience(m.Audience); err != nil {
		return err
	}
	if m.Nonce != "" && !noncePattern.MatchString(m.Nonce) {
		return ErrInvalidNonce
	}
	if m.Purpose != "" && (!termsafe.Clean(m.Purpose) || utf8.RuneCountInString(m.Purpose) > maxPurposeRunes) {
		return ErrInvalidPurpose
	}
	if m.RequestID != "" && !requestIDPattern.MatchString(m.RequestID) {
		return ErrInvalidRequestID
	}
	if len(m.Documents) == 0 {
		return errors.New("no documents")
	}
	ids := map[string]bool{}
	files := 0
	for i := range m.Documents {
		d := &m.Documents[i]
		if err := d.validate(); err != nil {
			return fmt.Errorf("document %d: %w", i+1, err)
		}
		if ids[d.ID] {
			return fmt.Errorf("document %d: duplicate id", i+1)
		}
		ids[d.ID] = true
		files += len(d.Files)
	}
	if files > maxEntries-len(fixedOrder) {
		return errTooManyFiles
	}
	return nil
}

// Errors [Write] returns for a nonce, purpose or request ID the format cannot carry.
var (
	ErrInvalidNonce   = errors.New("a nonce is 1 to 256 visible ASCII characters (no spaces)")
	ErrInvalidPurpose = errors.New("a purpose is at most 512 characters of printable text (no control, bidi or format characters)")
	// ErrInvalidRequestID: a request ID is 32 lowercase hex digits.
	ErrInvalidRequestID = errors.New("a request ID is 32 lowercase hex digits")
)

var errTooManyFiles = fmt.Errorf("more than %d files", maxEntries-3)

// wholeUTCSecond: the only times the grammar admits, as encoding/json decodes them.
func wholeUTCSecond(t time.Time) bool {
	return !t.IsZero() && t.Location() == time.UTC && t.Nanosecond() == 0 && t.Year() <= 9999
}

// checkAudience: each entry is a recipient in its canonical spelling, none twice, all of one
// kind (classic or post-quantum), as ParseRecipients makes them.
func checkAudience(audience []string) error {
	if len(audience) == 0 || len(audience) > maxAudience {
		return errors.New("audience must hold 1 to 64 recipients")
	}
	if rs, err := ParseRecipients(audience); err != nil || !slices.Equal(rs.audience, audience) {
		return errors.New("audience holds an invalid, non-canonical, duplicate or mixed recipient")
	}
	return nil
}

func (d *Document) validate() error {
	if !docIDPattern.MatchString(d.ID) || windowsDevices.MatchString(d.ID) {
		return errors.New("invalid id")
	}
	t, err := schema.LookupType(d.Type)
	if err != nil {
		return errors.New("unknown document type")
	}
	if d.Label != "" && (!termsafe.Clean(d.Label) || utf8.RuneCountInString(d.Label) > maxLabelRunes) {
		return errors.New("invalid label")
	}
	if d.Fields == nil {
		return errors.New("missing fields")
	}
	// Every value as the wallet stores it: valid for its field, and in its canonical form.
	for _, name := range slices.Sorted(maps.Keys(d.Fields)) {
		if norm, err := t.NormalizeField(name, d.Fields[name]); err != nil || norm != d.Fields[name] {
			return errors.New("a field is unknown to the type or its value is invalid")
		}
	}
	for j, f := range d.Files {
		ref, err := schema.ParseRole(f.Role)
		if err != nil || ref.String() != f.Role || t.CheckRole(ref) != nil {
			return fmt.Errorf("file %d: invalid role for %s", j+1, d.Type)
		}
		if mediaTypeExt[f.MediaType] == "" {
			return fmt.Errorf("file %d: invalid media_type", j+1)
		}
		if f.Size < 0 || !sha256Pattern.MatchString(f.SHA256) {
			return fmt.Errorf("file %d: invalid size or sha256", j+1)
		}
		if f.Path != filePath(d.ID, f.Role, f.MediaType) {
			return fmt.Errorf("file %d: path is not %s", j+1, "files/<id>/<role>.<ext>")
		}
	}
	return nil
}

// files lists the manifest's files in manifest order: the order of their tar entries.
func (m *Manifest) files() []File {
	var out []File
	for _, d := range m.Documents {
		out = append(out, d.Files...)
	}
	return out
}

// file finds a listed file by path.
func (m *Manifest) file(path string) (File, bool) {
	for _, d := range m.Documents {
		for _, f := range d.Files {
			if f.Path == path {
				return f, true
			}
		}
	}
	return File{}, false
}

// safeEntryName reports whether name is one of the fixed entries or a relative path of plain
// lower-case components that extracts to exactly one place on any file system: no "..", no
// absolute path, no backslash, no trailing dot, no Windows device name, at most 255 bytes.
func safeEntryName(name string) bool {
	if isFixed(name) {
		return true
	}
	if name == "" || len(name) > 255 {
		return false
	}
	for c := range strings.SplitSeq(name, "/") {
		if !pathComponent.MatchString(c) || strings.HasSuffix(c, ".") || windowsDevices.MatchString(c) {
			return false
		}
	}
	return true
}

// filePath is the entry name Write gives an attachment.
func filePath(docID, role, mediaType string) string {
	return filesPrefix + docID + "/" + strings.ReplaceAll(role, "/", "-") + "." + mediaTypeExt[mediaType]
}
