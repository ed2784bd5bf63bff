package scanmeta

import (
	"bytes"
	"errors"
	"testing"
)

// fuzzClean holds Clean to never panicking, to failing only with its typed errors, and to a
// cleaned file being clean: a second pass changes nothing and Inspect finds nothing.
func fuzzClean(t *testing.T, data []byte, mediaType string) {
	lim := Limits{MaxPixels: 1 << 20}
	var out bytes.Buffer
	_, err := Clean(&out, bytes.NewReader(data), mediaType, lim)
	if err != nil {
		var ie *InvalidError
		var tl *TooLargeError
		if !errors.As(err, &ie) && !errors.As(err, &tl) {
			t.Fatalf("untyped error %T: %v", err, err)
		}
		return
	}
	var again bytes.Buffer
	rep, err := Clean(&again, bytes.NewReader(out.Bytes()), mediaType, lim)
	if err != nil {
		t.Fatalf("cleaned file refused: %v", err)
	}
	if !bytes.Equal(again.Bytes(), out.Bytes()) || len(rep.Removed) != 0 {
		t.Fatalf("second pass removed %v", rep.Removed)
	}
	if mediaType != MediaPDF {
		ins, err := Inspect(bytes.NewReader(out.Bytes()), mediaType)
		if err != nil || len(ins.Present) != 0 {
			t.Fatalf("Inspect of a cleaned file: %+v, %v", ins, err)
		}
	}
}

// FuzzCleanJPEG: seeds in testdata/fuzz/FuzzCleanJPEG (the test fixtures, cut and whole).
func FuzzCleanJPEG(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) { fuzzClean(t, data, MediaJPEG) })
}

// FuzzCleanPNG: seeds in testdata/fuzz/FuzzCleanPNG.
func FuzzCleanPNG(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) { fuzzClean(t, data, MediaPNG) })
}

// FuzzCleanPDF: seeds in testdata/fuzz/FuzzCleanPDF.
func FuzzCleanPDF(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) { fuzzClean(t, data, MediaPDF) })
}
