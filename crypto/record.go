package crypto

import (
	"bytes"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"filippo.io/age"
	"golang.org/x/crypto/chacha20poly1305"
)

// ErrRecordAuth is wrapped by every error that means a record or stream is not what the
// wallet wrote: wrong wallet key, wrong binding, altered, truncated or malformed.
var ErrRecordAuth = errors.New("record failed authentication")

// Binding names the place of a record. It is mixed into the key that wraps the record's
// file key, so a record moved to another wallet, kind or ID no longer opens (S3).
type Binding struct {
	WalletID string
	Kind     string // "document", "blob", "share", ... (non-empty, no NUL)
	ID       string // record ID (non-empty, no NUL)
}

// info returns the HKDF info string. NUL separates the fields, which is unambiguous because
// validate rejects NUL inside them.
func (b Binding) info() string {
	return "paspor/v1/record\x00" + b.WalletID + "\x00" + b.Kind + "\x00" + b.ID
}

func (b Binding) validate() error {
	for _, f := range []struct{ name, value string }{
		{"wallet ID", b.WalletID}, {"kind", b.Kind}, {"ID", b.ID},
	} {
		if f.value == "" {
			return fmt.Errorf("invalid record binding: %s is empty", f.name)
		}
		if strings.IndexByte(f.value, 0) >= 0 {
			return fmt.Errorf("invalid record binding: %s contains NUL", f.name)
		}
	}
	return nil
}

const (
	stanzaType     = "paspor-wk"
	stanzaSaltSize = 16
	fileKeySize    = 16 // age's file key size, the only size the stanza accepts
)

// b64 is the encoding age uses for stanza arguments.
var b64 = base64.RawStdEncoding.Strict()

// recordKey holds what both the recipient and the identity need.
type recordKey struct {
	walletKey []byte
	binding   Binding
}

func newRecordKey(walletKey []byte, b Binding) (recordKey, error) {
	if len(walletKey) != WalletKeySize {
		return recordKey{}, fmt.Errorf("invalid wallet key: must be %d bytes, got %d", WalletKeySize, len(walletKey))
	}
	if err := b.validate(); err != nil {
		return recordKey{}, err
	}
	return recordKey{walletKey: bytes.Clone(walletKey), binding: b}, nil
}

// wrapKey derives the single-use key that wraps a file key. The salt is fresh for every
// file, so the zero nonce used with it is never reused, as in age's scrypt stanza.
func (k recordKey) wrapKey(salt []byte) ([]byte, error) {
	return hkdf.Key(sha256.New, k.walletKey, salt, k.binding.info(), chacha20poly1305.KeySize)
}

// recordRecipient wraps file keys in a "paspor-wk" stanza.
type recordRecipient struct{ recordKey }

// recordIdentity unwraps "paspor-wk" stanzas for one wallet key and binding.
type recordIdentity struct{ recordKey }

// NewRecordRecipient returns the age recipient that encrypts a record for walletKey at the
// place b. Like age's scrypt recipient it must be the only recipient of a file: anyone
// holding another recipient's key would learn the file key and could forge the record.
// age.Encrypt enforces this through labels, and the identity rejects mixed files.
func NewRecordRecipient(walletKey []byte, b Binding) (age.Recipient, error) {
	k, err := newRecordKey(walletKey, b)
	if err != nil {
		return nil, fmt.Errorf("failed to create record recipient: %w", err)
	}
	return &recordRecipient{k}, nil
}

// NewRecordIdentity returns the age identity that decrypts records encrypted by
// [NewRecordRecipient] with the same wallet key and binding.
func NewRecordIdentity(walletKey []byte, b Binding) (age.Identity, error) {
	k, err := newRecordKey(walletKey, b)
	if err != nil {
		return nil, fmt.Errorf("failed to create record identity: %w", err)
	}
	return &recordIdentity{k}, nil
}

