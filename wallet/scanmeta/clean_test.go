package scanmeta

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"slices"
	"testing"
)

func decodeAll(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return img
}

func samePixels(t *testing.T, a, b image.Image) {
	t.Helper()
	if a.Bounds() != b.Bounds() {
		t.Fatalf("bounds %v != %v", a.Bounds(), b.Bounds())
	}
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				t.Fatalf("pixel (%d,%d) differs: %v != %v", x, y, a.At(x, y), b.At(x, y))
			}
		}
	}
}

// keptAll checks that every segment or chunk that affects display is in out, in order.
func keptAll(t *testing.T, out []byte, kept [][]byte) {
	t.Helper()
	at := 0
	for i, k := range kept {
		j := bytes.Index(out[at:], k)
		if j < 0 {
			t.Errorf("kept item %d missing or out of order", i)
			return
		}
		at += j + len(k)
	}
}

func kinds(items []Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Kind)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func noSecrets(t *testing.T, b []byte) {
	t.Helper()
	for _, s := range secrets {
		if bytes.Contains(b, []byte(s)) {
			t.Errorf("cleaned file still holds %q", s)
		}
	}
}

// The minimal EXIF block, written out by hand: big-endian TIFF, one IFD, one entry
// (0x0112 Orientation, SHORT, count 1, value 6), no next IFD.
var wantTIFF6 = []byte("MM\x00*\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00\x00\x00\x00\x00")

func TestCleanJPEG(t *testing.T) {
	dirty, kept := dirtyJPEG(t)
	var out bytes.Buffer
	rep, err := Clean(&out, bytes.NewReader(dirty), MediaJPEG, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	noSecrets(t, out.Bytes())
	samePixels(t, decodeAll(t, dirty), decodeAll(t, out.Bytes()))
	keptAll(t, out.Bytes(), kept)
	wantAPP1 := append([]byte{0xFF, 0xE1, 0, 34}, append([]byte("Exif\x00\x00"), wantTIFF6...)...)
	if !bytes.Contains(out.Bytes(), wantAPP1) || rep.Orientation != 6 {
		t.Errorf("orientation: minimal EXIF block missing (report says %d)", rep.Orientation)
	}
	if got, want := kinds(rep.Removed), []string{KindApplication, KindComment, KindEXIF, KindIPTC, KindTrailer, KindXMP}; !slices.Equal(got, want) {
		t.Errorf("removed kinds %v, want %v", got, want)
	}
	if rep.Width != 37 || rep.Height != 23 || len(rep.Present) != 0 {
		t.Errorf("report %+v", rep)
	}
	// The image data is copied, not re-encoded: everything from the first DQT on is the
	// encoder's output byte for byte, up to the end-of-image marker.
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, testImage(), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(out.Bytes(), enc.Bytes()[2:]) {
		t.Error("image data differs from the encoder's")
	}
	again := idempotent(t, out.Bytes(), MediaJPEG)
	if again.Orientation != 6 {
		t.Errorf("second pass orientation %d", again.Orientation)
	}
}

func TestCleanPNG(t *testing.T) {
	dirty, kept := dirtyPNG(t)
	var out bytes.Buffer
	rep, err := Clean(&out, bytes.NewReader(dirty), MediaPNG, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	noSecrets(t, out.Bytes())
	samePixels(t, decodeAll(t, dirty), decodeAll(t, out.Bytes()))
	keptAll(t, out.Bytes(), kept)
	if !bytes.Contains(out.Bytes(), append([]byte("eXIf"), wantTIFF6...)) || rep.Orientation != 6 {
		t.Errorf("orientation: minimal eXIf chunk missing (report says %d)", rep.Orientation)
	}
	if got, want := kinds(rep.Removed), []string{KindAncillary, KindEXIF, KindText, KindTime, KindTrailer}; !slices.Equal(got, want) {
		t.Errorf("removed kinds %v, want %v", got, want)
	}
	idempotent(t, out.Bytes(), MediaPNG)
}

// idempotent cleans a cleaned file again: nothing changes, nothing is reported, and Inspect
// finds nothing.
func idempotent(t *testing.T, clean []byte, mediaType string) *Report {
	t.Helper()
	var out bytes.Buffer
	rep, err := Clean(&out, bytes.NewReader(clean), mediaType, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), clean) || len(rep.Removed) != 0 {
		t.Errorf("second pass changed the file or removed %v", rep.Removed)
	}
	ins, err := Inspect(bytes.NewReader(clean), mediaType)
	if err != nil || len(ins.Present) != 0 {
		t.Errorf("Inspect of a cleaned file: %v, %v", ins, err)
	}
	return rep
}

func TestInspectFindsMetadata(t *testing.T) {
	dj, _ := dirtyJPEG(t)
	dp, _ := dirtyPNG(t)
	for _, tc := range []struct {
		b         []byte
		mediaType string
		want      []string
	}{
		{dj, MediaJPEG, []string{KindApplication, KindComment, KindEXIF, KindIPTC, KindTrailer, KindXMP}},
		{dp, MediaPNG, []string{KindAncillary, KindEXIF, KindText, KindTime, KindTrailer}},
		{dirtyPDF(), MediaPDF, []string{KindPDFInfo, KindXMP}},
	} {
		rep, err := Inspect(bytes.NewReader(tc.b), tc.mediaType)
		if err != nil {
			t.Fatal(err)
		}
		if got := kinds(rep.Present); !slices.Equal(got, tc.want) || len(rep.Removed) != 0 {
			t.Errorf("%s: present %v, want %v", tc.mediaType, got, tc.want)
		}
	}
}

func TestPDFReportedNotChanged(t *testing.T) {
	pdf := dirtyPDF()
	var out bytes.Buffer
	rep, err := Clean(&out, bytes.NewReader(pdf), MediaPDF, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), pdf) || len(rep.Removed) != 0 {
		t.Error("PDF changed")
	}
	var names []string
	for _, it := range rep.Present {
		names = append(names, it.Name)
	}
	if !slices.Contains(names, "Author") || !slices.Contains(names, "Producer") || !slices.Contains(names, "Metadata") {
		t.Errorf("present %v", names)
	}
	for _, bad := range [][]byte{[]byte("%PDF"), []byte("GIF89a"), nil} {
		var ie *InvalidError
		if _, err := Clean(&bytes.Buffer{}, bytes.NewReader(bad), MediaPDF, Limits{}); !errors.As(err, &ie) {
			t.Errorf("%q...: err = %v, want *InvalidError", bad[:min(len(bad), 8)], err)
		}
	}
}

