package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/export"
	"github.com/paspor/paspor/export/request"
)

// requestScriptCommands play the partner's side of a request exchange through the
// export/request library: make a signed request, check a bundle's manifest against it, and
// write signed, encrypted feedback. Partner keys are derived from a name, so a script names
// "bank" or "impostor" and gets the same key every time.
func requestScriptCommands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		// mkrequest [-key NAME] [-name N] [-purpose P] [-created TIME] [-validity DUR]
		//   [-scope FILE | -telegram FILE] -r RECIPIENT OUT: a signed request; negated, the
		//   library must refuse to make it.
		"mkrequest": func(ts *testscript.TestScript, neg bool, args []string) {
			fs := flag.NewFlagSet("mkrequest", flag.ContinueOnError)
			key := fs.String("key", "bank", "partner key name")
			name := fs.String("name", "Example Bank", "partner name")
			purpose := fs.String("purpose", "account opening", "purpose")
			created := fs.String("created", "", "created_at (RFC 3339); default now")
			validity := fs.Duration("validity", 24*time.Hour, "validity")
			scopeFile := fs.String("scope", "", "native scope JSON file")
			tgFile := fs.String("telegram", "", "Telegram PassportScope JSON file")
			rcpt := fs.String("r", "", "recipient")
			ts.Check(fs.Parse(args))
			if fs.NArg() != 1 || *rcpt == "" {
				ts.Fatalf("usage: mkrequest [flags] -r RECIPIENT OUT")
			}
			scope := request.Scope{Elements: []request.Element{{OneOf: []string{"passport", "identity_card"}, Selfie: true}}}
			var err error
			switch {
			case *scopeFile != "":
				scope, err = request.ParseScope([]byte(ts.ReadFile(*scopeFile)))
			case *tgFile != "":
				scope, err = request.ParseTelegramScope([]byte(ts.ReadFile(*tgFile)))
			}
			ts.Check(err)
			now := time.Now()
			if *created != "" {
				now, err = time.Parse(time.RFC3339, *created)
				ts.Check(err)
			}
			priv := partnerTestKey(*key)
			req, err := request.New(request.NewOptions{Partner: *name, Purpose: *purpose, Recipients: []string{*rcpt},
				SigningKey: priv.Public().(ed25519.PublicKey), Scope: scope, Now: now, Validity: *validity})
			if neg {
				if err == nil {
					ts.Fatalf("mkrequest: the request is valid")
				}
				return
			}
			ts.Check(err)
			file, err := request.Sign(req, priv)
			ts.Check(err)
			ts.Check(os.WriteFile(ts.MkAbs(fs.Arg(0)), file, 0o600))
		},
		// checkanswer [-partial] [-replay FILE] REQ MANIFEST: the partner's check that an
		// opened bundle's manifest answers its request, then (with -replay) that its nonce and
		// request ID were not answered before, recording them. Negated, it must fail; the
		// reason is written to checkanswer.err.
		"checkanswer": func(ts *testscript.TestScript, neg bool, args []string) {
			fs := flag.NewFlagSet("checkanswer", flag.ContinueOnError)
			partial := fs.Bool("partial", false, "accept a partial answer")
			replay := fs.String("replay", "", "replay store file")
			ts.Check(fs.Parse(args))
			if fs.NArg() != 2 {
				ts.Fatalf("usage: checkanswer [-partial] [-replay FILE] REQ MANIFEST")
			}
			req, err := request.Parse(strings.NewReader(ts.ReadFile(fs.Arg(0))), request.ParseOptions{AllowExpired: true})
			ts.Check(err)
			var m export.Manifest
			ts.Check(json.Unmarshal([]byte(ts.ReadFile(fs.Arg(1))), &m))
			err = request.CheckManifest(req, &m, *partial)
			if err == nil && *replay != "" {
				err = request.NewReplayStore(ts.MkAbs(*replay)).Record(request.ReplayEntry{RequestID: req.RequestID,
					Nonce: req.Nonce, BundleID: m.BundleID, SeenAt: time.Now(), ExpiresAt: m.ExpiresAt}, time.Now())
			}
			switch {
			case err != nil && !neg:
				ts.Fatalf("bundle does not answer the request: %v", err)
			case err == nil && neg:
				ts.Fatalf("bundle answers the request")
			case err != nil:
				ts.Logf("%v", err)
				ts.Check(os.WriteFile(ts.MkAbs("checkanswer.err"), []byte(err.Error()+"\n"), 0o600))
			}
		},
		// waitpane SESSION TEXT: wait until the tmux session's pane (server socket
		// $WORK/tmux.sock) shows TEXT, the handshake that a prompt is up; fail after 30 s
		// rather than hang. The tmux server is killed when the script ends, pass or fail.
		"waitpane": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 2 {
				ts.Fatalf("usage: waitpane SESSION TEXT")
			}
			sock := ts.MkAbs("tmux.sock")
			// A failing script must not leave the session (and the paspor in it) running.
			ts.Defer(func() { _ = exec.Command("tmux", "-S", sock, "kill-server").Run() })
			deadline := time.Now().Add(30 * time.Second)
			for {
				out, err := exec.Command("tmux", "-S", sock, "capture-pane", "-p", "-t", args[0]).Output()
				if err == nil && bytes.Contains(out, []byte(args[1])) {
					return
				}
				if time.Now().After(deadline) {
					ts.Fatalf("the pane of %s never showed %q; it shows:\n%s", args[0], args[1], out)
				}
				time.Sleep(20 * time.Millisecond)
			}
		},
		// samemanifest A B: two bundle manifests are equal but for what makes each bundle
		// unique (bundle ID, times, nonce, request ID).
		"samemanifest": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 2 {
				ts.Fatalf("usage: samemanifest A B")
			}
			var out [2][]byte
			for i, path := range args {
				var m export.Manifest
				ts.Check(json.Unmarshal([]byte(ts.ReadFile(path)), &m))
				m.BundleID, m.Nonce, m.RequestID = "", "", ""
				m.CreatedAt, m.ExpiresAt = time.Time{}, time.Time{}
				b, err := json.Marshal(m)
				ts.Check(err)
				out[i] = b
			}
			if same := bytes.Equal(out[0], out[1]); same == neg {
				ts.Fatalf("manifests differ (or are the same, negated):\n%s\n%s", out[0], out[1])
			}
		},
		// mkfeedback [-key NAME] [-name N] [-partner DIR] OUT HOLDERKEY MANIFEST ITEM...:
		// feedback signed by the partner key NAME (or the partner folder's key and name) and encrypted to the holder key (a file holding `paspor key`'s
		// line) about the bundle of MANIFEST. ITEM is DOC:SOURCE[:NAME]=MESSAGE: data with a
		// field name, a file source with a role ("front_side", "file"), or unspecified.
		"mkfeedback": func(ts *testscript.TestScript, neg bool, args []string) {
			fs := flag.NewFlagSet("mkfeedback", flag.ContinueOnError)
			key := fs.String("key", "bank", "partner key name")
			name := fs.String("name", "Example Bank", "partner name")
			dir := fs.String("partner", "", "partner folder")
			ts.Check(fs.Parse(args))
			if neg || fs.NArg() < 4 {
				ts.Fatalf("usage: mkfeedback [flags] OUT HOLDERKEY MANIFEST ITEM...")
			}
			holder, err := crypto.ParseHolderKey(ts.ReadFile(fs.Arg(1)))
			ts.Check(err)
			var m export.Manifest
			ts.Check(json.Unmarshal([]byte(ts.ReadFile(fs.Arg(2))), &m))
			priv := partnerTestKey(*key)
			if *dir != "" {
				st, err := openPartnerState(ts.MkAbs(*dir))
				ts.Check(err)
				priv, *name = st.signer, st.name
			}
			id, err := request.NewFeedbackID()
			ts.Check(err)
			fb := &request.Feedback{Format: request.FeedbackFormat, FeedbackID: id, BundleID: m.BundleID, RequestID: m.RequestID,
				CreatedAt: time.Now().UTC().Truncate(time.Second), Partner: *name,
				SigningKey: crypto.SSHPublicKeyLine(priv.Public().(ed25519.PublicKey), ""),
				Holder:     crypto.SSHPublicKeyLine(holder, "")}
			for _, spec := range fs.Args()[3:] {
				fb.Items = append(fb.Items, feedbackItemFor(ts, &m, spec))
			}
			var out bytes.Buffer
			ts.Check(request.SealFeedback(&out, fb, priv))
			ts.Check(os.WriteFile(ts.MkAbs(fs.Arg(0)), out.Bytes(), 0o600))
		},
	}
}

