// Package keyringapi is the seam between the wallet's keyring factor and the OS keyring: the
// part of go-keyring the factor calls, so that tests can swap in an in-memory, stalling or
// failing keyring. It is internal because it is a test seam, not API.
package keyringapi

import "github.com/zalando/go-keyring"

// Backend is the part of go-keyring that the keyring factor uses. Get and Delete return
// [ErrNotFound] for a missing entry.
type Backend interface {
	Get(service, user string) (string, error)
	Set(service, user, password string) error
	Delete(service, user string) error
}

// ErrNotFound is what a Backend returns for a missing entry (go-keyring's own value).
var ErrNotFound = keyring.ErrNotFound
