package telegram

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Document is a document to send, in paspor's form: fields by their Telegram Passport
// names with ISO dates (YYYY-MM-DD), and files by role.
type Document struct {
	// Type is a Telegram Passport element type.
	Type string
	// Fields are the document's fields. Fields Telegram Passport has no place for (such as
	// issue_date on a passport) are not sent; [Built.Omitted] lists them.
	Fields map[string]string
	// Files are the scans, by role: front_side, reverse_side, selfie, file/N, translation/N.
	Files []Attachment
}

// Attachment is one scan of a [Document].
type Attachment struct {
	// Role is front_side, reverse_side, selfie, file/N or translation/N (N from 1).
	Role string
	// Content is the plaintext scan.
	Content []byte
	// Open, when set instead of Content, opens the plaintext scan of Size bytes; Build
	// reads it twice (hash, then encrypt) and writes the ciphertext through
	// [BuildOptions.Create], so that the scan is never held in memory.
	Open func() (io.ReadCloser, error)
	// Size is the length of the plaintext Open reads.
	Size int64
}

// BuildOptions are the parameters of [Build] beyond the documents and the key.
type BuildOptions struct {
	// Nonce is the bot's request nonce, sent in the credentials.
	Nonce string
	// Now is the upload time written as file_date; the zero value means time.Now.
	Now time.Time
	// Random is the source of secrets, paddings and file names; nil means crypto/rand.
	Random io.Reader
	// Create makes the file that an encrypted [Attachment] read through Open is written to,
	// named as passport_data refers to it; its [BuiltFile] then has no Ciphertext.
	Create func(name string) (io.WriteCloser, error)
}

// Built is what [Build] produces.
type Built struct {
	// PassportData is the passport_data JSON a bot receives.
	PassportData []byte
	// Files are the encrypted files, each named as passport_data refers to it.
	Files []BuiltFile
	// Omitted lists "type.field" for fields that Telegram Passport has no place for, sorted.
	Omitted []string
}

// BuiltFile is an encrypted file of [Built].
type BuiltFile struct {
	// Name is the file's file_unique_id, the name a bot stores the download under.
	Name string
	// Type and Role say which element and role the file belongs to.
	Type, Role string
	// Ciphertext is the encrypted file, as getFile would deliver it (nil when it went
	// through [BuildOptions.Create]).
	Ciphertext []byte
}

// dataFields are the data fields of each type with data, in Telegram's names.
var dataFields = map[kind][]string{
	kindPersonal: {"first_name", "last_name", "middle_name", "birth_date", "gender", "country_code",
		"residence_country_code", "first_name_native", "last_name_native", "middle_name_native"},
	kindIdentity: {"document_no", "expiry_date"},
	kindAddress:  {"street_line1", "street_line2", "city", "state", "country_code", "post_code"},
}

var dateFields = map[string]bool{"birth_date": true, "expiry_date": true, "issue_date": true}

