package telegram

import (
	"bytes"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// MaxPassportDataSize caps the passport_data JSON [Open] accepts. Telegram's own objects
// are a few kilobytes; files travel separately.
const MaxPassportDataSize = 1 << 20

// OpenOptions are the checks [Open] makes beyond the format's own.
type OpenOptions struct {
	// Nonce, when not empty, must equal the credentials' nonce (or legacy payload).
	Nonce string
}

// Passport is decrypted Telegram Passport data.
type Passport struct {
	// Nonce is the credentials' nonce, or the legacy payload when there is no nonce.
	Nonce string
	// Elements are in the order the data listed them.
	Elements []Element
}

// Element is one decrypted element.
type Element struct {
	// Type is the Telegram Passport type, such as "passport" or "utility_bill".
	Type string
	// Fields are the decrypted data fields (every value a string, dates DD.MM.YYYY as
	// clients send them), or {"phone_number": ...} / {"email": ...}. Fields sent as ""
	// (absent, for real clients) are left out.
	Fields map[string]string
	// Files are the element's files, in the order front_side, reverse_side, selfie,
	// file/1..N, translation/1..N. Their content is decrypted with [File.Decrypt].
	Files []File
	// Hash is the element's hash, which setPassportDataErrors takes to name an element.
	Hash string
	// DataHash is the base64 data_hash of the element's data ("" for types without data),
	// which setPassportDataErrors takes to name a field.
	DataHash string
}

// File is an encrypted file an element refers to, with the credentials to decrypt it.
type File struct {
	// Role is front_side, reverse_side, selfie, file/N or translation/N (N from 1).
	Role string
	// FileID and FileUniqueID are what getFile takes and a stable name for the file.
	FileID, FileUniqueID string
	// Size is the encrypted size as the Bot API reports it (0 when not reported).
	Size int64
	// Date is the upload time as Unix seconds (0 when not reported).
	Date int64
	// FileHash is the base64 file_hash, which setPassportDataErrors takes to name a file.
	FileHash string

	element string
	hash    []byte
	secret  []byte
}

// Name is the name a bot saves the downloaded file under: file_unique_id, else file_id.
// [Open] accepts only IDs of letters, digits, "-" and "_", so Name is a safe file name.
func (f *File) Name() string {
	if f.FileUniqueID != "" {
		return f.FileUniqueID
	}
	return f.FileID
}

// Decrypt decrypts the file's downloaded ciphertext, checking its hash before the padding.
func (f *File) Decrypt(ciphertext []byte) ([]byte, error) {
	plain, err := Decrypt(ciphertext, f.secret, f.hash)
	if err != nil {
		return nil, at(err, f.element+" "+f.Role)
	}
	return plain, nil
}

// DecryptTo decrypts the file's downloaded ciphertext from r into w in one pass (see
// [DecryptTo]: on an error, w holds unchecked bytes to discard).
func (f *File) DecryptTo(w io.Writer, r io.Reader) (int64, error) {
	n, err := DecryptTo(w, r, f.secret, f.hash)
	if err != nil {
		return n, at(err, f.element+" "+f.Role)
	}
	return n, nil
}

// at sets the Element of a RejectedError from Decrypt.
func at(err error, where string) error {
	if r, ok := err.(*RejectedError); ok {
		c := *r
		c.Element = where
		return &c
	}
	return err
}

// Open decrypts passport_data with the bot's private key: the credentials (RSA-OAEP with
// SHA-1, then AES-256-CBC), then every element's data, checking every hash before any
// padding. Phone numbers and emails are taken as sent. Files are decrypted afterwards,
// one by one, with [File.Decrypt]. A leading UTF-8 byte-order mark is ignored.
// Every failure is a [*RejectedError]; Open never panics on any input.
func Open(passportData []byte, key *rsa.PrivateKey, opts OpenOptions) (*Passport, error) {
	if len(passportData) > MaxPassportDataSize {
		return nil, reject(ReasonTooLarge, "", "passport data is over %d bytes", MaxPassportDataSize)
	}
	passportData = bytes.TrimPrefix(passportData, []byte("\xef\xbb\xbf"))
	var pd PassportData
	if err := json.Unmarshal(passportData, &pd); err != nil {
		return nil, reject(ReasonMalformed, "", "not a passport_data JSON object")
	}
	creds, err := openCredentials(pd.Credentials, key)
	if err != nil {
		return nil, err
	}
	nonce := creds.Nonce
	if nonce == "" {
		nonce = creds.Payload
	}
	if opts.Nonce != "" && subtle.ConstantTimeCompare([]byte(opts.Nonce), []byte(nonce)) != 1 {
		return nil, reject(ReasonNonce, "credentials", "the nonce differs from the expected one")
	}
	p := &Passport{Nonce: nonce}
	seen := map[string]bool{}
	for i := range pd.Data {
		e := &pd.Data[i]
		k, ok := types[e.Type]
		if !ok {
			return nil, reject(ReasonMalformed, "", "element %d has an unknown type", i+1)
		}
		if seen[e.Type] {
			return nil, reject(ReasonMalformed, e.Type, "the type appears twice")
		}
		seen[e.Type] = true
		el, err := openElement(e, k, creds.SecureData[e.Type])
		if err != nil {
			return nil, err
		}
		p.Elements = append(p.Elements, *el)
	}
	return p, nil
}

func openCredentials(ec EncryptedCredentials, key *rsa.PrivateKey) (*credentialsJSON, error) {
	if key == nil {
		return nil, fmt.Errorf("no private key")
	}
	encSecret, err1 := decodeB64(ec.Secret)
	data, err2 := decodeB64(ec.Data)
	hash, err3 := decodeB64(ec.Hash)
	if err1 != nil || err2 != nil || err3 != nil {
		return nil, reject(ReasonMalformed, "credentials", "data, hash or secret is not valid base64")
	}
	secret, err := rsa.DecryptOAEP(sha1.New(), nil, key, encSecret, nil)
	if err != nil {
		return nil, reject(ReasonKey, "credentials", "the secret does not decrypt with this key (another key, or not RSA-OAEP with SHA-1)")
	}
	if len(secret) != SecretSize || !SecretChecksumOK(secret) {
		return nil, reject(ReasonSecret, "credentials", "the decrypted secret is not a Telegram Passport secret")
	}
	plain, err := Decrypt(data, secret, hash)
	if err != nil {
		return nil, at(err, "credentials")
	}
	var c credentialsJSON
	if err := json.Unmarshal(plain, &c); err != nil {
		return nil, reject(ReasonMalformed, "credentials", "the decrypted credentials are not a JSON object")
	}
	return &c, nil
}

func openElement(e *EncryptedPassportElement, k kind, sv secureValue) (*Element, error) {
	el := &Element{Type: e.Type, Hash: e.Hash}
	switch k {
	case kindPhone:
		if e.PhoneNumber == "" {
			return nil, reject(ReasonMalformed, e.Type, "no phone_number")
		}
		el.Fields = map[string]string{"phone_number": e.PhoneNumber}
		return el, nil
	case kindEmail:
		if e.Email == "" {
			return nil, reject(ReasonMalformed, e.Type, "no email")
		}
		el.Fields = map[string]string{"email": e.Email}
		return el, nil
	}
	hasData := k == kindPersonal || k == kindIdentity || k == kindAddress
	if hasData {
		fields, err := openData(e, sv.Data)
		if err != nil {
			return nil, err
		}
		el.Fields = fields
		el.DataHash = sv.Data.DataHash
	} else if e.Data != "" {
		return nil, reject(ReasonMalformed, e.Type, "this type carries no data")
	}
	type slot struct {
		role  string
		file  *PassportFile
		creds *fileCredentials
	}
	var slots []slot
	if k == kindIdentity {
		slots = append(slots, slot{"front_side", e.FrontSide, sv.FrontSide})
		if hasReverse(e.Type) {
			slots = append(slots, slot{"reverse_side", e.ReverseSide, sv.ReverseSide})
		}
		slots = append(slots, slot{"selfie", e.Selfie, sv.Selfie})
	} else if e.FrontSide != nil || e.ReverseSide != nil || e.Selfie != nil {
		return nil, reject(ReasonMalformed, e.Type, "this type has no front_side, reverse_side or selfie")
	}
	if k != kindIdentity && k != kindProof && len(e.Translation) > 0 {
		return nil, reject(ReasonMalformed, e.Type, "this type has no translation")
	}
	if k != kindProof && len(e.Files) > 0 {
		return nil, reject(ReasonMalformed, e.Type, "this type has no files")
	}
	lists := []struct {
		role  string
		files []PassportFile
		creds []fileCredentials
	}{{"file", e.Files, sv.Files}, {"translation", e.Translation, sv.Translation}}
	for _, l := range lists {
		if len(l.files) != len(l.creds) {
			return nil, reject(ReasonCredentials, e.Type, "%d %s files but %d credentials", len(l.files), l.role, len(l.creds))
		}
		for i := range l.files {
			slots = append(slots, slot{l.role + "/" + strconv.Itoa(i+1), &l.files[i], &l.creds[i]})
		}
	}
	for _, s := range slots {
		if s.file == nil {
			continue
		}
		f, err := openFile(e.Type, s.role, s.file, s.creds)
		if err != nil {
			return nil, err
		}
		el.Files = append(el.Files, *f)
	}
	return el, nil
}

func openData(e *EncryptedPassportElement, dc *dataCredentials) (map[string]string, error) {
	if e.Data == "" {
		return nil, reject(ReasonMalformed, e.Type, "no data")
	}
	if dc == nil {
		return nil, reject(ReasonCredentials, e.Type, "the credentials have no secret for the data")
	}
	data, err1 := decodeB64(e.Data)
	hash, err2 := decodeB64(dc.DataHash)
	secret, err3 := decodeB64(dc.Secret)
	if err1 != nil || err2 != nil || err3 != nil {
		return nil, reject(ReasonMalformed, e.Type, "data, data_hash or secret is not valid base64")
	}
	plain, err := Decrypt(data, secret, hash)
	if err != nil {
		return nil, at(err, e.Type+" data")
	}
	var raw map[string]string
	if err := json.Unmarshal(plain, &raw); err != nil {
		return nil, reject(ReasonMalformed, e.Type+" data", "the decrypted data is not a JSON object of strings")
	}
	fields := map[string]string{}
	for k, v := range raw {
		if v != "" {
			fields[k] = v
		}
	}
	return fields, nil
}

func openFile(typ, role string, pf *PassportFile, fc *fileCredentials) (*File, error) {
	where := typ + " " + role
	if pf.FileID == "" && pf.FileUniqueID == "" {
		return nil, reject(ReasonMalformed, where, "no file_id")
	}
	if !safeFileName(pf.FileID) || pf.FileUniqueID != "" && !safeFileName(pf.FileUniqueID) {
		return nil, reject(ReasonMalformed, where, "file_id or file_unique_id is not a plain token")
	}
	if fc == nil {
		return nil, reject(ReasonCredentials, where, "the credentials have no secret for the file")
	}
	hash, err1 := decodeB64(fc.FileHash)
	secret, err2 := decodeB64(fc.Secret)
	if err1 != nil || err2 != nil {
		return nil, reject(ReasonMalformed, where, "file_hash or secret is not valid base64")
	}
	if len(secret) != SecretSize {
		return nil, reject(ReasonSecret, where, "the secret is %d bytes, want %d", len(secret), SecretSize)
	}
	if len(hash) != 32 {
		return nil, reject(ReasonMalformed, where, "file_hash is %d bytes, want 32", len(hash))
	}
	return &File{
		Role: role, FileID: pf.FileID, FileUniqueID: pf.FileUniqueID, Size: pf.FileSize,
		Date: pf.FileDate, FileHash: fc.FileHash, element: typ, hash: hash, secret: secret,
	}, nil
}

// safeFileName reports whether s is a token Telegram uses for file IDs (letters, digits,
// "-" and "_", at most 256 bytes), and so safe as a file name in a download folder.
func safeFileName(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// decodeB64 decodes standard base64, padded or not, as clients send both.
func decodeB64(s string) ([]byte, error) {
	if len(s)%4 != 0 {
		return base64.RawStdEncoding.DecodeString(s)
	}
	return base64.StdEncoding.DecodeString(s)
}
