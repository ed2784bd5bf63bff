package factor

import (
	"errors"
	"fmt"
	"io/fs"
)

// Errors a [Store] returns. The wallet re-exports ErrMissing and ErrUnavailable under its own
// names, so callers of the wallet need not import this package to classify an unlock failure.
var (
	// ErrMissing means the device secret is not where the wallet expects it (no keyring
	// entry, no key file).
	ErrMissing = errors.New("second factor not found")
	// ErrUnavailable means the keyring could not be reached or did not answer in time.
	ErrUnavailable = errors.New("second factor unavailable")
	// ErrExists means Create found a current secret already stored.
	ErrExists = errors.New("second factor already exists")
	// ErrInvalidArgument means a caller passed a wallet ID or secret that cannot be stored;
	// the wallet never does.
	ErrInvalidArgument = errors.New("invalid argument")
)

// KeyFileProblem says why a key file cannot serve as a wallet's second factor.
type KeyFileProblem int

// The ways a key file can be unusable.
const (
	// KeyFileMalformed: not a paspor key file, truncated, or a malformed line.
	KeyFileMalformed KeyFileProblem = iota + 1
	// KeyFileForeign: a well-formed key file for another wallet.
	KeyFileForeign
	// KeyFileTooOpen: group or others may read it (Perm says how).
	KeyFileTooOpen
	// KeyFileNotRegular: a folder, FIFO, device or other non-regular file.
	KeyFileNotRegular
)

// KeyFileError reports a key file that cannot be used. It never repeats the file's content,
// which may be (part of) a secret.
type KeyFileError struct {
	Path    string         // the key file; empty when parsing bytes that came from no file
	Problem KeyFileProblem // why it is unusable
	Perm    fs.FileMode    // KeyFileTooOpen: the file's permission bits
	Detail  string         // KeyFileMalformed: what is wrong, e.g. "line 3: malformed wallet ID"
}

func (e *KeyFileError) Error() string {
	where := "key file"
	if e.Path != "" {
		where += " " + e.Path
	}
	var why string
	switch e.Problem {
	case KeyFileForeign:
		why = "key file belongs to another wallet"
	case KeyFileTooOpen:
		why = fmt.Sprintf("permissions %04o are too open", e.Perm)
	case KeyFileNotRegular:
		why = "not a regular file"
	default:
		why = e.Detail
	}
	return where + ": " + why
}

// MalformedSecretError reports a keyring entry that does not hold a well-formed device
// secret. The value is never repeated.
type MalformedSecretError struct {
	Store    string // the store's Describe()
	WalletID string
	Pending  bool // the pending entry of a rotation, not the current one
}

func (e *MalformedSecretError) Error() string {
	what := "device secret"
	if e.Pending {
		what = "pending device secret"
	}
	return fmt.Sprintf("%s: the %s stored for wallet %s is malformed", e.Store, what, e.WalletID)
}
