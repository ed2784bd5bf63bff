package request

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"regexp"
	"time"

	"github.com/paspor/paspor/crypto"
)

// RequestFormat is the "format" value of a request.
const RequestFormat = "paspor-request/1"

// RequestNamespace is the SSHSIG namespace of requests, so that a partner's signature on a
// request can never stand for a signature on anything else.
const RequestNamespace = "paspor-request"

// Caps and limits of a request; docs/request-format.md lists them all.
const (
	// MaxRequestSize caps a request file.
	MaxRequestSize = 64 << 10
	// MaxValidity is the longest a request may be valid (expires_at - created_at).
	MaxValidity = 30 * 24 * time.Hour
	// DefaultValidity is what [New] uses when NewOptions.Validity is 0.
	DefaultValidity = 24 * time.Hour
	// MaxClockSkew is how far created_at may lie after the reader's clock.
	MaxClockSkew = 5 * time.Minute
	// MaxRecipients caps the recipients list.
	MaxRecipients = 16
	maxPartner    = 128 // runes
	maxPurpose    = 512 // runes
)

var (
	idPattern    = regexp.MustCompile(`^[0-9a-f]{32}$`)
	noncePattern = regexp.MustCompile(`^[0-9a-f]{32,64}$`)
)

// Request is a paspor-request/1 document. Every field is covered by the partner's signature.
type Request struct {
	// Format is always [RequestFormat].
	Format string `json:"format"`
	// RequestID is 32 lowercase hex digits (16 random bytes).
	RequestID string `json:"request_id"`
	// CreatedAt is when the request was made (UTC, whole seconds).
	CreatedAt time.Time `json:"created_at"`
	// ExpiresAt is when the request stops being valid (UTC, whole seconds).
	ExpiresAt time.Time `json:"expires_at"`
	// Partner is the partner's display name.
	Partner string `json:"partner"`
	// Recipients are the canonical age recipient strings the answer must be encrypted to.
	Recipients []string `json:"recipients"`
	// SigningKey is the partner's "ssh-ed25519 <base64>" key, without comment.
	SigningKey string `json:"signing_key"`
	// Purpose says why the partner asks.
	Purpose string `json:"purpose"`
	// Nonce is 32 to 64 lowercase hex digits (at least 128 random bits); the answer repeats it.
	Nonce string `json:"nonce"`
	// Scope is what the partner asks for.
	Scope Scope `json:"scope"`
}

// NewOptions are the inputs of [New].
type NewOptions struct {
	// Partner is the display name.
	Partner string
	// Purpose says why the partner asks.
	Purpose string
	// Recipients are canonical age recipient strings the answer is encrypted to.
	Recipients []string
	// SigningKey is the partner's public key; [Sign] must then be called with its private half.
	SigningKey ed25519.PublicKey
	// Scope is what the partner asks for.
	Scope Scope
	// Now is the creation time; zero means time.Now().
	Now time.Time
	// Validity is expires_at - created_at; 0 means [DefaultValidity].
	Validity time.Duration
}

// New returns a request with a fresh random request ID and 128-bit nonce, validated.
func New(opts NewOptions) (*Request, error) {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	now = now.UTC().Truncate(time.Second)
	validity := opts.Validity
	if validity == 0 {
		validity = DefaultValidity
	}
	if validity < time.Second || validity > MaxValidity {
		return nil, reject("request", ReasonInvalid, "validity must be from 1s to %s", MaxValidity)
	}
	id, err := randomHex(16)
	if err != nil {
		return nil, err
	}
	nonce, err := randomHex(16)
	if err != nil {
		return nil, err
	}
	r := &Request{
		Format:     RequestFormat,
		RequestID:  id,
		CreatedAt:  now,
		ExpiresAt:  now.Add(validity.Truncate(time.Second)),
		Partner:    opts.Partner,
		Recipients: opts.Recipients,
		SigningKey: crypto.SSHPublicKeyLine(opts.SigningKey, ""),
		Purpose:    opts.Purpose,
		Nonce:      nonce,
		Scope:      opts.Scope,
	}
	if err := r.validate(); err != nil {
		return nil, err
	}
	return r, nil
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", errors.New("failed to read random bytes")
	}
	return hex.EncodeToString(b), nil
}

// Sign validates r and returns the request file: its canonical JSON line and an SSHSIG by
// priv, whose public half must be r.SigningKey.
func Sign(r *Request, priv ed25519.PrivateKey) ([]byte, error) {
	if err := r.validate(); err != nil {
		return nil, err
	}
	if len(priv) != ed25519.PrivateKeySize || crypto.SSHPublicKeyLine(priv.Public().(ed25519.PublicKey), "") != r.SigningKey {
		return nil, errors.New("failed to sign request: the key is not the request's signing_key")
	}
	line, err := encodeCanonical(r)
	if err != nil {
		return nil, err
	}
	return seal(line, priv, RequestNamespace)
}

