package telegram

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"testing"
)

// wantFile is a file an element refers to, and the vector files that hold its ciphertext
// and (when it decrypts byte-exactly to a committed plaintext) its plaintext.
type wantFile struct {
	role, fileID, uniqueID string
	enc, plain             string
}

type wantElement struct {
	typ    string
	fields map[string]string
	files  []wantFile
}

// The expected plaintexts are the ones the vectors' own test suites assert
// (python-telegram-bot's test_passport.py, Telegram.Bot.Extensions.Passport's unit tests).
var vectorCases = []struct {
	name, data, key, creds, nonce string
	elements                      []wantElement
}{
	{
		name: "ptb", data: "ptb/raw_passport_data.json", key: "ptb/ptb_private.pem",
		creds: "ptb/ptb_decrypted_credentials.json", nonce: "thisisatest",
		elements: []wantElement{
			{typ: "personal_details", fields: map[string]string{
				"first_name": "FIRSTNAME", "middle_name": "MIDDLENAME", "last_name": "LASTNAME",
				"first_name_native": "FIRSTNAMENATIVE", "middle_name_native": "MIDDLENAMENATIVE",
				"last_name_native": "LASTNAMENATIVE", "birth_date": "01.01.2001", "gender": "female",
				"country_code": "DK", "residence_country_code": "DK"}},
			{typ: "driver_license", fields: map[string]string{"expiry_date": "01.01.2001", "document_no": "DOCUMENT_NO"},
				files: []wantFile{
					{role: "front_side", fileID: "DgADBAADxwMAApnQgVPK2-ckL2eXVAI", uniqueID: "d9d52a700cbb4a189a80104aa5978133"},
					{role: "reverse_side", fileID: "DgADBAADNQQAAtoagFPf4wwmFZdmyQI", uniqueID: "adc3145fd2e84d95b64d68eaa22aa33e"},
					{role: "selfie", fileID: "DgADBAADEQQAAkopgFNr6oi-wISRtAI", uniqueID: "d4e390cca57b4da5a65322b304762a12"},
					{role: "translation/1", fileID: "DgADBAADswMAAisqQVAmooP-kVgLgAI", uniqueID: "52a90d53d6064bb58feb582acdc3a324"},
					{role: "translation/2", fileID: "DgADBAAD1QMAAnrpQFBMZsT3HysjwwI", uniqueID: "7285f864d168441ba1f7d02146250432"},
				}},
			{typ: "utility_bill", fields: map[string]string{}, files: []wantFile{
				{role: "file/1", fileID: "DgADBAADLAMAAhwfgVMyfGa5Nr0LvAI", uniqueID: "b170748794834644baaa3ec57ee4ce7a"},
				{role: "file/2", fileID: "DgADBAADaQQAAsFxgVNVfLZuT-_3ZQI", uniqueID: "19a12ae34dca424b85e0308f706cee75"},
				{role: "translation/1", fileID: "DgADBAADyQUAAqyqQVC_eoX_KwNjJwI", uniqueID: "38b2877b443542cbaf520c6e36a33ac4"},
				{role: "translation/2", fileID: "DgADBAADsQQAAubTQVDRO_FN3lOwWwI", uniqueID: "f008ca48c44b4a47895ddbcd2f76741e"},
			}},
			{typ: "address", fields: map[string]string{"city": "CITY", "street_line1": "STREET_LINE1",
				"street_line2": "STREET_LINE2", "state": "STATE", "post_code": "POSTCODE", "country_code": "DK"}},
			{typ: "email", fields: map[string]string{"email": "fb3e3i47zt@dispostable.com"}},
		},
	},
	{
		name: "tbep personal_details", data: "tbep/personal_details.json", key: "tbep/private-key.pem",
		creds: "tbep/personal_details.json.credentials.decrypted.json", nonce: "TEST",
		elements: []wantElement{{typ: "personal_details", fields: map[string]string{
			"first_name": "Poulad", "last_name": "Ashrafpour", "first_name_native": "پولاد",
			"last_name_native": "اشرف پور", "gender": "male", "country_code": "US",
			"residence_country_code": "IR", "birth_date": "30.07.1990"}}},
	},
	{
		name: "tbep address", data: "tbep/address.json", key: "tbep/private-key.pem",
		creds: "tbep/address.json.credentials.decrypted.json", nonce: "TEST",
		elements: []wantElement{{typ: "address", fields: map[string]string{
			"street_line1": "123 Maple Street", "street_line2": "Unit 4", "post_code": "A1A 1A1",
			"city": "Toronto", "state": "Ontario", "country_code": "CA"}}},
	},
	{
		name: "tbep driver_license", data: "tbep/driver_license.json", key: "tbep/private-key.pem",
		creds: "tbep/driver_license.json.credentials.decrypted.json", nonce: "TEST",
		elements: []wantElement{{typ: "driver_license",
			fields: map[string]string{"document_no": "G544-061", "expiry_date": "26.11.2022"},
			files: []wantFile{
				{role: "front_side", fileID: "DgADAQADQwAD8dA5RLvzieFGLU4nAg", enc: "tbep/driver_license-front_side.jpg.enc"},
				{role: "reverse_side", fileID: "DgADAQADHAADkeFARJRE1buibKe-Ag", enc: "tbep/driver_license-reverse_side.jpg.enc"},
				{role: "selfie", fileID: "DgADAQADLgADdYs5RME9OcP0l7GQAg", enc: "tbep/driver_license-selfie.jpg.enc"},
				{role: "translation/1", fileID: "DgADAQADMQADnHM4RKOZghHOVNRHAg", enc: "tbep/driver_license-translation0.jpg.enc"},
			}}},
	},
	{
		name: "tbep identity_card and utility_bill", data: "tbep/identity_card.utility_bill.json", key: "tbep/private-key.pem",
		creds: "tbep/identity_card.utility_bill.json.credentials.decrypted.json", nonce: "TEST",
		elements: []wantElement{
			{typ: "identity_card", fields: map[string]string{"document_no": "9999R"}, files: []wantFile{
				{role: "front_side", fileID: "DgADAQADGwADQnBBRBexahgtkoPgAg", enc: "tbep/identity_card-front_side.jpg.enc", plain: "tbep/identity_card-front_side.jpg"},
				{role: "reverse_side", fileID: "DgADAQADKAADNfRARK9jbzh5AAFqvAI", enc: "tbep/identity_card-reverse_side.jpg.enc", plain: "tbep/identity_card-reverse_side.jpg"},
				{role: "selfie", fileID: "DgADAQADNAADA1BJRCUHz9fqxiqJAg", enc: "tbep/identity_card-selfie.jpg.enc", plain: "tbep/identity_card-selfie.jpg"},
			}},
			{typ: "utility_bill", fields: map[string]string{}, files: []wantFile{
				{role: "file/1", fileID: "DgADAQADQAADPupBRDIrCqSwkb4iAg", enc: "tbep/utility_bill.jpg.enc", plain: "tbep/utility_bill.jpg"},
				{role: "translation/1", fileID: "DgADAQADOwADGV9BRP4b7RLGAtUKAg", enc: "tbep/utility_bill-translation.jpg.enc", plain: "tbep/utility_bill-translation.jpg"},
			}},
		},
	},
	{
		// Legacy data: the credentials carry "payload" instead of "nonce".
		name: "tbep passport (legacy payload)", data: "tbep/passport.json", key: "tbep/private-key.pem",
		creds: "tbep/passport.json.credentials.decrypted.json", nonce: "TEST",
		elements: []wantElement{
			{typ: "personal_details", fields: map[string]string{"first_name": "John", "last_name": "Smith",
				"birth_date": "01.01.2018", "gender": "male", "country_code": "US", "residence_country_code": "ES"}},
			{typ: "passport", fields: map[string]string{"document_no": "ABCD1234"}, files: []wantFile{
				{role: "front_side", fileID: "DgADAQADLwADrT9JRxbZ8eqGF-jJAg", enc: "tbep/passport-front_side.jpg.enc"},
			}},
		},
	},
}

