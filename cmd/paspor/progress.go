package main

import (
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/schollz/progressbar/v3"
)

// progressThreshold: smaller files finish before a bar would be worth drawing.
const progressThreshold = 16 << 20

// withProgress wraps r with a progress bar on stderr when stderr is a terminal and the
// content is large; otherwise it returns r unchanged.
func withProgress(g *globals, r io.Reader, size int64, desc string) io.Reader {
	if size < progressThreshold || !isTerminal(g.stderr) {
		return r
	}
	bar := progressbar.NewOptions64(size,
		progressbar.OptionSetWriter(g.stderr),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowBytes(true),
		progressbar.OptionThrottle(100_000_000),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionEnableColorCodes(false),
		progressbar.OptionUseANSICodes(os.Getenv("NO_COLOR") == ""),
	)
	pr := progressbar.NewReader(r, bar)
	return &pr
}

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
