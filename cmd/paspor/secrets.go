package main

import (
	"bytes"
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/paspor/paspor/wallet"
	"github.com/paspor/paspor/wallet/factor"
)

// Secrets never travel in argv (S7): they come from a file, an environment variable or a
// terminal prompt without echo.

const maxSecretFileSize = 64 << 10

// readSecretFile reads a passphrase or code from a file ("-" is standard input), dropping
// one trailing newline.
func readSecretFile(g *globals, path, what string) ([]byte, error) {
	var r io.Reader
	if path == "-" {
		r = g.stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, errorWithHint(exitNotFound, fmt.Sprintf("%s file %s does not exist", what, path))
			}
			return nil, fmt.Errorf("failed to open %s file: %w", what, err)
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxSecretFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("failed to read %s file: %w", what, err)
	}
	if len(b) > maxSecretFileSize {
		return nil, errorWithHint(exitInvalidInput, fmt.Sprintf("%s file is larger than 64 KiB", what))
	}
	b = bytes.TrimSuffix(b, []byte("\n"))
	b = bytes.TrimSuffix(b, []byte("\r"))
	if len(b) == 0 {
		return nil, errorWithHint(exitInvalidInput, fmt.Sprintf("%s file %s is empty", what, path))
	}
	return b, nil
}

// passphrase returns the wallet passphrase from --passphrase-file, PASPOR_PASSPHRASE_FILE,
// PASPOR_PASSPHRASE or the terminal. confirm asks twice (init).
func (g *globals) passphrase(ctx context.Context, prompt string, confirm bool) ([]byte, error) {
	if path := g.passphraseFile; path != "" {
		return readSecretFile(g, path, "passphrase")
	}
	if path := os.Getenv("PASPOR_PASSPHRASE_FILE"); path != "" {
		return readSecretFile(g, path, "passphrase")
	}
	if p := os.Getenv("PASPOR_PASSPHRASE"); p != "" {
		return []byte(p), nil
	}
	return promptSecret(ctx, prompt, confirm, "no passphrase given and no terminal to ask on",
		"set PASPOR_PASSPHRASE_FILE or PASPOR_PASSPHRASE, or pass --passphrase-file FILE")
}

// promptSecret reads a secret from the controlling terminal without echo.
func promptSecret(ctx context.Context, prompt string, confirm bool, noTTYMsg, noTTYHint string) ([]byte, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil || !term.IsTerminal(int(tty.Fd())) {
		if tty != nil {
			tty.Close()
		}
		return nil, usageError(noTTYMsg, noTTYHint)
	}
	defer tty.Close()
	read := func(p string) ([]byte, error) {
		fmt.Fprint(tty, p)
		b, err := readPassword(ctx, tty)
		fmt.Fprintln(tty)
		if errors.Is(err, errInterrupted) {
			return nil, err
		}
		if err != nil {
			return nil, fmt.Errorf("failed to read from the terminal: %w", err)
		}
		return b, nil
	}
	first, err := read(prompt)
	if err != nil {
		return nil, err
	}
	if len(first) == 0 {
		return nil, errorWithHint(exitInvalidInput, "empty passphrase")
	}
	if !confirm {
		return first, nil
	}
	second, err := read("Repeat to confirm: ")
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare(first, second) != 1 {
		return nil, errorWithHint(exitInvalidInput, "the two entries differ", "run the command again")
	}
	return first, nil
}

// factorStore picks where the device secret lives: the key file when one is named, else the
// OS keyring; a wallet whose factor is a key file needs the file named.
func (g *globals) factorStore(kind string) (factor.Store, error) {
	if path := g.factorFilePath(); path != "" {
		return factor.File{Path: path}, nil
	}
	if kind == wallet.FactorFile {
		return nil, errorWithHint(exitUnlockFailed, "this wallet's second factor is a key file",
			"pass --factor-file FILE or set PASPOR_FACTOR_FILE",
			"if the key file is lost, reinstall it with: paspor recover --factor-file FILE")
	}
	return factor.Keyring{}, nil
}

// unlock opens and unlocks the wallet. The passphrase is read before the wallet is opened,
// so a person typing at a prompt does not hold the lock.
func (g *globals) unlock(ctx context.Context, readOnly bool) (*wallet.Wallet, error) {
	if err := wallet.CheckFile(g.walletFile()); err != nil {
		return nil, err
	}
	pass, err := g.passphrase(ctx, "Passphrase: ", false)
	if err != nil {
		return nil, err
	}
	defer clear(pass)
	return g.unlockWith(ctx, readOnly, pass)
}

// unlockWith is unlock with a passphrase the caller already read (passphrase reads the new
// one before unlocking, so that both prompts come before the lock).
func (g *globals) unlockWith(ctx context.Context, readOnly bool, pass []byte) (*wallet.Wallet, error) {
	path := g.walletFile()
	l, err := wallet.Open(path, wallet.OpenOptions{ReadOnly: readOnly, LockTimeout: g.lockTimeout()})
	if err != nil {
		return nil, err
	}
	fs, err := g.factorStore(l.FactorKind())
	if err != nil {
		l.Close()
		return nil, err
	}
	w, err := l.Unlock(ctx, pass, fs)
	if err != nil {
		return nil, inStep(stepUnlock, err)
	}
	return w, nil
}

// printRecoveryCode shows the recovery code, the one secret paspor prints on purpose (init and
// factor rotate).
func printRecoveryCode(g *globals, code string) {
	fmt.Fprintf(g.stdout, `Recovery code (shown once; write it down and keep it away from this machine):

    %s

With this code and your passphrase, "paspor recover" reinstalls the device secret on a
new machine. Without your passphrase, nothing can open the wallet.
`, code)
}

// unlockDocument unlocks the wallet (see unlock) and finds the document id names: its ID or a
// unique prefix. On success the caller closes the wallet.
func (g *globals) unlockDocument(ctx context.Context, readOnly bool, id string) (*wallet.Wallet, *wallet.Document, error) {
	w, err := g.unlock(ctx, readOnly)
	if err != nil {
		return nil, nil, err
	}
	d, err := w.Get(id)
	if err != nil {
		w.Close()
		return nil, nil, err
	}
	return w, d, nil
}
