// Package termsafe makes text from outside (bundle manifests, file names, request fields)
// safe to write to a terminal: every byte a terminal could act on (C0 and C1 controls, DEL,
// line and paragraph separators, bidi and other format characters, invalid UTF-8) becomes a
// visible escape, so that what the screen shows is exactly what the text holds.
package termsafe
