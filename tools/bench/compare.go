package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// addRows: one scan into a fresh wallet (paspor add fsyncs every segment commit) against
// age encrypting the same file followed by sync, so both end durable.
func (b *bench) addRows(ctx context.Context) ([]row, error) {
	size := b.cfg.scaled(256<<20, 64<<10)
	scan := filepath.Join(b.work, "add-scan.pdf")
	if err := writeScan(scan, size, 1); err != nil {
		return nil, err
	}
	defer os.Remove(scan)
	p := b.partner
	var w *walletDir
	out := filepath.Join(b.work, "add-scan.pdf.age")
	pt, at, err := b.alternate("add", b.cfg.runs, side{
		setup: func(i int) (err error) { w, err = b.newWallet(ctx, fmt.Sprintf("add-%d", i)); return err },
		cmd: func(int) *exec.Cmd {
			return w.cmd(ctx, b.paspor, "add", "bank_statement", "--file", scan, "--max-file-size", "1GiB")
		},
		teardown: func(int) error { return os.RemoveAll(w.dir) },
	}, side{
		cmd: func(int) *exec.Cmd {
			return exec.CommandContext(ctx, "sh", "-c", `"$0" -e -r "$1" -o "$2" "$3" && sync`, b.age, p.recipient, out, scan)
		},
		teardown: func(int) error { return os.Remove(out) },
	})
	if err != nil {
		return nil, err
	}
	small, err := b.smallAddRow(ctx)
	if err != nil {
		return nil, err
	}
	return []row{timeRatioRow("add a "+mib(size)+" scan", median(pt), median(at), 1.10), small}, nil
}

// smallAddRow: a 1 MiB scan, where the fixed costs show: paspor add minus the cold KDF
// against age -e and sync of the same file, each with its own process start.
func (b *bench) smallAddRow(ctx context.Context) (row, error) {
	size := b.cfg.scaled(1<<20, 64<<10)
	scan := filepath.Join(b.work, "add-small.pdf")
	if err := writeScan(scan, size, 2); err != nil {
		return row{}, err
	}
	defer os.Remove(scan)
	var w *walletDir
	out := filepath.Join(b.work, "add-small.pdf.age")
	pt, at, err := b.alternate("add small", b.cfg.shortRuns(), side{
		setup: func(i int) (err error) { w, err = b.newWallet(ctx, fmt.Sprintf("add-small-%d", i)); return err },
		cmd: func(int) *exec.Cmd {
			return w.cmd(ctx, b.paspor, "add", "bank_statement", "--file", scan)
		},
		teardown: func(int) error { return os.RemoveAll(w.dir) },
	}, side{
		cmd: func(int) *exec.Cmd {
			return exec.CommandContext(ctx, "sh", "-c", `"$0" -e -r "$1" -o "$2" "$3" && sync`, b.age, b.partner.recipient, out, scan)
		},
		teardown: func(int) error { return os.Remove(out) },
	})
	if err != nil {
		return row{}, err
	}
	return beyondAnchorRow("add a "+mib(size)+" scan, beyond the KDF", median(pt), b.kdfCheapCold, median(at), 10*time.Millisecond), nil
}

// shareRows: three documents whose scans total 100 MiB, against tar piped into age (and a
// sync: paspor share fsyncs its output before linking it into place).
func (b *bench) shareRows(ctx context.Context) ([]row, error) {
	w, err := b.newWallet(ctx, "share")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(w.dir)
	total := b.cfg.scaled(100<<20, 96<<10)
	in := filepath.Join(b.work, "share-in")
	if err := os.MkdirAll(in, 0o700); err != nil {
		return nil, err
	}
	defer os.RemoveAll(in)
	sizes := []int64{total * 4 / 10, total * 35 / 100, total - total*4/10 - total*35/100}
	var ids, names []string
	for i, size := range sizes {
		name := fmt.Sprintf("scan%d.pdf", i+1)
		if err := writeScan(filepath.Join(in, name), size, uint64(10+i)); err != nil {
			return nil, err
		}
		id, err := b.addScan(ctx, w, b.paspor, filepath.Join(in, name))
		if err != nil {
			return nil, err
		}
		ids, names = append(ids, id), append(names, name)
	}
	out := filepath.Join(b.work, "share-out.age")
	args := append(append([]string{"share"}, ids...), "-r", b.partner.recipient, "-o", out)
	tarAge := `tar -c -C "$0" ` + strings.Join(names, " ") + ` | "$1" -e -r "$2" > "$3" && sync`
	pt, at, err := b.alternate("share", b.cfg.runs, side{
		cmd:      func(int) *exec.Cmd { return w.cmd(ctx, b.paspor, args...) },
		teardown: func(int) error { return os.Remove(out) },
	}, side{
		cmd: func(int) *exec.Cmd {
			return exec.CommandContext(ctx, "sh", "-c", tarAge, in, b.age, b.partner.recipient, out)
		},
		teardown: func(int) error { return os.Remove(out) },
	})
	if err != nil {
		return nil, err
	}
	return []row{timeRatioRow("share 3 documents, "+mib(total)+" of scans", median(pt), median(at), 1.2)}, nil
}

