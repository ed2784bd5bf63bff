package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// rssRows runs add, get, share and open of one large scan with the binary that reports its
// own VmHWM on exit. A parent's rusage would be wrong here: Maxrss of a child counts the
// memory of the process it was forked from.
func (b *bench) rssRows(ctx context.Context) ([]row, error) {
	size := b.cfg.scaled(512<<20, 128<<10)
	w, err := b.newWallet(ctx, "rss")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(w.dir)
	scan := filepath.Join(w.dir, "scan.pdf")
	if err := writeScan(scan, size, 3); err != nil {
		return nil, err
	}
	var id string
	got, bundle, opened := filepath.Join(w.dir, "got.pdf"), filepath.Join(w.dir, "big.age"), filepath.Join(w.dir, "opened")
	steps := []struct {
		name string
		cmd  func() *exec.Cmd
		keep func(stdout string)
		done func() error // frees the disk the step used once the next no longer needs it
	}{
		{"add", func() *exec.Cmd {
			return w.cmd(ctx, b.pasporRSS, "add", "bank_statement", "--file", scan, "--max-file-size", "1GiB")
		}, func(s string) { id = s }, func() error { return os.Remove(scan) }},
		{"get", func() *exec.Cmd { return w.cmd(ctx, b.pasporRSS, "get", id, "file/1", "-o", got) },
			nil, func() error { return os.Remove(got) }},
		{"share", func() *exec.Cmd { return w.cmd(ctx, b.pasporRSS, "share", id, "-r", b.partner.recipient, "-o", bundle) },
			nil, func() error { return nil }},
		{"open", func() *exec.Cmd { return w.cmd(ctx, b.pasporRSS, "open", bundle, "-i", b.partner.key, "-o", opened) },
			nil, func() error { return os.RemoveAll(opened) }},
	}
	var rows []row
	for _, s := range steps {
		os.Remove(b.rssFile)
		out, err := output(s.cmd())
		if err != nil {
			return nil, fmt.Errorf("peak RSS of %s: %w", s.name, err)
		}
		if s.keep != nil {
			s.keep(out)
		}
		kib, err := readVmHWM(b.rssFile)
		if err != nil {
			return nil, fmt.Errorf("peak RSS of %s: %w", s.name, err)
		}
		fmt.Fprintf(b.log, "bench: peak RSS of %s: %d KiB\n", s.name, kib)
		rows = append(rows, rssRow(fmt.Sprintf("peak RSS of %s, %s scan", s.name, mib(size)), kib, 64<<10))
		if err := s.done(); err != nil {
			return nil, err
		}
	}
	return rows, nil
}

// readVmHWM reads what the binary wrote ("40136 kB").
func readVmHWM(path string) (int64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("the binary did not report its VmHWM: %w", err)
	}
	return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(string(data)), " kB"), 10, 64)
}
