package testscan

import (
	"bytes"
	"crypto/rand"
	"image"
	_ "image/jpeg"
	_ "image/png"
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
