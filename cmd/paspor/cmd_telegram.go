package main

import (
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/paspor/paspor/export"
	"github.com/paspor/paspor/export/telegram"
	"github.com/paspor/paspor/internal/termsafe"
)

// newTelegramCommand groups the bot side of Telegram Passport: keygen, open, errors.
func newTelegramCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "telegram",
		Short: "Telegram Passport for bots: make a key, decrypt passport_data, report errors",
		Long: `The bot side of Telegram Passport (core.telegram.org/passport). A bot that receives
passport_data decrypts it with its RSA private key; these commands do that, and need no
wallet. Holders send their documents in this format with: paspor share --format telegram.`,
	}
	cmd.AddCommand(newTelegramKeygenCommand(g), newTelegramOpenCommand(g), newTelegramErrorsCommand(g))
	return cmd
}

// readBotKey reads the bot's RSA private key (PEM, PKCS#1 or PKCS#8).
func readBotKey(path string) (*rsa.PrivateKey, error) {
	if path == "" {
		return nil, usageError("no bot key", "pass -i FILE (the bot's RSA private key, from paspor telegram keygen)")
	}
	data, err := readIdentityFile(path)
	if err != nil {
		return nil, err
	}
	defer clear(data)
	k, err := telegram.ParsePrivateKey(data)
	if err != nil {
		return nil, errorWithHint(exitInvalidInput, fmt.Sprintf("bot key file %s is not a PEM RSA private key", path))
	}
	return k, nil
}

// openPassportData decrypts the PassportData at path (or "-") with the bot's private key in
// the identity file, checking the nonce when one is given.
func openPassportData(ctx context.Context, g *globals, path, identity, nonce string) (*telegram.Passport, error) {
	key, err := readBotKey(identity)
	if err != nil {
		return nil, err
	}
	data, err := readPassportData(ctx, g, path)
	if err != nil {
		return nil, err
	}
	return telegram.Open(data, key, telegram.OpenOptions{Nonce: nonce})
}

// readPassportData reads a passport_data JSON file, capped; path "-" is standard input.
func readPassportData(ctx context.Context, g *globals, path string) ([]byte, error) {
	if path == "-" {
		data, err := io.ReadAll(io.LimitReader(interruptible(ctx, g.stdin), telegram.MaxPassportDataSize+1))
		if err != nil {
			if isInterrupted(err) {
				return nil, errInterrupted
			}
			return nil, fmt.Errorf("failed to read standard input: %w", err)
		}
		if int64(len(data)) > telegram.MaxPassportDataSize {
			return nil, errorWithHint(exitInvalidInput, fmt.Sprintf("passport data on standard input is over %d bytes", telegram.MaxPassportDataSize))
		}
		return data, nil
	}
	return readCapped(ctx, path, telegram.MaxPassportDataSize, "passport data file")
}

// readCapped reads a whole file of at most max bytes, stopping when ctx is done.
func readCapped(ctx context.Context, path string, max int64, what string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, errorWithHint(exitNotFound, fmt.Sprintf("%s %s does not exist", what, path))
		}
		return nil, fmt.Errorf("failed to open %s: %w", path, err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, errorWithHint(exitInvalidInput, fmt.Sprintf("%s is a folder, not a file", path))
	}
	data, err := io.ReadAll(io.LimitReader(interruptible(ctx, f), max+1))
	if err != nil {
		if isInterrupted(err) {
			return nil, errInterrupted
		}
		return nil, fmt.Errorf("failed to read %s: %w", path, err)
	}
	if int64(len(data)) > max {
		return nil, errorWithHint(exitInvalidInput, fmt.Sprintf("%s %s is over %d bytes", what, path, max))
	}
	return data, nil
}

// maxTelegramFile caps a downloaded Telegram Passport file; Telegram's own limit is far lower.
// It holds the largest scan share --format telegram sends plus the most padding (255 bytes),
// so that whatever paspor sends, paspor opens.
const maxTelegramFile = maxShareTelegramScan + 256

