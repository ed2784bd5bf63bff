package crypto

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var testRecoverySecret = func() []byte {
	b := make([]byte, DeviceSecretSize)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}()

var recoveryCodeRe = regexp.MustCompile(`^PASPOR(-[0-9A-HJKMNP-TV-Z]{7}){8}$`)

func mustEncode(t testing.TB, secret []byte) string {
	t.Helper()
	code, err := EncodeRecoveryCode(secret)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func TestRecoveryCodeRoundTrip(t *testing.T) {
	random, _ := NewDeviceSecret()
	secrets := map[string][]byte{
		"zeros":      make([]byte, DeviceSecretSize),
		"ones":       bytes.Repeat([]byte{0xff}, DeviceSecretSize),
		"sequential": testRecoverySecret,
		"random":     random,
	}
	for name, secret := range secrets {
		t.Run(name, func(t *testing.T) {
			code := mustEncode(t, secret)
			if !recoveryCodeRe.MatchString(code) {
				t.Fatalf("code %q does not have the documented shape", code)
			}
			got, err := DecodeRecoveryCode(code)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, secret) {
				t.Fatal("round trip changed the secret")
			}
		})
	}
}

func TestEncodeRecoveryCodeRejects(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33} {
		if code, err := EncodeRecoveryCode(make([]byte, n)); err == nil {
			t.Errorf("%d-byte secret encoded as %q", n, code)
		}
	}
}

// codeChars returns the 56 code characters of a canonical code.
func codeChars(code string) []byte {
	return []byte(strings.ReplaceAll(strings.TrimPrefix(code, "PASPOR-"), "-", ""))
}

func TestRecoveryCodeTypoEveryPosition(t *testing.T) {
	chars := codeChars(mustEncode(t, testRecoverySecret))
	if len(chars) != recoveryCodeChars {
		t.Fatalf("%d code characters", len(chars))
	}
	for i := range chars {
		for _, c := range []byte(crockfordAlphabet) {
			if c == chars[i] {
				continue
			}
			typo := bytes.Clone(chars)
			typo[i] = c
			if _, err := DecodeRecoveryCode(string(typo)); !errors.Is(err, ErrRecoveryCodeChecksum) {
				t.Fatalf("typo %c at position %d: err = %v, want ErrRecoveryCodeChecksum", c, i, err)
			}
		}
		if i+1 < len(chars) && chars[i] != chars[i+1] {
			swapped := bytes.Clone(chars)
			swapped[i], swapped[i+1] = swapped[i+1], swapped[i]
			if _, err := DecodeRecoveryCode(string(swapped)); !errors.Is(err, ErrRecoveryCodeChecksum) {
				t.Fatalf("transposition at %d: err = %v, want ErrRecoveryCodeChecksum", i, err)
			}
		}
	}
}

func TestDecodeRecoveryCodeForgiving(t *testing.T) {
	// The all-zero secret encodes to many 0s, so the O/0 mapping is exercised.
	secret := make([]byte, DeviceSecretSize)
	code := mustEncode(t, secret)
	chars := string(codeChars(code))
	if !strings.Contains(chars, "0") {
		t.Fatalf("test needs a code with 0s: %s", code)
	}
	withOnes := mustEncode(t, testRecoverySecret)
	if !strings.Contains(withOnes, "1") {
		t.Fatalf("test needs a code with 1s: %s", withOnes)
	}
	tests := map[string]struct {
		input string
		want  []byte
	}{
		"canonical":         {code, secret},
		"lower case":        {strings.ToLower(code), secret},
		"no prefix":         {strings.TrimPrefix(code, "PASPOR-"), secret},
		"no dashes":         {chars, secret},
		"spaces":            {strings.ReplaceAll(code, "-", " "), secret},
		"line breaks":       {"PASPOR\n" + chars[:28] + "\r\n" + chars[28:] + "\n", secret},
		"tabs and padding":  {"  \t" + code + "\t ", secret},
		"O for zero":        {strings.ReplaceAll(code, "0", "O"), secret},
		"lower o for zero":  {strings.ReplaceAll(chars, "0", "o"), secret},
		"prefix with zero":  {strings.Replace(code, "PASPOR", "pasp0r", 1), secret},
		"I for one":         {strings.ReplaceAll(withOnes, "1", "I"), testRecoverySecret},
		"L for one":         {strings.ReplaceAll(withOnes, "1", "L"), testRecoverySecret},
		"lower l for one":   {strings.ToLower(strings.ReplaceAll(withOnes, "1", "l")), testRecoverySecret},
		"regrouped by four": {regroup(string(codeChars(withOnes)), 4), testRecoverySecret},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := DecodeRecoveryCode(tt.input)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.want) {
				t.Fatal("decoded the wrong secret")
			}
		})
	}
}

