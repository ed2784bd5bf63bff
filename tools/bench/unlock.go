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

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/wallet"
	"github.com/paspor/paspor/wallet/factor"
)

// cheapKDF is what `paspor init --kdf-memory 8 --kdf-iterations 1` stores: the defaults
// with less memory and one pass, still four lanes.
func cheapKDF() crypto.KDFParams {
	p := crypto.DefaultKDFParams()
	p.MemoryKiB, p.Iterations = 8*1024, 1
	return p
}

// timeKDF runs crypto.DeriveKEK in this process n times: the part of every unlock that is
// the KDF and nothing else.
func timeKDF(p crypto.KDFParams, n int) ([]time.Duration, error) {
	pass, device, salt := []byte(benchPassphrase), make([]byte, crypto.DeviceSecretSize), make([]byte, crypto.SaltSize)
	var ds []time.Duration
	for range n {
		start := time.Now()
		if _, err := crypto.DeriveKEK(pass, device, salt, "bench-wallet", p); err != nil {
			return nil, err
		}
		ds = append(ds, time.Since(start))
	}
	return ds, nil
}

// envColdKDF makes the bench binary a child that runs the cheap KDF once and prints its time.
const envColdKDF = "PASPOR_BENCH_COLD_KDF"

// coldKDFChild times one cheap DeriveKEK in a fresh process, as paspor pays it: Argon2id's
// memory is touched for the first time (page faults), which repeated in-process runs on a
// warm heap do not show.
func coldKDFChild() int {
	ds, err := timeKDF(cheapKDF(), 1)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(ds[0].Nanoseconds())
	return 0
}

// timeColdKDF runs coldKDFChild n times and returns the durations the children measured.
func timeColdKDF(ctx context.Context, n int) ([]time.Duration, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	var ds []time.Duration
	for range n {
		cmd := exec.CommandContext(ctx, self)
		cmd.Env = append(os.Environ(), envColdKDF+"=1")
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("cold KDF child: %w", err)
		}
		ns, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("cold KDF child printed %q", out)
		}
		ds = append(ds, time.Duration(ns))
	}
	return ds, nil
}

// kdfRows reports the KDF alone at the default and the cheap setting the other figures use.
func (b *bench) kdfRows(ctx context.Context) ([]row, error) {
	var rows []row
	for _, k := range []struct {
		name string
		p    crypto.KDFParams
	}{{"default", crypto.DefaultKDFParams()}, {"cheap", cheapKDF()}} {
		ds, err := timeKDF(k.p, b.cfg.shortRuns())
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(b.log, "bench: KDF %s: median %s\n", k.name, ms(median(ds)))
		if k.name == "cheap" {
			b.kdfCheap = median(ds)
		}
		rows = append(rows, infoRow(fmt.Sprintf("KDF %s (Argon2id %d MiB, t=%d, p=%d)", k.name,
			k.p.MemoryKiB/1024, k.p.Iterations, k.p.Parallelism), ms(median(ds))))
	}
	cold, err := timeColdKDF(ctx, b.cfg.shortRuns())
	if err != nil {
		return nil, err
	}
	b.kdfCheapCold = median(cold)
	fmt.Fprintf(b.log, "bench: KDF cheap, cold: median %s\n", ms(b.kdfCheapCold))
	rows = append(rows, infoRow("KDF cheap, first run in a fresh process", ms(b.kdfCheapCold)))
	return rows, nil
}

// unlockRows: a process that starts and exits (exit-codes), unlock of an empty wallet
// (info), and list of 1,000 and of 10,000 documents, each minus the cheap KDF run cold in a
// fresh process, and the peak RSS of the 10,000-document list.
func (b *bench) unlockRows(ctx context.Context) ([]row, error) {
	// kdfRows ran first. A paspor process pays the KDF cold (its memory touched for the first
	// time), so that is what is taken away to leave the unlock's own overhead.
	kdf := b.kdfCheapCold
	empty, err := b.newWallet(ctx, "empty")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(empty.dir)
	runs := b.cfg.shortRuns()
	timed := func(name string, w *walletDir, args ...string) (time.Duration, error) {
		ds, err := b.repeat(name, runs, side{cmd: func(int) *exec.Cmd { return w.cmd(ctx, b.paspor, args...) }})
		if err != nil {
			return 0, err
		}
		return median(ds), nil
	}
	start, err := timed("start", empty, "exit-codes")
	if err != nil {
		return nil, err
	}
	info, err := timed("info", empty, "info")
	if err != nil {
		return nil, err
	}
	rows := []row{
		infoRow("process start and exit (exit-codes, no wallet)", ms(start)),
		beyondKDFRow("unlock an empty wallet (info)", info, kdf, 20*time.Millisecond),
	}
	for _, count := range []int64{1000, 10000} {
		n := int(b.cfg.scaled(count, 2))
		full, err := b.walletWithDocuments(ctx, n)
		if err != nil {
			return nil, err
		}
		list, err := timed(fmt.Sprintf("list %d", n), full, "list")
		if err != nil {
			os.RemoveAll(full.dir)
			return nil, err
		}
		figure := fmt.Sprintf("list %d documents", n)
		if count == 1000 {
			rows = append(rows, infoBeyondKDFRow(figure, list, kdf))
			os.RemoveAll(full.dir)
			continue
		}
		rows = append(rows, beyondKDFRow(figure, list, kdf, 150*time.Millisecond))
		os.Remove(b.rssFile)
		_, err = output(full.cmd(ctx, b.pasporRSS, "list"))
		os.RemoveAll(full.dir)
		if err != nil {
			return nil, fmt.Errorf("peak RSS of list: %w", err)
		}
		kib, err := readVmHWM(b.rssFile)
		if err != nil {
			return nil, fmt.Errorf("peak RSS of list: %w", err)
		}
		fmt.Fprintf(b.log, "bench: peak RSS of list %d: %d KiB\n", n, kib)
		rows = append(rows, rssRow(fmt.Sprintf("peak RSS of list, %d documents", n), kib, 32<<10))
	}
	return rows, nil
}

// walletWithDocuments fills a cheap-KDF wallet through the library, in one process: making
// 1,000 documents with 1,000 CLI runs would cost a minute and measure nothing.
func (b *bench) walletWithDocuments(ctx context.Context, n int) (*walletDir, error) {
	w, err := b.newWallet(ctx, "list")
	if err != nil {
		return nil, err
	}
	l, err := wallet.Open(filepath.Join(w.dir, "wallet.db"), wallet.OpenOptions{})
	if err != nil {
		return nil, err
	}
	wl, err := l.Unlock(ctx, []byte(benchPassphrase), factor.File{Path: filepath.Join(w.dir, "device.key")})
	if err != nil {
		return nil, err // Unlock closed l
	}
	defer wl.Close()
	for i := range n {
		fields := map[string]string{"document_no": fmt.Sprintf("C%08d", i), "expiry_date": "2031-05-01", "issuing_country": "DE"}
		if _, err := wl.Add("passport", fmt.Sprintf("passport %d", i), fields, nil, wallet.AddOptions{}); err != nil {
			return nil, err
		}
		if (i+1)%2500 == 0 {
			fmt.Fprintf(b.log, "bench: list: made %d/%d documents\n", i+1, n)
		}
	}
	return w, nil
}
