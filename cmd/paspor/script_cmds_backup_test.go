package main

import (
	"archive/tar"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"filippo.io/age"
	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/crypto/ssh"

	"github.com/paspor/paspor/crypto"
)

// backupScriptCommands are the helpers of the backup and restore scripts: they change a
// backup the way someone who can decrypt it (or only flip its bytes) would.
func backupScriptCommands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		// flipbyte FILE OFFSET: xor one byte of FILE (OFFSET < 0 counts from the end).
		"flipbyte": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 2 {
				ts.Fatalf("usage: flipbyte FILE OFFSET")
			}
			data := []byte(ts.ReadFile(args[0]))
			n, err := strconv.Atoi(args[1])
			ts.Check(err)
			if n < 0 {
				n += len(data)
			}
			if n < 0 || n >= len(data) {
				ts.Fatalf("flipbyte: %s has %d bytes", args[0], len(data))
			}
			data[n] ^= 0x20
			ts.Check(os.WriteFile(ts.MkAbs(args[0]), data, 0o600))
		},
		// backupedit IDENTITY IN OUT EDIT [NAME]: decrypt IN with the age IDENTITY file, change
		// its tar and encrypt it again to the same key, as OUT. EDIT is drop NAME (remove an
		// entry), add NAME (append one), resign (change the manifest's wallet_id, fix
		// SHA256SUMS and sign it with a new key named in the manifest) or forge (the same, with
		// holder.pub and holder.key replaced too: a whole backup made by another key), or
		// replace NAME OLD NEW (the first OLD in entry NAME becomes NEW, SHA256SUMS left) or
		// replace-signed NAME OLD NEW (the same, then SHA256SUMS fixed and signed with the
		// backup's own holder.key: a change its holder could make).
		"backupedit": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) < 4 {
				ts.Fatalf("usage: backupedit IDENTITY IN OUT drop|add|resign|forge [NAME]")
			}
			ids, err := age.ParseIdentities(strings.NewReader(ts.ReadFile(args[0])))
			ts.Check(err)
			r, err := age.Decrypt(strings.NewReader(ts.ReadFile(args[1])), ids...)
			ts.Check(err)
			hdrs, datas := readTarEntries(ts, r)
			switch args[3] {
			case "drop":
				i := slices.IndexFunc(hdrs, func(h *tar.Header) bool { return h.Name == args[4] })
				if i < 0 {
					ts.Fatalf("backupedit: no entry %s", args[4])
				}
				hdrs, datas = slices.Delete(hdrs, i, i+1), slices.Delete(datas, i, i+1)
			case "add":
				h := *hdrs[len(hdrs)-1]
				h.Name, h.Size = args[4], 9
				hdrs, datas = append(hdrs, &h), append(datas, []byte("%PDF-1.7\n"))
			case "replace", "replace-signed":
				if len(args) != 7 {
					ts.Fatalf("usage: backupedit IDENTITY IN OUT %s NAME OLD NEW", args[3])
				}
				i := slices.IndexFunc(hdrs, func(h *tar.Header) bool { return h.Name == args[4] })
				if i < 0 || !bytes.Contains(datas[i], []byte(args[5])) {
					ts.Fatalf("backupedit: no %q in entry %s", args[5], args[4])
				}
				datas[i] = bytes.Replace(datas[i], []byte(args[5]), []byte(args[6]), 1)
				if args[3] == "replace-signed" {
					resignWithHolder(ts, hdrs, datas)
				}
			case "resign", "forge":
				resignBackup(ts, hdrs, datas, args[3] == "forge")
			default:
				ts.Fatalf("backupedit: unknown edit %s", args[3])
			}
			var plain bytes.Buffer
			tw := tar.NewWriter(&plain)
			for i, h := range hdrs {
				h.Size = int64(len(datas[i]))
				ts.Check(tw.WriteHeader(h))
				_, err := tw.Write(datas[i])
				ts.Check(err)
			}
			ts.Check(tw.Close())
			var out bytes.Buffer
			w, err := age.Encrypt(&out, ids[0].(*age.X25519Identity).Recipient())
			ts.Check(err)
			_, err = w.Write(plain.Bytes())
			ts.Check(err)
			ts.Check(w.Close())
			ts.Check(os.WriteFile(ts.MkAbs(args[2]), out.Bytes(), 0o600))
		},
	}
}

func readTarEntries(ts *testscript.TestScript, r io.Reader) ([]*tar.Header, [][]byte) {
	tr := tar.NewReader(r)
	var hdrs []*tar.Header
	var datas [][]byte
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return hdrs, datas
		}
		ts.Check(err)
		data, err := io.ReadAll(tr)
		ts.Check(err)
		h.Format = tar.FormatUSTAR
		hdrs, datas = append(hdrs, h), append(datas, data)
	}
}

// resignBackup changes manifest.json's wallet_id, re-hashes every entry into SHA256SUMS and
// signs it with a fresh key that the manifest then names; forge replaces holder.pub and
// holder.key with that key as well.
func resignBackup(ts *testscript.TestScript, hdrs []*tar.Header, datas [][]byte, forge bool) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	ts.Check(err)
	line := crypto.SSHPublicKeyLine(pub, "")
	var m map[string]any
	ts.Check(json.Unmarshal(datas[0], &m))
	m["wallet_id"] = strings.Repeat("ab", 16)
	m["holder"] = line
	datas[0], err = json.MarshalIndent(m, "", "  ")
	ts.Check(err)
	var sums strings.Builder
	names := []string{}
	byName := map[string][]byte{}
	for i, h := range hdrs {
		switch h.Name {
		case "SHA256SUMS", "SHA256SUMS.sig":
			continue
		case "holder.pub":
			if forge {
				datas[i] = []byte(line + "\n")
			}
		case "holder.key":
			if forge {
				block, err := ssh.MarshalPrivateKey(priv, "")
				ts.Check(err)
				datas[i] = pem.EncodeToMemory(block)
			}
		}
		names = append(names, h.Name)
		byName[h.Name] = datas[i]
	}
	slices.Sort(names)
	for _, n := range names {
		h := sha256.Sum256(byName[n])
		sums.WriteString(hex.EncodeToString(h[:]) + "  " + n + "\n")
	}
	sig, err := crypto.SignSSHSIG(priv, "paspor-backup", strings.NewReader(sums.String()))
	ts.Check(err)
	datas[1], datas[2] = []byte(sums.String()), sig
}

// resignWithHolder re-hashes every entry into SHA256SUMS and signs it with the backup's own
// holder.key, as the holder (or anyone holding the decrypted backup) could.
func resignWithHolder(ts *testscript.TestScript, hdrs []*tar.Header, datas [][]byte) {
	i := slices.IndexFunc(hdrs, func(h *tar.Header) bool { return h.Name == "holder.key" })
	raw, err := ssh.ParseRawPrivateKey(datas[i])
	ts.Check(err)
	priv := *raw.(*ed25519.PrivateKey)
	var names []string
	byName := map[string][]byte{}
	for i, h := range hdrs {
		if h.Name != "SHA256SUMS" && h.Name != "SHA256SUMS.sig" {
			names = append(names, h.Name)
			byName[h.Name] = datas[i]
		}
	}
	slices.Sort(names)
	var sums strings.Builder
	for _, n := range names {
		h := sha256.Sum256(byName[n])
		sums.WriteString(hex.EncodeToString(h[:]) + "  " + n + "\n")
	}
	sig, err := crypto.SignSSHSIG(priv, "paspor-backup", strings.NewReader(sums.String()))
	ts.Check(err)
	datas[1], datas[2] = []byte(sums.String()), sig
}
