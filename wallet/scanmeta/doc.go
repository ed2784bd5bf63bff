// Package scanmeta removes the metadata a scan carries and that has nothing to do with the
// document on it: where the photo was taken (EXIF GPS), with what phone (maker, model,
// serial), when, by whom (XMP, IPTC, PDF Info), and any text a program left behind.
//
// [Clean] streams a JPEG or PNG from an io.Reader to an io.Writer and drops, without
// re-encoding the image data, every JPEG APPn segment but JFIF (APP0), ICC profile (APP2) and
// Adobe (APP14), every comment, every PNG ancillary chunk that does not change how the image
// looks (text, time, EXIF, and private chunks), and any bytes after the image's end. The EXIF
// orientation, which decides how the image is shown, survives as a minimal EXIF block that
// holds that one tag. Memory use does not grow with the file: segments are at most 64 KiB and
// everything else is copied through.
//
// PDF metadata (the Info dictionary and XMP streams) is not removed: no well-kept Go PDF
// library removes it without rewriting the file (see docs/scan-metadata.md), so Clean copies
// a PDF unchanged and reports the metadata it found as still present.
//
// Clean also checks that the scan is what it claims: the output is decoded as it is written
// (image.DecodeConfig, then a full decode), and declared dimensions over [Limits].MaxPixels
// are refused before any pixel is decoded, which stops decompression bombs. [Inspect]
// reports the metadata present in a file without changing it, for scans stored before
// cleaning or kept as they were.
//
// Reports never carry metadata values, only what kind of item was found and its size.
package scanmeta
