package telegram

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// oracleOutput is what testdata/oracle/decrypt.js prints.
type oracleOutput struct {
	Nonce    string `json:"nonce"`
	Elements map[string]struct {
		Value string            `json:"value"`
		Data  map[string]string `json:"data"`
		Files map[string]struct {
			Size   int    `json:"size"`
			SHA256 string `json:"sha256"`
		} `json:"files"`
	} `json:"elements"`
}

// runOracle decrypts passport data with @merqva/telegram-passport. It skips loudly when
// node or the package is missing, and fails instead when CI=true.
func runOracle(t *testing.T, passportData []byte, files map[string][]byte, key []byte) *oracleOutput {
	t.Helper()
	node, err := exec.LookPath("node")
	script, _ := filepath.Abs(filepath.Join("testdata", "oracle", "decrypt.js"))
	_, pkgErr := os.Stat(filepath.Join("testdata", "oracle", "node_modules", "@merqva", "telegram-passport", "package.json"))
	if err != nil || pkgErr != nil {
		msg := "the Telegram Passport oracle needs node and @merqva/telegram-passport: install node 20 and run scripts/install-telegram-oracle"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip("SKIP: " + msg)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	filesDir := filepath.Join(dir, "files")
	if err := os.Mkdir(filesDir, 0o700); err != nil {
		t.Fatal(err)
	}
	for name, b := range files {
		write(filepath.Join("files", name), b)
	}
	cmd := exec.Command(node, script, write("passport_data.json", passportData), write("bot.pem", key), filesDir)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle: %v", err)
	}
	var o oracleOutput
	if err := json.Unmarshal(out, &o); err != nil {
		t.Fatalf("oracle printed %q: %v", out, err)
	}
	return &o
}

// TestOracleDecryptsBuild has an independent implementation decrypt what Build wrote, and
// compares every field and file with the documents Build was given.
func TestOracleDecryptsBuild(t *testing.T) {
	docs := sampleDocuments()
	out, err := Build(docs, &testKey.PublicKey, BuildOptions{Nonce: "oracle-nonce"})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range out.Files {
		files[f.Name] = f.Ciphertext
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(testKey)})
	o := runOracle(t, out.PassportData, files, keyPEM)
	if o.Nonce != "oracle-nonce" {
		t.Errorf("oracle nonce %q", o.Nonce)
	}
	if len(o.Elements) != len(docs) {
		t.Errorf("oracle decrypted %d elements, want %d", len(o.Elements), len(docs))
	}
	for _, d := range docs {
		got, ok := o.Elements[d.Type]
		if !ok {
			t.Errorf("oracle has no %s", d.Type)
			continue
		}
		k := types[d.Type]
		switch k {
		case kindPhone, kindEmail:
			if got.Value != d.Fields[d.Type] {
				t.Errorf("%s: oracle %q, want %q", d.Type, got.Value, d.Fields[d.Type])
			}
			continue
		}
		want := map[string]string{}
		for _, name := range dataFields[k] {
			v := d.Fields[name]
			if dateFields[name] && v != "" {
				v, _ = TelegramDate(v)
			}
			want[name] = v
		}
		if _, hasData := dataFields[k]; !hasData {
			want = nil
		}
		if len(got.Data) != len(want) {
			t.Errorf("%s: oracle data %v, want %v", d.Type, got.Data, want)
		}
		for name, v := range want {
			if got.Data[name] != v {
				t.Errorf("%s.%s: oracle %q, want %q", d.Type, name, got.Data[name], v)
			}
		}
		if len(got.Files) != len(d.Files) {
			t.Errorf("%s: oracle decrypted %d files, want %d", d.Type, len(got.Files), len(d.Files))
		}
		for _, a := range d.Files {
			sum := sha256.Sum256(a.Content)
			f := got.Files[a.Role]
			if f.SHA256 != hex.EncodeToString(sum[:]) || f.Size != len(a.Content) {
				t.Errorf("%s %s: oracle decrypted %d bytes %s, want %d bytes %x", d.Type, a.Role, f.Size, f.SHA256, len(a.Content), sum)
			}
		}
	}
}

// TestOracleAgreesOnVectors checks the oracle itself on a real vector, so that a broken
// oracle cannot pass paspor's output.
func TestOracleAgreesOnVectors(t *testing.T) {
	key, err := os.ReadFile(filepath.Join("testdata", "tbep", "private-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	enc, err := os.ReadFile(filepath.Join("testdata", "tbep", "utility_bill.jpg.enc"))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := os.ReadFile(filepath.Join("testdata", "tbep", "utility_bill.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	// The oracle needs every file the data names; only the utility bill is given, so use
	// a copy of the data with the identity card removed and no translation.
	var pd PassportData
	if err := json.Unmarshal(readVector(t, "example/passport_data.json")[3:], &pd); err != nil {
		t.Fatal(err)
	}
	pd.Data = pd.Data[1:]
	pd.Data[0].Translation = nil
	b, _ := json.Marshal(pd)
	o := runOracle(t, b, map[string][]byte{"DgADAQADQAADPupBRDIrCqSwkb4iAg": enc}, key)
	sum := sha256.Sum256(plain)
	if o.Nonce != "TEST" || o.Elements["utility_bill"].Files["file/1"].SHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("the oracle does not decrypt the TBEP utility bill: %+v", o)
	}
}
