package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/export/request"
	"github.com/paspor/paspor/internal/termsafe"
)

type partnerFeedbackOptions struct {
	partner     string
	output      string
	fields      []string
	files       []string
	unspecified []string
}

func (o *partnerFeedbackOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.partner, "partner", "", "the partner folder the bundle was opened with (open --partner DIR)")
	f.StringVarP(&o.output, "output", "o", "", "write the feedback to FILE (never overwritten; - for standard output)")
	f.StringArrayVar(&o.fields, "field", nil, "DOC.FIELD=MESSAGE: a field's value is wrong (repeatable)")
	f.StringArrayVar(&o.files, "file", nil, "DOC.SCAN=MESSAGE: a scan is wrong; SCAN is front_side, reverse_side, selfie, file/N, translation/N, files or translations (repeatable)")
	f.StringArrayVar(&o.unspecified, "document", nil, "DOC=MESSAGE: something else about the document is wrong (repeatable)")
}

func newPartnerFeedbackCommand(g *globals) *cobra.Command {
	var opts partnerFeedbackOptions
	cmd := &cobra.Command{
		Use:   "feedback BUNDLE_ID --partner DIR -o FILE (--field DOC.FIELD=MSG | --file DOC.SCAN=MSG | --document DOC=MSG)...",
		Short: "Tell a holder what is wrong with a bundle (paspor-feedback/1)",
		Long: `Write feedback on a bundle opened with paspor open --partner DIR: signed with the folder's
signing key and encrypted with age to the holder's key from the bundle's manifest, so only
that holder reads it. Each item is one of Telegram Passport's PassportElementError
sources, and names what it is about by its hash as shared, never by its content:

  --field DOC.FIELD=MSG      source data: the field's value (by SHA-256 of the value)
  --file DOC.front_side=MSG  source front_side (also reverse_side, selfie)
  --file DOC.file/N=MSG      source file: one file of a proof of address
  --file DOC.files=MSG       source files: all of its files
  --file DOC.translation/N=MSG  source translation_file
  --file DOC.translations=MSG   source translation_files
  --document DOC=MSG         source unspecified

DOC is the document's ID in the bundle, or its type when the bundle holds one document of
that type. The holder imports it with: paspor feedback import FILE. A holder who fixes and
resends answers a new request: make one with paspor partner request.`,
		Example: `  paspor partner feedback 3f0c...e1 --partner bank/ -o fb.paspor \
      --field passport.document_no="does not match the scan" --file passport.selfie="blurred"`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error { return runPartnerFeedback(g, args[0], opts) },
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// feedbackSummary is what partner feedback prints.
type feedbackSummary struct {
	FeedbackID string `json:"feedback_id"`
	BundleID   string `json:"bundle_id"`
	RequestID  string `json:"request_id,omitempty"`
	Holder     string `json:"holder"`
	Items      int    `json:"items"`
	File       string `json:"file"`
}

func runPartnerFeedback(g *globals, bundleID string, opts partnerFeedbackOptions) error {
	if opts.output == "" {
		return usageError("no output", "pass -o FILE, or -o - for standard output")
	}
	if len(opts.fields)+len(opts.files)+len(opts.unspecified) == 0 {
		return usageError("no feedback items", "pass --field DOC.FIELD=MSG, --file DOC.SCAN=MSG or --document DOC=MSG")
	}
	st, err := openPartnerFlag(opts.partner)
	if err != nil {
		return err
	}
	rec, err := st.loadBundle(bundleID)
	if err != nil {
		return err
	}
	items, err := feedbackItems(rec, opts)
	if err != nil {
		return err
	}
	if err := checkOutput(g, opts.output, "feedback", false, false); err != nil {
		return err
	}
	id, err := request.NewFeedbackID()
	if err != nil {
		return err
	}
	now := time.Now()
	if !testOnlyNow.IsZero() {
		now = testOnlyNow
	}
	holder, err := crypto.ParseHolderKey(rec.Holder)
	if err != nil {
		return err
	}
	fb := &request.Feedback{Format: request.FeedbackFormat, FeedbackID: id, BundleID: rec.BundleID, RequestID: rec.RequestID,
		CreatedAt: now.UTC().Truncate(time.Second), Partner: st.name, SigningKey: crypto.SSHPublicKeyLine(st.publicKey(), ""),
		Holder: crypto.SSHPublicKeyLine(holder, ""), Items: items}
	err = writeOutput(g, opts.output, func(w io.Writer) error { return request.SealFeedback(w, fb, st.signer) })
	var re *request.RejectedError
	if errors.As(err, &re) {
		return errorWithHint(exitInvalidInput, lower(re.Error()), "a message is one line of plain text, at most 512 characters")
	}
	if err != nil {
		return err
	}
	sum := feedbackSummary{FeedbackID: id, BundleID: rec.BundleID, RequestID: rec.RequestID, Holder: fb.Holder, Items: len(items), File: opts.output}
	out := g.stdout
	if opts.output == "-" {
		out = g.stderr
	}
	if g.json {
		return printJSON(out, sum)
	}
	fmt.Fprintf(out, "wrote feedback %s on bundle %s to %s: %d item(s), for holder %s\n", id, rec.BundleID,
		termsafe.Escape(displayPath(opts.output)), len(items), crypto.Fingerprint(holder))
	_, err = fmt.Fprintln(out, "  next: the holder imports it with: paspor feedback import FILE; to receive a corrected bundle, send a new request (paspor partner request)")
	return err
}

// feedbackItems turns the flags into items, naming what each is about by its hash.
func feedbackItems(rec *bundleRecord, opts partnerFeedbackOptions) ([]request.FeedbackItem, error) {
	var items []request.FeedbackItem
	for _, v := range opts.fields {
		doc, field, msg, err := splitFeedbackFlag("--field", v, true)
		if err != nil {
			return nil, err
		}
		d, err := feedbackDocument(rec, "--field", doc)
		if err != nil {
			return nil, err
		}
		hash, ok := d.FieldHashes[field]
		if !ok {
			return nil, usageError(fmt.Sprintf("--field %s: the bundle's %s holds no field %s", termsafe.Escape(doc+"."+field), d.ID, termsafe.Escape(field)))
		}
		items = append(items, request.FeedbackItem{Source: request.SourceData, DocumentID: d.ID, Type: d.Type, Field: field, DataHash: hash, Message: msg})
	}
	for _, v := range opts.files {
		doc, scan, msg, err := splitFeedbackFlag("--file", v, true)
		if err != nil {
			return nil, err
		}
		d, err := feedbackDocument(rec, "--file", doc)
		if err != nil {
			return nil, err
		}
		it, err := fileItem(d, scan)
		if err != nil {
			return nil, err
		}
		it.Message = msg
		items = append(items, it)
	}
	for _, v := range opts.unspecified {
		doc, _, msg, err := splitFeedbackFlag("--document", v, false)
		if err != nil {
			return nil, err
		}
		d, err := feedbackDocument(rec, "--document", doc)
		if err != nil {
			return nil, err
		}
		items = append(items, request.FeedbackItem{Source: request.SourceUnspecified, DocumentID: d.ID, Type: d.Type, Message: msg})
	}
	return items, nil
}

// splitFeedbackFlag splits DOC.NAME=MSG (or DOC=MSG without a name).
func splitFeedbackFlag(flag, v string, named bool) (doc, name, msg string, err error) {
	target, msg, ok := strings.Cut(v, "=")
	if named {
		doc, name, _ = strings.Cut(target, ".")
	} else {
		doc = target
	}
	if !ok || doc == "" || named && name == "" || msg == "" {
		form := "DOC=MESSAGE"
		if named {
			form = "DOC.NAME=MESSAGE"
		}
		return "", "", "", usageError(fmt.Sprintf("%s %s: want %s", flag, termsafe.Quote(v), form))
	}
	return doc, name, msg, nil
}

// feedbackDocument finds DOC in the bundle: by ID, or by type when one document has it.
func feedbackDocument(rec *bundleRecord, flag, doc string) (*bundleRecordDoc, error) {
	var byType []*bundleRecordDoc
	for i := range rec.Documents {
		d := &rec.Documents[i]
		if d.ID == doc {
			return d, nil
		}
		if d.Type == doc {
			byType = append(byType, d)
		}
	}
	switch len(byType) {
	case 1:
		return byType[0], nil
	case 0:
		return nil, usageError(fmt.Sprintf("%s: the bundle holds no document %s", flag, termsafe.Quote(doc)), "name it by its ID or type, as open prints them")
	}
	return nil, usageError(fmt.Sprintf("%s: the bundle holds several %s documents", flag, termsafe.Escape(doc)), "name it by its ID, as open prints it")
}

// fileItem makes the item for DOC.SCAN: one file by role, or all files of a list role.
func fileItem(d *bundleRecordDoc, scan string) (request.FeedbackItem, error) {
	it := request.FeedbackItem{DocumentID: d.ID, Type: d.Type}
	list := map[string]string{"files": "file", "translations": "translation", "translation_files": "translation"}
	if base, ok := list[scan]; ok {
		for _, f := range d.Files {
			if r, _, _ := strings.Cut(f.Role, "/"); r == base {
				it.FileHashes = append(it.FileHashes, f.SHA256)
			}
		}
		it.Source = request.SourceFiles
		if base == "translation" {
			it.Source = request.SourceTranslationFiles
		}
		if len(it.FileHashes) == 0 {
			return it, usageError(fmt.Sprintf("--file %s.%s: the bundle's %s holds no %s scans", d.ID, scan, d.ID, base))
		}
		return it, nil
	}
	var matches []bundleRecordFile
	for _, f := range d.Files {
		if r, _, _ := strings.Cut(f.Role, "/"); f.Role == scan || r == scan {
			matches = append(matches, f)
		}
	}
	if len(matches) != 1 {
		what := "holds no scan " + termsafe.Escape(scan)
		if len(matches) > 1 {
			what = "holds several " + termsafe.Escape(scan) + " scans: name one as " + termsafe.Escape(scan) + "/N, or all as files or translations"
		}
		return it, usageError(fmt.Sprintf("--file %s.%s: the bundle's %s %s", d.ID, termsafe.Escape(scan), d.ID, what))
	}
	f := matches[0]
	it.FileHash = f.SHA256
	switch r, _, _ := strings.Cut(f.Role, "/"); r {
	case "file":
		it.Source = request.SourceFile
	case "translation":
		it.Source = request.SourceTranslationFile
	default:
		it.Source = r // front_side, reverse_side, selfie: the source has the role's name
	}
	return it, nil
}
