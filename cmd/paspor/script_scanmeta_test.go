package main

import (
	"bytes"
	"image"
	_ "image/jpeg" // decoders for samepixels
	_ "image/png"
	"os"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/paspor/paspor/internal/testscan"
)

// scanScriptCommands are the helpers of the scan metadata scripts.
func scanScriptCommands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		// mkdirty jpeg|png|pdf|bomb FILE: a scan full of metadata (testscan.Secrets, and
		// testscan.PDFAuthor for the PDF), or a 30000x30000 PNG bomb header.
		"mkdirty": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 2 {
				ts.Fatalf("usage: mkdirty jpeg|png|pdf|bomb FILE")
			}
			gen := map[string]func() []byte{"jpeg": testscan.DirtyJPEG, "png": testscan.DirtyPNG, "pdf": testscan.DirtyPDF,
				"bomb": func() []byte { return testscan.BombPNG(30000, 30000) }}[args[0]]
			if gen == nil {
				ts.Fatalf("mkdirty: unknown kind %s", args[0])
			}
			ts.Check(os.WriteFile(ts.MkAbs(args[1]), gen(), 0o644))
		},
		// nosecrets FILE: fail if FILE holds any of the values mkdirty planted.
		"nosecrets": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 1 {
				ts.Fatalf("usage: nosecrets FILE")
			}
			b, err := os.ReadFile(ts.MkAbs(args[0]))
			ts.Check(err)
			for _, s := range append(testscan.Secrets, testscan.PDFAuthor) {
				if bytes.Contains(b, []byte(s)) {
					ts.Fatalf("%s still holds %q", args[0], s)
				}
			}
		},
		// samepixels A B: both files decode, to the same pixels.
		"samepixels": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 2 {
				ts.Fatalf("usage: samepixels A B")
			}
			var imgs [2]image.Image
			for i, p := range args {
				b, err := os.ReadFile(ts.MkAbs(p))
				ts.Check(err)
				imgs[i], _, err = image.Decode(bytes.NewReader(b))
				ts.Check(err)
			}
			a, b := imgs[0], imgs[1]
			if a.Bounds() != b.Bounds() {
				ts.Fatalf("bounds differ: %v, %v", a.Bounds(), b.Bounds())
			}
			for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
				for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
					if a.At(x, y) != b.At(x, y) {
						ts.Fatalf("pixel (%d,%d) differs", x, y)
					}
				}
			}
		},
		// orientation6 FILE: FILE holds the minimal EXIF block for orientation 6 and no other
		// TIFF structure (so no second EXIF block).
		"orientation6": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 1 {
				ts.Fatalf("usage: orientation6 FILE")
			}
			b, err := os.ReadFile(ts.MkAbs(args[0]))
			ts.Check(err)
			if !bytes.Contains(b, testscan.MinimalEXIF6) {
				ts.Fatalf("%s has no orientation 6 block", args[0])
			}
			if n := strings.Count(string(b), "MM\x00*") + strings.Count(string(b), "II*\x00"); n != 1 {
				ts.Fatalf("%s holds %d TIFF structures", args[0], n)
			}
		},
	}
}
