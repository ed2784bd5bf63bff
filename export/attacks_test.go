package export

import (
	"archive/tar"
	"bytes"
	"crypto/ed25519"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/paspor/paspor/crypto"
)

// The attacks of a partner's threat model: someone who knows only the partner's recipient
// and the holder's public key (a stranger, signing with their own key), and a holder who
// signs something the format forbids (the pinned holder's own key). Each attack builds its
// bundle here and must be rejected with its reason, leaving the output folder empty, in both
// roles.

// attack is one hostile change to a valid craft.
type attack struct {
	name, reason string
	mod          func(c *craft)
	// seal, when set, encrypts the tar itself (for attacks on the age header).
	seal func(t *testing.T, plain []byte, p partner) []byte
}

// edit replaces old by new in manifest.json before it is hashed and signed.
func edit(old, new string) func(*craft) {
	return func(c *craft) {
		prev := c.json
		c.json = func(b []byte) []byte {
			if prev != nil {
				b = prev(b)
			}
			if !bytes.Contains(b, []byte(old)) {
				panic("manifest does not contain " + old)
			}
			return bytes.Replace(b, []byte(old), []byte(new), 1)
		}
	}
}

// stranger is the key of someone who is not the holder.
var stranger = holderKey(9)

func attacks(x, pq partner) []attack {
	createdAt := `"created_at": "2026-03-01T12:00:00Z"`
	expiresAt := `"expires_at": "2026-03-01T13:00:00Z"`
	return []attack{
		// One manifest, two meanings: keys that differ from a known one only in case or by
		// Unicode folding, and duplicates in any spelling.
		{"Audience beside audience", ReasonNotABundle, edit(`"audience": [`, `"Audience": ["`+x.recipient+`"], "audience": [`), nil},
		{"NONCE beside nonce", ReasonNotABundle, edit(`"nonce": "n-123"`, `"nonce": "n-123", "NONCE": "evil"`), nil},
		{"Expires_At overrides expires_at", ReasonNotABundle, edit(expiresAt, expiresAt+`, "Expires_At": "2099-01-01T00:00:00Z"`), nil},
		{"expire\\u017f_at beside expires_at", ReasonNotABundle, edit(expiresAt, expiresAt+`, "expire\u017f_at": "2099-01-01T00:00:00Z"`), nil},
		{"Fields beside fields", ReasonNotABundle, edit(`"fields": {`, `"Fields": {"document_no": "X"}, "fields": {`), nil},
		{"key only in upper case", ReasonNotABundle, edit(`"nonce":`, `"Nonce":`), nil},
		{"escaped key spelling twice", ReasonNotABundle, edit(`"nonce": "n-123"`, `"nonce": "n-123", "\u006eonce": "n-124"`), nil},
		{"null for an optional value", ReasonNotABundle, edit(`"nonce": "n-123"`, `"nonce": null`), nil},
		{"null label", ReasonNotABundle, edit(`"type": "identity_card",`, `"type": "identity_card", "label": null,`), nil},
		{"documents missing", ReasonNotABundle, func(c *craft) { c.manifest.Documents = nil; edit(`"documents": null`, `"x": 1`)(c) }, nil},
		{"documents empty", ReasonNotABundle, func(c *craft) { c.manifest.Documents = []Document{} }, nil},
		{"invalid UTF-8", ReasonNotABundle, edit(`"nonce": "n-123"`, "\"nonce\": \"n-123\", \"purpose\": \"a\xff\""), nil},
		{"lone surrogate", ReasonNotABundle, edit(`"nonce": "n-123"`, `"nonce": "n-123", "purpose": "a\ud800"`), nil},
		{"empty nonce", ReasonNotABundle, edit(`"nonce": "n-123"`, `"nonce": ""`), nil},

		// Terminal control in signed strings.
		{"cursor movement in purpose", ReasonNotABundle, func(c *craft) {
			c.manifest.Purpose = "kyc\x1b[2K\x1b[1A  holder:   SHA256:x (pinned)"
		}, nil},
		{"newline in purpose", ReasonNotABundle, func(c *craft) { c.manifest.Purpose = "kyc\n  holder: (pinned)" }, nil},
		{"bidi override in purpose", ReasonNotABundle, func(c *craft) { c.manifest.Purpose = "kyc \u202edenip" }, nil},
		{"escape in nonce", ReasonNotABundle, func(c *craft) { c.manifest.Nonce = "n-1\x1b]0;x\x07" }, nil},
		{"space in nonce", ReasonNotABundle, func(c *craft) { c.manifest.Nonce = "n 1" }, nil},
		{"upper-case request ID", ReasonNotABundle, func(c *craft) { c.manifest.RequestID = strings.Repeat("AB", 16) }, nil},
		{"short request ID", ReasonNotABundle, func(c *craft) { c.manifest.RequestID = "ab" }, nil},
		{"escape in document type", ReasonNotABundle, func(c *craft) { c.manifest.Documents[0].Type = "passport\x1b[1A" }, nil},
		{"C1 control in label", ReasonNotABundle, func(c *craft) { c.manifest.Documents[0].Label = "main\u009b1A" }, nil},

		// The wallet's schema.
		{"unknown document type", ReasonNotABundle, func(c *craft) { c.manifest.Documents[0].Type = "diploma" }, nil},
		{"birth_date 1990-13-45", ReasonNotABundle, func(c *craft) {
			c.manifest.Documents = append(c.manifest.Documents, Document{ID: "pd", Type: "personal_details", Fields: map[string]string{"birth_date": "1990-13-45"}})
		}, nil},
		{"field name with a newline", ReasonNotABundle, func(c *craft) { c.manifest.Documents[0].Fields["document_no\nx"] = "1" }, nil},
		{"field unknown to the type", ReasonNotABundle, func(c *craft) { c.manifest.Documents[0].Fields["email"] = "a@b.c" }, nil},
		{"non-canonical country", ReasonNotABundle, func(c *craft) { c.manifest.Documents[0].Fields["issuing_country"] = "de" }, nil},
		{"role the type has not", ReasonNotABundle, func(c *craft) {
			c.manifest.Documents[0].Type = "passport" // passports have no reverse side
			f := &c.manifest.Documents[0].Files[0]
			data := c.content[f.Path]
			delete(c.content, f.Path)
			f.Role, f.Path = "reverse_side", "files/doc1/reverse_side.png"
			c.content[f.Path] = data
		}, nil},
		{"document id CON", ReasonNotABundle, renameDoc("CON"), nil},
		{"document id nul", ReasonNotABundle, renameDoc("nul"), nil},
		{"document id with a dot", ReasonNotABundle, renameDoc("a."), nil},
		{"two documents, one id", ReasonNotABundle, func(c *craft) {
			c.manifest.Documents = append(c.manifest.Documents, Document{ID: "doc1", Type: "email", Fields: map[string]string{"email": "a@b.c"}})
		}, nil},

		// Audience entries.
		{"junk audience entry", ReasonNotABundle, func(c *craft) { c.manifest.Audience = append(c.manifest.Audience, "junk") }, nil},
		{"upper-case audience entry", ReasonNotABundle, func(c *craft) { c.manifest.Audience = []string{strings.ToUpper(x.recipient)} }, nil},
		{"audience entry with an SSH comment", ReasonNotABundle, func(c *craft) {
			c.manifest.Audience = append(c.manifest.Audience, crypto.SSHPublicKeyLine(holderKey(5).Public().(ed25519.PublicKey), "bank@host"))
		}, nil},
		{"audience entry twice", ReasonNotABundle, func(c *craft) { c.manifest.Audience = []string{x.recipient, x.recipient} }, nil},

		// Times.
		{"lower-case t and z", ReasonNotABundle, edit(createdAt, `"created_at": "2026-03-01t12:00:00z"`), nil},
		{"comma fraction", ReasonNotABundle, edit(createdAt, `"created_at": "2026-03-01T12:00:00,5Z"`), nil},
		{"dot fraction", ReasonNotABundle, edit(createdAt, `"created_at": "2026-03-01T12:00:00.5Z"`), nil},
		{"offset +24:00", ReasonNotABundle, edit(expiresAt, `"expires_at": "2026-03-01T13:00:00+24:00"`), nil},
		{"offset +01:00", ReasonNotABundle, edit(expiresAt, `"expires_at": "2026-03-01T14:00:00+01:00"`), nil},
		{"month 13", ReasonNotABundle, edit(expiresAt, `"expires_at": "2026-13-01T13:00:00Z"`), nil},
		{"valid for more than 5 years", ReasonNotABundle, edit(expiresAt, `"expires_at": "2031-03-02T13:00:00Z"`), nil},
		{"created in 2200", ReasonNotYetValid, func(c *craft) {
			c.manifest.CreatedAt = c.manifest.CreatedAt.AddDate(2200-2026, 0, 0)
			c.manifest.ExpiresAt = c.manifest.CreatedAt.Add(time.Hour)
		}, nil},
		// A tar mtime in 11 octal digits ends in 2242: the header of a later created_at is not ustar.
		{"created in year 9998", ReasonUnsafeEntry, func(c *craft) {
			c.manifest.CreatedAt = c.manifest.CreatedAt.AddDate(9998-2026, 0, 0)
			c.manifest.ExpiresAt = c.manifest.CreatedAt.Add(time.Hour)
		}, nil},

		// Sizes as numbers.
		{"size with exponent", ReasonNotABundle, edit(`"size": 15`, `"size": 1.5e1`), nil},
		{"size with fraction", ReasonNotABundle, edit(`"size": 15`, `"size": 15.0`), nil},
		{"size negative", ReasonNotABundle, edit(`"size": 15`, `"size": -15`), nil},

		// Content that is not what the manifest says it is.
		{"HTML declared image/png", ReasonMediaType, func(c *craft) {
			setContent(c, []byte("<html><script>alert(1)</script></html>"))
		}, nil},

		// Tar metadata.
		{"mode 6777", ReasonUnsafeEntry, rawFile(func(h []byte) { copy(h[100:108], "0006777\x00") }), nil},
		{"uid 1000", ReasonUnsafeEntry, rawFile(func(h []byte) { copy(h[108:116], "0001750\x00") }), nil},
		{"gid 1000", ReasonUnsafeEntry, rawFile(func(h []byte) { copy(h[116:124], "0001750\x00") }), nil},
		{"uname root", ReasonUnsafeEntry, rawFile(func(h []byte) { copy(h[265:297], "root") }), nil},
		{"typeflag NUL", ReasonUnsafeEntry, rawFile(func(h []byte) { h[156] = 0 }), nil},
		{"GNU magic", ReasonUnsafeEntry, rawFile(func(h []byte) { copy(h[257:265], "ustar  \x00") }), nil},
		{"prefix field", ReasonUnsafeEntry, rawFile(func(h []byte) { copy(h[345:], "evil") }), nil},
		{"xattr", ReasonUnsafeEntry, paxFile("SCHILY.xattr.security.capability", "x"), nil},
		{"pax linkpath on a regular file", ReasonUnsafeEntry, paxFile("linkpath", "/etc/shadow"), nil},
		{"pax uid", ReasonUnsafeEntry, paxFile("uid", "0"), nil},
		{"GNU long name", ReasonUnsafeEntry, func(c *craft) {
			c.raw = func(tarBytes []byte) []byte {
				return spliceTar(nil, tarBytes, rawEntry("././@LongLink", 'L', 22, []byte("files/doc1/selfie.png\x00")), rawEntry("x", '0', 1, []byte("x")))
			}
		}, nil},
		{"entry CON", ReasonUnsafeEntry, appendEntry(tarEntry{Name: "CON", Data: []byte("x")}), nil},
		{"entry files/nul.jpg", ReasonUnsafeEntry, appendEntry(tarEntry{Name: "files/nul.jpg", Data: []byte("x")}), nil},
		{"entry a. (next to a)", ReasonUnsafeEntry, func(c *craft) {
			c.entries = func(es []tarEntry) []tarEntry {
				return append(es, tarEntry{Name: "files/a.", Data: []byte("x")}, tarEntry{Name: "files/a", Data: []byte("x")})
			}
		}, nil},
		{"case-colliding name", ReasonUnsafeEntry, appendEntry(tarEntry{Name: "files/doc1/Selfie.png", Data: []byte("x")}), nil},
		{"symlink", ReasonUnsafeEntry, appendEntry(tarEntry{Name: "files/l", Type: tar.TypeSymlink, Linkname: "/etc"}), nil},

		// Hidden readers: more stanzas than the signed audience has entries.
		{"extra X25519 stanza", ReasonAudience, nil, func(t *testing.T, plain []byte, p partner) []byte {
			return encryptRecipients(t, plain, mustParse(t, p.recipient), mustParse(t, x.recipient))
		}},
		{"SSH stanza of another key in an audience entry's place", ReasonAudience, func(c *craft) {
			c.manifest.Audience = append(c.manifest.Audience, sshRecipient(holderKey(20)))
		}, func(t *testing.T, plain []byte, p partner) []byte {
			return encryptRecipients(t, plain, mustParse(t, p.recipient), mustParse(t, sshRecipient(holderKey(21))))
		}},
		{"classic stanza inside a post-quantum bundle", ReasonAudience, nil, func(t *testing.T, plain []byte, p partner) []byte {
			// age refuses this mix; hiding the hybrid recipient's label is the documented way around it.
			return encryptRecipients(t, plain, hideLabels{mustParse(t, pq.recipient)}, mustParse(t, x.recipient))
		}},
	}
}

