package export

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"filippo.io/age"
	"filippo.io/age/armor"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/internal/fsutil"
)

// OpenOptions say how [Open] checks a bundle and where it puts it.
type OpenOptions struct {
	// Identities are the partner's keys; the one that decrypts must be in the audience.
	Identities []crypto.PartnerIdentity
	// Holder pins the holder's key; nil accepts any validly signed bundle (Result.HolderPinned false).
	Holder ed25519.PublicKey
	// Nonce, when not "", must equal the manifest's nonce.
	Nonce string
	// AllowExpired accepts a bundle past its expires_at.
	AllowExpired bool
	// Now is the time expiry is checked against; zero means time.Now().
	Now time.Time
	// OutDir, when not "", receives the bundle as OutDir/<bundle_id>/ once every check passed.
	// It must exist: Open neither creates nor removes it, so that the caller that made it (for
	// several bundles at once) is the one that decides when it goes.
	OutDir string
	// StageLog, when not "", is a folder of the caller's where the staging folder inside
	// OutDir is recorded while it exists, so that [SweepStages] removes it after a kill.
	StageLog string
	// MaxFileSize caps each file; 0 means 1 GiB.
	MaxFileSize int64
	// MaxTotalSize caps the whole decrypted tar; 0 means 4 GiB.
	MaxTotalSize int64
	// Check, when not nil, is called with the verified manifest before any attachment is
	// read or staged; its error rejects the bundle and is returned as is.
	Check func(*Manifest) error
	// Accept, when not nil, is called once every check passed, before the bundle is moved
	// into OutDir; its error rejects the bundle (nothing lands) and is returned as is.
	Accept func(*Manifest) error
}

// Result describes a bundle that passed every check.
type Result struct {
	// Manifest is the bundle's signed manifest.
	Manifest *Manifest
	// Holder is the holder's key line, "ssh-ed25519 AAAA...".
	Holder string
	// Fingerprint is the holder key's SHA256 fingerprint, as ssh-keygen -l prints it.
	Fingerprint string
	// HolderPinned says whether the holder was checked against OpenOptions.Holder.
	HolderPinned bool
	// Dir is where the bundle landed, "" when only verifying.
	Dir string
}

const (
	defaultMaxFileSize  = 1 << 30
	defaultMaxTotalSize = 4 << 30
)

// Open decrypts and checks a bundle (binary or armored age) and, with OutDir, moves its files
// into OutDir/<bundle_id>/ once every check has passed. The signature, the holder, the
// audience, the times and the nonce are checked on the three entries that open the tar,
// before a byte of any attachment is read; attachments are then streamed to a locked
// temporary folder inside OutDir (or hashed and discarded when only verifying), so memory does
// not grow with file size. A bundle that fails a check gives a [*RejectedError]; nothing is
// left in OutDir on any failure. docs/bundle-format.md lists the checks in order.
func Open(r io.Reader, opts OpenOptions) (*Result, error) {
	if opts.OutDir != "" {
		// First, whatever happens to this bundle: what a killed open left is removed.
		if err := removeStaleStages(opts.OutDir); err != nil {
			return nil, err
		}
	}
	plain, dec, err := decrypt(r, opts.Identities)
	if err != nil {
		return nil, err
	}
	return openPlain(plain, dec, opts)
}

// openPlain checks a decrypted bundle.
func openPlain(plain io.Reader, dec decrypted, opts OpenOptions) (res *Result, err error) {
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = defaultMaxFileSize
	}
	if opts.MaxTotalSize <= 0 {
		opts.MaxTotalSize = defaultMaxTotalSize
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	p := &plainReader{r: plain, max: opts.MaxTotalSize}
	u := &ustarReader{r: p}
	h, err := readHead(u, p)
	if err != nil {
		return nil, err
	}
	m, holder, err := verifyHead(h, dec, opts)
	if err != nil {
		return nil, err
	}
	if opts.Check != nil {
		if err := opts.Check(m); err != nil {
			return nil, err
		}
	}
	// Only a bundle signed by its holder (and by the pinned one, if pinned) for this partner
	// gets a staging folder.
	stage, release, err := newStage(opts.OutDir, opts.StageLog)
	if err != nil {
		return nil, err
	}
	defer func() { release(err != nil) }()
	if err := writeHead(stage, h); err != nil {
		return nil, err
	}
	if err := readFiles(u, p, m, stage, opts.MaxFileSize); err != nil {
		return nil, err
	}
	if opts.Accept != nil {
		if err := opts.Accept(m); err != nil {
			return nil, err
		}
	}
	res = &Result{Manifest: m, Holder: m.Holder, Fingerprint: crypto.Fingerprint(holder), HolderPinned: opts.Holder != nil}
	if stage != "" {
		res.Dir = filepath.Join(opts.OutDir, m.BundleID)
		if err := commitStage(stage, res.Dir); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return nil, &ExistsError{BundleID: m.BundleID, Dir: res.Dir}
			}
			return nil, err
		}
	}
	return res, nil
}

