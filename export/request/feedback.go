package request

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"time"

	"filippo.io/age"
	"filippo.io/age/agessh"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/wallet/schema"
)

// FeedbackFormat is the "format" value of feedback.
const FeedbackFormat = "paspor-feedback/1"

// FeedbackNamespace is the SSHSIG namespace of feedback.
const FeedbackNamespace = "paspor-feedback"

// Caps of feedback.
const (
	// MaxFeedbackSize caps the decrypted feedback file; the age file may be a little larger.
	MaxFeedbackSize = 256 << 10
	// MaxFeedbackItems caps the items of one feedback.
	MaxFeedbackItems = 100
	// MaxFileHashes caps file_hashes of one item.
	MaxFileHashes = 64
	maxMessage    = 512 // runes
)

// Sources of a feedback item: Telegram's PassportElementError sources.
const (
	SourceData             = "data"
	SourceFrontSide        = "front_side"
	SourceReverseSide      = "reverse_side"
	SourceSelfie           = "selfie"
	SourceFile             = "file"
	SourceFiles            = "files"
	SourceTranslationFile  = "translation_file"
	SourceTranslationFiles = "translation_files"
	SourceUnspecified      = "unspecified"
)

// sourceRole is the schema role each file source refers to, and whether it takes a list.
var sourceRole = map[string]struct {
	role string
	list bool
}{
	SourceFrontSide:        {"front_side", false},
	SourceReverseSide:      {"reverse_side", false},
	SourceSelfie:           {"selfie", false},
	SourceFile:             {"file", false},
	SourceFiles:            {"file", true},
	SourceTranslationFile:  {"translation", false},
	SourceTranslationFiles: {"translation", true},
}

var (
	hashPattern  = regexp.MustCompile(`^[0-9a-f]{64}$`)
	docIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
)

// Feedback is a paspor-feedback/1 document: a partner's problems with a bundle it received.
type Feedback struct {
	// Format is always [FeedbackFormat].
	Format string `json:"format"`
	// FeedbackID is 32 lowercase hex digits.
	FeedbackID string `json:"feedback_id"`
	// BundleID is the bundle_id of the bundle the feedback is about.
	BundleID string `json:"bundle_id"`
	// RequestID is the request the bundle answered, if any.
	RequestID string `json:"request_id,omitempty"`
	// CreatedAt is when the feedback was written (UTC, whole seconds).
	CreatedAt time.Time `json:"created_at"`
	// Partner is the partner's display name.
	Partner string `json:"partner"`
	// SigningKey is the partner's "ssh-ed25519 <base64>" key.
	SigningKey string `json:"signing_key"`
	// Holder is the bundle's holder key, to which the feedback is encrypted.
	Holder string `json:"holder"`
	// Items are the problems, at least one.
	Items []FeedbackItem `json:"items"`
}

// FeedbackItem is one problem, as a Telegram PassportElementError: a source, the document it
// is about, what it names (a field and the hash of its value, or the hashes of files, as they
// were shared), and a message for the holder.
type FeedbackItem struct {
	// Source is one of the Source constants.
	Source string `json:"source"`
	// DocumentID is the document's ID in the bundle.
	DocumentID string `json:"document_id"`
	// Type is the document's type in the bundle.
	Type string `json:"type"`
	// Field is the field name (source data only).
	Field string `json:"field,omitempty"`
	// DataHash is [FieldHash] of the field's value as shared (source data only).
	DataHash string `json:"data_hash,omitempty"`
	// FileHash is the file's sha256 as in the manifest (single-file sources).
	FileHash string `json:"file_hash,omitempty"`
	// FileHashes are the files' sha256 values (files and translation_files).
	FileHashes []string `json:"file_hashes,omitempty"`
	// Message says what is wrong.
	Message string `json:"message"`
}

// FieldHash is the data_hash of a field value: lowercase hex SHA-256 of its UTF-8 bytes.
func FieldHash(value string) string {
	sum := sha256.Sum256([]byte(value))
	return hex.EncodeToString(sum[:])
}

// NewFeedbackID returns a fresh random feedback ID.
func NewFeedbackID() (string, error) { return randomHex(16) }

