package backup

import (
	"bytes"
	"errors"
	"regexp"
	"slices"
	"strings"
)

// formatSums renders SHA256SUMS in the coreutils text format, "<hex>  <path>\n", sorted by
// path (byte order), so that sha256sum --strict -c accepts it and the bytes are reproducible.
func formatSums(sums map[string]string) []byte {
	paths := make([]string, 0, len(sums))
	for p := range sums {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	var b bytes.Buffer
	for _, p := range paths {
		b.WriteString(sums[p] + "  " + p + "\n")
	}
	return b.Bytes()
}

// entryName is what a SHA256SUMS path (and so a tar entry name) may be: a fixed name, or
// documents/<id>/ and a lower-case file name. Anything else could not have been written.
var entryName = regexp.MustCompile(`^(manifest\.json|holder\.pub|holder\.key|history\.json|feedback\.json|documents/[0-9a-hjkmnp-tv-z]{8}/(document\.json|[a-z_]{1,20}(-[0-9]{1,4})?\.(jpg|png|pdf)))$`)

// parseSums reads SHA256SUMS exactly as formatSums writes it. Anything else (binary-mode '*'
// markers, escaped names, unsorted or duplicate lines, a missing final newline) is refused:
// the file is signed, and one canonical form leaves nothing to interpret.
func parseSums(data []byte) (map[string]string, error) {
	if len(data) == 0 || data[len(data)-1] != '\n' {
		return nil, errors.New("SHA256SUMS must end with a newline")
	}
	sums := map[string]string{}
	prev := ""
	for line := range strings.SplitSeq(string(data[:len(data)-1]), "\n") {
		sum, path, ok := strings.Cut(line, "  ")
		if !ok || !sha256Pattern.MatchString(sum) || !entryName.MatchString(path) {
			return nil, errors.New("malformed SHA256SUMS line")
		}
		if len(sums) > 0 && path <= prev {
			return nil, errors.New("SHA256SUMS is not sorted or has duplicates")
		}
		sums[path], prev = sum, path
	}
	return sums, nil
}
