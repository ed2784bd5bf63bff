package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paspor/paspor/internal/testenv"
)

// readmeBlock returns the indented block that follows the paragraph holding title in
// README.md, without its indentation; blank lines inside it stay.
func readmeBlock(t *testing.T, readme, title string) string {
	t.Helper()
	i := strings.Index(readme, title)
	if i < 0 {
		t.Fatalf("README.md has no %s", title)
	}
	_, rest, _ := strings.Cut(readme[i:], "\n\n")
	var lines []string
	for _, line := range strings.Split(rest, "\n") {
		if line != "" && !strings.HasPrefix(line, "    ") {
			break
		}
		lines = append(lines, strings.TrimPrefix(line, "    "))
	}
	return strings.TrimSpace(strings.Join(lines, "\n")) + "\n"
}

// reminderHome is a HOME as the README's reminder job expects it: paspor in ~/.local/bin,
// the passphrase and the key file under ~/.config/paspor, the wallet in its default place.
func reminderHome(t *testing.T) (home string, env []string) {
	t.Helper()
	home = t.TempDir()
	bin := filepath.Join(home, ".local", "bin")
	conf := filepath.Join(home, ".config", "paspor")
	for _, dir := range []string{bin, conf} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(buildPaspor(t), filepath.Join(bin, "paspor")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(conf, "passphrase"), []byte("correct-horse-battery\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// What cron gives a job: HOME, a PATH, a shell; nothing of paspor's.
	env = []string{"HOME=" + home, "PATH=/usr/bin:/bin", "SHELL=/bin/sh"}
	return home, env
}

func runIn(t *testing.T, env []string, name string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = env
	out, err := cmd.Output()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(out), ee.ExitCode()
	}
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return string(out), 0
}

// TestReadmeReminderJob runs the README's reminder job as written: the crontab line through
// sh with cron's bare environment (silent and 0 with nothing to renew, the list and 12 with a
// passport about to expire), the systemd service's command with its Environment= lines, the
// notify unit's shell line (with notify-send and journalctl stand-ins that record what they
// get), and systemd-analyze verify over the three units.
func TestReadmeReminderJob(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIP: builds paspor; not in -short")
	}
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	home, env := reminderHome(t)
	paspor := filepath.Join(home, ".local", "bin", "paspor")
	walletEnv := append(env, "PASPOR_PASSPHRASE_FILE="+filepath.Join(home, ".config", "paspor", "passphrase"),
		"PASPOR_FACTOR_FILE="+filepath.Join(home, ".config", "paspor", "device.key"))
	if out, code := runIn(t, walletEnv, paspor, "init", "--kdf-memory", "8", "--kdf-iterations", "1"); code != 0 {
		t.Fatalf("init: exit %d: %s", code, out)
	}
	later := time.Now().AddDate(5, 0, 0).Format(time.DateOnly)
	if _, code := runIn(t, walletEnv, paspor, "add", "driver_license", "--field", "document_no=D1", "--field", "expiry_date="+later); code != 0 {
		t.Fatalf("add: exit %d", code)
	}

	// The crontab line: the schedule is its first five fields, the rest is run by sh.
	var cronLine string
	for _, line := range strings.Split(readmeBlock(t, readme, "With cron, which mails"), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			cronLine = line
		}
	}
	if cronLine == "" {
		t.Fatal("README.md: no crontab line")
	}
	cronCommand := strings.Join(strings.Fields(cronLine)[5:], " ")
	if out, code := runIn(t, env, "/bin/sh", "-c", cronCommand); code != 0 || out != "" {
		t.Fatalf("cron line with nothing to renew: exit %d, output %q; want 0 and none", code, out)
	}
	soon := time.Now().AddDate(0, 0, 10).Format(time.DateOnly)
	if _, code := runIn(t, walletEnv, paspor, "add", "passport", "--field", "document_no=P1", "--field", "expiry_date="+soon); code != 0 {
		t.Fatalf("add: exit %d", code)
	}
	out, code := runIn(t, env, "/bin/sh", "-c", cronCommand)
	if code != exitAttention || !strings.Contains(out, "passport") || !strings.Contains(out, soon) {
		t.Fatalf("cron line with a passport expiring %s: exit %d, output %q; want 12 and the passport", soon, code, out)
	}

	// The service's command, as systemd runs it (%h is HOME), with the key-file line enabled.
	unit := readmeBlock(t, readme, "`paspor-expiring.service`:")
	var svcEnv []string
	var execStart string
	for _, line := range strings.Split(strings.ReplaceAll(unit, "%h", home), "\n") {
		line = strings.TrimPrefix(line, "#")
		if v, ok := strings.CutPrefix(line, "Environment="); ok {
			svcEnv = append(svcEnv, v)
		}
		if v, ok := strings.CutPrefix(line, "ExecStart="); ok {
			execStart = v
		}
	}
	args := strings.Fields(execStart)
	if len(args) == 0 || !strings.Contains(unit, "OnFailure=paspor-expiring-notify.service") {
		t.Fatalf("README.md: paspor-expiring.service has no ExecStart or no OnFailure:\n%s", unit)
	}
	if out, code := runIn(t, append(env, svcEnv...), args[0], args[1:]...); code != exitAttention || !strings.Contains(out, soon) {
		t.Fatalf("service command: exit %d, output %q; want 12 (which fails the unit and starts OnFailure=)", code, out)
	}

	// The notify unit's shell line, with stand-ins for notify-send and journalctl; systemd
	// turns $$ into $ before running it.
	stubs := t.TempDir()
	got := filepath.Join(stubs, "notified")
	for name, script := range map[string]string{
		"notify-send": "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + got + "\n",
		"journalctl":  "#!/bin/sh\necho \"$@\"\necho 'passport  expires in 10 days'\n",
	} {
		if err := os.WriteFile(filepath.Join(stubs, name), []byte(script), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	notify := readmeBlock(t, readme, "`paspor-expiring-notify.service` (")
	_, notifyExec, ok := strings.Cut(notify, "ExecStart=")
	if !ok {
		t.Fatal("README.md: paspor-expiring-notify.service has no ExecStart")
	}
	notifyArgs := strings.SplitN(strings.TrimSpace(strings.ReplaceAll(notifyExec, "$$", "$")), " ", 3)
	if len(notifyArgs) != 3 || notifyArgs[1] != "-c" {
		t.Fatalf("notify ExecStart is not /bin/sh -c '...': %q", notifyExec)
	}
	script := strings.Trim(notifyArgs[2], "'")
	if _, code := runIn(t, []string{"PATH=" + stubs + ":/usr/bin:/bin"}, notifyArgs[0], "-c", script); code != 0 {
		t.Fatalf("notify line: exit %d", code)
	}
	sent, err := os.ReadFile(got)
	if err != nil {
		t.Fatalf("notify-send was not run: %v", err)
	}
	want := "paspor: documents need attention\n--user -u paspor-expiring.service -n 20 -o cat\npassport  expires in 10 days\n"
	if string(sent) != want {
		t.Errorf("notify-send got %q, want %q", sent, want)
	}

	// systemd itself reads the three units.
	analyze := testenv.RequireProgram(t, "systemd-analyze", "apt-get install systemd")
	units := t.TempDir()
	var paths []string
	for _, name := range []string{"paspor-expiring.service", "paspor-expiring.timer", "paspor-expiring-notify.service"} {
		p := filepath.Join(units, name)
		if err := os.WriteFile(p, []byte(readmeBlock(t, readme, "`"+name+"`")), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	runtime := filepath.Join(t.TempDir(), "run")
	if err := os.Mkdir(runtime, 0o700); err != nil {
		t.Fatal(err)
	}
	verify := exec.Command(analyze, append([]string{"--user", "verify"}, paths...)...)
	verify.Env = append(env, "XDG_RUNTIME_DIR="+runtime)
	if out, err := verify.CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("systemd-analyze --user verify: %v\n%s", err, out)
	}
}
