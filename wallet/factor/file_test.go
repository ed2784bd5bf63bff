package factor

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/paspor/paspor/internal/testenv"
)

func TestFileFactorConformance(t *testing.T) {
	testFactorStore(t, func(t *testing.T) factorStoreOpener {
		dir := t.TempDir()
		return func(walletID string) Store { return File{Path: filepath.Join(dir, walletID+".key")} }
	})
}

func TestFileFactorModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new")
	f := File{Path: filepath.Join(dir, "sub", "w.key")}
	mustFactor(t, f.Create(context.Background(), "w", newFactorSecret(t)))
	mustFactor(t, f.Stage(context.Background(), "w", newFactorSecret(t)))
	for path, want := range map[string]os.FileMode{dir: 0o700, filepath.Dir(f.Path): 0o700, f.Path: 0o600, f.Path + ".pending": 0o600} {
		if info, err := os.Stat(path); err != nil || info.Mode().Perm() != want {
			t.Errorf("%s: mode %v (err %v), want %04o", path, info.Mode().Perm(), err, want)
		}
	}
	mustFactor(t, f.Promote(context.Background(), "w"))
	entries, err := os.ReadDir(filepath.Dir(f.Path))
	if err != nil || len(entries) != 1 {
		t.Errorf("folder holds %v (err %v), want only the key file: no temp files left", entries, err)
	}
	if f.Kind() != "file" || f.Describe() != "key file "+f.Path {
		t.Errorf("Kind = %q, Describe = %q", f.Kind(), f.Describe())
	}
}

func TestFileFactorFormat(t *testing.T) {
	f := File{Path: filepath.Join(t.TempDir(), "w.key")}
	mustFactor(t, f.Create(context.Background(), "w-1", make([]byte, factorSecretSize)))
	got, err := os.ReadFile(f.Path)
	mustFactor(t, err)
	want := "# paspor device secret for wallet w-1\n# keep it apart from the wallet file and its backups\n" +
		"PASPOR-FACTOR-1 w-1 " + strings.Repeat("A", 43) + "=\n"
	if string(got) != want {
		t.Errorf("key file content:\n%s\nwant:\n%s", got, want)
	}
}

func TestFileFactorRefusesOpenPermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no permission bits on Windows")
	}
	f := File{Path: filepath.Join(t.TempDir(), "w.key")}
	mustFactor(t, f.Create(context.Background(), "w", newFactorSecret(t)))
	mustFactor(t, os.Chmod(f.Path, 0o644))
	_, _, err := f.Load(context.Background(), "w")
	var kf *KeyFileError
	if !errors.As(err, &kf) || kf.Problem != KeyFileTooOpen || kf.Perm != 0o644 || kf.Path != f.Path {
		t.Fatalf("Load of a 0644 key file = %v, want *KeyFileError{KeyFileTooOpen, 0644}", err)
	}
}

func TestFileFactorOtherWallet(t *testing.T) {
	ctx := context.Background()
	f := File{Path: filepath.Join(t.TempDir(), "w.key")}
	mustFactor(t, f.Create(ctx, "w1", newFactorSecret(t)))
	_, _, err := f.Load(ctx, "w2")
	var kf *KeyFileError
	if !errors.As(err, &kf) || kf.Problem != KeyFileForeign || kf.Path != f.Path {
		t.Fatalf("Load as another wallet = %v, want *KeyFileError{KeyFileForeign}", err)
	}
	// Overwriting or deleting it would destroy the other wallet's second factor.
	for name, err := range map[string]error{
		"Save": f.Save(ctx, "w2", newFactorSecret(t)), "Stage": f.Stage(ctx, "w2", newFactorSecret(t)),
		"Delete": f.Delete(ctx, "w2"),
	} {
		if !errors.As(err, &kf) || kf.Problem != KeyFileForeign {
			t.Errorf("%s as another wallet = %v, want *KeyFileError{KeyFileForeign}", name, err)
		}
	}
	if _, _, err := f.Load(ctx, "w1"); err != nil {
		t.Fatalf("the first wallet's key file was damaged: %v", err)
	}
}

