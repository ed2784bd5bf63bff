package wallet

import (
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

var pageSize = uintptr(os.Getpagesize())

// releasePages drops the whole pages inside b from this process's mapping of the wallet
// file. b is a value bbolt returned from its read-only shared mapping; the data stays in
// the page cache and in the file, so this only keeps resident memory from growing while a
// large attachment streams through (MADV_DONTNEED on a shared file mapping discards no data).
func releasePages(b []byte) {
	if len(b) == 0 {
		return
	}
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	first := (start + pageSize - 1) &^ (pageSize - 1)
	last := (start + uintptr(len(b))) &^ (pageSize - 1)
	if last <= first {
		return
	}
	_ = unix.Madvise(b[first-start:last-start], unix.MADV_DONTNEED)
}
