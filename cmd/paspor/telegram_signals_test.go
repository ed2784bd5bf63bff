package main

import (
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paspor/paspor/internal/testscan"
)

// telegramEnv makes a wallet in dir with a passport (a JPEG front side), a bot key pair
// (dir/bot.pem, dir/bot.pub.pem) and that passport shared to the bot in dir/sent.
func telegramEnv(t *testing.T, dir string) (bin string, env []string, run func(args ...string) string) {
	bin = buildPaspor(t)
	env = append(os.Environ(), "PASPOR_WALLET="+filepath.Join(dir, "w", "wallet.db"),
		"PASPOR_FACTOR_FILE="+filepath.Join(dir, "dev.key"), "PASPOR_PASSPHRASE=pw")
	run = func(args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("paspor %s: %v", strings.Join(args, " "), err)
		}
		return string(out)
	}
	run("init", "--kdf-memory", "8", "--kdf-iterations", "1")
	front := filepath.Join(dir, "front.jpg")
	jpeg, err := testscan.JPEG(6000, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(front, jpeg, 0o600); err != nil {
		t.Fatal(err)
	}
	run("add", "passport", "--field", "document_no=P-1", "--field", "expiry_date=2031-05-01", "--front", front)
	pub := run("telegram", "keygen", "-o", "bot.pem")
	if err := os.WriteFile(filepath.Join(dir, "bot.pub.pem"), []byte(pub), 0o600); err != nil {
		t.Fatal(err)
	}
	run("share", "--format", "telegram", "--public-key", "bot.pub.pem", "--nonce", "n-1", "passport", "-o", "sent")
	return bin, env, run
}

// Ctrl-C stops telegram open, share --format telegram and import telegram like every other
// command: exit 130, "interrupted", and nothing written, recorded or stored.
func TestInterruptTelegram(t *testing.T) {
	dir := t.TempDir()
	bin, env, run := telegramEnv(t, dir)
	data, err := os.ReadFile(filepath.Join(dir, "sent", "passport_data.json"))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := os.ReadFile(filepath.Join(dir, "bot.pub.pem"))
	if err != nil {
		t.Fatal(err)
	}
	want := interruptNotice + "\npaspor: error: interrupted\n"
	check := func(name string, code int, stderr string) {
		t.Helper()
		if code != exitInterrupted || stderr != want {
			t.Errorf("%s: exit %d, stderr %q; want %d, %q", name, code, stderr, exitInterrupted, want)
		}
	}
	code, stderr := interruptReading(t, bin, env, dir, filepath.Join(dir, "pd1.json"), nil, data,
		"telegram", "open", "pd1.json", "-i", "bot.pem", "--files", "sent", "-o", "got")
	check("telegram open", code, stderr)
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		for _, e := range entries {
			if e.Name() == "got" || strings.HasPrefix(e.Name(), ".paspor-") {
				t.Errorf("telegram open left %s after Ctrl-C", e.Name())
			}
		}
	}

	before := run("history", "--json")
	code, stderr = interruptReading(t, bin, env, dir, filepath.Join(dir, "pub.pem"), nil, pub,
		"share", "--format", "telegram", "--public-key", "pub.pem", "--nonce", "n-2", "passport", "-o", "to-bot")
	check("share --format telegram", code, stderr)
	if _, err := os.Lstat(filepath.Join(dir, "to-bot")); err == nil {
		t.Error("share --format telegram wrote its output after Ctrl-C")
	}
	if after := run("history", "--json"); after != before {
		t.Errorf("share --format telegram recorded a share after Ctrl-C:\n%s", after)
	}

	listBefore := run("list", "--json")
	code, stderr = interruptReading(t, bin, env, dir, filepath.Join(dir, "pd2.json"), nil, data,
		"import", "telegram", "pd2.json", "-i", "bot.pem", "--files", "sent")
	check("import telegram", code, stderr)
	if after := run("list", "--json"); after != listBefore {
		t.Errorf("import telegram stored a document after Ctrl-C:\n%s", after)
	}
}

// TestKillDuringTelegramOpen: SIGKILL while telegram open -o decrypts a scan leaves a
// locked staging folder beside OUT; the next telegram open -o into the same folder removes
// it, even one that is then rejected.
func TestKillDuringTelegramOpen(t *testing.T) {
	if testing.Short() {
		t.Skip("shares a 64 MiB scan; skipped with -short")
	}
	dir := t.TempDir()
	bin, env, _ := killEnv(t, dir)
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env, cmd.Dir = env, dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("paspor %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	cmd := exec.Command(bin, "telegram", "keygen", "-o", "bot.pem")
	cmd.Env, cmd.Dir = env, dir
	pub, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "bot.pub.pem"), pub, 0o600)
	run("share", "--format", "telegram", "--public-key", "bot.pub.pem", "--nonce", "n", "bank_statement", "-o", "sent")
	parent := filepath.Join(dir, "recv")
	if err := os.Mkdir(parent, 0o700); err != nil {
		t.Fatal(err)
	}
	pd := filepath.Join(dir, "sent", "passport_data.json")
	staged := func(int) bool {
		matches, _ := filepath.Glob(filepath.Join(parent, ".paspor-open-*", "*"))
		return len(matches) > 0
	}
	for attempt := 0; ; attempt++ {
		if killWhen(t, bin, env, staged, "telegram", "open", pd, "-i", filepath.Join(dir, "bot.pem"),
			"--files", filepath.Join(dir, "sent"), "-o", filepath.Join(parent, "got")) {
			break
		}
		os.RemoveAll(filepath.Join(parent, "got"))
		if attempt == 4 {
			t.Fatal("paspor telegram open finished before it could be killed, 5 times")
		}
	}
	if left, _ := filepath.Glob(filepath.Join(parent, ".paspor-*")); len(left) != 1 {
		t.Fatalf("after SIGKILL: %v, want one staging folder", left)
	}
	junk := filepath.Join(dir, "junk.json")
	os.WriteFile(junk, []byte("{}"), 0o600)
	cmd = exec.Command(bin, "telegram", "open", junk, "-i", filepath.Join(dir, "bot.pem"), "-o", filepath.Join(parent, "got"))
	cmd.Env = env
	if err := cmd.Run(); err == nil {
		t.Fatal("junk opened")
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 0 {
		t.Fatalf("after the next telegram open, %s holds %v", parent, names(entries))
	}
}
