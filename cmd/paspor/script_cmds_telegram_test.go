package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/paspor/paspor/export/telegram"
)

// telegramOracleDir holds @merqva/telegram-passport and decrypt.js (scripts/install-telegram-oracle).
var telegramOracleDir, _ = filepath.Abs(filepath.Join("..", "..", "export", "telegram", "testdata", "oracle"))

func telegramOracleInstalled() bool {
	_, err := os.Stat(filepath.Join(telegramOracleDir, "node_modules", "@merqva", "telegram-passport", "package.json"))
	return err == nil
}

// scriptCondition answers the scripts' own conditions: [tgoracle] holds when node and
// @merqva/telegram-passport are installed.
func scriptCondition(cond string) (bool, error) {
	if cond == "tgoracle" {
		_, err := exec.LookPath("node")
		return err == nil && telegramOracleInstalled(), nil
	}
	return false, fmt.Errorf("unknown condition %q", cond)
}

// telegramScriptCommands are the script helpers of the Telegram Passport scripts.
func telegramScriptCommands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		// needtgoracle: in CI (CI=true) fail when node or @merqva/telegram-passport is
		// missing, since CI must run every script; elsewhere do nothing, so that the skip after
		// it skips:
		//	[!tgoracle] needtgoracle
		//	[!tgoracle] skip 'install node 20 and run scripts/install-telegram-oracle'
		"needtgoracle": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 0 {
				ts.Fatalf("usage: needtgoracle")
			}
			if ok, _ := scriptCondition("tgoracle"); !ok && os.Getenv("CI") == "true" {
				ts.Fatalf("the Telegram Passport oracle is missing: install node 20 and run scripts/install-telegram-oracle; CI runs every script, nothing may skip")
			}
		},
		// tgoracle PASSPORT_DATA KEY FILES_DIR WANT: decrypt with @merqva/telegram-passport
		// and compare everything it decrypted with WANT, whose lines are
		//	nonce N
		//	field TYPE NAME VALUE   (the rest of the line; fields sent as "" are not listed)
		//	value TYPE VALUE        (phone_number, email)
		//	file TYPE ROLE PATH     (PATH holds the plaintext the file must decrypt to)
		// Nothing may be missing and nothing extra.
		"tgoracle": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 4 {
				ts.Fatalf("usage: tgoracle PASSPORT_DATA KEY FILES_DIR WANT")
			}
			cmd := exec.Command("node", filepath.Join(telegramOracleDir, "decrypt.js"), ts.MkAbs(args[0]), ts.MkAbs(args[1]), ts.MkAbs(args[2]))
			cmd.Dir = telegramOracleDir
			out, err := cmd.Output()
			if err != nil {
				ts.Fatalf("oracle: %v", err)
			}
			got := oracleLines(ts, out)
			want := wantLines(ts, args[3])
			for _, l := range want {
				if !slices.Contains(got, l) {
					ts.Fatalf("the oracle did not decrypt %q; it decrypted:\n%s", l, strings.Join(got, "\n"))
				}
			}
			for _, l := range got {
				if !slices.Contains(want, l) {
					ts.Fatalf("the oracle decrypted %q, which is not in %s", l, args[3])
				}
			}
		},
		// tgbuild PUBLIC_KEY NONCE DOCS_JSON OUT_DIR: Telegram Passport data built from DOCS_JSON
		// ([{"type": ..., "fields": {...}, "files": {"front_side": "PATH", ...}}]) without any
		// validation, as a careless or hostile client could send it.
		"tgbuild": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 4 {
				ts.Fatalf("usage: tgbuild PUBLIC_KEY NONCE DOCS_JSON OUT_DIR")
			}
			pub, err := telegram.ParsePublicKey([]byte(ts.ReadFile(args[0])))
			ts.Check(err)
			var in []struct {
				Type   string            `json:"type"`
				Fields map[string]string `json:"fields"`
				Files  [][2]string       `json:"files"`
			}
			ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[2])), &in))
			var docs []telegram.Document
			for _, d := range in {
				td := telegram.Document{Type: d.Type, Fields: d.Fields}
				for _, f := range d.Files {
					td.Files = append(td.Files, telegram.Attachment{Role: f[0], Content: []byte(ts.ReadFile(f[1]))})
				}
				docs = append(docs, td)
			}
			b, err := telegram.Build(docs, pub, telegram.BuildOptions{Nonce: args[1]})
			ts.Check(err)
			dir := ts.MkAbs(args[3])
			ts.Check(os.MkdirAll(dir, 0o700))
			ts.Check(os.WriteFile(filepath.Join(dir, "passport_data.json"), b.PassportData, 0o600))
			for _, f := range b.Files {
				ts.Check(os.WriteFile(filepath.Join(dir, f.Name), f.Ciphertext, 0o600))
			}
		},
		// tgvector DIR: the real identity_card + utility_bill vector of
		// Telegram.Bot.Extensions.Passport, as a bot would have it: DIR/passport_data.json,
		// DIR/bot.pem, DIR/downloads/<file_id> for the five files, and their plaintexts as
		// DIR/<role>.jpg.
		"tgvector": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 1 {
				ts.Fatalf("usage: tgvector DIR")
			}
			src := filepath.Join("..", "..", "export", "telegram", "testdata")
			dir := ts.MkAbs(args[0])
			ts.Check(os.MkdirAll(filepath.Join(dir, "downloads"), 0o700))
			cp := func(from, to string) {
				b, err := os.ReadFile(filepath.Join(src, from))
				ts.Check(err)
				ts.Check(os.WriteFile(filepath.Join(dir, to), b, 0o600))
			}
			cp("example/passport_data.json", "passport_data.json")
			cp("tbep/private-key.pem", "bot.pem")
			for id, name := range map[string]string{
				"DgADAQADGwADQnBBRBexahgtkoPgAg":  "identity_card-front_side",
				"DgADAQADKAADNfRARK9jbzh5AAFqvAI": "identity_card-reverse_side",
				"DgADAQADNAADA1BJRCUHz9fqxiqJAg":  "identity_card-selfie",
				"DgADAQADQAADPupBRDIrCqSwkb4iAg":  "utility_bill",
				"DgADAQADOwADGV9BRP4b7RLGAtUKAg":  "utility_bill-translation",
			} {
				cp("tbep/"+name+".jpg.enc", filepath.Join("downloads", id))
				cp("tbep/"+name+".jpg", name+".jpg")
			}
		},
		// tgflip DIR: flip one bit in the middle of every encrypted file in DIR (not the JSON).
		"tgflip": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 1 {
				ts.Fatalf("usage: tgflip DIR")
			}
			entries, err := os.ReadDir(ts.MkAbs(args[0]))
			ts.Check(err)
			for _, e := range entries {
				if strings.HasSuffix(e.Name(), ".json") {
					continue
				}
				p := filepath.Join(ts.MkAbs(args[0]), e.Name())
				b, err := os.ReadFile(p)
				ts.Check(err)
				b[len(b)/2] ^= 0x01
				ts.Check(os.WriteFile(p, b, 0o600))
			}
		},
	}
}

