package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBackupRestoreMemory backs up a wallet holding a 512 MiB scan through the real binary,
// verifies the backup and restores it into a new wallet, and checks that each process's peak
// resident set stays under 64 MiB and that the restored scan is byte-identical. The backup
// is encrypted to a recipient: a passphrase backup adds scrypt's 256 MiB for a moment
// (SECURITY.md says so). It is not timed.
func TestBackupRestoreMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 2.5 GiB of wallets and backup; skipped with -short")
	}
	dir := t.TempDir()
	bin := buildPaspor(t)
	hwm := filepath.Join(dir, "vmhwm")
	scan := filepath.Join(dir, "scan.pdf")
	makeSparseScan(t, scan, 512<<20)
	base := append(os.Environ(), "PASPOR_PASSPHRASE=pw", "GOMEMLIMIT=", peakRSSEnv+"="+hwm)
	oldEnv := append(base, "PASPOR_WALLET="+filepath.Join(dir, "w", "wallet.db"), "PASPOR_FACTOR_FILE="+filepath.Join(dir, "dev.key"))
	newEnv := append(base, "PASPOR_WALLET="+filepath.Join(dir, "new", "wallet.db"), "PASPOR_FACTOR_FILE="+filepath.Join(dir, "new.key"))
	run := func(env []string, args ...string) (string, int64) {
		cmd := exec.Command(bin, args...)
		cmd.Env, cmd.Dir = env, dir
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("paspor %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return strings.TrimSpace(stdout.String()), readKiB(t, hwm)
	}
	run(oldEnv, "init", "--kdf-memory", "8", "--kdf-iterations", "1")
	id, _ := run(oldEnv, "add", "bank_statement", "--file", scan, "--max-file-size", "1GiB")
	recipient, _ := run(oldEnv, "partner", "keygen", "--classic", "-o", "offline.key")
	_, backupKiB := run(oldEnv, "backup", "-o", "wallet.age", "-r", recipient)
	_, verifyKiB := run(oldEnv, "backup", "--verify", "wallet.age", "-i", "offline.key")
	_, restoreKiB := run(newEnv, "restore", "wallet.age", "-i", "offline.key", "--kdf-memory", "8", "--kdf-iterations", "1")
	out := filepath.Join(dir, "out.pdf")
	run(newEnv, "get", id, "file/1", "-o", out)
	t.Logf("peak RSS: backup %d KiB, verify %d KiB, restore %d KiB (limit %d KiB)", backupKiB, verifyKiB, restoreKiB, memoryLimitKiB)
	for name, kib := range map[string]int64{"backup": backupKiB, "backup --verify": verifyKiB, "restore": restoreKiB} {
		if kib >= memoryLimitKiB {
			t.Errorf("%s of a 512 MiB scan peaked at %d KiB, limit %d KiB", name, kib, memoryLimitKiB)
		}
	}
	if fileSHA256(t, out) != fileSHA256(t, scan) {
		t.Fatal("the restored scan differs")
	}
}
