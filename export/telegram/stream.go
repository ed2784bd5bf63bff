package telegram

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
)

// EncryptTo is [Encrypt] for a plaintext too large to hold: the key and IV depend on the
// hash of the padded plaintext, so it reads the plaintext twice through open, hashing it
// in a first pass and encrypting it to w in a second, one buffer at a time. size is the
// plaintext's length; a plaintext that is not size bytes or that changes between the
// passes is an error (and w then holds a ciphertext to discard). It returns the hash and
// the number of bytes written.
func EncryptTo(w io.Writer, open func() (io.ReadCloser, error), size int64, secret []byte, random io.Reader) (hash []byte, n int64, err error) {
	if len(secret) != SecretSize {
		return nil, 0, fmt.Errorf("secret is %d bytes, want %d", len(secret), SecretSize)
	}
	if size < 0 {
		return nil, 0, fmt.Errorf("negative size %d", size)
	}
	if random == nil {
		return nil, 0, errors.New("no source of randomness")
	}
	pad, err := newPadding(size, random)
	if err != nil {
		return nil, 0, err
	}
	pass := func(out func(chunk []byte) error) ([]byte, error) {
		r, err := open()
		if err != nil {
			return nil, err
		}
		defer r.Close()
		h := sha256.New()
		in := io.MultiReader(bytes.NewReader(pad), io.LimitReader(r, size+1))
		buf := make([]byte, 64<<10)
		var total int64
		for {
			k, rerr := io.ReadFull(in, buf)
			total += int64(k)
			if total > int64(len(pad))+size {
				return nil, fmt.Errorf("the plaintext is longer than its %d bytes", size)
			}
			if rerr != nil && rerr != io.EOF && rerr != io.ErrUnexpectedEOF {
				return nil, rerr
			}
			h.Write(buf[:k])
			if k%aes.BlockSize != 0 {
				return nil, fmt.Errorf("the plaintext is not %d bytes", size)
			}
			if k > 0 && out != nil {
				if err := out(buf[:k]); err != nil {
					return nil, err
				}
			}
			if rerr != nil {
				break
			}
		}
		if total != int64(len(pad))+size {
			return nil, fmt.Errorf("the plaintext is %d bytes, not %d", total-int64(len(pad)), size)
		}
		return h.Sum(nil), nil
	}
	hash, err = pass(nil)
	if err != nil {
		return nil, 0, err
	}
	key, iv := keyIV(secret, hash)
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, 0, fmt.Errorf("failed to set up AES: %w", err)
	}
	enc := cipher.NewCBCEncrypter(block, iv)
	again, err := pass(func(chunk []byte) error {
		// Every chunk is a whole number of blocks: the padded total is, and only the last
		// chunk is short.
		enc.CryptBlocks(chunk, chunk)
		k, err := w.Write(chunk)
		n += int64(k)
		return err
	})
	if err != nil {
		return nil, n, err
	}
	if subtle.ConstantTimeCompare(again, hash) != 1 {
		return nil, n, errors.New("the plaintext changed while it was encrypted")
	}
	return hash, n, nil
}

// fileStream is [builder.file] for an [Attachment] read through Open: its ciphertext goes
// through opts.Create rather than into memory.
func (b *builder) fileStream(typ string, a Attachment) (*PassportFile, *fileCredentials, error) {
	if b.create == nil {
		return nil, nil, errors.New("an attachment read through Open needs BuildOptions.Create")
	}
	secret, err := NewSecret(b.random)
	if err != nil {
		return nil, nil, err
	}
	var id [24]byte
	if _, err := io.ReadFull(b.random, id[:]); err != nil {
		return nil, nil, fmt.Errorf("failed to name a file: %w", err)
	}
	unique := hex.EncodeToString(id[:16])
	w, err := b.create(unique)
	if err != nil {
		return nil, nil, err
	}
	hash, n, err := EncryptTo(w, a.Open, a.Size, secret, b.random)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s: %w", typ, a.Role, err)
	}
	pf := &PassportFile{
		FileID:       base64.RawURLEncoding.EncodeToString(id[:]),
		FileUniqueID: unique,
		FileSize:     n,
		FileDate:     b.date,
	}
	b.out.Files = append(b.out.Files, BuiltFile{Name: unique, Type: typ, Role: a.Role})
	return pf, &fileCredentials{FileHash: b64(hash), Secret: b64(secret)}, nil
}