// Build encrypts documents for the bot's public key as a Telegram client would: every
// data value a string (absent optional fields as ""), dates DD.MM.YYYY, phone_number and
// email in plain text, a fresh secret for every element and file, and credentials holding
// them and the nonce, their secret RSA-OAEP (SHA-1) encrypted to key. Documents must have
// distinct types, as a bot receives at most one element per type.
func Build(docs []Document, key *rsa.PublicKey, opts BuildOptions) (*Built, error) {
	if key == nil {
		return nil, fmt.Errorf("no public key")
	}
	random := opts.Random
	if random == nil {
		random = rand.Reader
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	b := &builder{random: random, date: now.Unix(), out: &Built{}, create: opts.Create}
	creds := credentialsJSON{SecureData: map[string]secureValue{}, Nonce: opts.Nonce}
	var pd PassportData
	pd.Data = []EncryptedPassportElement{}
	for _, d := range docs {
		k, ok := types[d.Type]
		if !ok {
			return nil, fmt.Errorf("unknown document type %q", d.Type)
		}
		if _, dup := creds.SecureData[d.Type]; dup {
			return nil, fmt.Errorf("two documents of type %s: Telegram Passport sends one per type", d.Type)
		}
		el, sv, err := b.element(d, k)
		if err != nil {
			return nil, err
		}
		pd.Data = append(pd.Data, *el)
		if k != kindPhone && k != kindEmail {
			creds.SecureData[d.Type] = *sv
		}
	}
	plain, err := json.Marshal(creds)
	if err != nil {
		return nil, fmt.Errorf("failed to encode the credentials: %w", err)
	}
	secret, err := NewSecret(random)
	if err != nil {
		return nil, err
	}
	data, hash, err := Encrypt(plain, secret, random)
	if err != nil {
		return nil, err
	}
	encSecret, err := rsa.EncryptOAEP(sha1.New(), random, key, secret, nil)
	if err != nil {
		return nil, fmt.Errorf("failed to encrypt the credentials secret: %w", err)
	}
	pd.Credentials = EncryptedCredentials{Data: b64(data), Hash: b64(hash), Secret: b64(encSecret)}
	b.out.PassportData, err = json.MarshalIndent(pd, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("failed to encode passport_data: %w", err)
	}
	b.out.PassportData = append(b.out.PassportData, '\n')
	slices.Sort(b.out.Omitted)
	return b.out, nil
}

type builder struct {
	random io.Reader
	date   int64
	out    *Built
	create func(name string) (io.WriteCloser, error)
}

func (b *builder) element(d Document, k kind) (*EncryptedPassportElement, *secureValue, error) {
	el := &EncryptedPassportElement{Type: d.Type}
	sv := &secureValue{}
	elementHash := sha256.New()
	elementHash.Write([]byte(d.Type))
	switch k {
	case kindPhone, kindEmail:
		name := map[kind]string{kindPhone: "phone_number", kindEmail: "email"}[k]
		v := d.Fields[name]
		if v == "" {
			return nil, nil, fmt.Errorf("%s: no %s", d.Type, name)
		}
		if k == kindPhone {
			el.PhoneNumber = v
		} else {
			el.Email = v
		}
		elementHash.Write([]byte(v))
		b.omit(d, map[string]bool{name: true})
		if len(d.Files) > 0 {
			return nil, nil, fmt.Errorf("%s: this type has no files", d.Type)
		}
		el.Hash = b64(elementHash.Sum(nil))
		return el, sv, nil
	}
	if names, ok := dataFields[k]; ok {
		data, err := telegramData(d, names)
		if err != nil {
			return nil, nil, err
		}
		known := map[string]bool{}
		for _, n := range names {
			known[n] = true
		}
		b.omit(d, known)
		ct, hash, secret, err := b.encrypt(data)
		if err != nil {
			return nil, nil, err
		}
		el.Data = b64(ct)
		sv.Data = &dataCredentials{DataHash: b64(hash), Secret: b64(secret)}
		elementHash.Write(hash)
	} else {
		b.omit(d, nil)
	}
	for _, a := range d.Files {
		pf, fc, err := b.file(d.Type, a)
		if err != nil {
			return nil, nil, err
		}
		role, n, err := splitRole(a.Role)
		if err != nil || !roleAllowed(d.Type, k, role) {
			return nil, nil, fmt.Errorf("%s: no place for a file with role %q", d.Type, a.Role)
		}
		if err := place(el, sv, role, n, pf, fc); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", d.Type, err)
		}
		hash, _ := base64.StdEncoding.DecodeString(fc.FileHash)
		elementHash.Write(hash)
	}
	el.Hash = b64(elementHash.Sum(nil))
	return el, sv, nil
}

// omit records the fields of d that have no place in Telegram Passport.
func (b *builder) omit(d Document, known map[string]bool) {
	for name, v := range d.Fields {
		if !known[name] && v != "" {
			b.out.Omitted = append(b.out.Omitted, d.Type+"."+name)
		}
	}
}

func telegramData(d Document, names []string) ([]byte, error) {
	m := make(map[string]string, len(names))
	for _, n := range names {
		v := d.Fields[n]
		if dateFields[n] && v != "" {
			t, err := TelegramDate(v)
			if err != nil {
				return nil, fmt.Errorf("%s.%s: %w", d.Type, n, err)
			}
			v = t
		}
		m[n] = v
	}
	return json.Marshal(m)
}

