package request

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

var knownReasons = map[string]bool{
	ReasonTooLarge: true, ReasonMalformed: true, ReasonFormat: true, ReasonNotCanonical: true,
	ReasonInvalid: true, ReasonScope: true, ReasonSignature: true, ReasonSigner: true,
	ReasonExpired: true, ReasonNotYetValid: true, ReasonDecrypt: true, ReasonHolder: true,
	ReasonBundle: true, ReasonRequestID: true, ReasonNonce: true, ReasonAudience: true,
	ReasonLate: true, ReasonMissing: true, ReasonExtra: true, ReasonStale: true, ReasonReplay: true,
}

// checkRejection fails unless err is a RejectedError with a known reason whose message
// holds no control character.
func checkRejection(t *testing.T, err error) {
	t.Helper()
	var re *RejectedError
	if !errors.As(err, &re) {
		t.Fatalf("not a rejection: %v", err)
	}
	if !knownReasons[re.Reason] {
		t.Fatalf("unknown reason %q", re.Reason)
	}
	if err := checkText("test", "error", err.Error(), 1<<20); err != nil {
		t.Fatalf("error message %q is not safe to print: %v", re.Error(), err)
	}
}

func FuzzParseRequest(f *testing.F) {
	_, file := signedTestRequest(f)
	f.Add(file)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse(bytes.NewReader(data), ParseOptions{Now: testNow, AllowExpired: true})
		if err != nil {
			checkRejection(t, err)
			return
		}
		// Accepted: the JSON line is the canonical encoding, and matching does not panic.
		line, err := encodeCanonical(r)
		if err != nil || !bytes.HasPrefix(data, append(line, '\n')) {
			t.Fatalf("accepted a request whose line is not canonical")
		}
		Match(r.Scope, testDocs(), testNow)
	})
}

func FuzzParseScope(f *testing.F) {
	f.Add([]byte(`{"elements":[{"type":"passport","selfie":true}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseScope(data)
		if err != nil {
			checkRejection(t, err)
			return
		}
		again, err := encodeCanonical(s)
		if err != nil {
			t.Fatal(err)
		}
		s2, err := ParseScope(again)
		if err != nil || !reflect.DeepEqual(s, s2) {
			t.Fatalf("re-encoded scope differs or fails: %v", err)
		}
		Match(s, testDocs(), testNow)
	})
}

func FuzzParseTelegramScope(f *testing.F) {
	f.Add([]byte(`{"v":1,"data":[{"type":"id_document","selfie":true},"address_document"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseTelegramScope(data)
		if err != nil {
			checkRejection(t, err)
			return
		}
		// Every converted scope is a valid native scope.
		again, err := encodeCanonical(s)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseScope(again); err != nil {
			t.Fatalf("converted scope is not valid natively: %v", err)
		}
	})
}

// FuzzParseFeedback fuzzes the decrypted feedback: the age layer in front is age's own.
func FuzzParseFeedback(f *testing.F) {
	line, err := encodeCanonical(testFeedback())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sealLine(f, string(line), testKey(1), FeedbackNamespace))
	f.Fuzz(func(t *testing.T, data []byte) {
		fb, err := parseFeedback(data)
		if err != nil {
			checkRejection(t, err)
			return
		}
		if line, err := encodeCanonical(fb); err != nil || !bytes.HasPrefix(data, append(line, '\n')) {
			t.Fatal("accepted feedback whose line is not canonical")
		}
	})
}

// TestFuzzSeeds checks the committed seeds, so they keep exercising what they are named for:
// a seed named valid* is accepted, every other seed is rejected.
func TestFuzzSeeds(t *testing.T) {
	parsers := map[string]func([]byte) error{
		"FuzzParseRequest": func(b []byte) error {
			_, err := Parse(bytes.NewReader(b), ParseOptions{Now: testNow, AllowExpired: true})
			return err
		},
		"FuzzParseScope":         func(b []byte) error { _, err := ParseScope(b); return err },
		"FuzzParseTelegramScope": func(b []byte) error { _, err := ParseTelegramScope(b); return err },
		"FuzzParseFeedback":      func(b []byte) error { _, err := parseFeedback(b); return err },
		"FuzzParseWant":          func(b []byte) error { _, err := ParseWants(strings.Split(string(b), "\n")); return err },
	}
	for name, parse := range parsers {
		files, err := filepath.Glob(filepath.Join("testdata", "fuzz", name, "*"))
		if err != nil || len(files) < 3 {
			t.Fatalf("%s: %d seed files (%v), want at least 3", name, len(files), err)
		}
		for _, path := range files {
			data := readSeed(t, path)
			err := parse(data)
			if strings.HasPrefix(filepath.Base(path), "valid") != (err == nil) {
				t.Errorf("%s: err = %v", path, err)
			}
		}
	}
}

// readSeed decodes a "go test fuzz v1" file holding one []byte value.
func readSeed(t *testing.T, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	header, body, ok := strings.Cut(string(raw), "\n")
	if !ok || header != "go test fuzz v1" {
		t.Fatalf("%s: not a fuzz seed file", path)
	}
	body = strings.TrimSpace(body)
	if !strings.HasPrefix(body, "[]byte(") || !strings.HasSuffix(body, ")") {
		t.Fatalf("%s: want one []byte value", path)
	}
	s, err := strconv.Unquote(body[len("[]byte(") : len(body)-1])
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return []byte(s)
}