// SealFeedback validates fb, signs it with priv (whose public half must be fb.SigningKey) and
// writes it to w encrypted with age to fb.Holder.
func SealFeedback(w io.Writer, fb *Feedback, priv ed25519.PrivateKey) error {
	if err := fb.validate(); err != nil {
		return err
	}
	if len(priv) != ed25519.PrivateKeySize || crypto.SSHPublicKeyLine(priv.Public().(ed25519.PublicKey), "") != fb.SigningKey {
		return errors.New("failed to sign feedback: the key is not the feedback's signing_key")
	}
	line, err := encodeCanonical(fb)
	if err != nil {
		return err
	}
	file, err := seal(line, priv, FeedbackNamespace)
	if err != nil {
		return err
	}
	rcpt, err := agessh.ParseRecipient(fb.Holder)
	if err != nil {
		return fmt.Errorf("failed to encrypt feedback: %w", err)
	}
	aw, err := age.Encrypt(w, rcpt)
	if err != nil {
		return fmt.Errorf("failed to encrypt feedback: %w", err)
	}
	if _, err := aw.Write(file); err != nil {
		return fmt.Errorf("failed to write feedback: %w", err)
	}
	if err := aw.Close(); err != nil {
		return fmt.Errorf("failed to write feedback: %w", err)
	}
	return nil
}

// FeedbackOptions say what [OpenFeedback] checks.
type FeedbackOptions struct {
	// Identities decrypt the feedback: the holder's ssh-ed25519 identity.
	Identities []age.Identity
	// Holder is the holder's public key; the feedback's holder field must name it.
	Holder ed25519.PublicKey
	// Partner is the signing key of the partner the bundle went to; required.
	Partner ed25519.PublicKey
	// BundleID, when not "", is the bundle the feedback must be about.
	BundleID string
}

// OpenFeedback decrypts and parses feedback strictly, then checks that it is signed by
// opts.Partner, encrypted for opts.Holder and about opts.BundleID.
func OpenFeedback(r io.Reader, opts FeedbackOptions) (*Feedback, error) {
	const what = "feedback"
	if opts.Partner == nil || opts.Holder == nil || len(opts.Identities) == 0 {
		return nil, errors.New("failed to open feedback: the partner key, holder key and an identity are required")
	}
	plain, err := age.Decrypt(r, opts.Identities...)
	if err != nil {
		return nil, reject(what, ReasonDecrypt, "not age-encrypted to this holder")
	}
	data, err := readCapped(what, plain, MaxFeedbackSize)
	if err != nil {
		var re *RejectedError
		if errors.As(err, &re) {
			return nil, err
		}
		return nil, reject(what, ReasonDecrypt, "the age payload is damaged")
	}
	fb, err := parseFeedback(data)
	if err != nil {
		return nil, err
	}
	if !fb.signingKey().Equal(opts.Partner) {
		return nil, reject(what, ReasonSigner, "signed by %s, not by the partner the bundle went to", crypto.Fingerprint(fb.signingKey()))
	}
	if fb.Holder != crypto.SSHPublicKeyLine(opts.Holder, "") {
		return nil, reject(what, ReasonHolder, "written for another holder key")
	}
	if opts.BundleID != "" && fb.BundleID != opts.BundleID {
		return nil, reject(what, ReasonBundle, "about bundle %s, not the one expected", fb.BundleID)
	}
	return fb, nil
}

// parseFeedback reads a decrypted feedback file and verifies its signature by its own key.
func parseFeedback(data []byte) (*Feedback, error) {
	const what = "feedback"
	line, sig, err := split(what, data)
	if err != nil {
		return nil, err
	}
	var fb Feedback
	if err := decodeStrict(what, line, &fb); err != nil {
		return nil, err
	}
	if fb.Format != FeedbackFormat {
		return nil, reject(what, ReasonFormat, "not %s", FeedbackFormat)
	}
	if canon, err := encodeCanonical(&fb); err != nil || !bytes.Equal(canon, line) {
		return nil, reject(what, ReasonNotCanonical, "the JSON line is not in canonical form")
	}
	if err := fb.validate(); err != nil {
		return nil, err
	}
	if err := verify(what, line, sig, FeedbackNamespace, fb.signingKey()); err != nil {
		return nil, err
	}
	return &fb, nil
}