// stockOpen is what a partner without paspor runs for each bundle (README, "For partners"),
// a batch of bundles per shell so the shell's own start is not counted per bundle.
const stockOpen = `set -e
out=$1 id=$2 allowed=$3; shift 3
for b do
	d="$out/$(basename "$b" .age)"
	mkdir -p "$d"
	"$AGE" -d -i "$id" "$b" | tar -x -C "$d"
	ssh-keygen -Y verify -f "$allowed" -I holder -n paspor-bundle -s "$d/SHA256SUMS.sig" <"$d/SHA256SUMS" >/dev/null 2>&1
	(cd "$d" && sha256sum --strict --quiet -c SHA256SUMS)
done
`

// openRows: n small bundles made once with paspor share, opened with paspor open -o against
// the stock pipeline, both on cfg.jobs parallel jobs.
func (b *bench) openRows(ctx context.Context) ([]row, error) {
	n := int(b.cfg.scaled(1000, 2))
	bundles, holder, err := b.makeBundles(ctx, n)
	if err != nil {
		return nil, err
	}
	allowed := filepath.Join(b.work, "allowed_signers")
	if err := os.WriteFile(allowed, []byte(`holder namespaces="paspor-bundle" `+holder+"\n"), 0o600); err != nil {
		return nil, err
	}
	script := filepath.Join(b.work, "stock-open.sh")
	if err := os.WriteFile(script, []byte(stockOpen), 0o600); err != nil {
		return nil, err
	}
	// Each run extracts into its own folder, removed only after all runs: deleting thousands
	// of files between runs makes ext4 scan its recently deleted inodes at every file the next
	// run creates (perf: find_inode_bit, recently_deleted), a cost of the harness, not of
	// either side, that grew paspor's system time fivefold from run to run.
	outDir := func(side string, i int) string { return filepath.Join(b.work, fmt.Sprintf("opened-%s-%d", side, i)) }
	defer func() {
		for i := range b.cfg.openRuns {
			os.RemoveAll(outDir("paspor", i))
			os.RemoveAll(outDir("stock", i))
		}
	}()
	jobs := strconv.Itoa(b.cfg.jobs)
	pt, at, err := b.alternate("open", b.cfg.openRuns, side{
		cmd: func(i int) *exec.Cmd {
			args := append([]string{"open", "-i", b.partner.key, "--holder", holder, "-o", outDir("paspor", i), "--jobs", jobs}, bundles...)
			cmd := exec.CommandContext(ctx, b.paspor, args...)
			cmd.Env = baseEnv()
			return cmd
		},
	}, side{
		cmd: func(i int) *exec.Cmd {
			cmd := exec.CommandContext(ctx, "xargs", "-P", jobs, "-n", "25", "sh", script, outDir("stock", i), b.partner.key, allowed)
			cmd.Env = append(baseEnv(), "AGE="+b.age)
			cmd.Stdin = strings.NewReader(strings.Join(bundles, "\n") + "\n")
			return cmd
		},
	})
	if err != nil {
		return nil, err
	}
	return []row{rateRow(fmt.Sprintf("open %d small bundles, %d jobs (%d runs)", n, b.cfg.jobs, b.cfg.openRuns),
		n, median(pt), median(at), 10)}, nil
}

// makeBundles shares one passport with a 16 KiB scan n times (one process each, as a
// holder would) and returns the bundle paths and the holder's key line.
func (b *bench) makeBundles(ctx context.Context, n int) ([]string, string, error) {
	w, err := b.newWallet(ctx, "bundles-src")
	if err != nil {
		return nil, "", err
	}
	defer os.RemoveAll(w.dir)
	front := filepath.Join(w.dir, "front.jpg")
	if err := writeJPEG(front, 16<<10); err != nil {
		return nil, "", err
	}
	id, err := output(w.cmd(ctx, b.paspor, "add", "passport", "--field", "document_no=C01X00T47",
		"--field", "expiry_date=2031-05-01", "--field", "issuing_country=DE", "--front", front))
	if err != nil {
		return nil, "", err
	}
	holder, err := output(w.cmd(ctx, b.paspor, "key"))
	if err != nil {
		return nil, "", err
	}
	dir := filepath.Join(b.work, "bundles")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, "", err
	}
	bundles := make([]string, n)
	for i := range bundles {
		bundles[i] = filepath.Join(dir, fmt.Sprintf("b%04d.age", i+1))
		if _, err := execute(w.cmd(ctx, b.paspor, "share", id, "-r", b.partner.recipient, "-o", bundles[i],
			"--purpose", "bench")); err != nil {
			return nil, "", err
		}
		if (i+1)%250 == 0 {
			fmt.Fprintf(b.log, "bench: open: made %d/%d bundles\n", i+1, n)
		}
	}
	return bundles, holder, nil
}
