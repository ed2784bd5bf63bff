package scanmeta

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"math"
)

// Clean copies the scan in r to w without its metadata (see the package documentation) and
// reports what it removed. mediaType is what the caller sniffed ([MediaJPEG], [MediaPNG],
// [MediaPDF]); a file that is not what it claims, is truncated, or declares more pixels than
// lim allows is an [*InvalidError] or a [*TooLargeError].
//
// On error w has received part of the output, which the caller must discard: write to a
// temporary file and keep it only when Clean returns nil.
func Clean(w io.Writer, r io.Reader, mediaType string, lim Limits) (*Report, error) {
	walk, err := walkerFor(mediaType)
	if err != nil {
		return nil, err
	}
	rep := &Report{MediaType: mediaType, Removed: []Item{}, Present: []Item{}}
	if mediaType == MediaPDF || lim.SkipDecode {
		if err := walk(w, r, lim, rep); err != nil {
			return nil, err
		}
		return rep, nil
	}
	// The cleaned bytes go to the decoder as they are written, so the file is read once and
	// what is checked is exactly what is stored.
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- decodeCheck(pr, mediaType, lim) }()
	werr := walk(io.MultiWriter(w, pw), r, lim, rep)
	pw.CloseWithError(werr) // nil: the decoder sees EOF
	derr := <-done
	switch {
	case werr != nil:
		return nil, werr
	case derr != nil:
		return nil, derr
	}
	return rep, nil
}

// Inspect reads the scan in r and reports, in Present, the metadata it holds: what Clean
// would remove and what it cannot. Nothing is decoded and no pixel limit applies.
func Inspect(r io.Reader, mediaType string) (*Report, error) {
	walk, err := walkerFor(mediaType)
	if err != nil {
		return nil, err
	}
	rep := &Report{MediaType: mediaType, Removed: []Item{}, Present: []Item{}}
	if err := walk(io.Discard, r, Limits{MaxPixels: math.MaxInt64, SkipDecode: true}, rep); err != nil {
		return nil, err
	}
	rep.Present = append(rep.Removed, rep.Present...)
	rep.Removed = []Item{}
	return rep, nil
}

// decodeCheck decodes the image streamed into pr: its header first (image.DecodeConfig, so
// that an oversized image is refused before its pixels are allocated), then all of it. On
// failure it closes pr with the error, which stops the writer.
func decodeCheck(pr *io.PipeReader, mediaType string, lim Limits) error {
	fail := func(err error) error {
		pr.CloseWithError(err)
		return err
	}
	var head bytes.Buffer
	var cfg image.Config
	var err error
	tee := io.TeeReader(pr, &head)
	if mediaType == MediaJPEG {
		cfg, err = jpeg.DecodeConfig(tee)
	} else {
		cfg, err = png.DecodeConfig(tee)
	}
	if err != nil {
		return fail(&InvalidError{MediaType: mediaType, Reason: "does not decode"})
	}
	if err := checkPixels(cfg.Width, cfg.Height, lim); err != nil {
		return fail(err)
	}
	rest := io.MultiReader(&head, pr)
	if mediaType == MediaJPEG {
		_, err = jpeg.Decode(rest)
	} else {
		_, err = png.Decode(rest)
	}
	if err != nil {
		return fail(&InvalidError{MediaType: mediaType, Reason: "does not decode"})
	}
	if _, err := io.Copy(io.Discard, pr); err != nil {
		return err
	}
	return nil
}

// checkPixels refuses empty images and images over the pixel limit.
func checkPixels(width, height int, lim Limits) error {
	if width <= 0 || height <= 0 {
		return &InvalidError{MediaType: "image", Reason: "no pixels"}
	}
	if int64(width) > lim.maxPixels()/int64(height) {
		return &TooLargeError{Width: width, Height: height, MaxPixels: lim.maxPixels()}
	}
	return nil
}