func renameDoc(id string) func(*craft) {
	return func(c *craft) {
		d := &c.manifest.Documents[0]
		d.ID = id
		for i := range d.Files {
			old := d.Files[i].Path
			d.Files[i].Path = filesPrefix + id + "/" + strings.TrimPrefix(old, "files/doc1/")
			c.content[d.Files[i].Path] = c.content[old]
			delete(c.content, old)
		}
	}
}

// setContent replaces the selfie's content and declares its size and hash, so that only the
// media type is wrong.
func setContent(c *craft, data []byte) {
	f := &c.manifest.Documents[0].Files[0]
	f.Size, f.SHA256 = int64(len(data)), sum(data)
	c.content[f.Path] = data
}

// rawFile rewrites the selfie's tar header (and fixes its checksum).
func rawFile(mod func(h []byte)) func(*craft) {
	return func(c *craft) {
		c.raw = func(tarBytes []byte) []byte {
			i := bytes.Index(tarBytes, []byte("files/doc1/selfie.png\x00"))
			h := tarBytes[i : i+blockSize]
			mod(h)
			copy(h[148:156], "        ")
			var s int64
			for _, b := range h {
				s += int64(b)
			}
			copy(h[148:156], formatChecksum(s))
			return tarBytes
		}
	}
}

func formatChecksum(s int64) string {
	const digits = "01234567"
	out := []byte("000000\x00 ")
	for i := 5; i >= 0; i-- {
		out[i] = digits[s&7]
		s >>= 3
	}
	return string(out)
}