func regroup(s string, n int) string {
	var parts []string
	for len(s) > n {
		parts = append(parts, s[:n])
		s = s[n:]
	}
	return strings.Join(append(parts, s), " - ")
}

func TestDecodeRecoveryCodeFormat(t *testing.T) {
	code := mustEncode(t, testRecoverySecret)
	chars := string(codeChars(code))
	tests := map[string]string{
		"empty":              "",
		"prefix only":        "PASPOR-",
		"one char missing":   code[:len(code)-1],
		"one char extra":     code + "0",
		"prefix twice":       "PASPOR-" + code,
		"U is not in it":     "U" + chars[1:],
		"punctuation":        chars[:10] + "*" + chars[11:],
		"non-ASCII":          chars[:55] + "é",
		"underscore as dash": strings.ReplaceAll(code, "-", "_"),
		"far too long":       strings.Repeat(chars, 100),
		"other prefix":       "PASSPORT" + chars,
	}
	for name, input := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := DecodeRecoveryCode(input)
			if !errors.Is(err, ErrRecoveryCodeFormat) || got != nil {
				t.Fatalf("DecodeRecoveryCode = %x, %v; want ErrRecoveryCodeFormat", got, err)
			}
			if strings.Contains(err.Error(), chars[:7]) {
				t.Fatalf("error echoes the code: %v", err)
			}
		})
	}
}

func FuzzDecodeRecoveryCode(f *testing.F) {
	f.Add(mustEncode(f, testRecoverySecret))
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		secret, err := DecodeRecoveryCode(s)
		if err != nil {
			if secret != nil || (!errors.Is(err, ErrRecoveryCodeFormat) && !errors.Is(err, ErrRecoveryCodeChecksum)) {
				t.Fatalf("DecodeRecoveryCode = %x, %v", secret, err)
			}
			if len(s) >= 8 && strings.Contains(err.Error(), s) {
				t.Fatalf("error echoes the input: %v", err)
			}
			return
		}
		code, err := EncodeRecoveryCode(secret)
		if err != nil {
			t.Fatal(err)
		}
		again, err := DecodeRecoveryCode(code)
		if err != nil || !bytes.Equal(again, secret) {
			t.Fatalf("re-encoded code does not round trip: %v", err)
		}
	})
}

// The committed seed corpus of the three fuzz targets lives in testdata/fuzz. Run
// "go test ./crypto/ -run=TestFuzzSeeds -update-seeds" to regenerate it after a format
// change; TestFuzzSeeds checks on every run that the seeds still mean what their names say.
var updateSeeds = flag.Bool("update-seeds", false, "rewrite the fuzz seed corpus in testdata/fuzz")

type fuzzSeed struct {
	target, name string
	value        any // string or []byte, the fuzz target's argument
	check        func(t *testing.T, value any)
}

