package scanmeta_test

import (
	"bytes"
	"fmt"
	"image"
	"image/png"

	"github.com/paspor/paspor/wallet/scanmeta"
)

func ExampleClean() {
	// A PNG with a text chunk naming its author, as some scanner apps write.
	var enc bytes.Buffer
	if err := png.Encode(&enc, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		panic(err)
	}
	raw := enc.Bytes()
	text := []byte("\x00\x00\x00\x0btEXtAuthor\x00Jane" + "\x00\x00\x00\x00") // CRC not checked in dropped chunks
	dirty := append(append(append([]byte{}, raw[:33]...), text...), raw[33:]...)

	var clean bytes.Buffer
	rep, err := scanmeta.Clean(&clean, bytes.NewReader(dirty), scanmeta.MediaPNG, scanmeta.Limits{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, it := range rep.Removed {
		fmt.Println("removed", it.Kind, it.Name, it.Size, "bytes")
	}
	fmt.Println(bytes.Contains(clean.Bytes(), []byte("Jane")), bytes.Equal(clean.Bytes(), raw))
	// Output:
	// removed text tEXt 23 bytes
	// false true
}
