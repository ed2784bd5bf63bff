// Package testscan writes scans for tests and tools: real JPEG and PNG files, of an exact
// size, whose bulk is random bytes carried where a metadata cleaner keeps them and a
// decoder skips them (JPEG APP2 ICC_PROFILE segments, a PNG iCCP chunk). They decode as
// what they claim, survive metadata cleaning byte for byte, and no two are alike.
package testscan