func TestOpenVectors(t *testing.T) {
	for _, tc := range vectorCases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Open(readVector(t, tc.data), readPrivateKey(t, tc.key), OpenOptions{Nonce: tc.nonce})
			if err != nil {
				t.Fatal(err)
			}
			if p.Nonce != tc.nonce {
				t.Errorf("nonce %q, want %q", p.Nonce, tc.nonce)
			}
			if len(p.Elements) != len(tc.elements) {
				t.Fatalf("%d elements, want %d", len(p.Elements), len(tc.elements))
			}
			wantCreds := readCredentialsFiles(t, tc.creds)
			for i, want := range tc.elements {
				got := p.Elements[i]
				if got.Type != want.typ {
					t.Fatalf("element %d is %s, want %s", i, got.Type, want.typ)
				}
				if got.Fields == nil {
					got.Fields = map[string]string{}
				}
				if !maps.Equal(got.Fields, want.fields) {
					t.Errorf("%s fields\n got %v\nwant %v", got.Type, got.Fields, want.fields)
				}
				if len(got.Files) != len(want.files) {
					t.Fatalf("%s: %d files, want %d", got.Type, len(got.Files), len(want.files))
				}
				for j, wf := range want.files {
					checkFile(t, &got.Files[j], wf, wantCreds[got.Type+" "+wf.role])
				}
			}
		})
	}
}

func checkFile(t *testing.T, f *File, want wantFile, wantHash string) {
	t.Helper()
	if f.Role != want.role || f.FileID != want.fileID || f.FileUniqueID != want.uniqueID {
		t.Errorf("file %s %s %s, want %s %s %s", f.Role, f.FileID, f.FileUniqueID, want.role, want.fileID, want.uniqueID)
	}
	if f.FileHash != wantHash {
		t.Errorf("%s file_hash %s, want %s from the decrypted credentials", f.Role, f.FileHash, wantHash)
	}
	if want.enc == "" {
		return
	}
	enc, err := os.ReadFile(filepath.Join("testdata", want.enc))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := f.Decrypt(enc)
	if err != nil {
		t.Fatalf("%s: %v", want.enc, err)
	}
	if !bytes.HasPrefix(plain, []byte{0xff, 0xd8, 0xff}) {
		t.Errorf("%s does not decrypt to a JPEG", want.enc)
	}
	if want.plain == "" {
		return
	}
	exp, err := os.ReadFile(filepath.Join("testdata", want.plain))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(plain, exp) {
		t.Errorf("%s decrypts to %d bytes that differ from %s (%d bytes)", want.enc, len(plain), want.plain, len(exp))
	}
}

// readCredentialsFiles maps "type role" to the file_hash the expected decrypted credentials list.
func readCredentialsFiles(t *testing.T, name string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var c credentialsJSON
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for typ, sv := range c.SecureData {
		for role, fc := range map[string]*fileCredentials{"front_side": sv.FrontSide, "reverse_side": sv.ReverseSide, "selfie": sv.Selfie} {
			if fc != nil {
				out[typ+" "+role] = fc.FileHash
			}
		}
		for i, fc := range sv.Files {
			out[typ+" file/"+itoa(i+1)] = fc.FileHash
		}
		for i, fc := range sv.Translation {
			out[typ+" translation/"+itoa(i+1)] = fc.FileHash
		}
	}
	return out
}

func itoa(i int) string { return string(rune('0' + i)) }
