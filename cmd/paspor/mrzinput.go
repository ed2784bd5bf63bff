package main

// Reading a machine-readable zone for add --mrz-file.

import (
	"strings"

	"github.com/paspor/paspor/wallet"
	"github.com/paspor/paspor/wallet/mrz"
	"github.com/paspor/paspor/wallet/schema"
)

// fieldsFromMRZFile reads the zone at path ("-" is standard input: the zone is personal
// data, so it never travels in argv), checks it, and merges its fields into fields.
func fieldsFromMRZFile(g *globals, spec *schema.TypeSpec, fields map[string]string, path string) (map[string]string, *mrz.MRZ, error) {
	if path == "-" && g.passphraseFile == "-" {
		return nil, nil, usageError("--mrz-file - and --passphrase-file - cannot both read standard input")
	}
	text, err := readSecretFile(g, path, "mrz")
	if err != nil {
		return nil, nil, err
	}
	zone, err := mrz.Parse(string(text))
	if err != nil {
		return nil, nil, err
	}
	merged, err := spec.MergeMRZ(fields, zone)
	return merged, zone, err
}

// warnPersonalDetails warns about each personal_details document the zone contradicts,
// naming the fields (never the values).
func warnPersonalDetails(g *globals, w *wallet.Wallet, zone *mrz.MRZ) error {
	docs, err := w.List("personal_details")
	if err != nil {
		return err
	}
	for _, d := range docs {
		if bad := schema.DisagreeingPersonalDetails(d.Fields, zone); len(bad) > 0 {
			warnf(g.stderr, "personal_details %s disagrees with the machine-readable zone on %s", d.ID, strings.Join(bad, ", "))
		}
	}
	return nil
}

// mrzHints says what to do about a zone that did not parse.
func mrzHints(err error) []string {
	hints := []string{"compare the file with the two or three lines at the bottom of the document's data page"}
	if ce, ok := err.(*mrz.CheckDigitError); ok && ce.Hint() != "" {
		hints = append([]string{ce.Hint()}, hints...)
	}
	return hints
}

// warnMRZDisagrees warns when an edit left a document's fields disagreeing with its stored
// mrz field (a partner compares the two), naming the field.
func warnMRZDisagrees(g *globals, d *wallet.Document) {
	spec, err := schema.LookupType(d.Type)
	if err != nil {
		return
	}
	if err := spec.CheckMRZ(d.Fields); err != nil {
		warnf(g.stderr, "%s %s: %s", d.ID, d.Type, lower(err.Error()))
	}
}