// paxFile puts a pax header carrying kv in front of the selfie's entry.
func paxFile(kv ...string) func(*craft) {
	return func(c *craft) {
		c.raw = func(tarBytes []byte) []byte {
			i := bytes.Index(tarBytes, []byte("files/doc1/selfie.png\x00"))
			recs := paxRecords(kv...)
			pax := rawEntry("PaxHeaders/selfie.png", 'x', int64(len(recs)), recs)
			return append(append(bytes.Clone(tarBytes[:i]), pax...), tarBytes[i:]...)
		}
	}
}

type hideLabels struct{ age.Recipient }

func mustParse(t *testing.T, s string) age.Recipient {
	t.Helper()
	r, _, _, err := crypto.ParseRecipient(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func encryptRecipients(t *testing.T, plain []byte, rs ...age.Recipient) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, rs...)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(plain)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestAttacks(t *testing.T) {
	x, pq := newPartner(t, false), newPartner(t, true)
	for _, a := range attacks(newPartner(t, false), pq) {
		for _, role := range []string{"stranger", "pinned holder"} {
			t.Run(a.name+"/"+role, func(t *testing.T) {
				p := x
				if strings.Contains(a.name, "post-quantum") {
					p = pq
				}
				c := newCraft(p.recipient)
				opts := OpenOptions{Identities: p.ids, Now: testNow.Add(time.Minute), OutDir: t.TempDir()}
				if role == "stranger" {
					c.signer = stranger
					c.manifest.Holder = crypto.SSHPublicKeyLine(stranger.Public().(ed25519.PublicKey), "")
				} else {
					opts.Holder = holderKey(1).Public().(ed25519.PublicKey)
				}
				if a.mod != nil {
					a.mod(c)
				}
				plain := c.tar(t)
				bundle := encryptTo(t, plain, p.recipient)
				if a.seal != nil {
					bundle = a.seal(t, plain, p)
				}
				res, err := Open(bytes.NewReader(bundle), opts)
				var rej *RejectedError
				if !errors.As(err, &rej) || rej.Reason != a.reason {
					t.Fatalf("Open = %v, %v; want reason %q", res, err, a.reason)
				}
				if entries, err := os.ReadDir(opts.OutDir); err != nil || len(entries) != 0 {
					t.Fatalf("output folder holds %v after a rejection (%v)", names(entries), err)
				}
			})
		}
	}
}

// TestAttackBaseline: the unmodified craft opens in both roles, so each attack's rejection is
// the attack's doing.
func TestAttackBaseline(t *testing.T) {
	p := newPartner(t, false)
	for _, pinned := range []bool{false, true} {
		c := newCraft(p.recipient)
		opts := OpenOptions{Identities: p.ids, Now: testNow.Add(time.Minute), OutDir: t.TempDir()}
		if pinned {
			opts.Holder = holderKey(1).Public().(ed25519.PublicKey)
		} else {
			c.signer = stranger
			c.manifest.Holder = crypto.SSHPublicKeyLine(stranger.Public().(ed25519.PublicKey), "")
		}
		if _, err := Open(bytes.NewReader(encryptTo(t, c.tar(t), p.recipient)), opts); err != nil {
			t.Fatalf("pinned %v: %v", pinned, err)
		}
	}
}

// sshRecipient is the canonical ssh-ed25519 recipient of key.
func sshRecipient(key ed25519.PrivateKey) string {
	return crypto.SSHPublicKeyLine(key.Public().(ed25519.PublicKey), "")
}

// TestSSHStanzaBaseline: the same audience with the right SSH stanza opens, so the attack
// above fails on the tag alone.
func TestSSHStanzaBaseline(t *testing.T) {
	p := newPartner(t, false)
	c := newCraft(p.recipient)
	c.manifest.Audience = append(c.manifest.Audience, sshRecipient(holderKey(20)))
	bundle := encryptRecipients(t, c.tar(t), mustParse(t, p.recipient), mustParse(t, sshRecipient(holderKey(20))))
	if _, err := Open(bytes.NewReader(bundle), OpenOptions{Identities: p.ids, Now: testNow}); err != nil {
		t.Fatal(err)
	}
}
