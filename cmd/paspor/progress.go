package main

import (
	"io"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/schollz/progressbar/v3"
)

// progressThreshold: smaller files finish before a bar would be worth drawing.
const progressThreshold = 16 << 20

// withProgress wraps r with a progress bar on stderr when stderr is a terminal and the
// content is large; otherwise it returns r unchanged. The bar shows the bytes done of the
// total in MiB (IEC units, as the docs give sizes), the speed and the time left.
func withProgress(g *globals, r io.Reader, size int64, desc string) io.Reader {
	if size < progressThreshold || !isTerminal(g.stderr) {
		return r
	}
	lw, ok := g.stderr.(*lineWriter)
	if !ok {
		return r
	}
	bar := progressbar.NewOptions64(size,
		progressbar.OptionSetWriter(lw.w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowBytes(true),
		progressbar.OptionUseIECUnits(true),
		progressbar.OptionShowCount(),
		progressbar.OptionShowTotalBytes(true),
		progressbar.OptionThrottle(100_000_000),
		progressbar.OptionSetRenderBlankState(true), // drawn at once, not after the first 100 ms
		progressbar.OptionClearOnFinish(),
		progressbar.OptionEnableColorCodes(false),
		progressbar.OptionUseANSICodes(os.Getenv("NO_COLOR") == ""),
	)
	lw.setBar(bar)
	pr := progressbar.NewReader(r, bar)
	return &pr
}

// lineWriter is paspor's stderr: before any message it clears a progress bar that is still
// drawn, so that an error, a warning or the Ctrl-C notice starts on a line of its own and
// never lands on the bar's (the bar redraws below it on its next update).
type lineWriter struct {
	mu  sync.Mutex
	w   *os.File
	bar *progressbar.ProgressBar
}

func newLineWriter(f *os.File) *lineWriter { return &lineWriter{w: f} }

func (l *lineWriter) setBar(bar *progressbar.ProgressBar) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.bar = bar
}

func (l *lineWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.bar != nil {
		if !l.bar.IsFinished() {
			_ = l.bar.Clear()
		}
		l.bar = nil
	}
	return l.w.Write(p)
}

// Fd lets isTerminal see the terminal behind the writer.
func (l *lineWriter) Fd() uintptr { return l.w.Fd() }

// parseSize reads sizes like "100MiB", "2GiB", "512M", "5000000".
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(strings.ToUpper(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GIB", 1 << 30}, {"MIB", 1 << 20}, {"KIB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > (1<<50)/mult {
		return 0, errInvalidSize
	}
	return n * mult, nil
}

var errInvalidSize = &userError{msg: "not a size", code: exitUsage}
