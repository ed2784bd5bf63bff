package testscan

import (
	"bytes"
	"crypto/rand"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"io"
	"testing"

	"github.com/paspor/paspor/wallet/scanmeta"
)

func TestScansDecodeAndSurviveCleaning(t *testing.T) {
	for _, size := range []int{int(MinPNG), int(MinJPEG), 2000, 4096, 65553, 65554, 65555, 300000} {
		for _, kind := range []string{scanmeta.MediaJPEG, scanmeta.MediaPNG} {
			gen := JPEG
			if kind == scanmeta.MediaPNG {
				gen = PNG
			}
			if kind == scanmeta.MediaJPEG && size < int(MinJPEG) {
				continue
			}
			b, err := gen(size, rand.Reader)
			if err != nil {
				t.Fatalf("%s %d: %v", kind, size, err)
			}
			if len(b) != size {
				t.Fatalf("%s %d: got %d bytes", kind, size, len(b))
			}
			if _, _, err := image.Decode(bytes.NewReader(b)); err != nil {
				t.Fatalf("%s %d: %v", kind, size, err)
			}
			var out bytes.Buffer
			rep, err := scanmeta.Clean(&out, bytes.NewReader(b), kind, scanmeta.Limits{})
			if err != nil || !bytes.Equal(out.Bytes(), b) || len(rep.Removed) != 0 {
				t.Fatalf("%s %d: cleaning changed it: %v %v", kind, size, err, rep)
			}
		}
	}
}

func TestFixed(t *testing.T) {
	for _, gen := range []func(int, io.Reader) ([]byte, error){JPEG, PNG} {
		a, _ := gen(70000, rand.Reader)
		b, _ := gen(70000, rand.Reader)
		fa := Fixed(a)
		if fa == nil {
			t.Fatal("Fixed: nil for a testscan file")
		}
		// Fixed bytes are equal in both files; every other byte is random, so (with
		// overwhelming probability) some differ.
		diff := 0
		for i := range a {
			if fa[i] && a[i] != b[i] {
				t.Fatalf("byte %d marked fixed differs", i)
			}
			if !fa[i] && a[i] != b[i] {
				diff++
			}
		}
		if diff < len(a)/2 {
			t.Errorf("only %d of %d unfixed bytes differ", diff, len(a))
		}
	}
	if Fixed([]byte("%PDF-1.7 not an image")) != nil {
		t.Error("Fixed: non-nil for a PDF")
	}
}
