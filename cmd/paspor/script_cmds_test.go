package main

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/paspor/paspor/internal/testscan"

	"github.com/paspor/paspor/wallet/factor"
)

// scriptCommands are helpers the scripts use to make inputs and inspect outputs.
func scriptCommands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	cmds := map[string]func(ts *testscript.TestScript, neg bool, args []string){
		// mkscan KIND FILE SIZE: a file of SIZE bytes of KIND (jpeg, png, pdf, text). JPEG and
		// PNG files are real images carrying random padding that cleaning keeps (testscan).
		"mkscan": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 3 {
				ts.Fatalf("usage: mkscan jpeg|png|pdf|text FILE SIZE")
			}
			size, err := strconv.Atoi(args[2])
			ts.Check(err)
			var body []byte
			switch args[0] {
			case "jpeg":
				body, err = testscan.JPEG(size, rand.Reader)
			case "png":
				body, err = testscan.PNG(size, rand.Reader)
			case "pdf", "text":
				head := map[string]string{"pdf": "%PDF-1.7\n", "text": "hello, this is not a scan\n"}[args[0]]
				body = make([]byte, max(size, len(head)))
				_, err = rand.Read(body)
				copy(body, head)
			default:
				ts.Fatalf("mkscan: unknown kind %s", args[0])
			}
			ts.Check(err)
			ts.Check(os.WriteFile(ts.MkAbs(args[1]), body, 0o644))
		},
		// grepfile FILE STRING: succeed if FILE's bytes contain STRING (for checking that
		// secrets are absent from raw files: use with !).
		"grepfile": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 2 {
				ts.Fatalf("usage: grepfile FILE STRING")
			}
			data, err := os.ReadFile(ts.MkAbs(args[0]))
			ts.Check(err)
			found := bytes.Contains(data, []byte(args[1]))
			if found && neg {
				ts.Fatalf("%s contains %q", args[0], args[1])
			}
			if !found && !neg {
				ts.Fatalf("%s does not contain %q", args[0], args[1])
			}
		},
		// walletbytes WALLET OUT: write the wallet file and every file of its blob folder
		// (WALLET.blobs), concatenated, to OUT: everything the wallet keeps at rest.
		"walletbytes": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 2 || neg {
				ts.Fatalf("usage: walletbytes WALLET OUT")
			}
			data, err := os.ReadFile(ts.MkAbs(args[0]))
			ts.Check(err)
			dir := ts.MkAbs(args[0]) + ".blobs"
			entries, err := os.ReadDir(dir)
			ts.Check(err)
			for _, e := range entries {
				b, err := os.ReadFile(filepath.Join(dir, e.Name()))
				ts.Check(err)
				data = append(data, b...)
			}
			ts.Check(os.WriteFile(ts.MkAbs(args[1]), data, 0o600))
		},
		// damageblob WALLET: flip one byte in the middle of the only scan file of WALLET
		// (WALLET.blobs/*.age), as damage or tampering would.
		"damageblob": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 1 || neg {
				ts.Fatalf("usage: damageblob WALLET")
			}
			dir := ts.MkAbs(args[0]) + ".blobs"
			entries, err := os.ReadDir(dir)
			ts.Check(err)
			if len(entries) != 1 {
				ts.Fatalf("%s holds %d files, want 1", dir, len(entries))
			}
			path := filepath.Join(dir, entries[0].Name())
			data, err := os.ReadFile(path)
			ts.Check(err)
			data[len(data)/2] ^= 0x5a
			ts.Check(os.WriteFile(path, data, 0o600))
		},
		// exit CODE PROG ARGS...: run PROG like exec and require exit code CODE; stdout and
		// stderr are kept for the next stdout/stderr checks.
		"exit": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) < 2 {
				ts.Fatalf("usage: exit CODE PROG ARGS...")
			}
			want, err := strconv.Atoi(args[0])
			ts.Check(err)
			err = ts.Exec(args[1], args[2:]...)
			got := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				got = ee.ExitCode()
			} else if err != nil {
				ts.Fatalf("exit: %v", err)
			}
			if got != want {
				ts.Logf("[stderr]\n%s", ts.ReadFile("stderr"))
				ts.Fatalf("%s exited %d, want %d", args[1], got, want)
			}
		},
		// perm FILE MODE: FILE's permission bits are MODE (octal).
		"perm": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 2 {
				ts.Fatalf("usage: perm FILE MODE")
			}
			st, err := os.Stat(ts.MkAbs(args[0]))
			ts.Check(err)
			want, err := strconv.ParseUint(args[1], 8, 32)
			ts.Check(err)
			if (uint64(st.Mode().Perm()) == want) == neg {
				ts.Fatalf("%s has mode %o", args[0], st.Mode().Perm())
			}
		},
	}
	maps.Copy(cmds, moreScriptCommands())
	return cmds
}