// findDownloads locates, for each file of p, DIR/<file_unique_id> or DIR/<file_id>.
// Files not in DIR are left out. dir "" finds nothing.
func findDownloads(p *telegram.Passport, dir string) (map[*telegram.File]string, error) {
	out := map[*telegram.File]string{}
	if dir == "" {
		return out, nil
	}
	if !isDir(dir) {
		return nil, errorWithHint(exitNotFound, fmt.Sprintf("files folder %s does not exist", dir))
	}
	for i := range p.Elements {
		for j := range p.Elements[i].Files {
			f := &p.Elements[i].Files[j]
			for _, name := range []string{f.FileUniqueID, f.FileID} {
				if name == "" {
					continue
				}
				if st, err := os.Stat(filepath.Join(dir, name)); err == nil && st.Mode().IsRegular() {
					out[f] = filepath.Join(dir, name)
					break
				}
			}
		}
	}
	return out, nil
}

// decryptedInfo is what decryptDownload learns about a plaintext on the way through.
type decryptedInfo struct {
	size   int64
	sha256 string
	head   []byte // the first 512 bytes, to sniff the media type
}

// decryptDownload streams the ciphertext at path through f's decryption into w, one buffer
// at a time, and stops when ctx is done. On an error w holds unchecked bytes to discard.
func decryptDownload(ctx context.Context, f *telegram.File, path string, w io.Writer) (*decryptedInfo, error) {
	in, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("failed to open %s: %w", path, err)
	}
	defer in.Close()
	if st, err := in.Stat(); err == nil && st.Size() > maxTelegramFile {
		return nil, errorWithHint(exitInvalidInput, fmt.Sprintf("file %s is over %d bytes", path, maxTelegramFile))
	}
	h := sha256.New()
	hd := &headWriter{max: 512}
	n, err := f.DecryptTo(io.MultiWriter(w, h, hd), io.LimitReader(interruptible(ctx, in), maxTelegramFile))
	if err != nil {
		if isInterrupted(err) {
			return nil, errInterrupted
		}
		return nil, err
	}
	return &decryptedInfo{size: n, sha256: hex.EncodeToString(h.Sum(nil)), head: hd.b}, nil
}

// headWriter keeps the first max bytes written to it.
type headWriter struct {
	b   []byte
	max int
}

func (h *headWriter) Write(p []byte) (int, error) {
	if r := h.max - len(h.b); r > 0 {
		h.b = append(h.b, p[:min(r, len(p))]...)
	}
	return len(p), nil
}

// printable shows a string that came from outside as it is when termsafe finds it clean,
// and quoted with escapes visible otherwise, so that no control
// or bidirectional-override character from a hostile sender reaches the terminal.
func printable(s string) string {
	if !termsafe.Clean(s) || strings.TrimSpace(s) != s || s == "" {
		return termsafe.Quote(s)
	}
	return s
}

// telegramHints says what to do about rejected Telegram Passport data, by reason.
func telegramHints(reason string) []string {
	switch reason {
	case telegram.ReasonKey:
		return []string{"pass the private key whose public key the bot gave @BotFather (-i)"}
	case telegram.ReasonNonce:
		return []string{"the data answers another request: ask the user to share again"}
	case telegram.ReasonHash:
		return []string{"the data or a file was damaged or altered: download it again with getFile"}
	}
	return nil
}

// sweepStages removes, from the folder that will hold out, the staging folders of runs
// that were killed (see stageDir). Commands call it first, whatever then happens.
func sweepStages(out string) error {
	if err := export.RemoveStaleStages(filepath.Dir(filepath.Clean(out))); err != nil {
		return fmt.Errorf("failed to clean the folder next to %s: %w", out, err)
	}
	return nil
}

// stageDir fills a new locked folder next to out (0700) with write and renames it to out
// only when write succeeded and ctx is not done, so that out appears complete or not at
// all. The staging folder is the one paspor open uses (export.NewStage): one left by a
// killed run, decrypted scans included, is removed by the next run into the same parent.
func stageDir(ctx context.Context, out string, write func(stage string) error) error {
	out = filepath.Clean(out)
	parent := filepath.Dir(out)
	if err := sweepStages(out); err != nil {
		return err
	}
	stage, release, err := export.NewStage(parent, stageLogDir())
	if err != nil {
		return fmt.Errorf("failed to create a folder next to %s: %w", out, err)
	}
	done := false
	defer func() { release(!done) }()
	if err := write(stage); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return errInterrupted
	}
	if _, err := os.Lstat(out); err == nil {
		return errorWithHint(exitExists, fmt.Sprintf("%s already exists", out), "choose another -o folder or remove it first")
	}
	if err := os.Rename(stage, out); err != nil {
		return fmt.Errorf("failed to move the result into %s: %w", out, err)
	}
	done = true
	return nil
}
