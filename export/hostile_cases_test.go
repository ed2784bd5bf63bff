package export

import (
	"archive/tar"
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paspor/paspor/crypto"
)

// hostileEnv is what the hostile bundles are made against: the partner opening them, another
// partner, the clock, and an absolute path outside the output folder that a bundle tries to write.
type hostileEnv struct {
	p, other partner
	now      time.Time
	target   string
}

// hostile is one hostile bundle and the reason Open must give for it. Every bundle is opened
// with the holder pinned and nonce "n-123", as a careful partner (and the CLI test) does.
type hostile struct {
	name, reason string
	bundle       func(t *testing.T, e *hostileEnv) []byte
	// caps, when set, are MaxFileSize and MaxTotalSize: tiny, so that a bomb needs kilobytes,
	// not gigabytes. The CLI cannot set its caps, so these bundles run against the library only.
	caps *[2]int64
}

const (
	smallFileCap  = 16 << 10
	smallTotalCap = 64 << 10
)

var (
	smallCaps = &[2]int64{smallFileCap, smallTotalCap}
	// totalCapOnly lets a single file through the per-file cap, so only the total cap can stop it.
	totalCapOnly = &[2]int64{1 << 30, smallTotalCap}
)

// craft is newCraft for the partner.
func (e *hostileEnv) craft(mod func(*craft)) *craft {
	c := newCraft(e.p.recipient)
	if mod != nil {
		mod(c)
	}
	return c
}

// sealed encrypts a craft changed by mod for the partner.
func sealed(mod func(*craft)) func(*testing.T, *hostileEnv) []byte {
	return func(t *testing.T, e *hostileEnv) []byte { return encryptTo(t, e.craft(mod).tar(t), e.p.recipient) }
}

// spliced encrypts a valid craft with raw blocks inserted before the tar's end.
func spliced(blocks func(e *hostileEnv) [][]byte) func(*testing.T, *hostileEnv) []byte {
	return func(t *testing.T, e *hostileEnv) []byte {
		return encryptTo(t, spliceTar(t, e.craft(nil).tar(t), blocks(e)...), e.p.recipient)
	}
}

// plus appends one entry made by archive/tar to a valid craft.
func plus(te tarEntry) func(*testing.T, *hostileEnv) []byte {
	return sealed(appendEntry(te))
}

// rawBytes is a bundle file that is not built from a craft at all.
func rawBytes(b func(t *testing.T, e *hostileEnv) []byte) func(*testing.T, *hostileEnv) []byte {
	return b
}

// jsonEdit rewrites manifest.json's bytes before signing: a holder's own malformed manifest.
func jsonEdit(old, new string) func(*testing.T, *hostileEnv) []byte {
	return sealed(func(c *craft) {
		c.json = func(b []byte) []byte {
			if !bytes.Contains(b, []byte(old)) {
				panic("manifest does not contain " + old)
			}
			return bytes.Replace(b, []byte(old), []byte(new), 1)
		}
	})
}

type obj = map[string]any

// jsonMap edits the manifest as generic JSON before signing, to give fields the wrong type.
func jsonMap(mod func(m obj)) func(*testing.T, *hostileEnv) []byte {
	return sealed(func(c *craft) {
		c.json = func(b []byte) []byte {
			var m obj
			if err := json.Unmarshal(b, &m); err != nil {
				panic(err)
			}
			mod(m)
			out, err := json.Marshal(m)
			if err != nil {
				panic(err)
			}
			return out
		}
	})
}

func doc0(m obj) obj  { return m["documents"].([]any)[0].(obj) }
func file0(m obj) obj { return doc0(m)["files"].([]any)[0].(obj) }

func blocks(b ...[]byte) func(*hostileEnv) [][]byte { return func(*hostileEnv) [][]byte { return b } }