// TelegramDate converts an ISO date (YYYY-MM-DD) to Telegram's DD.MM.YYYY; a date
// already in DD.MM.YYYY is returned as it is.
func TelegramDate(v string) (string, error) {
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t.Format("02.01.2006"), nil
	}
	if _, err := time.Parse("02.01.2006", v); err == nil {
		return v, nil
	}
	return "", fmt.Errorf("not a date in YYYY-MM-DD or DD.MM.YYYY form")
}

// ISODate converts Telegram's DD.MM.YYYY to YYYY-MM-DD.
func ISODate(v string) (string, error) {
	t, err := time.Parse("02.01.2006", v)
	if err != nil {
		return "", fmt.Errorf("not a date in DD.MM.YYYY form")
	}
	return t.Format("2006-01-02"), nil
}

func (b *builder) encrypt(plain []byte) (ct, hash, secret []byte, err error) {
	secret, err = NewSecret(b.random)
	if err != nil {
		return nil, nil, nil, err
	}
	ct, hash, err = Encrypt(plain, secret, b.random)
	return ct, hash, secret, err
}

func (b *builder) file(typ string, a Attachment) (*PassportFile, *fileCredentials, error) {
	if a.Open != nil {
		return b.fileStream(typ, a)
	}
	ct, hash, secret, err := b.encrypt(a.Content)
	if err != nil {
		return nil, nil, err
	}
	var id [24]byte
	if _, err := io.ReadFull(b.random, id[:]); err != nil {
		return nil, nil, fmt.Errorf("failed to name a file: %w", err)
	}
	unique := hex.EncodeToString(id[:16])
	pf := &PassportFile{
		FileID:       base64.RawURLEncoding.EncodeToString(id[:]),
		FileUniqueID: unique,
		FileSize:     int64(len(ct)),
		FileDate:     b.date,
	}
	b.out.Files = append(b.out.Files, BuiltFile{Name: unique, Type: typ, Role: a.Role, Ciphertext: ct})
	return pf, &fileCredentials{FileHash: b64(hash), Secret: b64(secret)}, nil
}

// splitRole splits "translation/2" into ("translation", 2) and "selfie" into ("selfie", 0).
func splitRole(r string) (string, int, error) {
	name, num, found := strings.Cut(r, "/")
	if !found {
		return name, 0, nil
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || strconv.Itoa(n) != num {
		return "", 0, fmt.Errorf("bad role %q", r)
	}
	return name, n, nil
}

func roleAllowed(typ string, k kind, role string) bool {
	switch role {
	case "front_side", "selfie":
		return k == kindIdentity
	case "reverse_side":
		return k == kindIdentity && hasReverse(typ)
	case "file":
		return k == kindProof
	case "translation":
		return k == kindIdentity || k == kindProof
	}
	return false
}

// place puts a file into its slot; list roles must come in order 1, 2, ...
func place(el *EncryptedPassportElement, sv *secureValue, role string, n int, pf *PassportFile, fc *fileCredentials) error {
	single := func(p **PassportFile, c **fileCredentials) error {
		if n != 0 || *p != nil {
			return fmt.Errorf("more than one %s", role)
		}
		*p, *c = pf, fc
		return nil
	}
	list := func(p *[]PassportFile, c *[]fileCredentials) error {
		if n != len(*p)+1 {
			return fmt.Errorf("%s files are not numbered 1, 2, ... in order", role)
		}
		*p, *c = append(*p, *pf), append(*c, *fc)
		return nil
	}
	switch role {
	case "front_side":
		return single(&el.FrontSide, &sv.FrontSide)
	case "reverse_side":
		return single(&el.ReverseSide, &sv.ReverseSide)
	case "selfie":
		return single(&el.Selfie, &sv.Selfie)
	case "file":
		return list(&el.Files, &sv.Files)
	default:
		return list(&el.Translation, &sv.Translation)
	}
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
