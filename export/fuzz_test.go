package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

// fuzzRecipient is the audience of the seed bundles: a valid X25519 recipient whose identity
// is not needed, since the fuzz targets start behind the age layer.
const fuzzRecipient = "age192dtytjpgqk0szfaxqvm8m69ukt5vxlhp7ls8yz6dmy2cqh59eesrrndum"

// fuzzDecrypted is what the age layer would report for a bundle to fuzzRecipient.
var fuzzDecrypted = decrypted{recipient: fuzzRecipient, stanzas: []string{"X25519"}}

// FuzzParseManifest: any bytes either fail to parse or give a manifest whose paths are safe and
// which survives a re-encoding.
func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(`{"format":"paspor-bundle/1"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parseManifest(data)
		if err != nil {
			return
		}
		for _, d := range m.Documents {
			for _, file := range d.Files {
				if !safeEntryName(file.Path) {
					t.Fatalf("unsafe path %q accepted", file.Path)
				}
			}
		}
		again, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := parseManifest(again); err != nil {
			t.Fatalf("re-encoded manifest does not parse: %v", err)
		}
	})
}

// FuzzOpenTar feeds arbitrary bytes to the reader behind the age layer: it must never panic,
// and every failure must be a rejection with a known reason.
func FuzzOpenTar(f *testing.F) {
	f.Add(newCraft(fuzzRecipient).tar(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := openPlain(bytes.NewReader(data), fuzzDecrypted, OpenOptions{Now: testNow, MaxTotalSize: 1 << 20})
		var rej *RejectedError
		switch {
		case err == nil && res.Manifest == nil:
			t.Fatal("accepted without a manifest")
		case err != nil && !errors.As(err, &rej):
			t.Fatalf("not a rejection: %v", err)
		case err != nil && !knownReason(rej.Reason):
			t.Fatalf("unknown reason %q", rej.Reason)
		}
	})
}

func knownReason(r string) bool {
	switch r {
	case ReasonDecrypt, ReasonNotABundle, ReasonUnsafeEntry, ReasonSignature, ReasonHolder, ReasonAudience,
		ReasonNotYetValid, ReasonExpired, ReasonNonce, ReasonHash, ReasonMediaType, ReasonMissingFile, ReasonExtraFile, ReasonTooLarge:
		return true
	}
	return false
}

// TestFuzzBaseline: the fuzz targets' valid seed is accepted, so that their corpus starts
// from a bundle that reaches every check.
func TestFuzzBaseline(t *testing.T) {
	if _, err := openPlain(bytes.NewReader(newCraft(fuzzRecipient).tar(t)), fuzzDecrypted, OpenOptions{Now: testNow, MaxTotalSize: 1 << 20}); err != nil {
		t.Fatal(err)
	}
}