func hostileBundles() []hostile {
	sel := "files/doc1/selfie.png"
	return []hostile{
		// Names that try to leave the output folder.
		{"path ../x", ReasonUnsafeEntry, plus(tarEntry{Name: "../x", Data: []byte("x")}), nil},
		{"path ../../x", ReasonUnsafeEntry, plus(tarEntry{Name: "../../x", Data: []byte("x")}), nil},
		{"path files/../../x", ReasonUnsafeEntry, plus(tarEntry{Name: "files/../../x", Data: []byte("x")}), nil},
		{"path ./files/x", ReasonUnsafeEntry, plus(tarEntry{Name: "./files/x", Data: []byte("x")}), nil},
		{"absolute path", ReasonUnsafeEntry, spliced(func(e *hostileEnv) [][]byte {
			return [][]byte{rawEntry(e.target, '0', 1, []byte("x"))}
		}), nil},
		{"backslash path", ReasonUnsafeEntry, plus(tarEntry{Name: `files\..\..\x`, Data: []byte("x")}), nil},
		{"drive letter path", ReasonUnsafeEntry, plus(tarEntry{Name: "C:/x", Data: []byte("x")}), nil},
		{"empty name", ReasonUnsafeEntry, spliced(blocks(rawEntry("", '0', 1, []byte("x")))), nil},
		{"name over 255 bytes", ReasonUnsafeEntry, plus(tarEntry{Name: "files/" + strings.Repeat("a/", 130) + "x", Data: []byte("x")}), nil},
		{"non-ASCII name", ReasonUnsafeEntry, plus(tarEntry{Name: "files/doc1/sélfie.png", Data: []byte("x")}), nil},
		{"pax path ../x", ReasonUnsafeEntry, spliced(blocks(paxEntry("files/doc1/ok.png", []byte("x"), "path", "../x"))), nil},
		{"pax path files/../../x", ReasonUnsafeEntry, spliced(blocks(paxEntry("files/doc1/ok.png", []byte("x"), "path", "files/../../x"))), nil},
		{"pax path with NUL", ReasonUnsafeEntry, spliced(blocks(paxEntry("files/doc1/ok.png", []byte("x"), "path", "files/a\x00/../../x"))), nil},
		{"ustar name with NUL", ReasonUnsafeEntry, spliced(blocks(rawEntry("files/doc1/x\x00/../../../x", '0', 1, []byte("x")))), nil},
		{"GNU long name ../x", ReasonUnsafeEntry, spliced(blocks(
			rawEntry("././@LongLink", 'L', 5, []byte("../x\x00")), rawEntry("files/doc1/ok.png", '0', 1, []byte("x")))), nil},
		{"pax global header", ReasonUnsafeEntry, spliced(blocks(rawEntry("pax_global_header", 'g', int64(len(paxRecords("path", "../x"))), paxRecords("path", "../x")))), nil},

		// Entries that are not plain files.
		{"symlink out", ReasonUnsafeEntry, plus(tarEntry{Name: "files/link", Type: tar.TypeSymlink, Linkname: "../../x"}), nil},
		{"symlink then file through it", ReasonUnsafeEntry, sealed(func(c *craft) {
			c.entries = func(es []tarEntry) []tarEntry {
				return append([]tarEntry{{Name: "files/up", Type: tar.TypeSymlink, Linkname: ".."}, {Name: "files/up/x", Data: []byte("x")}}, es...)
			}
		}), nil},
		{"hard link", ReasonUnsafeEntry, plus(tarEntry{Name: "files/hard", Type: tar.TypeLink, Linkname: "/etc/passwd"}), nil},
		{"char device", ReasonUnsafeEntry, plus(tarEntry{Name: "files/tty", Type: tar.TypeChar}), nil},
		{"block device", ReasonUnsafeEntry, plus(tarEntry{Name: "files/sda", Type: tar.TypeBlock}), nil},
		{"fifo", ReasonUnsafeEntry, plus(tarEntry{Name: "files/fifo", Type: tar.TypeFifo}), nil},
		{"directory", ReasonUnsafeEntry, plus(tarEntry{Name: "files/dir/", Type: tar.TypeDir}), nil},
		{"contiguous file type", ReasonUnsafeEntry, spliced(blocks(rawEntry("files/doc1/c.png", '7', 1, []byte("x")))), nil},
		{"GNU sparse type", ReasonUnsafeEntry, spliced(blocks(rawEntry("files/doc1/s.png", 'S', 1, []byte("x")))), nil},
		{"pax sparse 1.0 file", ReasonUnsafeEntry, spliced(blocks(paxSparse("files/doc1/sparse.png", 100))), nil},

		// Two entries for one place.
		{"duplicate name", ReasonUnsafeEntry, plus(tarEntry{Name: sel, Data: []byte("PNGDATA")}), nil},
		{"case-insensitive duplicate", ReasonUnsafeEntry, plus(tarEntry{Name: "FILES/doc1/selfie.png", Data: []byte("PNGDATA")}), nil},
		{"second manifest", ReasonUnsafeEntry, plus(tarEntry{Name: "Manifest.JSON", Data: []byte("{}")}), nil},

		// Sizes and bombs.
		{"huge declared size", ReasonUnsafeEntry, spliced(blocks(rawHeader("files/doc1/big.png", '0', 1<<40))), nil},
		{"huge declared size, base-256", ReasonUnsafeEntry, rawBytes(func(t *testing.T, e *hostileEnv) []byte {
			return encryptTo(t, append(rawHeader(manifestName, '0', 8<<30), make([]byte, 1024)...), e.p.recipient)
		}), nil},
		{"huge declared manifest", ReasonTooLarge, rawBytes(func(t *testing.T, e *hostileEnv) []byte {
			return encryptTo(t, append(rawHeader(manifestName, '0', maxManifestSize+1), make([]byte, 1024)...), e.p.recipient)
		}), nil},
		{"tar ends inside a file", ReasonNotABundle, rawBytes(func(t *testing.T, e *hostileEnv) []byte {
			b := e.craft(nil).tar(t)
			return encryptTo(t, b[:len(b)-1024-512], e.p.recipient)
		}), nil},
		{"no end-of-archive blocks", ReasonNotABundle, rawBytes(func(t *testing.T, e *hostileEnv) []byte {
			b := e.craft(nil).tar(t)
			return encryptTo(t, b[:len(b)-1024], e.p.recipient)
		}), nil},
		{"one end-of-archive block", ReasonNotABundle, rawBytes(func(t *testing.T, e *hostileEnv) []byte {
			b := e.craft(nil).tar(t)
			return encryptTo(t, b[:len(b)-512], e.p.recipient)
		}), nil},
		{"trailing garbage", ReasonNotABundle, rawBytes(func(t *testing.T, e *hostileEnv) []byte {
			return encryptTo(t, append(e.craft(nil).tar(t), "junk"...), e.p.recipient)
		}), nil},
		{"trailing zero block", ReasonNotABundle, rawBytes(func(t *testing.T, e *hostileEnv) []byte {
			return encryptTo(t, append(e.craft(nil).tar(t), make([]byte, 512)...), e.p.recipient)
		}), nil},
		{"file size differs from the manifest", ReasonHash, sealed(func(c *craft) { c.content[sel] = []byte("PNGDATA+more") }), nil},
		{"5000 empty entries", ReasonNotABundle, rawBytes(func(t *testing.T, e *hostileEnv) []byte {
			es := make([]tarEntry, 5000)
			for i := range es {
				es[i] = tarEntry{Name: fmt.Sprintf("files/f%d", i)}
			}
			return encryptTo(t, buildTar(t, es), e.p.recipient)
		}), nil},
		{"manifest lists too many files", ReasonTooLarge, sealed(func(c *craft) { addTranslations(c, maxEntries-3, 1) }), nil},
		{"one file past the total cap", ReasonTooLarge, sealed(func(c *craft) { addTranslations(c, 1, smallTotalCap) }), totalCapOnly},
		{"files past the total cap", ReasonTooLarge, sealed(func(c *craft) { addTranslations(c, 8, smallFileCap-1024) }), smallCaps},
		{"file over the file cap", ReasonTooLarge, sealed(func(c *craft) { addTranslations(c, 1, smallFileCap+1) }), smallCaps},
		{"pax sparse bomb", ReasonUnsafeEntry, spliced(blocks(paxSparse("files/doc1/bomb.png", smallFileCap))), smallCaps},

		// The age layer.
		{"wrong recipient", ReasonDecrypt, rawBytes(func(t *testing.T, e *hostileEnv) []byte {
			return encryptTo(t, e.craft(nil).tar(t), e.other.recipient)
		}), nil},
		{"truncated age file", ReasonDecrypt, rawBytes(func(t *testing.T, e *hostileEnv) []byte {
			b := sealed(nil)(t, e)
			return b[:len(b)/2]
		}), nil},
		{"age header only", ReasonDecrypt, rawBytes(func(t *testing.T, e *hostileEnv) []byte {
			b := sealed(nil)(t, e)
			return b[:bytes.Index(b, []byte("\n---"))+48]
		}), nil},
		{"not age", ReasonDecrypt, rawBytes(func(*testing.T, *hostileEnv) []byte { return []byte("%PDF-1.4 hello") }), nil},
		{"plain tar, not encrypted", ReasonDecrypt, rawBytes(func(t *testing.T, e *hostileEnv) []byte { return e.craft(nil).tar(t) }), nil},
		{"empty file", ReasonDecrypt, rawBytes(func(*testing.T, *hostileEnv) []byte { return nil }), nil},
		{"armored garbage", ReasonDecrypt, rawBytes(func(*testing.T, *hostileEnv) []byte {
			return []byte("-----BEGIN AGE ENCRYPTED FILE-----\nbm90IGFnZSBhdCBhbGwsIGp1c3QgZ2FyYmFnZQ==\n-----END AGE ENCRYPTED FILE-----\n")
		}), nil},

		// The tar and the manifest.
		{"not a tar", ReasonNotABundle, rawBytes(func(t *testing.T, e *hostileEnv) []byte {
			return encryptTo(t, bytes.Repeat([]byte("not a tar "), 200), e.p.recipient)
		}), nil},
		{"empty tar", ReasonNotABundle, rawBytes(func(t *testing.T, e *hostileEnv) []byte {
			return encryptTo(t, make([]byte, 1024), e.p.recipient)
		}), nil},
		{"manifest unknown format", ReasonNotABundle, sealed(func(c *craft) { c.manifest.Format = "paspor-bundle/9" }), nil},
		{"manifest number for string", ReasonNotABundle, jsonMap(func(m obj) { m["bundle_id"] = 112233 }), nil},
		{"manifest string for number", ReasonNotABundle, jsonMap(func(m obj) { file0(m)["size"] = "7" }), nil},
		{"manifest array for object", ReasonNotABundle, jsonMap(func(m obj) { doc0(m)["fields"] = []any{"document_no", "1"} }), nil},
		{"manifest object for array", ReasonNotABundle, jsonMap(func(m obj) { m["audience"] = obj{"a": m["audience"]} }), nil},
		{"manifest null fields", ReasonNotABundle, jsonMap(func(m obj) { doc0(m)["fields"] = nil }), nil},
		{"manifest unknown field", ReasonNotABundle, jsonMap(func(m obj) { m["admin"] = true }), nil},
		{"manifest unknown file field", ReasonNotABundle, jsonMap(func(m obj) { file0(m)["mode"] = "0777" }), nil},
		{"manifest duplicate key", ReasonNotABundle, jsonEdit(`"format":`, `"format": "paspor-bundle/1", "format":`), nil},
		{"manifest duplicate nested key", ReasonNotABundle, jsonEdit(`"document_no": "1"`, `"document_no": "1", "document_no": "2"`), nil},
		{"manifest trailing data", ReasonNotABundle, sealed(func(c *craft) { c.json = func(b []byte) []byte { return append(b, "{}"...) } }), nil},
		{"manifest empty", ReasonNotABundle, sealed(func(c *craft) { c.json = func([]byte) []byte { return nil } }), nil},
		{"manifest path escapes", ReasonNotABundle, sealed(func(c *craft) {
			c.manifest.Documents[0].Files[0].Path = "files/../../x"
		}), nil},

		// Signature, holder and claims.
		{"unsigned", ReasonSignature, sealed(func(c *craft) { c.entries = func(es []tarEntry) []tarEntry { return slices.Delete(es, 2, 3) } }), nil},
		{"signature after the files", ReasonSignature, sealed(func(c *craft) {
			c.entries = func(es []tarEntry) []tarEntry { return append(slices.Delete(slices.Clone(es), 1, 3), es[1], es[2]) }
		}), nil},
		{"signature by another key", ReasonSignature, sealed(func(c *craft) { c.signer = holderKey(2) }), nil},
		{"signature in another namespace", ReasonSignature, rawBytes(func(t *testing.T, e *hostileEnv) []byte {
			c := e.craft(nil)
			c.entries = func(es []tarEntry) []tarEntry {
				sig, err := crypto.SignSSHSIG(holderKey(1), "file", bytes.NewReader(es[1].Data))
				if err != nil {
					t.Fatal(err)
				}
				es[2].Data = sig
				return es
			}
			return encryptTo(t, c.tar(t), e.p.recipient)
		}), nil},
		{"another holder, re-signed", ReasonHolder, sealed(func(c *craft) {
			c.signer = holderKey(2)
			c.manifest.Holder = crypto.SSHPublicKeyLine(holderKey(2).Public().(ed25519.PublicKey), "")
		}), nil},
		{"manifest edited after signing", ReasonHash, sealed(func(c *craft) {
			c.entries = func(es []tarEntry) []tarEntry {
				es[0].Data = bytes.Replace(es[0].Data, []byte(`"document_no": "1"`), []byte(`"document_no": "2"`), 1)
				return es
			}
		}), nil},
		{"file edited", ReasonHash, sealed(func(c *craft) { c.content[sel] = []byte("PNGDATB") }), nil},
		{"file missing", ReasonMissingFile, sealed(func(c *craft) { delete(c.content, sel) }), nil},
		{"extra file", ReasonExtraFile, plus(tarEntry{Name: "files/doc1/extra.png", Data: []byte("x")}), nil},
		{"forwarded to another partner", ReasonAudience, rawBytes(func(t *testing.T, e *hostileEnv) []byte {
			// The holder made it for other; other decrypted it and re-encrypted it to p.
			c := e.craft(func(c *craft) { c.manifest.Audience = []string{e.other.recipient} })
			return encryptTo(t, c.tar(t), e.p.recipient)
		}), nil},
		{"expired", ReasonExpired, rawBytes(func(t *testing.T, e *hostileEnv) []byte {
			c := e.craft(nil)
			c.manifest.CreatedAt, c.manifest.ExpiresAt = e.now.Add(-2*time.Hour), e.now.Add(-time.Minute)
			return encryptTo(t, c.tar(t), e.p.recipient)
		}), nil},
		{"wrong nonce", ReasonNonce, sealed(func(c *craft) { c.manifest.Nonce = "n-999" }), nil},
		{"no nonce", ReasonNonce, sealed(func(c *craft) { c.manifest.Nonce = "" }), nil},
	}
}

