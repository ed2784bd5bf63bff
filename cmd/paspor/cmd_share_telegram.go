package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/paspor/paspor/export"
	"github.com/paspor/paspor/export/telegram"
	"github.com/paspor/paspor/wallet"
)

// maxShareTelegramScan caps one scan sent as Telegram Passport data: Telegram's own limit
// per file is far lower. Scans are streamed, so the cap is not about memory.
const maxShareTelegramScan = 64 << 20

// runShareTelegram is share --format telegram: the selected documents, as Telegram Passport
// data encrypted to a bot's RSA public key, written to OUTDIR as passport_data.json and
// the encrypted files named by their file_unique_id.
func runShareTelegram(ctx context.Context, g *globals, selectors []string, opts shareOptions) error {
	switch {
	case len(opts.recipients)+len(opts.recipientFiles) > 0:
		return usageError("--format telegram encrypts to --public-key, not to -r/-R recipients")
	case opts.armor || opts.purpose != "" || opts.expires != defaultShareExpires:
		return usageError("--armor, --purpose and --expires do not apply to --format telegram", "Telegram Passport data has no such fields")
	case opts.publicKey == "":
		return usageError("no bot public key", "pass --public-key FILE (the bot's RSA public key, PEM)")
	case opts.nonce == "":
		return usageError("no nonce", "pass --nonce N: the nonce of the bot's request, which the bot checks")
	case opts.output == "":
		return usageError("no output folder", "pass -o DIR (a new folder for passport_data.json and the files)")
	}
	if _, err := os.Lstat(opts.output); err == nil {
		return errorWithHint(exitExists, fmt.Sprintf("%s already exists", opts.output), "choose another -o folder or remove it first")
	}
	if err := sweepStages(opts.output); err != nil {
		return err
	}
	pub, err := readBotPublicKey(ctx, opts.publicKey)
	if err != nil {
		return err
	}
	var scope *telegram.Scope
	if opts.scope != "" {
		if scope, err = readScope(ctx, opts.scope); err != nil {
			return err
		}
	}
	w, sel, err := unlockSelection(ctx, g, selectors, opts.fields, opts.attachments)
	if err != nil {
		return err
	}
	defer w.Close()
	if err := checkShareExpiry(g.stderr, sel.docs, opts.allowExpired); err != nil {
		return err
	}
	edocs, sources := sel.exportDocuments()
	tdocs := make([]telegram.Document, len(edocs))
	for i, d := range edocs {
		td := telegram.Document{Type: d.Type, Fields: telegramFields(d.Fields)}
		for _, f := range d.Files {
			a, err := streamAttachment(ctx, w, sources[i], f.Role)
			if err != nil {
				return err
			}
			td.Files = append(td.Files, *a)
		}
		tdocs[i] = td
	}
	send, ids := tdocs, make([]string, len(edocs))
	for i, d := range edocs {
		ids[i] = d.ID
	}
	if scope != nil {
		var unused []int
		if send, unused, err = scope.Apply(tdocs); err != nil {
			return err
		}
		if len(unused) > 0 {
			var names []string
			for _, i := range unused {
				names = append(names, edocs[i].Type+" "+edocs[i].ID)
			}
			return usageError("the scope does not ask for "+strings.Join(names, ", "), "leave them out: only what the bot asks for is sent")
		}
		ids = idsInOrder(send, edocs)
	}
	now := time.Now().UTC().Truncate(time.Second)
	// Each scan is read twice, one buffer at a time (hashed, then encrypted straight into
	// the staging folder): memory does not grow with the scans.
	var built *telegram.Built
	err = stageDir(ctx, opts.output, func(stage string) error {
		create := func(name string) (io.WriteCloser, error) {
			return os.OpenFile(filepath.Join(stage, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		}
		var err error
		built, err = telegram.Build(send, pub, telegram.BuildOptions{Nonce: opts.nonce, Now: now, Create: create})
		if err != nil {
			if isInterrupted(err) || ctx.Err() != nil {
				return errInterrupted
			}
			var ue *userError
			if errors.As(err, &ue) {
				return err
			}
			return errorWithHint(exitInvalidInput, lower(err.Error()))
		}
		if err := os.WriteFile(filepath.Join(stage, "passport_data.json"), built.PassportData, 0o600); err != nil {
			return fmt.Errorf("failed to write passport_data.json: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	rec := wallet.ShareRecord{BundleID: randomID(), CreatedAt: now, Audience: []string{botAudience(pub)},
		Nonce: opts.nonce, Documents: sharedTelegram(send, ids, built.Omitted)}
	if err := w.RecordShare(rec); err != nil {
		return fmt.Errorf("telegram passport data written to %s, but failed to record it in the history: %w", opts.output, err)
	}
	if len(built.Omitted) > 0 {
		warnf(g.stderr, "not sent, Telegram Passport has no place for: %s", strings.Join(built.Omitted, ", "))
	}
	if g.json {
		res := shareViewOf(rec)
		omitted := nonNil(built.Omitted)
		res.Path, res.PassportData, res.Omitted = opts.output, filepath.Join(opts.output, "passport_data.json"), &omitted
		return printJSON(g.stdout, res)
	}
	_, err = fmt.Fprintf(g.stdout, "wrote telegram passport data to %s: %d element(s), %d file(s), for %s\n",
		opts.output, len(send), len(built.Files), rec.Audience[0])
	return err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// telegramFields turns wallet fields into the values Telegram clients send: phone numbers
// without the "+" (as Telegram writes them); dates are converted by the builder.
func telegramFields(in map[string]string) map[string]string {
	out := make(map[string]string, len(in))
	for k, v := range in {
		if k == "phone_number" {
			v = strings.TrimPrefix(v, "+")
		}
		out[k] = v
	}
	return out
}

// streamAttachment is a scan for telegram.Build to read through Open (twice), stopping
// when ctx is done.
func streamAttachment(ctx context.Context, w *wallet.Wallet, d *wallet.Document, role string) (*telegram.Attachment, error) {
	r, a, err := w.OpenAttachment(d, role)
	if err != nil {
		return nil, err
	}
	r.Close()
	if a.Size > maxShareTelegramScan {
		return nil, errorWithHint(exitInvalidInput, fmt.Sprintf("scan %s of %s is over %d MiB, too large for Telegram Passport", role, d.ID, maxShareTelegramScan>>20))
	}
	open := func() (io.ReadCloser, error) {
		r, _, err := w.OpenAttachment(d, role)
		if err != nil {
			return nil, fmt.Errorf("failed to read scan %s of %s: %w", role, d.ID, err)
		}
		return struct {
			io.Reader
			io.Closer
		}{interruptible(ctx, r), r}, nil
	}
	return &telegram.Attachment{Role: role, Open: open, Size: a.Size}, nil
}

// idsInOrder maps the documents the scope kept back to wallet IDs (types are unique among them).
func idsInOrder(send []telegram.Document, edocs []export.Document) []string {
	ids := make([]string, len(send))
	for i, d := range send {
		for _, e := range edocs {
			if e.Type == d.Type {
				ids[i] = e.ID
			}
		}
	}
	return ids
}

// sharedTelegram lists, for the history, the fields and scans that went out.
func sharedTelegram(send []telegram.Document, ids []string, omitted []string) []wallet.SharedDocument {
	out := make([]wallet.SharedDocument, len(send))
	for i, d := range send {
		sd := wallet.SharedDocument{ID: ids[i], Type: d.Type, Fields: []string{}, Attachments: []string{}}
		for k, v := range d.Fields {
			if v != "" && !slices.Contains(omitted, d.Type+"."+k) {
				sd.Fields = append(sd.Fields, k)
			}
		}
		slices.Sort(sd.Fields)
		for _, a := range d.Files {
			sd.Attachments = append(sd.Attachments, a.Role)
		}
		out[i] = sd
	}
	return out
}

func readBotPublicKey(ctx context.Context, path string) (*rsa.PublicKey, error) {
	data, err := readCapped(ctx, path, 64<<10, "bot public key file")
	if err != nil {
		return nil, err
	}
	pub, err := telegram.ParsePublicKey(data)
	if err != nil {
		return nil, errorWithHint(exitInvalidInput, fmt.Sprintf("%s is not a PEM RSA public key", path),
			"ask the bot's owner for the public key they gave @BotFather (paspor telegram keygen prints it)")
	}
	if pub.N.BitLen() < 2048 {
		return nil, errorWithHint(exitInvalidInput, fmt.Sprintf("%s is a %d-bit RSA key; at least 2048 bits are needed", path, pub.N.BitLen()))
	}
	return pub, nil
}

func readScope(ctx context.Context, path string) (*telegram.Scope, error) {
	data, err := readCapped(ctx, path, telegram.MaxScopeSize, "scope file")
	if err != nil {
		return nil, err
	}
	s, err := telegram.ParseScope(data)
	if err != nil {
		detail := err.Error()
		if r, ok := err.(*telegram.RejectedError); ok {
			detail = r.Detail
		}
		return nil, errorWithHint(exitInvalidInput, fmt.Sprintf("scope file %s: %s", path, lower(detail)),
			`a scope is Telegram's PassportScope JSON: {"data":[{"type":"passport","selfie":true}],"v":1}`)
	}
	return s, nil
}

// botAudience names a bot's key in the history: the SHA-256 of its PKIX encoding.
func botAudience(pub *rsa.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "telegram-bot"
	}
	sum := sha256.Sum256(der)
	return "telegram-bot SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
}

func randomID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b[:])
}
