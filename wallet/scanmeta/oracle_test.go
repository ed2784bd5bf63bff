package scanmeta

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/paspor/paspor/internal/testscan"
)

// exifrVersion is the exifr release the oracle runs (npm package, no dependencies).
const exifrVersion = "7.1.3"

// needExifr returns a node_modules folder holding exifr, installing it (once, into the user
// cache folder) with npm. Without node or npm it skips with the install hint, or fails
// when CI=true.
func needExifr(t *testing.T) string {
	t.Helper()
	missing := func(what string) {
		msg := what + " not available: apt-get install nodejs npm (the oracle runs exifr " + exifrVersion + ")"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip("SKIP (oracle): " + msg)
	}
	if _, err := exec.LookPath("node"); err != nil {
		missing("node")
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = t.TempDir()
	}
	dir := filepath.Join(cache, "paspor-test", "exifr-"+exifrVersion)
	modules := filepath.Join(dir, "node_modules")
	if _, err := os.Stat(filepath.Join(modules, "exifr", "package.json")); err == nil {
		return modules
	}
	if _, err := exec.LookPath("npm"); err != nil {
		missing("npm")
	}
	cmd := exec.Command("npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", dir, "exifr@"+exifrVersion)
	if out, err := cmd.CombinedOutput(); err != nil {
		missing("npm install exifr (" + err.Error() + ": " + string(bytes.TrimSpace(out)) + ")")
	}
	return modules
}

// TestExifrOracle has exifr read the dirty test scans and their cleaned copies: it must find
// the GPS latitude, the phone serial and the orientation in the dirty JPEG, and in the
// cleaned JPEG and PNG the orientation (6) and nothing else.
func TestExifrOracle(t *testing.T) {
	modules := needExifr(t)
	dir := t.TempDir()
	files := map[string][]byte{"dirty.jpg": testscan.DirtyJPEG(), "dirty.png": testscan.DirtyPNG()}
	for name, mt := range map[string]string{"jpg": MediaJPEG, "png": MediaPNG} {
		var out bytes.Buffer
		if _, err := Clean(&out, bytes.NewReader(files["dirty."+name]), mt, Limits{}); err != nil {
			t.Fatal(err)
		}
		files["clean."+name] = out.Bytes()
	}
	var args []string
	for name, b := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, p)
	}
	script, err := filepath.Abs("testdata/oracle/exifr.js")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", append([]string{script}, args...)...)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var got map[string]map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("exifr output: %v: %s", err, out)
	}
	tags := func(name string) map[string]any { return got[filepath.Join(dir, name)] }
	dirty := tags("dirty.jpg")
	t.Logf("exifr, dirty.jpg: %v", dirty)
	if dirty["Orientation"] != float64(6) || dirty["Make"] != testscan.Secrets[1] || dirty["GPSLatitude"] == nil ||
		dirty["Byline"] != testscan.Secrets[4] || dirty["xmpmeta"] == nil {
		t.Errorf("exifr does not see the planted EXIF, GPS, IPTC and XMP in the dirty JPEG: %v", dirty)
	}
	if p := tags("dirty.png"); p["Orientation"] != float64(6) || p["Make"] != testscan.Secrets[1] {
		t.Errorf("exifr does not see the planted eXIf in the dirty PNG: %v", p)
	}
	// What exifr reports from a PNG's IHDR describes the image, not where it was taken.
	ihdr := map[string]bool{"ImageWidth": true, "ImageHeight": true, "BitDepth": true, "ColorType": true,
		"Compression": true, "Filter": true, "Interlace": true}
	for _, name := range []string{"clean.jpg", "clean.png"} {
		tg := tags(name)
		t.Logf("exifr, %s: %v", name, tg)
		if tg["Orientation"] != float64(6) {
			t.Errorf("%s: exifr reads orientation %v, want 6", name, tg["Orientation"])
		}
		for k := range tg {
			if k != "Orientation" && !ihdr[k] {
				t.Errorf("%s: exifr still finds %s", name, k)
			}
		}
	}
}