// recordingIdentity notes whether its identity unwrapped the file key, which tells Open whose
// recipient the audience must list, and the header's stanza types.
type recordingIdentity struct {
	age.Identity
	used    *bool
	stanzas *[]string
}

func (r recordingIdentity) Unwrap(stanzas []*age.Stanza) ([]byte, error) {
	if *r.stanzas == nil {
		types := make([]string, len(stanzas))
		for i, s := range stanzas {
			types[i] = s.Type
			// SSH stanzas name their key by a tag: the first argument.
			if strings.HasPrefix(s.Type, "ssh-") && len(s.Args) > 0 {
				types[i] += " " + s.Args[0]
			}
		}
		*r.stanzas = types
	}
	key, err := r.Identity.Unwrap(stanzas)
	if err == nil {
		*r.used = true
	}
	return key, err
}

// decrypt opens the age layer, armored or not, and returns the plaintext, the recipient of
// the identity that opened it, and the header's stanza types.
func decrypt(r io.Reader, ids []crypto.PartnerIdentity) (io.Reader, decrypted, error) {
	if len(ids) == 0 {
		return nil, decrypted{}, errors.New("failed to open bundle: no identities")
	}
	br := bufio.NewReader(r)
	var src io.Reader = br
	// Like the age CLI: armor may follow some whitespace.
	head, _ := br.Peek(1024 + len(armor.Header))
	if bytes.HasPrefix(bytes.TrimSpace(head), []byte(armor.Header)) {
		src = armor.NewReader(br)
	}
	used := make([]bool, len(ids))
	var stanzas []string
	wrapped := make([]age.Identity, len(ids))
	for i, id := range ids {
		wrapped[i] = recordingIdentity{Identity: id.Identity, used: &used[i], stanzas: &stanzas}
	}
	plain, err := age.Decrypt(src, wrapped...)
	if err != nil {
		var noMatch *age.NoIdentityMatchError
		if errors.As(err, &noMatch) {
			return nil, decrypted{}, reject(ReasonDecrypt, "no identity matches the bundle's recipients")
		}
		return nil, decrypted{}, reject(ReasonDecrypt, "not a valid age file")
	}
	for i := range ids {
		if used[i] {
			return plain, decrypted{recipient: ids[i].Recipient, stanzas: stanzas}, nil
		}
	}
	return nil, decrypted{}, reject(ReasonDecrypt, "no identity matches the bundle's recipients")
}

// commitStage moves the checked bundle into place; an existing folder is never replaced,
// so the error wraps fs.ErrExist when the bundle was opened before (Open makes it an
// *ExistsError).
func commitStage(stage, dir string) error {
	if _, err := os.Lstat(dir); err == nil {
		return fmt.Errorf("failed to move bundle into place: %s: %w", dir, fs.ErrExist)
	}
	if err := os.Rename(stage, dir); err != nil {
		if errors.Is(err, syscall.ENOTEMPTY) || errors.Is(err, syscall.EEXIST) {
			// Another open of the same bundle won the race between the check and the rename.
			return fmt.Errorf("failed to move bundle into place: %s: %w", dir, fs.ErrExist)
		}
		return fmt.Errorf("failed to move bundle into place: %w", err)
	}
	// The rename is what makes the bundle appear: make it survive a crash.
	return fsutil.SyncDir(filepath.Dir(dir))
}
