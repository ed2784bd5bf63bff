//go:build !linux

package wallet

// releasePages is a no-op where MADV_DONTNEED semantics on shared file mappings are not
// known to be safe.
func releasePages([]byte) {}
