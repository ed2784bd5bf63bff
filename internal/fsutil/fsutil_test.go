package fsutil_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/paspor/paspor/internal/fsutil"
)

func TestWriteFile(t *testing.T) {
	errWrite := errors.New("write failed")
	tests := []struct {
		name     string
		existing string // content at path before, "" for none
		mode     fsutil.Mode
		write    func(io.Writer) error
		wantErr  error
		want     string // content at path after, "" for no file
	}{
		{"new file", "", fsutil.NoReplace, writeString("new"), nil, "new"},
		{"no replace keeps the old file", "old", fsutil.NoReplace, writeString("new"), os.ErrExist, "old"},
		{"replace swaps", "old", fsutil.Replace, writeString("new"), nil, "new"},
		{"write error leaves nothing", "", fsutil.NoReplace, func(w io.Writer) error {
			io.WriteString(w, "partial")
			return errWrite
		}, errWrite, ""},
		{"write error keeps the old file", "old", fsutil.Replace, func(io.Writer) error { return errWrite }, errWrite, "old"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out")
			if tt.existing != "" {
				if err := os.WriteFile(path, []byte(tt.existing), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			err := fsutil.WriteFileFunc(path, tt.mode, tt.write)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("err %v, want %v", err, tt.wantErr)
			}
			got, rerr := os.ReadFile(path)
			switch {
			case tt.want == "" && rerr == nil:
				t.Errorf("a file was left at path: %q", got)
			case tt.want != "" && string(got) != tt.want:
				t.Errorf("content %q (err %v), want %q", got, rerr, tt.want)
			}
			if tt.want != "" && tt.existing == "" {
				st, _ := os.Stat(path)
				if st.Mode().Perm() != fsutil.FilePerm {
					t.Errorf("mode %v, want %v", st.Mode().Perm(), os.FileMode(fsutil.FilePerm))
				}
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if e.Name() != "out" {
					t.Errorf("temporary file left behind: %s", e.Name())
				}
			}
		})
	}
}

func TestWriteFileMissingFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no", "such", "out")
	if err := fsutil.WriteFile(path, []byte("x"), fsutil.NoReplace); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err %v, want os.ErrNotExist", err)
	}
}

func TestSyncDir(t *testing.T) {
	if err := fsutil.SyncDir(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if err := fsutil.SyncDir(filepath.Join(t.TempDir(), "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing folder: err %v, want os.ErrNotExist", err)
	}
}

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	}
}

func ExampleWriteFile() {
	dir, _ := os.MkdirTemp("", "fsutil")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "note.txt")
	if err := fsutil.WriteFile(path, []byte("hello\n"), fsutil.NoReplace); err != nil {
		panic(err)
	}
	err := fsutil.WriteFile(path, []byte("again\n"), fsutil.NoReplace)
	b, _ := os.ReadFile(path)
	os.Stdout.Write(b)
	if errors.Is(err, os.ErrExist) {
		fmt.Println("not overwritten")
	}
	// Output:
	// hello
	// not overwritten
}
