package request

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paspor/paspor/internal/testenv"
)

func TestRequestRoundTrip(t *testing.T) {
	want, file := signedTestRequest(t)
	got, err := Parse(bytes.NewReader(file), ParseOptions{Now: testNow, Signer: pubOf(testKey(1))})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	if len(got.Nonce) != 32 || got.Nonce == got.RequestID {
		t.Fatalf("nonce %q, request ID %q: want two fresh 128-bit values", got.Nonce, got.RequestID)
	}
	if got.Fingerprint() == "" || !strings.HasPrefix(got.Fingerprint(), "SHA256:") {
		t.Fatalf("fingerprint %q", got.Fingerprint())
	}
	// Two requests never share an ID or nonce.
	other := newTestRequest(t)
	if other.Nonce == want.Nonce || other.RequestID == want.RequestID {
		t.Fatal("two requests share a nonce or request ID")
	}
}

func TestSignRefusesOtherKey(t *testing.T) {
	r := newTestRequest(t)
	if _, err := Sign(r, testKey(3)); err == nil {
		t.Fatal("Sign with a key other than signing_key succeeded")
	}
}

// TestParseRequestRejects builds each hostile request itself (re-signed by the partner's own
// key where the attack is in the JSON, so only the rule under test can reject it).
func TestParseRequestRejects(t *testing.T) {
	r, file := signedTestRequest(t)
	line := string(file[:bytes.IndexByte(file, '\n')])
	partner := testKey(1)
	resign := func(l string) []byte { return sealLine(t, l, partner, RequestNamespace) }
	edit := func(old, new string) []byte {
		if !strings.Contains(line, old) {
			t.Fatalf("test bug: %q not in the line", old)
		}
		return resign(strings.Replace(line, old, new, 1))
	}
	stranger := strings.Replace(line, keyLine(partner), keyLine(testKey(3)), 1)
	cases := []struct {
		name   string
		file   []byte
		opts   ParseOptions
		reason string
	}{
		{"empty", nil, ParseOptions{}, ReasonMalformed},
		{"too large", bytes.Repeat([]byte("a"), MaxRequestSize+1), ParseOptions{}, ReasonTooLarge},
		{"no signature", []byte(line + "\n"), ParseOptions{}, ReasonSignature},
		{"crlf", bytes.ReplaceAll(file, []byte("\n"), []byte("\r\n")), ParseOptions{}, ReasonSignature},
		{"text after armor", append(append([]byte(nil), file...), "x\n"...), ParseOptions{}, ReasonSignature},
		{"two armors", append(append([]byte(nil), file...), file[len(line)+1:]...), ParseOptions{}, ReasonSignature},
		{"not JSON", resign("paspor"), ParseOptions{}, ReasonMalformed},
		{"trailing value", resign(line + "{}"), ParseOptions{}, ReasonMalformed},
		{"duplicate key", edit(`"partner":"Example Bank"`, `"partner":"Example Bank","partner":"Evil"`), ParseOptions{}, ReasonMalformed},
		{"case variant key", edit(`"partner":"Example Bank"`, `"partner":"Example Bank","Partner":"Evil"`), ParseOptions{}, ReasonMalformed},
		{"folded key", edit(`"expires_at"`, `"expire\u017f_at"`), ParseOptions{}, ReasonMalformed},
		{"unknown key", edit(`"purpose"`, `"extra":"x","purpose"`), ParseOptions{}, ReasonMalformed},
		{"null", edit(`"purpose":"account opening"`, `"purpose":null`), ParseOptions{}, ReasonMalformed},
		{"wrong type", edit(`"max_age":90`, `"max_age":"90"`), ParseOptions{}, ReasonMalformed},
		{"invalid utf-8", edit(`Example Bank`, "Example \xff"), ParseOptions{}, ReasonMalformed},
		{"format", edit(RequestFormat, "paspor-request/2"), ParseOptions{}, ReasonFormat},
		{"whitespace", edit(`"partner":`, `"partner": `), ParseOptions{}, ReasonNotCanonical},
		{"key order", edit(`"format":"paspor-request/1","request_id":"`+r.RequestID+`"`, `"request_id":"`+r.RequestID+`","format":"paspor-request/1"`), ParseOptions{}, ReasonNotCanonical},
		{"escaped letter", edit(`Example Bank`, `Ex\u0061mple Bank`), ParseOptions{}, ReasonNotCanonical},
		{"zero offset", edit(`"created_at":"2026-12-01T12:00:00Z"`, `"created_at":"2026-12-01T12:00:00+00:00"`), ParseOptions{}, ReasonNotCanonical},
		{"offset time", edit(`"created_at":"2026-12-01T12:00:00Z"`, `"created_at":"2026-12-01T13:00:00+01:00"`), ParseOptions{}, ReasonInvalid},
		{"lowercase z", edit(`"created_at":"2026-12-01T12:00:00Z"`, `"created_at":"2026-12-01T12:00:00z"`), ParseOptions{}, ReasonMalformed},
		{"fraction", edit(`"created_at":"2026-12-01T12:00:00Z"`, `"created_at":"2026-12-01T12:00:00.5Z"`), ParseOptions{}, ReasonInvalid},
		{"bad request id", edit(r.RequestID, strings.ToUpper(r.RequestID)), ParseOptions{}, ReasonInvalid},
		{"short nonce", edit(r.Nonce, r.Nonce[:30]), ParseOptions{}, ReasonInvalid},
		{"control in purpose", edit(`account opening`, `account\u001b[2Jopening`), ParseOptions{}, ReasonInvalid},
		{"bidi in partner", edit(`Example Bank`, "Example \u202eknaB"), ParseOptions{}, ReasonInvalid},
		{"zero width in partner", edit(`Example Bank`, "Example\u200bBank"), ParseOptions{}, ReasonInvalid},
		{"empty purpose", edit(`"purpose":"account opening"`, `"purpose":""`), ParseOptions{}, ReasonInvalid},
		{"long purpose", edit(`account opening`, strings.Repeat("x", 513)), ParseOptions{}, ReasonTooLarge},
		{"junk recipient", edit(testRecipient, "age1junk"), ParseOptions{}, ReasonInvalid},
		{"duplicate recipient", edit(`"`+testRecipient+`"`, `"`+testRecipient+`","`+testRecipient+`"`), ParseOptions{}, ReasonInvalid},
		{"no recipients", edit(`["`+testRecipient+`"]`, `[]`), ParseOptions{}, ReasonInvalid},
		{"key with comment", edit(keyLine(partner), keyLine(partner)+" bank"), ParseOptions{}, ReasonInvalid},
		{"validity too long", edit(`"expires_at":"2026-12-02T12:00:00Z"`, `"expires_at":"2027-02-02T12:00:00Z"`), ParseOptions{}, ReasonInvalid},
		{"expires before created", edit(`"expires_at":"2026-12-02T12:00:00Z"`, `"expires_at":"2026-12-01T11:00:00Z"`), ParseOptions{}, ReasonInvalid},
		{"unknown type", edit(`"personal_details"`, `"diploma"`), ParseOptions{}, ReasonScope},
		{"tampered", bytes.Replace(file, []byte("account opening"), []byte("account closing"), 1), ParseOptions{}, ReasonSignature},
		{"signed by a stranger, naming the partner", sealLine(t, line, testKey(3), RequestNamespace), ParseOptions{}, ReasonSignature},
		{"other namespace", sealLine(t, line, partner, FeedbackNamespace), ParseOptions{}, ReasonSignature},
		{"stranger's own request", sealLine(t, stranger, testKey(3), RequestNamespace), ParseOptions{Signer: pubOf(partner)}, ReasonSigner},
		{"expired", file, ParseOptions{Now: r.ExpiresAt}, ReasonExpired},
		// Order of the checks: the first failing one gives the reason.
		{"tampered and expired", bytes.Replace(file, []byte("account opening"), []byte("account closing"), 1), ParseOptions{Now: r.ExpiresAt}, ReasonSignature},
		{"not canonical and unsigned", sealLine(t, strings.Replace(line, `"partner":`, `"partner": `, 1), testKey(3), RequestNamespace), ParseOptions{}, ReasonNotCanonical},
		{"bad format before unknown key", edit(`"format":"paspor-request/1"`, `"format":"paspor-request/2","extra":1`), ParseOptions{}, ReasonMalformed},
		{"format before canonical", edit(`"format":"paspor-request/1"`, `"format": "x"`), ParseOptions{}, ReasonFormat},
		{"invalid before scope", edit(r.RequestID, "x"), ParseOptions{}, ReasonInvalid},
		{"stranger's own request, expired", sealLine(t, stranger, testKey(3), RequestNamespace), ParseOptions{Signer: pubOf(partner), Now: r.ExpiresAt}, ReasonSigner},
		{"not yet valid", file, ParseOptions{Now: r.CreatedAt.Add(-MaxClockSkew - time.Second)}, ReasonNotYetValid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.opts.Now.IsZero() {
				c.opts.Now = testNow
			}
			got, err := Parse(bytes.NewReader(c.file), c.opts)
			if got != nil {
				t.Fatal("a rejected request was returned")
			}
			wantReason(t, err, c.reason)
			if strings.Contains(err.Error(), "Evil") || strings.ContainsAny(err.Error(), "\x1b\u202e") {
				t.Fatalf("the error echoes input: %q", err)
			}
		})
	}
}

