// Package photostest makes photos for tests: JPEGs as a phone sends them,
// with EXIF metadata that names the place they were taken.
package photostest

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
)

// ExifMarker is a text the EXIF block of JPEG holds: a kept photo must
// not contain it.
const ExifMarker = "GPSLatitude 21.1500 N"

// JPEG is a w×h photo with an EXIF block (APP1) right after its start,
// as a phone writes one; seed varies its pixels, so that two photos
// differ.
func JPEG(w, h int, seed uint8) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x) + seed, uint8(y), seed, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		panic(err)
	}
	data := buf.Bytes()
	payload := append([]byte("Exif\x00\x00"), ExifMarker...)
	app1 := []byte{0xFF, 0xE1}
	app1 = binary.BigEndian.AppendUint16(app1, uint16(len(payload)+2))
	app1 = append(app1, payload...)
	out := append([]byte{}, data[:2]...) // SOI
	out = append(out, app1...)
	return append(out, data[2:]...)
}