func (fb *Feedback) signingKey() ed25519.PublicKey {
	pub, _ := parseSigningKey("feedback", fb.SigningKey)
	return pub
}

func (fb *Feedback) validate() error {
	const what = "feedback"
	if fb.Format != FeedbackFormat {
		return reject(what, ReasonFormat, "not %s", FeedbackFormat)
	}
	if !idPattern.MatchString(fb.FeedbackID) || !idPattern.MatchString(fb.BundleID) ||
		fb.RequestID != "" && !idPattern.MatchString(fb.RequestID) {
		return reject(what, ReasonInvalid, "feedback_id, bundle_id and request_id are 32 lowercase hex digits")
	}
	if err := checkTime(what, "created_at", fb.CreatedAt); err != nil {
		return err
	}
	if err := checkText(what, "partner", fb.Partner, maxPartner); err != nil {
		return err
	}
	if _, err := parseSigningKey(what, fb.SigningKey); err != nil {
		return err
	}
	if pub, err := crypto.ParseHolderKey(fb.Holder); err != nil || crypto.SSHPublicKeyLine(pub, "") != fb.Holder {
		return reject(what, ReasonInvalid, "holder is not a canonical ssh-ed25519 key line")
	}
	if len(fb.Items) == 0 {
		return reject(what, ReasonInvalid, "no items")
	}
	if len(fb.Items) > MaxFeedbackItems {
		return reject(what, ReasonTooLarge, "more than %d items", MaxFeedbackItems)
	}
	for i := range fb.Items {
		if err := fb.Items[i].validate(); err != nil {
			err.Detail = "item " + itoa(i+1) + ": " + err.Detail
			return err
		}
	}
	return nil
}

func (it *FeedbackItem) validate() *RejectedError {
	const what = "feedback"
	if _, isFile := sourceRole[it.Source]; !isFile && it.Source != SourceData && it.Source != SourceUnspecified {
		return reject(what, ReasonInvalid, "unknown source")
	}
	if !docIDPattern.MatchString(it.DocumentID) {
		return reject(what, ReasonInvalid, "document_id is not a document ID")
	}
	t, err := schema.LookupType(it.Type)
	if err != nil {
		return reject(what, ReasonInvalid, "unknown document type %s", safeName(it.Type))
	}
	if err := checkText(what, "message", it.Message, maxMessage); err != nil {
		var re *RejectedError
		errors.As(err, &re)
		return re
	}
	hasField, hasData := it.Field != "", it.DataHash != ""
	hasFile, hasFiles := it.FileHash != "", it.FileHashes != nil
	switch src, isFile := sourceRole[it.Source]; {
	case it.Source == SourceData:
		if _, ok := t.Field(it.Field); !ok || !hashPattern.MatchString(it.DataHash) || hasFile || hasFiles {
			return reject(what, ReasonInvalid, "data names a field of the type and its data_hash, nothing else")
		}
	case it.Source == SourceUnspecified:
		if hasField || hasData || hasFile || hasFiles {
			return reject(what, ReasonInvalid, "unspecified names no field or file")
		}
	case isFile:
		if _, ok := t.Role(src.role); !ok {
			return reject(what, ReasonInvalid, "%s has no %s", t.Name, src.role)
		}
		if hasField || hasData || src.list == hasFile || src.list != hasFiles {
			return reject(what, ReasonInvalid, "%s names file_hash or file_hashes as its source requires", it.Source)
		}
		if hasFile && !hashPattern.MatchString(it.FileHash) {
			return reject(what, ReasonInvalid, "file_hash is not 64 lowercase hex digits")
		}
		if hasFiles {
			if len(it.FileHashes) == 0 || len(it.FileHashes) > MaxFileHashes {
				return reject(what, ReasonInvalid, "file_hashes holds 1 to %d hashes", MaxFileHashes)
			}
			for _, h := range it.FileHashes {
				if !hashPattern.MatchString(h) {
					return reject(what, ReasonInvalid, "file_hashes holds a value that is not 64 lowercase hex digits")
				}
			}
			if firstDuplicate(it.FileHashes) != "" {
				return reject(what, ReasonInvalid, "file_hashes lists a hash twice")
			}
		}
	default:
		return reject(what, ReasonInvalid, "unknown source")
	}
	return nil
}