func fuzzSeeds(t *testing.T) []fuzzSeed {
	slotSecrets := &SlotSecrets{WalletKey: bytes.Repeat([]byte{1}, WalletKeySize), SigningKey: ed25519.NewKeyFromSeed(make([]byte, 32))}
	validSlot, err := SealSlot(fuzzKEK, fuzzWalletID, slotSecrets)
	if err != nil {
		t.Fatal(err)
	}
	otherWalletSlot, _ := SealSlot(fuzzKEK, "other-wallet", slotSecrets)
	badVersionSlot, _ := sealSlotPayload(fuzzKEK, fuzzWalletID, append([]byte{2}, make([]byte, slotPayloadSize-1)...))
	validRecord := sealTest(t, []byte(`{"type":"passport","number":"X1234567"}`))
	otherRecord, _ := SealRecord(testWalletKey, Binding{"w1", "document", "doc-2"}, []byte("moved"))
	code := mustEncode(t, testRecoverySecret)
	typo := []byte(code)
	typo[10] = map[bool]byte{true: 'A', false: 'B'}[typo[10] != 'A']

	opensRecord := func(t *testing.T, v any) {
		if _, err := OpenRecord(testWalletKey, testBinding, v.([]byte)); err != nil {
			t.Errorf("does not open: %v", err)
		}
	}
	recordAuth := func(t *testing.T, v any) {
		if _, err := OpenRecord(testWalletKey, testBinding, v.([]byte)); !errors.Is(err, ErrRecordAuth) {
			t.Errorf("err = %v, want ErrRecordAuth", err)
		}
	}
	slotErr := func(want error) func(*testing.T, any) {
		return func(t *testing.T, v any) {
			if _, err := OpenSlot(fuzzKEK, fuzzWalletID, v.([]byte)); !errors.Is(err, want) {
				t.Errorf("err = %v, want %v", err, want)
			}
		}
	}
	codeErr := func(want error) func(*testing.T, any) {
		return func(t *testing.T, v any) {
			if _, err := DecodeRecoveryCode(v.(string)); !errors.Is(err, want) {
				t.Errorf("err = %v, want %v", err, want)
			}
		}
	}
	return []fuzzSeed{
		{"FuzzOpenSlot", "valid", validSlot, slotErr(nil)},
		{"FuzzOpenSlot", "other-wallet", otherWalletSlot, slotErr(ErrWrongKey)},
		{"FuzzOpenSlot", "unknown-version", badVersionSlot, slotErr(ErrMalformedSlot)},
		{"FuzzOpenSlot", "nonce-only", validSlot[:24], slotErr(ErrMalformedSlot)},
		{"FuzzOpenRecord", "valid", validRecord, opensRecord},
		{"FuzzOpenRecord", "other-binding", otherRecord, recordAuth},
		{"FuzzOpenRecord", "truncated", validRecord[:len(validRecord)-1], recordAuth},
		{"FuzzOpenRecord", "header-only", validRecord[:bytes.Index(validRecord, []byte("\n---"))+1], recordAuth},
		{"FuzzOpenRecord", "not-age", []byte("PK\x03\x04 not an age file\n"), recordAuth},
		{"FuzzDecodeRecoveryCode", "valid", code, codeErr(nil)},
		{"FuzzDecodeRecoveryCode", "forgiving", strings.ToLower(strings.ReplaceAll(code, "-", " ")), codeErr(nil)},
		{"FuzzDecodeRecoveryCode", "typo", string(typo), codeErr(ErrRecoveryCodeChecksum)},
		{"FuzzDecodeRecoveryCode", "short", code[:30], codeErr(ErrRecoveryCodeFormat)},
		{"FuzzDecodeRecoveryCode", "bad-character", "U" + code[1:], codeErr(ErrRecoveryCodeFormat)},
	}
}

func TestFuzzSeeds(t *testing.T) {
	for _, s := range fuzzSeeds(t) {
		path := filepath.Join("testdata", "fuzz", s.target, s.name)
		t.Run(s.target+"/"+s.name, func(t *testing.T) {
			if *updateSeeds {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, marshalSeed(s.value), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("missing seed (run with -update-seeds): %v", err)
			}
			v, err := unmarshalSeed(data)
			if err != nil {
				t.Fatal(err)
			}
			s.check(t, v)
		})
	}
}

// marshalSeed writes the "go test fuzz v1" corpus format for one argument.
func marshalSeed(v any) []byte {
	switch v := v.(type) {
	case string:
		return fmt.Appendf(nil, "go test fuzz v1\nstring(%q)\n", v)
	case []byte:
		return fmt.Appendf(nil, "go test fuzz v1\n[]byte(%q)\n", v)
	}
	panic("unsupported seed type")
}

func unmarshalSeed(data []byte) (any, error) {
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 2 || lines[0] != "go test fuzz v1" {
		return nil, errors.New("not a one-argument go test fuzz v1 file")
	}
	for _, typ := range []string{"string", "[]byte"} {
		if inner, ok := strings.CutPrefix(lines[1], typ+"("); ok && strings.HasSuffix(inner, ")") {
			s, err := strconv.Unquote(strings.TrimSuffix(inner, ")"))
			if err != nil {
				return nil, err
			}
			if typ == "string" {
				return s, nil
			}
			return []byte(s), nil
		}
	}
	return nil, fmt.Errorf("unsupported value %.20q", lines[1])
}