func TestRefused(t *testing.T) {
	dj, _ := dirtyJPEG(t)
	dp, _ := dirtyPNG(t)
	var enc bytes.Buffer
	if err := png.Encode(&enc, testImage()); err != nil {
		t.Fatal(err)
	}
	badCRC := bytes.Clone(dp)
	idat := bytes.Index(badCRC, []byte("IDAT"))
	badCRC[idat+6] ^= 0xFF
	for name, tc := range map[string]struct {
		b         []byte
		mediaType string
	}{
		"3-byte JPEG":        {[]byte{0xFF, 0xD8, 0xFF}, MediaJPEG},
		"truncated JPEG":     {dj[:len(dj)*2/3], MediaJPEG},
		"JPEG without image": {[]byte{0xFF, 0xD8, 0xFF, 0xD9}, MediaJPEG},
		"PNG as JPEG":        {enc.Bytes(), MediaJPEG},
		"JPEG as PNG":        {dj, MediaPNG},
		"truncated PNG":      {dp[:len(dp)-30], MediaPNG},
		"PNG bad IDAT":       {badCRC, MediaPNG},
		"empty":              {nil, MediaPNG},
	} {
		var out bytes.Buffer
		_, err := Clean(&out, bytes.NewReader(tc.b), tc.mediaType, Limits{})
		var ie *InvalidError
		if !errors.As(err, &ie) {
			t.Errorf("%s: err = %v, want *InvalidError", name, err)
		}
	}
	if _, err := Clean(&bytes.Buffer{}, bytes.NewReader(dj), "image/gif", Limits{}); err == nil {
		t.Error("unsupported media type accepted")
	}
}