func TestParseRequestEdges(t *testing.T) {
	r, file := signedTestRequest(t)
	// One second before expiry is valid; the skew edge is valid.
	for _, now := range []time.Time{r.ExpiresAt.Add(-time.Second), r.CreatedAt.Add(-MaxClockSkew)} {
		if _, err := Parse(bytes.NewReader(file), ParseOptions{Now: now}); err != nil {
			t.Fatalf("at %s: %v", now, err)
		}
	}
	if _, err := Parse(bytes.NewReader(file), ParseOptions{Now: r.ExpiresAt.Add(time.Hour), AllowExpired: true}); err != nil {
		t.Fatalf("AllowExpired: %v", err)
	}
	// The longest validity is accepted.
	long, err := New(NewOptions{Partner: "P", Purpose: "p", Recipients: []string{testRecipient},
		SigningKey: pubOf(testKey(1)), Scope: testScope(), Now: testNow, Validity: MaxValidity})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(NewOptions{Partner: "P", Purpose: "p", Recipients: []string{testRecipient},
		SigningKey: pubOf(testKey(1)), Scope: testScope(), Now: testNow, Validity: MaxValidity + time.Second}); err == nil {
		t.Fatal("validity over MaxValidity accepted")
	}
	f, err := Sign(long, testKey(1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(bytes.NewReader(f), ParseOptions{Now: testNow}); err != nil {
		t.Fatal(err)
	}
}

// TestRequestSSHKeygen checks the stock-tool layout both ways with the real ssh-keygen: it
// verifies paspor's signature over the first line, refuses a tampered line, and paspor
// accepts a request whose signature ssh-keygen -Y sign made.
func TestRequestSSHKeygen(t *testing.T) {
	sshKeygen := testenv.RequireProgram(t, "ssh-keygen", "apt-get install openssh-client")
	_, file := signedTestRequest(t)
	dir := t.TempDir()
	i := bytes.IndexByte(file, '\n')
	body, sig := file[:i+1], file[i+1:]
	allowed := filepath.Join(dir, "allowed_signers")
	writeFile(t, allowed, "partner@example "+keyLine(testKey(1))+"\n")
	writeFile(t, filepath.Join(dir, "req.sig"), string(sig))
	verify := func(msg []byte) error {
		cmd := exec.Command(sshKeygen, "-Y", "verify", "-f", allowed, "-I", "partner@example",
			"-n", RequestNamespace, "-s", filepath.Join(dir, "req.sig"))
		cmd.Stdin = bytes.NewReader(msg)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Logf("ssh-keygen: %s", out)
		}
		return err
	}
	if err := verify(body); err != nil {
		t.Fatalf("ssh-keygen -Y verify refused a paspor request: %v", err)
	}
	if err := verify(bytes.Replace(body, []byte("account opening"), []byte("account closing"), 1)); err == nil {
		t.Fatal("ssh-keygen -Y verify accepted a tampered request")
	}

	// ssh-keygen signs, paspor verifies.
	keyPath := filepath.Join(dir, "id_ed25519")
	if out, err := exec.Command(sshKeygen, "-q", "-t", "ed25519", "-N", "", "-f", keyPath).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v: %s", err, out)
	}
	pubLine, err := os.ReadFile(keyPath + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	fields := strings.Fields(string(pubLine))
	r := newTestRequest(t)
	r.SigningKey = fields[0] + " " + fields[1]
	line, err := encodeCanonical(r)
	if err != nil {
		t.Fatal(err)
	}
	msgPath := filepath.Join(dir, "line")
	writeFile(t, msgPath, string(line)+"\n")
	if out, err := exec.Command(sshKeygen, "-Y", "sign", "-f", keyPath, "-n", RequestNamespace, msgPath).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -Y sign: %v: %s", err, out)
	}
	sshSig, err := os.ReadFile(msgPath + ".sig")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse(bytes.NewReader(append(append(line, '\n'), sshSig...)), ParseOptions{Now: testNow})
	if err != nil {
		t.Fatalf("a request signed by ssh-keygen: %v", err)
	}
	if got.SigningKey != r.SigningKey {
		t.Fatal("signing key changed")
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
