package main

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

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

// readPassportData reads a passport_data JSON file, capped.
func readPassportData(path string) ([]byte, error) {
	data, err := readCapped(path, telegram.MaxPassportDataSize, "passport data file")
	if err != nil {
		return nil, err
	}
	return data, nil
}

// readCapped reads a whole file of at most max bytes.
func readCapped(path string, max int64, what string) ([]byte, error) {
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
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("failed to read %s: %w", path, err)
	}
	if int64(len(data)) > max {
		return nil, errorWithHint(exitInvalidInput, fmt.Sprintf("%s %s is over %d bytes", what, path, max))
	}
	return data, nil
}

// maxTelegramFile caps a downloaded Telegram Passport file; Telegram's own limit is far lower.
const maxTelegramFile = 64 << 20

// readDownloads reads, for each file of p, DIR/<file_unique_id> or DIR/<file_id>, and
// decrypts it. Files not in DIR are left out; a file that is there but fails its hash is
// an error. dir "" reads nothing.
func readDownloads(p *telegram.Passport, dir string) (map[*telegram.File][]byte, error) {
	out := map[*telegram.File][]byte{}
	if dir == "" {
		return out, nil
	}
	if !isDir(dir) {
		return nil, errorWithHint(exitNotFound, fmt.Sprintf("files folder %s does not exist", dir))
	}
	for i := range p.Elements {
		for j := range p.Elements[i].Files {
			f := &p.Elements[i].Files[j]
			path := ""
			for _, name := range []string{f.FileUniqueID, f.FileID} {
				if name == "" {
					continue
				}
				if st, err := os.Stat(filepath.Join(dir, name)); err == nil && st.Mode().IsRegular() {
					path = filepath.Join(dir, name)
					break
				}
			}
			if path == "" {
				continue
			}
			ct, err := readCapped(path, maxTelegramFile, "file")
			if err != nil {
				return nil, err
			}
			plain, err := f.Decrypt(ct)
			if err != nil {
				return nil, err
			}
			out[f] = plain
		}
	}
	return out, nil
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

// stageDir fills a new folder next to out (0700) with write and renames it to out only
// when write succeeded, so that out appears complete or not at all.
func stageDir(out string, write func(stage string) error) error {
	stage, err := os.MkdirTemp(filepath.Dir(out), ".paspor-stage-*")
	if err != nil {
		return fmt.Errorf("failed to create a folder next to %s: %w", out, err)
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(stage)
		}
	}()
	if err := os.Chmod(stage, 0o700); err != nil {
		return fmt.Errorf("failed to restrict %s: %w", stage, err)
	}
	if err := write(stage); err != nil {
		return err
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
