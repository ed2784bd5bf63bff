package telegram

// The JSON objects of the Bot API, as a bot receives them (PassportData) and as the
// credentials decrypt. Field names are the Bot API's.

// PassportData is the passport_data object of a Bot API Message.
type PassportData struct {
	Data        []EncryptedPassportElement `json:"data"`
	Credentials EncryptedCredentials       `json:"credentials"`
}

// EncryptedPassportElement is one element of [PassportData.Data]. Data is base64 of the
// encrypted data JSON; PhoneNumber and Email travel in plain text.
type EncryptedPassportElement struct {
	Type        string         `json:"type"`
	Data        string         `json:"data,omitempty"`
	PhoneNumber string         `json:"phone_number,omitempty"`
	Email       string         `json:"email,omitempty"`
	Files       []PassportFile `json:"files,omitempty"`
	FrontSide   *PassportFile  `json:"front_side,omitempty"`
	ReverseSide *PassportFile  `json:"reverse_side,omitempty"`
	Selfie      *PassportFile  `json:"selfie,omitempty"`
	Translation []PassportFile `json:"translation,omitempty"`
	Hash        string         `json:"hash"`
}

// PassportFile names an encrypted file the bot downloads with getFile.
type PassportFile struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id,omitempty"`
	FileSize     int64  `json:"file_size,omitempty"`
	FileDate     int64  `json:"file_date,omitempty"`
}

// EncryptedCredentials holds the credentials JSON encrypted like an element (Data, Hash)
// under a secret that is RSA-OAEP (SHA-1) encrypted to the bot's key (Secret). All three
// are base64.
type EncryptedCredentials struct {
	Data   string `json:"data"`
	Hash   string `json:"hash"`
	Secret string `json:"secret"`
}

// credentialsJSON is the decrypted credentials. Legacy data carries the nonce as payload.
type credentialsJSON struct {
	SecureData map[string]secureValue `json:"secure_data"`
	Nonce      string                 `json:"nonce,omitempty"`
	Payload    string                 `json:"payload,omitempty"`
}

type secureValue struct {
	Data        *dataCredentials  `json:"data,omitempty"`
	FrontSide   *fileCredentials  `json:"front_side,omitempty"`
	ReverseSide *fileCredentials  `json:"reverse_side,omitempty"`
	Selfie      *fileCredentials  `json:"selfie,omitempty"`
	Translation []fileCredentials `json:"translation,omitempty"`
	Files       []fileCredentials `json:"files,omitempty"`
}

type dataCredentials struct {
	DataHash string `json:"data_hash"`
	Secret   string `json:"secret"`
}

type fileCredentials struct {
	FileHash string `json:"file_hash"`
	Secret   string `json:"secret"`
}

// Element kinds, by what an element of the type carries.
type kind int

const (
	kindPersonal kind = iota // data only
	kindIdentity             // data, front_side, reverse_side?, selfie, translation
	kindAddress              // data only
	kindProof                // files, translation
	kindPhone                // phone_number in plain text
	kindEmail                // email in plain text
)

var types = map[string]kind{
	"personal_details":       kindPersonal,
	"passport":               kindIdentity,
	"internal_passport":      kindIdentity,
	"driver_license":         kindIdentity,
	"identity_card":          kindIdentity,
	"address":                kindAddress,
	"utility_bill":           kindProof,
	"bank_statement":         kindProof,
	"rental_agreement":       kindProof,
	"passport_registration":  kindProof,
	"temporary_registration": kindProof,
	"phone_number":           kindPhone,
	"email":                  kindEmail,
}

// hasReverse reports whether documents of type t have a reverse side.
func hasReverse(t string) bool { return t == "driver_license" || t == "identity_card" }

// KnownType reports whether t is one of Telegram Passport's element types.
func KnownType(t string) bool { _, ok := types[t]; return ok }