// ParseOptions say what [Parse] checks beyond the format.
type ParseOptions struct {
	// Now is the clock expiry is checked against; zero means time.Now().
	Now time.Time
	// Signer, when not nil, is the partner key the caller knows; another signer is ReasonSigner.
	Signer ed25519.PublicKey
	// AllowExpired skips the expiry check (to show an old request, never to answer it).
	AllowExpired bool
}

// Parse reads a request file strictly and verifies its signature by its own signing_key,
// then opts.Signer and the clock. The checks run in the order docs/request-format.md gives;
// every rejection is a *RejectedError.
func Parse(r io.Reader, opts ParseOptions) (*Request, error) {
	data, err := readCapped("request", r, MaxRequestSize)
	if err != nil {
		return nil, err
	}
	line, sig, err := split("request", data)
	if err != nil {
		return nil, err
	}
	var req Request
	if err := decodeStrict("request", line, &req); err != nil {
		return nil, err
	}
	if req.Format != RequestFormat {
		return nil, reject("request", ReasonFormat, "not %s", RequestFormat)
	}
	if canon, err := encodeCanonical(&req); err != nil || !bytes.Equal(canon, line) {
		return nil, reject("request", ReasonNotCanonical, "the JSON line is not in canonical form")
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	pub, _ := parseSigningKey("request", req.SigningKey)
	if err := verify("request", line, sig, RequestNamespace, pub); err != nil {
		return nil, err
	}
	if opts.Signer != nil && !pub.Equal(opts.Signer) {
		return nil, reject("request", ReasonSigner, "signed by %s, not by the partner key expected", crypto.Fingerprint(pub))
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	if req.CreatedAt.After(now.Add(MaxClockSkew)) {
		return nil, reject("request", ReasonNotYetValid, "created_at is in the future")
	}
	if !opts.AllowExpired && !now.Before(req.ExpiresAt) {
		return nil, reject("request", ReasonExpired, "expired at %s", req.ExpiresAt.Format(time.RFC3339))
	}
	return &req, nil
}

// SigningPublicKey returns the parsed signing key of a validated request.
func (r *Request) SigningPublicKey() ed25519.PublicKey {
	pub, _ := parseSigningKey("request", r.SigningKey)
	return pub
}

// Fingerprint returns the SHA256 fingerprint of the signing key, as ssh-keygen -l prints it.
func (r *Request) Fingerprint() string { return crypto.Fingerprint(r.SigningPublicKey()) }

// validate checks the fields in the order of docs/request-format.md's table, then the scope.
func (r *Request) validate() error {
	const what = "request"
	if r.Format != RequestFormat {
		return reject(what, ReasonFormat, "not %s", RequestFormat)
	}
	if !idPattern.MatchString(r.RequestID) {
		return reject(what, ReasonInvalid, "request_id is not 32 lowercase hex digits")
	}
	if err := checkTime(what, "created_at", r.CreatedAt); err != nil {
		return err
	}
	if err := checkTime(what, "expires_at", r.ExpiresAt); err != nil {
		return err
	}
	if d := r.ExpiresAt.Sub(r.CreatedAt); d <= 0 || d > MaxValidity {
		return reject(what, ReasonInvalid, "expires_at must be after created_at by at most %s", MaxValidity)
	}
	if err := checkText(what, "partner", r.Partner, maxPartner); err != nil {
		return err
	}
	if err := checkRecipients(what, r.Recipients); err != nil {
		return err
	}
	if _, err := parseSigningKey(what, r.SigningKey); err != nil {
		return err
	}
	if err := checkText(what, "purpose", r.Purpose, maxPurpose); err != nil {
		return err
	}
	if !noncePattern.MatchString(r.Nonce) {
		return reject(what, ReasonInvalid, "nonce is not 32 to 64 lowercase hex digits")
	}
	return r.Scope.validate()
}

// checkTime: UTC, whole seconds, years 2000 to 9999 (so that RFC 3339 has one spelling).
func checkTime(what, name string, t time.Time) error {
	if t.Location() != time.UTC || t.Nanosecond() != 0 || t.Year() < 2000 || t.Year() > 9999 {
		return reject(what, ReasonInvalid, "%s must be UTC, whole seconds, years 2000 to 9999", name)
	}
	return nil
}

func checkRecipients(what string, rs []string) error {
	if len(rs) == 0 {
		return reject(what, ReasonInvalid, "no recipients")
	}
	if len(rs) > MaxRecipients {
		return reject(what, ReasonTooLarge, "more than %d recipients", MaxRecipients)
	}
	seen := map[string]bool{}
	kinds := make([]crypto.RecipientKind, 0, len(rs))
	for i, s := range rs {
		_, kind, canon, err := crypto.ParseRecipient(s)
		if err != nil || canon != s {
			return reject(what, ReasonInvalid, "recipient %d is not a canonical age recipient", i+1)
		}
		if seen[s] {
			return reject(what, ReasonInvalid, "recipient %d is listed twice", i+1)
		}
		seen[s] = true
		kinds = append(kinds, kind)
	}
	if crypto.CheckRecipientMix(kinds) != nil {
		return reject(what, ReasonInvalid, "recipients mix post-quantum and classic keys")
	}
	return nil
}
