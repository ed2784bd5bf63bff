package main

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/paspor/paspor/internal/testscan"
)

const benchPassphrase = "bench passphrase, not a secret"

// walletDir is one throwaway wallet: its file and key file live in dir, and env points
// paspor at them with the passphrase, as a script would.
type walletDir struct {
	dir string
	env []string
}

// newWallet makes a cheap-KDF wallet (8 MiB, one pass) with the CLI, off the clock.
func (b *bench) newWallet(ctx context.Context, name string) (*walletDir, error) {
	dir := filepath.Join(b.work, name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	w := &walletDir{dir: dir, env: append(baseEnv(),
		"PASPOR_WALLET="+filepath.Join(dir, "wallet.db"),
		"PASPOR_FACTOR_FILE="+filepath.Join(dir, "device.key"),
		"PASPOR_PASSPHRASE="+benchPassphrase)}
	_, err := execute(w.cmd(ctx, b.paspor, "init", "--factor-file", filepath.Join(dir, "device.key"),
		"--kdf-memory", "8", "--kdf-iterations", "1"))
	return w, err
}

func (w *walletDir) cmd(ctx context.Context, bin string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = w.env
	return cmd
}

// addScan stores one scan as a bank statement and returns the document ID.
func (b *bench) addScan(ctx context.Context, w *walletDir, bin, scan string) (string, error) {
	return output(w.cmd(ctx, bin, "add", "bank_statement", "--file", scan, "--max-file-size", "1GiB"))
}

// writeScan writes a PDF header followed by random bytes, so nothing along the way can
// compress it, and so it sniffs as a PDF.
func writeScan(path string, size int64, seed uint64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	header := "%PDF-1.7\n% paspor bench scan\n"
	if _, err := w.WriteString(header); err != nil {
		f.Close()
		return err
	}
	rng := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8)})
	buf := make([]byte, 1<<20)
	for left := size - int64(len(header)); left > 0; left -= int64(len(buf)) {
		rng.Read(buf)
		if _, err := w.Write(buf[:min(left, int64(len(buf)))]); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeJPEG writes a small real JPEG (random padding that cleaning keeps).
func writeJPEG(path string, size int) error {
	b, err := testscan.JPEG(size, rand.NewChaCha8([32]byte{7}))
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}

// partner is the receiving side: a classic X25519 identity, which Debian's age 1.1 reads too.
type partner struct {
	key       string
	recipient string
}

func (b *bench) newPartner(ctx context.Context) (*partner, error) {
	p := &partner{key: filepath.Join(b.work, "partner.key")}
	env := baseEnv()
	cmd := exec.CommandContext(ctx, b.paspor, "partner", "keygen", "--classic", "-o", p.key)
	cmd.Env = env
	if _, err := execute(cmd); err != nil {
		return nil, err
	}
	cmd = exec.CommandContext(ctx, b.paspor, "partner", "recipient", "-i", p.key)
	cmd.Env = env
	var err error
	if p.recipient, err = output(cmd); err != nil {
		return nil, err
	}
	if p.recipient == "" {
		return nil, fmt.Errorf("paspor partner recipient printed nothing")
	}
	return p, nil
}

// mib formats a byte count the way the figures name sizes.
func mib(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}
