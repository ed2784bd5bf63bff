package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestTelegramMemory: share --format telegram, telegram open -o and import telegram of a
// document with three 50 MiB scans each stay under memoryLimitKiB of peak resident set:
// files are encrypted and decrypted one buffer at a time, never held whole.
func TestTelegramMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("encrypts and decrypts 150 MiB several times; skipped with -short")
	}
	dir := t.TempDir()
	bin := buildPaspor(t)
	hwm := filepath.Join(dir, "vmhwm")
	env := append(os.Environ(), "PASPOR_WALLET="+filepath.Join(dir, "w", "wallet.db"),
		"PASPOR_FACTOR_FILE="+filepath.Join(dir, "dev.key"), "PASPOR_PASSPHRASE=pw", "GOMEMLIMIT=", peakRSSEnv+"="+hwm)
	run := func(args ...string) (string, int64) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env, cmd.Dir = env, dir
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("paspor %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return stdout.String(), readKiB(t, hwm)
	}
	run("init", "--kdf-memory", "8", "--kdf-iterations", "1")
	args := []string{"add", "bank_statement"}
	for i := range 3 {
		scan := filepath.Join(dir, "scan"+string(rune('1'+i))+".pdf")
		makeSparseScan(t, scan, 50<<20)
		args = append(args, "--file", scan)
	}
	run(args...)
	pub, _ := run("telegram", "keygen", "-o", "bot.pem")
	os.WriteFile(filepath.Join(dir, "bot.pub.pem"), []byte(pub), 0o600)
	_, shareKiB := run("share", "--format", "telegram", "--public-key", "bot.pub.pem", "--nonce", "n", "bank_statement", "-o", "sent")
	_, openKiB := run("telegram", "open", "sent/passport_data.json", "-i", "bot.pem", "--files", "sent", "-o", "got")
	_, importKiB := run("import", "telegram", "sent/passport_data.json", "-i", "bot.pem", "--files", "sent")
	t.Logf("peak RSS: share %d KiB, open %d KiB, import %d KiB (limit %d KiB)", shareKiB, openKiB, importKiB, memoryLimitKiB)
	for name, kib := range map[string]int64{"share --format telegram": shareKiB, "telegram open": openKiB, "import telegram": importKiB} {
		if kib >= memoryLimitKiB {
			t.Errorf("%s of three 50 MiB scans peaked at %d KiB, limit %d KiB", name, kib, memoryLimitKiB)
		}
	}
	for i := range 3 {
		want := fileSHA256(t, filepath.Join(dir, "scan"+string(rune('1'+i))+".pdf"))
		if got := fileSHA256(t, filepath.Join(dir, "got", "files", "bank_statement", "file-"+string(rune('1'+i))+".pdf")); got != want {
			t.Errorf("file/%d came back different from telegram open", i+1)
		}
	}
}
