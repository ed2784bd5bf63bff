package schema

import (
	"bytes"
	"image"
	_ "image/jpeg" // registered for image.DecodeConfig in TestSniffSampleFiles
	_ "image/png"
	"os"
	"path/filepath"
	"testing"
)

func TestSniffMediaType(t *testing.T) {
	pad := bytes.Repeat([]byte{0}, SniffLen)
	tests := []struct {
		name string
		head []byte
		want string // "" means rejected
	}{
		{"jpeg SOI+APP0", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F'}, "image/jpeg"},
		{"jpeg SOI+EXIF", []byte{0xFF, 0xD8, 0xFF, 0xE1}, "image/jpeg"},
		{"jpeg magic only", []byte{0xFF, 0xD8, 0xFF}, "image/jpeg"},
		{"jpeg SOI without marker", []byte{0xFF, 0xD8, 0x00}, ""},
		{"jpeg truncated", []byte{0xFF, 0xD8}, ""},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"), "image/png"},
		{"png signature only", []byte("\x89PNG\r\n\x1a\n"), "image/png"},
		{"png line endings mangled", []byte("\x89PNG\n\x1a\n\x00"), ""},
		{"png without high byte", []byte("PNG\r\n\x1a\n"), ""},
		{"pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), "application/pdf"},
		{"pdf header only", []byte("%PDF-"), "application/pdf"},
		{"pdf without dash", []byte("%PDF1.7"), ""},
		{"pdf lower case", []byte("%pdf-1.7"), ""},
		{"pdf after junk", []byte("\n%PDF-1.7"), ""}, // readers tolerate it; paspor wants the header first
		{"pdf after BOM", []byte("\xef\xbb\xbf%PDF-1.7"), ""},
		{"gif", []byte("GIF89a"), ""},
		{"webp", []byte("RIFF\x00\x00\x00\x00WEBPVP8 "), ""},
		{"tiff", []byte("II*\x00"), ""},
		{"heic", []byte("\x00\x00\x00\x18ftypheic"), ""},
		{"zip (docx)", []byte("PK\x03\x04"), ""},
		{"html", []byte("<!DOCTYPE html>"), ""},
		{"svg", []byte("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), ""},
		{"text", []byte("hello"), ""},
		{"one byte", []byte{0xFF}, ""},
		{"empty", []byte{}, ""},
		{"nil", nil, ""},
		{"magic past the window", append(pad, "%PDF-"...), ""},
		{"long pdf", append([]byte("%PDF-1.4\n"), pad...), "application/pdf"},
	}
	for _, tt := range tests {
		got, err := SniffMediaType(tt.head)
		if tt.want == "" {
			if err == nil {
				t.Errorf("%s: accepted as %q", tt.name, got)
				continue
			}
			ie := invalidInput(t, err, "")
			if len(tt.head) > 0 && ie.Reason != "unsupported file type (want JPEG, PNG or PDF)" {
				t.Errorf("%s: reason %q", tt.name, ie.Reason)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: SniffMediaType = %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}

// TestSniffSampleFiles sniffs real files, made by Go's encoders (the images) and by hand (the
// PDF), so that the magic numbers are checked against what encoders write, not against
// themselves. The images are decoded too, to prove the samples are what they claim to be.
func TestSniffSampleFiles(t *testing.T) {
	tests := map[string]string{
		"pixel.jpg": "image/jpeg",
		"pixel.png": "image/png",
		"blank.pdf": "application/pdf",
	}
	for name, want := range tests {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := SniffMediaType(data); err != nil || got != want {
			t.Errorf("%s: SniffMediaType = %q, %v; want %q", name, got, err, want)
		}
		if got, err := SniffMediaType(data[:min(len(data), SniffLen)]); err != nil || got != want {
			t.Errorf("%s: first %d bytes: %q, %v; want %q", name, SniffLen, got, err, want)
		}
		if want == "application/pdf" {
			if !bytes.HasSuffix(data, []byte("%%EOF\n")) {
				t.Errorf("%s: not a complete PDF", name)
			}
			continue
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil || "image/"+format != want || cfg.Width != 1 || cfg.Height != 1 {
			t.Errorf("%s: DecodeConfig = %v, %q, %v", name, cfg, format, err)
		}
	}
}

// FuzzSniffMediaType checks that any input gives a media type or an *InvalidInputError, that
// only the first SniffLen bytes matter, and that an accepted file really starts with its magic.
func FuzzSniffMediaType(f *testing.F) {
	f.Fuzz(func(t *testing.T, head []byte) {
		got, err := SniffMediaType(head)
		if err != nil {
			if _, ok := err.(*InvalidInputError); !ok {
				t.Fatalf("error %v is %T", err, err)
			}
			if got != "" {
				t.Fatalf("error with media type %q", got)
			}
		}
		short, shortErr := SniffMediaType(head[:min(len(head), SniffLen)])
		if short != got || (shortErr == nil) != (err == nil) {
			t.Fatalf("full input %q, %v; first %d bytes %q, %v", got, err, SniffLen, short, shortErr)
		}
		var magic string
		switch got {
		case "":
			return
		case "image/jpeg":
			magic = "\xff\xd8\xff"
		case "image/png":
			magic = "\x89PNG\r\n\x1a\n"
		case "application/pdf":
			magic = "%PDF-"
		default:
			t.Fatalf("unexpected media type %q", got)
		}
		if !bytes.HasPrefix(head, []byte(magic)) {
			t.Fatalf("%q accepted without its magic", got)
		}
	})
}
