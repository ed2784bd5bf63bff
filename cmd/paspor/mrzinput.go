package main

// Reading a machine-readable zone for add --mrz-file.

import (
	"github.com/paspor/paspor/wallet/mrz"
	"github.com/paspor/paspor/wallet/schema"
)

// fieldsFromMRZFile reads the zone at path ("-" is standard input: the zone is personal
// data, so it never travels in argv), checks it, and merges its fields into fields.
func fieldsFromMRZFile(g *globals, spec *schema.TypeSpec, fields map[string]string, path string) (map[string]string, error) {
	if path == "-" && g.passphraseFile == "-" {
		return nil, usageError("--mrz-file - and --passphrase-file - cannot both read standard input")
	}
	text, err := readSecretFile(g, path, "mrz")
	if err != nil {
		return nil, err
	}
	zone, err := mrz.Parse(string(text))
	if err != nil {
		return nil, err
	}
	return spec.MergeMRZ(fields, zone)
}

// mrzHints says what to do about a zone that did not parse.
func mrzHints(err error) []string {
	hints := []string{"compare the file with the two or three lines at the bottom of the document's data page"}
	if ce, ok := err.(*mrz.CheckDigitError); ok && ce.Hint() != "" {
		hints = append([]string{ce.Hint()}, hints...)
	}
	return hints
}