func TestFileFactorMalformed(t *testing.T) {
	valid := FormatFile("w", newFactorSecret(t))
	secretPart := strings.Fields(string(valid))[len(strings.Fields(string(valid)))-1]
	cases := map[string][]byte{
		"empty":           nil,
		"comments only":   valid[:bytes.LastIndexByte(valid[:len(valid)-1], '\n')+1],
		"truncated":       valid[:len(valid)-10],
		"garbage":         []byte("\x00\xff\xfe binary junk " + secretPart[:20] + "\n"),
		"oversize":        append(bytes.Repeat([]byte("#\n"), 3000), valid...),
		"wrong magic":     bytes.Replace(valid, []byte("PASPOR-FACTOR-1"), []byte("PASPOR-FACTOR-2"), 1),
		"two secrets":     append(append([]byte{}, valid...), valid[bytes.Index(valid, []byte("PASPOR")):]...),
		"extra field":     bytes.Replace(valid, []byte("\nPASPOR-FACTOR-1 w "), []byte("\nPASPOR-FACTOR-1 w x "), 1),
		"tab separated":   bytes.Replace(valid, []byte("PASPOR-FACTOR-1 w "), []byte("PASPOR-FACTOR-1\tw\t"), 1),
		"secret too long": bytes.Replace(valid, []byte("=\n"), []byte("AAAA=\n"), 1),
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			f := File{Path: filepath.Join(t.TempDir(), "w.key")}
			mustFactor(t, os.WriteFile(f.Path, content, 0o600))
			_, _, err := f.Load(context.Background(), "w")
			var kf *KeyFileError
			if !errors.As(err, &kf) || kf.Problem != KeyFileMalformed || kf.Path != f.Path {
				t.Fatalf("Load = %v, want *KeyFileError{KeyFileMalformed}", err)
			}
			if strings.Contains(err.Error(), secretPart[:8]) {
				t.Errorf("error %q repeats the file content", err)
			}
		})
	}
}

func TestFileFactorCreateExclusive(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	// An existing file, even a damaged one, is never overwritten by Create.
	f := File{Path: filepath.Join(dir, "w.key")}
	mustFactor(t, os.WriteFile(f.Path, []byte("not a key file"), 0o600))
	if err := f.Create(ctx, "w", newFactorSecret(t)); !errors.Is(err, ErrExists) {
		t.Fatalf("Create over an existing file = %v, want ErrExists", err)
	}
	if got, _ := os.ReadFile(f.Path); string(got) != "not a key file" {
		t.Errorf("Create changed the existing file")
	}
	// O_EXCL does not follow a planted symlink: the secret is not written to its target.
	link := File{Path: filepath.Join(dir, "link.key")}
	target := filepath.Join(dir, "target")
	if err := os.Symlink(target, link.Path); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	if err := link.Create(ctx, "w", newFactorSecret(t)); !errors.Is(err, ErrExists) {
		t.Fatalf("Create over a dangling symlink = %v, want ErrExists", err)
	}
	if _, err := os.Lstat(target); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Create wrote through the symlink")
	}
}

func TestFileFactorFIFODoesNotHang(t *testing.T) {
	mkfifo := testenv.RequireProgram(t, "mkfifo", "apt-get install coreutils")
	f := File{Path: filepath.Join(t.TempDir(), "w.key")}
	mustFactor(t, exec.Command(mkfifo, f.Path).Run())
	done := make(chan error, 1)
	go func() { _, _, err := f.Load(context.Background(), "w"); done <- err }()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("Load of a FIFO succeeded")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Load of a FIFO hangs")
	}
}

func TestParseFactorFile(t *testing.T) {
	secret := newFactorSecret(t)
	valid := FormatFile("w", secret)
	for name, content := range map[string][]byte{
		"as written":       valid,
		"CRLF":             bytes.ReplaceAll(valid, []byte("\n"), []byte("\r\n")),
		"no final newline": bytes.TrimSuffix(valid, []byte("\n")),
		"no comments":      valid[bytes.Index(valid, []byte("PASPOR")):],
		"blank lines":      append([]byte("\n\n"), valid...),
	} {
		id, got, err := ParseFile(content)
		if err != nil || id != "w" || !bytes.Equal(got, secret) {
			t.Errorf("%s: ParseFile = %q, %d bytes, %v", name, id, len(got), err)
		}
	}
}

// FuzzParseFile checks that the parser never panics, never repeats long input tokens in
// its errors (they may be secrets), and that whatever it accepts survives a format round trip.
func FuzzParseFile(f *testing.F) {
	f.Add(FormatFile("w", make([]byte, factorSecretSize)))
	f.Fuzz(func(t *testing.T, data []byte) {
		id, secret, err := ParseFile(data)
		if err != nil {
			for _, token := range strings.Fields(string(data)) {
				if len(token) >= 16 && strings.Contains(err.Error(), token) {
					t.Fatalf("error %q repeats input", err)
				}
			}
			return
		}
		if checkFactorWalletID(id) != nil || len(secret) != factorSecretSize {
			t.Fatalf("accepted an invalid wallet ID or a %d-byte secret", len(secret))
		}
		id2, secret2, err := ParseFile(FormatFile(id, secret))
		if err != nil || id2 != id || !bytes.Equal(secret2, secret) {
			t.Fatalf("round trip failed: %v", err)
		}
	})
}