// moreScriptCommands are the helpers for checking hashes, JSON output and raw wallet bytes.
func moreScriptCommands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		// sha256 FILE VAR: set $VAR to the hex SHA-256 of FILE (no sha256sum needed).
		"sha256": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 2 {
				ts.Fatalf("usage: sha256 FILE VAR")
			}
			sum := sha256.Sum256([]byte(ts.ReadFile(args[0])))
			ts.Setenv(args[1], hex.EncodeToString(sum[:]))
		},
		// jsonfield FILE KEY OUTFILE: write the value at KEY (dotted path, numbers index
		// arrays: "0.id", "attachments.1.role") of the JSON in FILE to OUTFILE, strings bare.
		"jsonfield": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 3 {
				ts.Fatalf("usage: jsonfield FILE KEY OUTFILE")
			}
			ts.Check(os.WriteFile(ts.MkAbs(args[2]), []byte(jsonValue(ts, args[0], args[1])), 0o600))
		},
		// setjson VAR FILE KEY: set $VAR to the value at KEY of the JSON in FILE.
		"setjson": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 3 {
				ts.Fatalf("usage: setjson VAR FILE KEY")
			}
			ts.Setenv(args[0], jsonValue(ts, args[1], args[2]))
		},
		// validjson FILE: FILE holds exactly one JSON value (with !: it does not).
		"validjson": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 1 {
				ts.Fatalf("usage: validjson FILE")
			}
			err := oneJSONValue(ts.ReadFile(args[0]))
			if err != nil && !neg {
				ts.Fatalf("%s is not one JSON value: %v", args[0], err)
			}
			if err == nil && neg {
				ts.Fatalf("%s is valid JSON", args[0])
			}
		},
		// grepchunk FILE SCAN: succeed if any 32-byte run of SCAN, at any offset, appears in
		// FILE (use with ! to prove a scan left no readable trace in a wallet file).
		"grepchunk": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 2 {
				ts.Fatalf("usage: grepchunk FILE SCAN")
			}
			off := findChunk([]byte(ts.ReadFile(args[0])), []byte(ts.ReadFile(args[1])), 32)
			if off >= 0 && neg {
				ts.Fatalf("%s contains the 32 bytes of %s at offset %d", args[0], args[1], off)
			}
			if off < 0 && !neg {
				ts.Fatalf("%s contains no 32-byte run of %s", args[0], args[1])
			}
		},
		// repeat N PROG ARGS...: exec PROG N times; every run must succeed.
		"repeat": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) < 2 {
				ts.Fatalf("usage: repeat N PROG ARGS...")
			}
			n, err := strconv.Atoi(args[0])
			ts.Check(err)
			for range n {
				ts.Check(ts.Exec(args[1], args[2:]...))
			}
		},
		// sharedprefix FILE VAR: FILE is a JSON array of objects with "id"; set $VAR to the
		// shortest prefix that two or more IDs share (fails if there is none).
		"sharedprefix": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 2 {
				ts.Fatalf("usage: sharedprefix FILE VAR")
			}
			var docs []struct{ ID string }
			ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[0])), &docs))
			for n := 1; n <= 8; n++ {
				seen := map[string]bool{}
				for _, d := range docs {
					if len(d.ID) < n {
						continue
					}
					p := d.ID[:n]
					if seen[p] {
						ts.Setenv(args[1], p)
						return
					}
					seen[p] = true
				}
			}
			ts.Fatalf("no two IDs in %s share a prefix", args[0])
		},
		// mistype CODEFILE OUTFILE: copy a recovery code with one character (the first after
		// "PASPOR-") replaced by the next one of the Crockford base32 alphabet: a typo.
		"mistype": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 2 {
				ts.Fatalf("usage: mistype CODEFILE OUTFILE")
			}
			const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
			code := []byte(strings.TrimSpace(ts.ReadFile(args[0])))
			const at = len("PASPOR-")
			if len(code) <= at || strings.IndexByte(alphabet, code[at]) < 0 {
				ts.Fatalf("mistype: %s does not hold a recovery code", args[0])
			}
			i := strings.IndexByte(alphabet, code[at])
			code[at] = alphabet[(i+1)%len(alphabet)]
			ts.Check(os.WriteFile(ts.MkAbs(args[1]), append(code, '\n'), 0o600))
		},
		// factorsecret KEYFILE OUTFILE: write the raw 32-byte device secret of a key file to
		// OUTFILE, to look for it in other files with grepchunk.
		"factorsecret": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 2 {
				ts.Fatalf("usage: factorsecret KEYFILE OUTFILE")
			}
			_, secret, err := factor.ParseFile([]byte(ts.ReadFile(args[0])))
			ts.Check(err)
			ts.Check(os.WriteFile(ts.MkAbs(args[1]), secret, 0o600))
		},
		// substr VAR STRING N: set $VAR to the first N bytes of STRING.
		"substr": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 3 {
				ts.Fatalf("usage: substr VAR STRING N")
			}
			n, err := strconv.Atoi(args[2])
			ts.Check(err)
			if n > len(args[1]) {
				ts.Fatalf("substr: %q is shorter than %d", args[1], n)
			}
			ts.Setenv(args[0], args[1][:n])
		},
	}
}