// paxSparse is a GNU sparse 1.0 file in pax form: a few bytes in the tar that archive/tar
// expands to realSize bytes, so the content written is far larger than the stream read.
func paxSparse(name string, realSize int64) []byte {
	sparseMap := []byte(fmt.Sprintf("1\n%d\n1\n", realSize-1))
	data := append(sparseMap, make([]byte, 512-len(sparseMap))...)
	data = append(data, 'x')
	recs := paxRecords("GNU.sparse.major", "1", "GNU.sparse.minor", "0", "GNU.sparse.name", name,
		"GNU.sparse.realsize", fmt.Sprint(realSize))
	out := rawEntry("PaxHeaders/sparse", 'x', int64(len(recs)), recs)
	return append(out, rawEntry("GNUSparseFile.0/x", '0', int64(len(data)), data)...)
}

// addTranslations adds n PDF translations of size bytes each to the craft's document, listed
// in the manifest and present in the tar.
func addTranslations(c *craft, n int, size int) {
	d := &c.manifest.Documents[0]
	data := append([]byte("%PDF-"), make([]byte, max(size-5, 0))...)[:size]
	for i := 1; i <= n; i++ {
		f := File{Role: fmt.Sprintf("translation/%d", i), MediaType: "application/pdf", Size: int64(size), SHA256: sum(data)}
		f.Path = filePath(d.ID, f.Role, f.MediaType)
		d.Files = append(d.Files, f)
		c.content[f.Path] = data
	}
}
