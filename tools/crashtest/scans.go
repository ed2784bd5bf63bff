package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/paspor/paspor/internal/testscan"
)

// Each scan starts with one of the signatures paspor sniffs; the rest is random, so no two
// scans (and no two chunks) are alike.
var scanMagics = []struct {
	prefix    string
	mediaType string
}{
	{"%PDF-", "application/pdf"},
	{"\xFF\xD8\xFF\xE0", "image/jpeg"},
	{"\x89PNG\r\n\x1a\n", "image/png"},
}

// scan is a file written for add or attach, with what the wallet must report for it.
type scan struct {
	path string
	att  attachment // Role is filled in by the caller
}

// writeScan writes size bytes of random content (seeded from rng) to a new file in dir.
func writeScan(rng *rand.Rand, dir string, n int, size int64) (scan, error) {
	m := scanMagics[rng.IntN(len(scanMagics))]
	path := filepath.Join(dir, fmt.Sprintf("scan-%d", n))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return scan{}, fmt.Errorf("failed to create scan: %w", err)
	}
	defer f.Close()
	var seed [32]byte
	for i := range 4 {
		v := rng.Uint64()
		for j := range 8 {
			seed[i*8+j] = byte(v >> (8 * j))
		}
	}
	h := sha256.New()
	out := io.MultiWriter(f, h)
	rnd := rand.NewChaCha8(seed)
	switch m.mediaType { // real images, as paspor decodes them; their padding survives cleaning
	case "image/jpeg":
		size = max(size, testscan.MinJPEG)
		err = testscan.WriteJPEG(out, size, rnd)
	case "image/png":
		size = max(size, testscan.MinPNG)
		err = testscan.WritePNG(out, size, rnd)
	default:
		body := io.LimitReader(rnd, size-int64(len(m.prefix)))
		_, err = io.Copy(out, io.MultiReader(strings.NewReader(m.prefix), body))
	}
	if err != nil {
		return scan{}, fmt.Errorf("failed to write scan: %w", err)
	}
	if err := f.Close(); err != nil {
		return scan{}, fmt.Errorf("failed to write scan: %w", err)
	}
	return scan{path: path, att: attachment{MediaType: m.mediaType, Size: size,
		SHA256: hex.EncodeToString(h.Sum(nil))}}, nil
}

// fileSHA256 hashes a file written by paspor get.
func fileSHA256(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, fmt.Errorf("failed to open %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, fmt.Errorf("failed to read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