// Wrap implements [age.Recipient].
func (r *recordRecipient) Wrap(fileKey []byte) ([]*age.Stanza, error) {
	if len(fileKey) != fileKeySize {
		return nil, fmt.Errorf("failed to wrap file key: must be %d bytes, got %d", fileKeySize, len(fileKey))
	}
	salt, err := randomBytes(stanzaSaltSize)
	if err != nil {
		return nil, fmt.Errorf("failed to wrap file key: %w", err)
	}
	key, err := r.wrapKey(salt)
	if err != nil {
		return nil, fmt.Errorf("failed to wrap file key: %w", err)
	}
	defer clear(key)
	aead, err := chacha20poly1305.New(key)
	if err != nil {
		return nil, fmt.Errorf("failed to wrap file key: %w", err)
	}
	body := aead.Seal(nil, make([]byte, aead.NonceSize()), fileKey, nil)
	return []*age.Stanza{{Type: stanzaType, Args: []string{b64.EncodeToString(salt)}, Body: body}}, nil
}

// WrapWithLabels implements [age.RecipientWithLabels] with a random label, as age's scrypt
// recipient does, so that age.Encrypt refuses to mix it with any other recipient.
func (r *recordRecipient) WrapWithLabels(fileKey []byte) ([]*age.Stanza, []string, error) {
	stanzas, err := r.Wrap(fileKey)
	if err != nil {
		return nil, nil, err
	}
	label, err := randomBytes(16)
	if err != nil {
		return nil, nil, fmt.Errorf("failed to wrap file key: %w", err)
	}
	return stanzas, []string{hex.EncodeToString(label)}, nil
}

// Unwrap implements [age.Identity]. Every failure wraps [age.ErrIncorrectIdentity], so the
// caller sees one kind of error whether the key, the binding or the stanza is wrong.
func (i *recordIdentity) Unwrap(stanzas []*age.Stanza) ([]byte, error) {
	var found *age.Stanza
	for _, s := range stanzas {
		if s.Type != stanzaType {
			continue
		}
		if len(stanzas) != 1 {
			return nil, fmt.Errorf("%w: a %s stanza must be the only one", age.ErrIncorrectIdentity, stanzaType)
		}
		found = s
	}
	if found == nil {
		return nil, fmt.Errorf("%w: not a wallet record", age.ErrIncorrectIdentity)
	}
	return i.unwrap(found)
}

func (i *recordIdentity) unwrap(s *age.Stanza) ([]byte, error) {
	if len(s.Args) != 1 {
		return nil, fmt.Errorf("%w: malformed %s stanza", age.ErrIncorrectIdentity, stanzaType)
	}
	salt, err := b64.DecodeString(s.Args[0])
	if err != nil || len(salt) != stanzaSaltSize {
		return nil, fmt.Errorf("%w: malformed %s stanza", age.ErrIncorrectIdentity, stanzaType)
	}
	// A fixed body length also limits multi-key attacks on the non-committing AEAD.
	if len(s.Body) != fileKeySize+chacha20poly1305.Overhead {
		return nil, fmt.Errorf("%w: malformed %s stanza", age.ErrIncorrectIdentity, stanzaType)
	}
	key, err := i.wrapKey(salt)
	if err != nil {
		return nil, fmt.Errorf("failed to derive wrapping key: %w", err)
	}
	defer clear(key)
	aead, err := chacha20poly1305.New(key)
	if err != nil {
		return nil, fmt.Errorf("failed to derive wrapping key: %w", err)
	}
	fileKey, err := aead.Open(nil, make([]byte, aead.NonceSize()), s.Body, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: wrong wallet key or record binding", age.ErrIncorrectIdentity)
	}
	return fileKey, nil
}

