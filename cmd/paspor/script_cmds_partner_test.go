package main

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"filippo.io/age"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/export"
	"github.com/paspor/paspor/export/request"
)

// partnerScriptCommands are the script helpers of the partner-side scripts (partner_*, open_request*).
func partnerScriptCommands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		// answer [-nonce N] [-request-id ID] [-now RFC3339] REQ HOLDER_KEY DOCS.json OUT: write a
		// bundle signed by HOLDER_KEY (an OpenSSH Ed25519 private key) for REQ's recipients,
		// carrying REQ's request ID and nonce (or the ones given), holding exactly the documents
		// of DOCS.json: [{"id","type","fields":{...},"files":[{"role","media_type","path"}]}].
		// It answers what it is told to, right or wrong, so that scripts build wrong answers.
		"answer": func(ts *testscript.TestScript, neg bool, args []string) {
			fs := flag.NewFlagSet("answer", flag.ContinueOnError)
			nonce := fs.String("nonce", "", "")
			reqID := fs.String("request-id", "", "")
			now := fs.String("now", "", "")
			if err := fs.Parse(args); err != nil || neg || fs.NArg() != 4 {
				ts.Fatalf("usage: answer [-nonce N] [-request-id ID] [-now TIME] REQ HOLDER_KEY DOCS.json OUT")
			}
			a := fs.Args()
			rf, err := os.Open(ts.MkAbs(a[0]))
			ts.Check(err)
			defer rf.Close()
			req, err := request.Parse(rf, request.ParseOptions{AllowExpired: true, Now: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)})
			ts.Check(err)
			keyData, err := os.ReadFile(ts.MkAbs(a[1]))
			ts.Check(err)
			signer, err := request.ParseSigningKeyFile(keyData)
			ts.Check(err)
			var in []struct {
				ID     string            `json:"id"`
				Type   string            `json:"type"`
				Fields map[string]string `json:"fields"`
				Files  []struct {
					Role      string `json:"role"`
					MediaType string `json:"media_type"`
					Path      string `json:"path"`
				} `json:"files"`
			}
			data, err := os.ReadFile(ts.MkAbs(a[2]))
			ts.Check(err)
			ts.Check(json.Unmarshal(data, &in))
			docs := make([]export.Document, len(in))
			var paths [][]string
			for i, d := range in {
				docs[i] = export.Document{ID: d.ID, Type: d.Type, Fields: d.Fields}
				var ps []string
				for _, f := range d.Files {
					content, err := os.ReadFile(ts.MkAbs(f.Path))
					ts.Check(err)
					sum := sha256.Sum256(content)
					docs[i].Files = append(docs[i].Files, export.File{Role: f.Role, MediaType: f.MediaType,
						Size: int64(len(content)), SHA256: hex.EncodeToString(sum[:])})
					ps = append(ps, ts.MkAbs(f.Path))
				}
				paths = append(paths, ps)
			}
			rcpts, err := export.ParseRecipients(req.Recipients)
			ts.Check(err)
			opts := export.WriteOptions{Recipients: rcpts, Nonce: req.Nonce, RequestID: req.RequestID,
				Purpose: req.Purpose, TTL: 24 * time.Hour, Signer: signer, Now: req.CreatedAt.Add(time.Minute)}
			if *nonce != "" {
				opts.Nonce = *nonce
			}
			if *reqID != "" {
				opts.RequestID = *reqID
			}
			if *now != "" {
				opts.Now, err = time.Parse(time.RFC3339, *now)
				ts.Check(err)
			}
			out, err := os.Create(ts.MkAbs(a[3]))
			ts.Check(err)
			defer out.Close()
			_, err = export.Write(out, docs, func(d, f int) (io.ReadCloser, error) { return os.Open(paths[d][f]) }, opts)
			ts.Check(err)
		},
		// openfeedback FILE HOLDER_KEY PARTNER_PUB BUNDLE_ID: open feedback as the holder does
		// (request.OpenFeedback, the library paspor feedback import uses) and print its items,
		// one JSON line each; fails with the rejection otherwise.
		"openfeedback": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 4 {
				ts.Fatalf("usage: openfeedback FILE HOLDER_KEY PARTNER_PUB BUNDLE_ID")
			}
			keyData, err := os.ReadFile(ts.MkAbs(args[1]))
			ts.Check(err)
			ids, err := crypto.ParseIdentityFile(keyData)
			ts.Check(err)
			holder, err := request.ParseSigningKeyFile(keyData)
			ts.Check(err)
			pubData, err := os.ReadFile(ts.MkAbs(args[2]))
			ts.Check(err)
			partner, err := crypto.ParseHolderKey(string(pubData))
			ts.Check(err)
			f, err := os.Open(ts.MkAbs(args[0]))
			ts.Check(err)
			defer f.Close()
			fb, err := request.OpenFeedback(f, request.FeedbackOptions{Identities: []age.Identity{ids[0].Identity},
				Holder: holder.Public().(ed25519.PublicKey), Partner: partner, BundleID: args[3]})
			if neg {
				if err == nil {
					ts.Fatalf("feedback opened")
				}
				ts.Logf("%v", err)
				fmt.Fprintf(ts.Stdout(), "%v\n", err)
				return
			}
			ts.Check(err)
			for _, it := range fb.Items {
				line, err := json.Marshal(it)
				ts.Check(err)
				fmt.Fprintf(ts.Stdout(), "%s\n", line)
			}
		},
	}
}