func oracleLines(ts *testscript.TestScript, out []byte) []string {
	var o struct {
		Nonce    string `json:"nonce"`
		Elements map[string]struct {
			Value *string           `json:"value"`
			Data  map[string]string `json:"data"`
			Files map[string]struct {
				Size   int    `json:"size"`
				SHA256 string `json:"sha256"`
			} `json:"files"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(out, &o); err != nil {
		ts.Fatalf("oracle printed %q: %v", out, err)
	}
	lines := []string{"nonce " + o.Nonce}
	for typ, el := range o.Elements {
		if el.Value != nil {
			lines = append(lines, "value "+typ+" "+*el.Value)
		}
		for k, v := range el.Data {
			if v != "" {
				lines = append(lines, "field "+typ+" "+k+" "+v)
			}
		}
		for role, f := range el.Files {
			lines = append(lines, "file "+typ+" "+role+" "+f.SHA256)
		}
	}
	return lines
}

// wantLines reads a WANT file, replacing each file line's PATH by the SHA-256 of its content.
func wantLines(ts *testscript.TestScript, name string) []string {
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(ts.ReadFile(name)))
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if rest, ok := strings.CutPrefix(l, "file "); ok {
			parts := strings.Fields(rest)
			if len(parts) != 3 {
				ts.Fatalf("%s: bad line %q", name, l)
			}
			sum := sha256.Sum256([]byte(ts.ReadFile(parts[2])))
			l = "file " + parts[0] + " " + parts[1] + " " + hex.EncodeToString(sum[:])
		}
		lines = append(lines, l)
	}
	return lines
}