// jsonValue returns the value at a dotted path of the JSON in file: strings bare, anything
// else as compact JSON.
func jsonValue(ts *testscript.TestScript, file, key string) string {
	var v any
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(file)), &v))
	for _, k := range strings.Split(key, ".") {
		switch c := v.(type) {
		case map[string]any:
			val, ok := c[k]
			if !ok {
				ts.Fatalf("%s: no key %q", file, key)
			}
			v = val
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(c) {
				ts.Fatalf("%s: no index %q in %q", file, k, key)
			}
			v = c[i]
		default:
			ts.Fatalf("%s: %q goes past a leaf", file, key)
		}
	}
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	ts.Check(err)
	return string(b)
}

// oneJSONValue reports whether s holds exactly one JSON value and nothing but space after it.
func oneJSONValue(s string) error {
	dec := json.NewDecoder(strings.NewReader(s))
	var v any
	if err := dec.Decode(&v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("more than one JSON value")
	}
	return nil
}

// findChunk returns the offset in scan of the first n-byte window that also appears somewhere
// in data, or -1. Every window of data is indexed, so no offset of either file is skipped.
// Windows of mostly fixed bytes (an mkscan image's base image and headers, the same in every
// image of its size) are not looked for: they say nothing about which scan is there, and a
// window with only a byte or two of random content matches another scan's by chance. A window
// counts when at least 8 of its bytes are the scan's own random ones.
func findChunk(data, scan []byte, n int) int {
	fixed := testscan.Fixed(scan)
	structural := func(i int) bool {
		if fixed == nil {
			return false
		}
		own := 0
		for _, f := range fixed[i : i+n] {
			if !f {
				own++
			}
		}
		return own < 8
	}
	if len(data) < n || len(scan) < n {
		return -1
	}
	windows := make(map[[32]byte]struct{}, len(data)-n+1)
	for i := 0; i+n <= len(data); i++ {
		windows[[32]byte(data[i:i+n])] = struct{}{}
	}
	for i := 0; i+n <= len(scan); i++ {
		if _, ok := windows[[32]byte(scan[i:i+n])]; ok && !structural(i) {
			return i
		}
	}
	return -1
}
