package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// FuzzParsePartnerInfo: partner.json is accepted only with its format and a printable name.
func FuzzParsePartnerInfo(f *testing.F) {
	f.Add([]byte(`{"format":"paspor-partner/1","name":"Example Bank"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := parsePartnerInfo(data)
		if err == nil && (info.Format != partnerFormat || checkNameFlag(info.Name) != nil) {
			t.Fatalf("accepted %+v", info)
		}
	})
}

// FuzzParseBundleRecord: an accepted bundle record has well-formed IDs, a canonical holder
// key and hashes that feedback can quote.
func FuzzParseBundleRecord(f *testing.F) {
	f.Add([]byte(validBundleRecord))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := parseBundleRecord(data)
		if err != nil {
			return
		}
		if !hexID.MatchString(r.BundleID) {
			t.Fatalf("accepted bundle ID %q", r.BundleID)
		}
		for _, d := range r.Documents {
			if !recordDocID.MatchString(d.ID) {
				t.Fatalf("accepted document ID %q", d.ID)
			}
		}
	})
}

// FuzzFeedbackFlag: DOC.NAME=MSG splits into non-empty parts or is a usage error.
func FuzzFeedbackFlag(f *testing.F) {
	f.Add([]byte("passport.document_no=does not match"))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, name, msg, err := splitFeedbackFlag("--field", string(data), true)
		if err == nil && (doc == "" || name == "" || msg == "" || strings.Contains(doc, ".") || strings.Contains(doc, "=")) {
			t.Fatalf("split %q into %q %q %q", data, doc, name, msg)
		}
	})
}

var validBundleRecord = `{"format":"paspor-partner-bundle/1","bundle_id":"0123456789abcdef0123456789abcdef",` +
	`"holder":"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOJne54anzt3MY8ntW0dNwheWCkccuqkaBaV3KSsh98f","opened_at":"2026-12-01T12:00:00Z",` +
	`"documents":[{"id":"pp1","type":"passport","field_hashes":{"document_no":"` + strings.Repeat("a", 64) + `"},` +
	`"files":[{"role":"front_side","sha256":"` + strings.Repeat("b", 64) + `"}]}]}`

// TestPartnerFuzzSeeds checks the committed seeds: valid* accepted, every other rejected.
func TestPartnerFuzzSeeds(t *testing.T) {
	parsers := map[string]func([]byte) error{
		"FuzzParsePartnerInfo":  func(b []byte) error { _, err := parsePartnerInfo(b); return err },
		"FuzzParseBundleRecord": func(b []byte) error { _, err := parseBundleRecord(b); return err },
		"FuzzFeedbackFlag": func(b []byte) error {
			_, _, _, err := splitFeedbackFlag("--field", string(b), true)
			return err
		},
	}
	for name, parse := range parsers {
		files, err := filepath.Glob(filepath.Join("testdata", "fuzz", name, "*"))
		if err != nil || len(files) < 3 {
			t.Fatalf("%s: %d seed files (%v), want at least 3", name, len(files), err)
		}
		for _, path := range files {
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			header, body, _ := strings.Cut(strings.TrimSpace(string(raw)), "\n")
			if header != "go test fuzz v1" || !strings.HasPrefix(body, "[]byte(") || !strings.HasSuffix(body, ")") {
				t.Fatalf("%s: want one []byte value", path)
			}
			data, err := strconv.Unquote(body[len("[]byte(") : len(body)-1])
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if err := parse([]byte(data)); strings.HasPrefix(filepath.Base(path), "valid") != (err == nil) {
				t.Errorf("%s: err = %v", path, err)
			}
		}
	}
}