// partnerTestKey derives a partner's Ed25519 key from a name.
func partnerTestKey(name string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("paspor test partner " + name))
	return ed25519.NewKeyFromSeed(seed[:])
}

// feedbackItemFor builds one item from DOC:SOURCE[:NAME]=MESSAGE and the manifest's hashes.
func feedbackItemFor(ts *testscript.TestScript, m *export.Manifest, spec string) request.FeedbackItem {
	ref, msg, ok := strings.Cut(spec, "=")
	parts := strings.Split(ref, ":")
	if !ok || len(parts) < 2 {
		ts.Fatalf("feedback item %q is not DOC:SOURCE[:NAME]=MESSAGE", spec)
	}
	for _, d := range m.Documents {
		if d.ID != parts[0] {
			continue
		}
		it := request.FeedbackItem{Source: parts[1], DocumentID: d.ID, Type: d.Type, Message: msg}
		switch parts[1] {
		case request.SourceData:
			it.Field, it.DataHash = parts[2], request.FieldHash(d.Fields[parts[2]])
		case request.SourceUnspecified:
		default:
			role := parts[1]
			if len(parts) > 2 {
				role = parts[2]
			}
			for _, f := range d.Files {
				if name, _, _ := strings.Cut(f.Role, "/"); name == role {
					if parts[1] == request.SourceFiles || parts[1] == request.SourceTranslationFiles {
						it.FileHashes = append(it.FileHashes, f.SHA256)
					} else {
						it.FileHash = f.SHA256
					}
				}
			}
		}
		return it
	}
	ts.Fatalf("feedback item %q: no document %s in the manifest", spec, parts[0])
	return request.FeedbackItem{}
}
