package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/export/request"
	"github.com/paspor/paspor/internal/fsutil"
	"github.com/paspor/paspor/internal/termsafe"
)

// The partner folder (paspor partner keygen --partner DIR), 0700, every file 0600:
//
//	partner.json      {"format":"paspor-partner/1","name":NAME}
//	identity          the age identity bundles are encrypted to
//	signing_key       the Ed25519 signing key, OpenSSH private key format
//	signing_key.pub   its "ssh-ed25519 AAAA..." line
//	requests/ID.paspor  every request made, as sent
//	bundles/ID.json   what feedback needs of each bundle opened against a request: IDs,
//	                  types, hashes of field values and files, the holder key (no content)
//	replay            the replay store (paspor-replay/1)
const (
	partnerFormat       = "paspor-partner/1"
	partnerBundleFormat = "paspor-partner-bundle/1"
	partnerInfoFile     = "partner.json"
	partnerIdentityFile = "identity"
	partnerSigningFile  = "signing_key"
	partnerRequestsDir  = "requests"
	partnerBundlesDir   = "bundles"
	partnerReplayFile   = "replay"
	maxPartnerStateFile = 1 << 20
)

// partnerInfo is partner.json.
type partnerInfo struct {
	Format string `json:"format"`
	Name   string `json:"name"`
}

// partnerState is an opened partner folder.
type partnerState struct {
	dir        string
	name       string
	signer     ed25519.PrivateKey
	recipients []string
}

// createPartnerState makes the partner folder dir, which must not exist, and returns it.
// On failure nothing is left behind.
func createPartnerState(dir, name string, pq bool) (st *partnerState, err error) {
	if err := os.Mkdir(dir, 0o700); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, errorWithHint(exitExists, fmt.Sprintf("%s already exists", termsafe.Escape(dir)),
				"paspor never overwrites a partner's keys; choose another folder")
		}
		return nil, fmt.Errorf("failed to create the partner folder: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	identity, rcpt, err := crypto.GeneratePartnerIdentity(pq)
	if err != nil {
		return nil, err
	}
	priv, keyFile, err := request.GenerateSigningKey(name)
	if err != nil {
		return nil, err
	}
	info, err := json.Marshal(partnerInfo{Format: partnerFormat, Name: name})
	if err != nil {
		return nil, err
	}
	pub := crypto.SSHPublicKeyLine(priv.Public().(ed25519.PublicKey), "")
	for _, f := range []struct {
		name string
		data []byte
	}{
		{partnerIdentityFile, identity},
		{partnerSigningFile, keyFile},
		{partnerSigningFile + ".pub", []byte(pub + "\n")},
		{partnerInfoFile, append(info, '\n')},
	} {
		if err := fsutil.WriteFile(filepath.Join(dir, f.name), f.data, fsutil.NoReplace); err != nil {
			return nil, fmt.Errorf("failed to write the partner folder: %w", err)
		}
	}
	for _, sub := range []string{partnerRequestsDir, partnerBundlesDir} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, fmt.Errorf("failed to write the partner folder: %w", err)
		}
	}
	if err := fsutil.SyncDir(dir); err != nil {
		return nil, err
	}
	return &partnerState{dir: dir, name: name, signer: priv, recipients: []string{rcpt}}, nil
}

// openPartnerState reads the partner folder dir.
func openPartnerState(dir string) (*partnerState, error) {
	data, err := readStateFile(dir, partnerInfoFile)
	if err != nil {
		return nil, err
	}
	info, err := parsePartnerInfo(data)
	if err != nil {
		return nil, partnerStateError(dir, partnerInfoFile, err)
	}
	keyData, err := readStateFile(dir, partnerSigningFile)
	if err != nil {
		return nil, err
	}
	priv, err := request.ParseSigningKeyFile(keyData)
	clear(keyData)
	if err != nil {
		return nil, partnerStateError(dir, partnerSigningFile, err)
	}
	idData, err := readStateFile(dir, partnerIdentityFile)
	if err != nil {
		return nil, err
	}
	rcpts, err := crypto.RecipientOfIdentityFile(idData)
	clear(idData)
	if err != nil {
		return nil, partnerStateError(dir, partnerIdentityFile, err)
	}
	return &partnerState{dir: dir, name: info.Name, signer: priv, recipients: rcpts}, nil
}

// parsePartnerInfo reads partner.json strictly.
func parsePartnerInfo(data []byte) (*partnerInfo, error) {
	var info partnerInfo
	if err := decodeStateJSON(data, &info); err != nil {
		return nil, err
	}
	if info.Format != partnerFormat {
		return nil, fmt.Errorf("not a %s file", partnerFormat)
	}
	if err := request.CheckPartnerName(info.Name); err != nil {
		return nil, err
	}
	return &info, nil
}

func decodeStateJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errors.New("malformed JSON")
	}
	if dec.More() {
		return errors.New("trailing data")
	}
	return nil
}

func readStateFile(dir, name string) ([]byte, error) {
	path := filepath.Join(dir, name)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errorWithHint(exitNotFound, fmt.Sprintf("%s is not a partner folder (no %s)", termsafe.Escape(dir), name),
			"make one with: paspor partner keygen --partner DIR --name NAME")
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read the partner folder: %w", err)
	}
	defer f.Close()
	data, err := readCappedFile(f, maxPartnerStateFile)
	if err != nil {
		return nil, partnerStateError(dir, name, err)
	}
	return data, nil
}

func readCappedFile(f *os.File, limit int64) ([]byte, error) {
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return nil, err
	}
	if int64(buf.Len()) > limit {
		return nil, errors.New("file too large")
	}
	return buf.Bytes(), nil
}

func partnerStateError(dir, name string, err error) error {
	return errorWithHint(exitCorrupt, fmt.Sprintf("partner folder %s: %s: %s", termsafe.Escape(dir), name, lower(err.Error())),
		"restore the partner folder from a backup")
}

func (st *partnerState) publicKey() ed25519.PublicKey { return st.signer.Public().(ed25519.PublicKey) }

func (st *partnerState) requestPath(id string) string {
	return filepath.Join(st.dir, partnerRequestsDir, id+".paspor")
}

// saveRequest keeps a request as sent, so that open --partner finds it by ID.
func (st *partnerState) saveRequest(id string, file []byte) error {
	if err := fsutil.WriteFile(st.requestPath(id), file, fsutil.NoReplace); err != nil {
		return fmt.Errorf("failed to keep the request in the partner folder: %w", err)
	}
	return nil
}
