package scanmeta

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"
	"testing/iotest"
)

// TestPDFTokensAcrossReads: the token scan finds exactly what a search of the whole file
// finds, however the file is cut into reads (one byte, halves, random sizes), with tokens
// placed at the start, the end and across every read boundary.
func TestPDFTokensAcrossReads(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		var b bytes.Buffer
		b.WriteString("%PDF-1.4\n")
		for range rng.IntN(40) {
			size := 2000
			if trial%10 == 0 {
				size = 3 * pdfReadSize / 2 // boundaries of full reads too
			}
			junk := make([]byte, rng.IntN(size))
			for i := range junk {
				junk[i] = byte(rng.IntN(256))
				if junk[i] == '/' && rng.IntN(2) == 0 {
					junk[i] = 'x' // fewer slashes than random, so the misses are not all found by chance
				}
			}
			b.Write(junk)
			if rng.IntN(3) == 0 {
				tok := pdfTokens[rng.IntN(len(pdfTokens))].token
				b.WriteString(tok[:rng.IntN(len(tok)+1)]) // sometimes only a prefix
			}
		}
		data := b.Bytes()
		var want []string
		for _, tok := range pdfTokens {
			if bytes.Contains(data, []byte(tok.token)) {
				want = append(want, tok.name)
			}
		}
		readers := map[string]io.Reader{
			"whole":    bytes.NewReader(data),
			"one byte": iotest.OneByteReader(bytes.NewReader(data)),
			"half":     iotest.HalfReader(bytes.NewReader(data)),
			"random":   &randomReader{r: bytes.NewReader(data), rng: rng},
		}
		if trial%10 == 0 {
			delete(readers, "one byte") // slow on the large inputs
		}
		for name, r := range readers {
			var out bytes.Buffer
			rep, err := Clean(&out, r, MediaPDF, Limits{})
			if err != nil {
				t.Fatalf("trial %d %s: %v", trial, name, err)
			}
			if !bytes.Equal(out.Bytes(), data) {
				t.Fatalf("trial %d %s: output differs from input", trial, name)
			}
			var got []string
			for _, it := range rep.Present {
				got = append(got, it.Name)
			}
			if len(got) != len(want) {
				t.Fatalf("trial %d %s: found %v, want %v", trial, name, got, want)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("trial %d %s: found %v, want %v", trial, name, got, want)
				}
			}
		}
	}
}

type randomReader struct {
	r   io.Reader
	rng *rand.Rand
}

func (r *randomReader) Read(p []byte) (int, error) {
	return r.r.Read(p[:min(len(p), 1+r.rng.IntN(100))])
}
