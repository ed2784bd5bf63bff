package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/export"
	"github.com/paspor/paspor/export/request"
	"github.com/paspor/paspor/internal/fsutil"
	"github.com/paspor/paspor/wallet/schema"
)

// What a partner folder keeps of requests and bundles: see partner_state.go for the layout.

var (
	hexID       = regexp.MustCompile(`^[0-9a-f]{32}$`)
	recordDocID = regexp.MustCompile(`^[0-9a-z_-]{1,64}$`)
	recordHash  = regexp.MustCompile(`^[0-9a-f]{64}$`)
	recordName  = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
)

func (st *partnerState) replay() *request.ReplayStore {
	return request.NewReplayStore(filepath.Join(st.dir, partnerReplayFile))
}

// loadRequest reads a request this partner made, checked as any request (expired ones too:
// CheckManifest then says whether the bundle was made in time).
func (st *partnerState) loadRequest(id string) (*request.Request, error) {
	if !hexID.MatchString(id) {
		return nil, errorWithHint(exitNotFound, "the bundle answers no request of this partner", "open it with --request FILE, or without --partner")
	}
	f, err := os.Open(st.requestPath(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errorWithHint(exitNotFound, "request "+id+" was not made by this partner folder",
			"open the bundle with --request FILE if the request came from elsewhere")
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read the request: %w", err)
	}
	defer f.Close()
	return request.Parse(f, request.ParseOptions{Signer: st.publicKey(), AllowExpired: true, Now: testOnlyNow})
}

// bundleRecord is what the partner keeps of an opened bundle, to write feedback about it.
type bundleRecord struct {
	Format    string            `json:"format"`
	BundleID  string            `json:"bundle_id"`
	RequestID string            `json:"request_id,omitempty"`
	Holder    string            `json:"holder"`
	OpenedAt  time.Time         `json:"opened_at"`
	Documents []bundleRecordDoc `json:"documents"`
}

type bundleRecordDoc struct {
	ID          string             `json:"id"`
	Type        string             `json:"type"`
	FieldHashes map[string]string  `json:"field_hashes"`
	Files       []bundleRecordFile `json:"files,omitempty"`
}

type bundleRecordFile struct {
	Role   string `json:"role"`
	SHA256 string `json:"sha256"`
}

func newBundleRecord(m *export.Manifest, now time.Time) *bundleRecord {
	r := &bundleRecord{Format: partnerBundleFormat, BundleID: m.BundleID, RequestID: m.RequestID,
		Holder: m.Holder, OpenedAt: now.UTC().Truncate(time.Second)}
	for _, d := range m.Documents {
		doc := bundleRecordDoc{ID: d.ID, Type: d.Type, FieldHashes: map[string]string{}}
		for name, v := range d.Fields {
			doc.FieldHashes[name] = request.FieldHash(v)
		}
		for _, f := range d.Files {
			doc.Files = append(doc.Files, bundleRecordFile{Role: f.Role, SHA256: f.SHA256})
		}
		r.Documents = append(r.Documents, doc)
	}
	return r
}

func (st *partnerState) saveBundle(r *bundleRecord) error {
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	path := filepath.Join(st.dir, partnerBundlesDir, r.BundleID+".json")
	if err := fsutil.WriteFile(path, append(data, '\n'), fsutil.Replace); err != nil {
		return fmt.Errorf("failed to keep the bundle record: %w", err)
	}
	return nil
}

func (st *partnerState) loadBundle(id string) (*bundleRecord, error) {
	if !hexID.MatchString(id) {
		return nil, usageError("BUNDLE_ID is not a bundle ID (32 lowercase hex digits)", "open prints it: verified bundle ID")
	}
	data, err := os.ReadFile(filepath.Join(st.dir, partnerBundlesDir, id+".json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errorWithHint(exitNotFound, "bundle "+id+" was not opened with this partner folder",
			"open it first with: paspor open --partner DIR BUNDLE")
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read the bundle record: %w", err)
	}
	r, err := parseBundleRecord(data)
	if err != nil || r.BundleID != id {
		if err == nil {
			err = errors.New("names another bundle")
		}
		return nil, partnerStateError(st.dir, partnerBundlesDir+"/"+id+".json", err)
	}
	return r, nil
}

// parseBundleRecord reads a bundles/ID.json strictly.
func parseBundleRecord(data []byte) (*bundleRecord, error) {
	if len(data) > maxPartnerStateFile {
		return nil, errors.New("file too large")
	}
	var r bundleRecord
	if err := decodeStateJSON(data, &r); err != nil {
		return nil, err
	}
	if r.Format != partnerBundleFormat || !hexID.MatchString(r.BundleID) || r.RequestID != "" && !hexID.MatchString(r.RequestID) {
		return nil, errors.New("not a " + partnerBundleFormat + " record")
	}
	if pub, err := crypto.ParseHolderKey(r.Holder); err != nil || crypto.SSHPublicKeyLine(pub, "") != r.Holder {
		return nil, errors.New("holder is not an ssh-ed25519 key line")
	}
	for _, d := range r.Documents {
		if !recordDocID.MatchString(d.ID) {
			return nil, errors.New("a document ID is malformed")
		}
		t, err := schema.LookupType(d.Type)
		if err != nil {
			return nil, errors.New("a document type is unknown")
		}
		for name, h := range d.FieldHashes {
			if !recordHash.MatchString(h) || !recordName.MatchString(name) {
				return nil, errors.New("a field hash is malformed")
			}
		}
		for _, f := range d.Files {
			ref, err := schema.ParseRole(f.Role)
			if err != nil || ref.String() != f.Role || t.CheckRole(ref) != nil || !recordHash.MatchString(f.SHA256) {
				return nil, errors.New("a file entry is malformed")
			}
		}
	}
	return &r, nil
}
