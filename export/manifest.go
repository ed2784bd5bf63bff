package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/paspor/paspor/crypto"
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
	// Documents are the shared documents, with only the fields and files the holder chose.
	Documents []Document `json:"documents"`
}

// Document is one shared document.
type Document struct {
	// ID is the wallet's document ID: letters, digits, '-' and '_', at most 64 characters.
	ID string `json:"id"`
	// Type is the document type (passport, address, ...), as in the wallet's schema.
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

var (
	bundleIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)
	docIDPattern    = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	rolePattern     = regexp.MustCompile(`^(front_side|reverse_side|selfie|(file|translation)/[1-9][0-9]{0,3})$`)
	sha256Pattern   = regexp.MustCompile(`^[0-9a-f]{64}$`)
	// Names inside a bundle: plain ASCII components, so that they are safe on every file system.
	pathComponent = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$`)
)

// mediaTypeExt maps the accepted media types to the extension Write gives their files.
var mediaTypeExt = map[string]string{
	"image/jpeg":      "jpg",
	"image/png":       "png",
	"application/pdf": "pdf",
}

// parseManifest decodes and validates manifest.json strictly: unknown fields, trailing data and
// an unknown format are errors, since a bundle/1 reader must not guess what it does not know.
func parseManifest(data []byte) (*Manifest, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("failed to decode manifest: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("failed to decode manifest: trailing data")
	}
	if err := checkUniqueKeys(data); err != nil {
		return nil, err
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

// checkUniqueKeys refuses an object that names a key twice: encoding/json keeps the last
// value, other parsers the first, so one signed manifest could be read two ways by two tools.
func checkUniqueKeys(data []byte) error {
	type frame struct {
		keys      map[string]bool // nil for an array
		expectKey bool
	}
	var stack []*frame
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("failed to decode manifest: %w", err)
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{keys: map[string]bool{}, expectKey: true})
			continue
		case json.Delim('['):
			stack = append(stack, &frame{})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				continue
			}
			top = stack[len(stack)-1]
		default:
			if key, ok := tok.(string); ok && top != nil && top.keys != nil && top.expectKey {
				if top.keys[key] {
					return errors.New("failed to decode manifest: duplicate key")
				}
				top.keys[key], top.expectKey = true, false
				continue
			}
		}
		// A value ended: in an object, a key comes next.
		if top != nil && top.keys != nil {
			top.expectKey = true
		}
	}
}

func (m *Manifest) validate() error {
	if m.Format != Format {
		return errors.New("unknown format")
	}
	if !bundleIDPattern.MatchString(m.BundleID) {
		return errors.New("invalid bundle_id")
	}
	if m.CreatedAt.IsZero() || !m.ExpiresAt.After(m.CreatedAt) {
		return errors.New("invalid created_at or expires_at")
	}
	// Exactly the canonical "ssh-ed25519 <base64>", so that one key has one spelling.
	if pub, err := crypto.ParseHolderKey(m.Holder); err != nil || crypto.SSHPublicKeyLine(pub, "") != m.Holder {
		return errors.New("invalid holder key")
	}
	if len(m.Audience) == 0 {
		return errors.New("empty audience")
	}
	paths := map[string]bool{}
	for i := range m.Documents {
		if err := m.Documents[i].validate(paths); err != nil {
			return fmt.Errorf("document %d: %w", i+1, err)
		}
	}
	return nil
}

func (d *Document) validate(paths map[string]bool) error {
	if !docIDPattern.MatchString(d.ID) || d.Type == "" {
		return errors.New("invalid id or type")
	}
	if d.Fields == nil {
		return errors.New("missing fields")
	}
	for j, f := range d.Files {
		if !rolePattern.MatchString(f.Role) || mediaTypeExt[f.MediaType] == "" {
			return fmt.Errorf("file %d: invalid role or media_type", j+1)
		}
		if f.Size < 0 || !sha256Pattern.MatchString(f.SHA256) {
			return fmt.Errorf("file %d: invalid size or sha256", j+1)
		}
		if !strings.HasPrefix(f.Path, filesPrefix) || !safeEntryName(f.Path) || paths[strings.ToLower(f.Path)] {
			return fmt.Errorf("file %d: unsafe or duplicate path", j+1)
		}
		// Case-folded, so that no two files collide on a case-insensitive file system.
		paths[strings.ToLower(f.Path)] = true
	}
	return nil
}

// safeEntryName reports whether name is a relative path of plain components that extracts to
// exactly one place on any file system: no "..", no absolute path, no backslashes or odd bytes.
func safeEntryName(name string) bool {
	if name == "" || len(name) > 255 {
		return false
	}
	for c := range strings.SplitSeq(name, "/") {
		if !pathComponent.MatchString(c) || c == "." || c == ".." {
			return false
		}
	}
	return true
}

// filePath is the entry name Write gives an attachment.
func filePath(docID, role, mediaType string) string {
	return filesPrefix + docID + "/" + strings.ReplaceAll(role, "/", "-") + "." + mediaTypeExt[mediaType]
}