// SealRecord encrypts a small record for walletKey at the place b, in age's binary format.
func SealRecord(walletKey []byte, b Binding, plaintext []byte) ([]byte, error) {
	var buf bytes.Buffer
	w, err := EncryptStream(&buf, walletKey, b)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(plaintext); err != nil {
		return nil, fmt.Errorf("failed to seal record: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("failed to seal record: %w", err)
	}
	return buf.Bytes(), nil
}

// OpenRecord decrypts a record sealed by [SealRecord]. Any failure caused by the ciphertext
// wraps [ErrRecordAuth]; nothing is returned unless the whole record authenticated.
func OpenRecord(walletKey []byte, b Binding, ciphertext []byte) ([]byte, error) {
	r, err := DecryptStream(bytes.NewReader(ciphertext), walletKey, b)
	if err != nil {
		return nil, err
	}
	plaintext, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return plaintext, nil
}

// EncryptStream returns a writer that encrypts to dst for walletKey at the place b. It
// buffers at most one 64 KiB chunk; the caller must Close it to write the final chunk.
func EncryptStream(dst io.Writer, walletKey []byte, b Binding) (io.WriteCloser, error) {
	rcpt, err := NewRecordRecipient(walletKey, b)
	if err != nil {
		return nil, fmt.Errorf("failed to encrypt record: %w", err)
	}
	w, err := age.Encrypt(dst, rcpt)
	if err != nil {
		return nil, fmt.Errorf("failed to encrypt record: %w", err)
	}
	return w, nil
}

// DecryptStream returns a reader of the plaintext of the stream in src. Read returns an
// error wrapping [ErrRecordAuth] as soon as a chunk fails to authenticate or the stream is
// truncated, so a caller must discard what it read when Read fails. Errors of src itself
// are passed through without [ErrRecordAuth].
func DecryptStream(src io.Reader, walletKey []byte, b Binding) (io.Reader, error) {
	id, err := NewRecordIdentity(walletKey, b)
	if err != nil {
		return nil, fmt.Errorf("failed to decrypt record: %w", err)
	}
	tr := &trackingReader{r: src}
	r, err := age.Decrypt(tr, id)
	if err != nil {
		return nil, tr.classify(err, false)
	}
	return &authReader{r: r, src: tr}, nil
}

// trackingReader remembers the first error of the underlying reader other than io.EOF, so
// that an I/O failure is not reported as tampering.
type trackingReader struct {
	r   io.Reader
	err error
}

func (t *trackingReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if err != nil && err != io.EOF && t.err == nil {
		t.err = err
	}
	return n, err
}

// classify turns an error of age.Decrypt or of its reader into the error DecryptStream
// reports: the source's own error when the source failed, a recordAuthError otherwise.
func (t *trackingReader) classify(err error, inPayload bool) error {
	if t.err != nil {
		return fmt.Errorf("failed to read record: %w", t.err)
	}
	return &recordAuthError{err: err, inPayload: inPayload}
}

// recordAuthError wraps ErrRecordAuth and age's error without printing the latter: age
// quotes malformed header lines, and a plaintext document handed to OpenRecord by mistake
// would otherwise end up in a log.
type recordAuthError struct {
	err       error
	inPayload bool
}

func (e *recordAuthError) Error() string {
	var noMatch *age.NoIdentityMatchError
	switch {
	case e.inPayload:
		return "failed to decrypt record: " + ErrRecordAuth.Error() + ": payload altered or truncated"
	case errors.As(e.err, &noMatch):
		return "failed to decrypt record: " + ErrRecordAuth.Error() + ": wrong wallet key or record binding"
	default:
		return "failed to decrypt record: " + ErrRecordAuth.Error() + ": malformed or altered header"
	}
}

// Unwrap lets errors.Is find ErrRecordAuth and errors.As find age's error types.
func (e *recordAuthError) Unwrap() []error { return []error{ErrRecordAuth, e.err} }

// authReader is the reader returned by DecryptStream.
type authReader struct {
	r   io.Reader
	src *trackingReader
	err error
}

func (a *authReader) Read(p []byte) (int, error) {
	if a.err != nil {
		return 0, a.err
	}
	n, err := a.r.Read(p)
	if err != nil && err != io.EOF {
		a.err = a.src.classify(err, true)
		return n, a.err
	}
	return n, err
}
