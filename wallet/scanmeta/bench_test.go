package scanmeta

import (
	"bytes"
	"image"
	"image/jpeg"
	"io"
	"testing"
)

// BenchmarkCleanJPEG12MP cleans and decode-checks a 4000x3000 JPEG (a 12-megapixel phone
// photo); BenchmarkCleanJPEG12MPNoDecode shows what the walker alone costs.
func BenchmarkCleanJPEG12MP(b *testing.B)         { benchClean(b, Limits{}) }
func BenchmarkCleanJPEG12MPNoDecode(b *testing.B) { benchClean(b, Limits{SkipDecode: true}) }

func benchClean(b *testing.B, lim Limits) {
	img := image.NewYCbCr(image.Rect(0, 0, 4000, 3000), image.YCbCrSubsampleRatio420)
	for i := range img.Y {
		img.Y[i] = uint8(i * 7 % 251)
	}
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, img, &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	data := enc.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		if _, err := Clean(io.Discard, bytes.NewReader(data), MediaJPEG, lim); err != nil {
			b.Fatal(err)
		}
	}
}
