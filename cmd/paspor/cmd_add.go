package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/paspor/paspor/wallet"
	"github.com/paspor/paspor/wallet/mrz"
	"github.com/paspor/paspor/wallet/schema"
)

type addOptions struct {
	label        string
	fields       []string
	front        string
	reverse      string
	selfie       string
	translations []string
	files        []string
	maxFileSize  string
	keepMetadata bool
	mrzFile      string
}

func (o *addOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.label, "label", "", "a name for the document (\"old passport\")")
	f.StringArrayVar(&o.fields, "field", nil, "a field as key=value (repeatable)")
	f.StringVar(&o.front, "front", "", "scan of the front side (JPEG, PNG or PDF)")
	f.StringVar(&o.reverse, "reverse", "", "scan of the reverse side")
	f.StringVar(&o.selfie, "selfie", "", "selfie holding the document")
	f.StringArrayVar(&o.translations, "translation", nil, "certified translation (repeatable)")
	f.StringArrayVar(&o.files, "file", nil, "a page of a proof-of-address document (repeatable)")
	f.StringVar(&o.maxFileSize, "max-file-size", "100MiB", "largest attachment accepted")
	f.StringVar(&o.mrzFile, "mrz-file", "", "fill document_no, expiry_date, issuing_country and mrz from the machine-readable zone in FILE (- for standard input)")
	f.BoolVar(&o.keepMetadata, "keep-metadata", false, "store scans as they are, with their EXIF, XMP, text chunks and comments")
}

func newAddCommand(g *globals) *cobra.Command {
	var opts addOptions
	cmd := &cobra.Command{
		Use:   "add TYPE",
		Short: "Add a document with its fields and scans",
		Long: `Add a document of TYPE with its fields (--field key=value, names as in Telegram Passport)
and scans. On a terminal without --field, paspor asks for each field. Prints the new ID.
One scan may be - to read it from standard input (gpg -d scan.pdf.gpg | paspor add ... --file -).

Scans must decode as what they are (JPEG, PNG, PDF). JPEG and PNG scans are stored without
their metadata (EXIF with GPS position and phone serial, XMP, IPTC, comments, PNG text and
time chunks), losslessly: the image data is not re-encoded and the EXIF orientation is kept.
add says on stderr what it removed (--json: "metadata"); --keep-metadata stores scans as
they are. PDF metadata (author, producer, XMP) is reported, not removed.

For passport, internal_passport, identity_card and driver_license, --mrz-file FILE (or - for
standard input) reads the machine-readable zone (ICAO 9303 TD1, TD2, TD3; MRV visas), checks
every check digit, and fills document_no, expiry_date, issuing_country and mrz. A --field
that disagrees with the zone is an error naming the field. add warns about a personal_details
document whose birth_date, gender or country_code the zone contradicts, and --json adds the
zone's "personal_details" (names as the zone writes them; no residence_country_code).

Types: ` + strings.Join(schema.TypeNames(), ", ") + `.
Dates are YYYY-MM-DD (DD.MM.YYYY accepted), countries ISO 3166-1 alpha-2 (DE, FR).`,
		Example: `  paspor add passport --field document_no=C01X00T47 --field expiry_date=2031-05-01 \
      --field issuing_country=DE --front passport.jpg --selfie me.jpg
  paspor add utility_bill --field issue_date=2026-10-01 --file bill-p1.pdf --file bill-p2.pdf
  paspor add passport --mrz-file mrz.txt --front passport.jpg`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runAdd(cmd.Context(), g, args[0], opts) },
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

func runAdd(ctx context.Context, g *globals, docType string, opts addOptions) error {
	spec, err := schema.LookupType(docType)
	if err != nil {
		return err
	}
	fields, err := parseFieldFlags(opts.fields)
	if err != nil {
		return err
	}
	maxSize, err := parseSize(opts.maxFileSize)
	if err != nil {
		return usageError("--max-file-size: "+err.Error(), "sizes look like 100MiB, 2GiB or 5000000")
	}
	scans := append([]string{opts.front, opts.reverse, opts.selfie}, opts.files...)
	scans = append(scans, opts.translations...)
	if err := stdinScans(g, scans...); err != nil {
		return err
	}
	var prompted []promptedScan
	var zone *mrz.MRZ
	if opts.mrzFile != "" {
		if opts.mrzFile == "-" && slices.Contains(scans, "-") {
			return usageError("--mrz-file - and a scan cannot both read standard input", "give one of them as a file")
		}
		if fields, zone, err = fieldsFromMRZFile(g, spec, fields, opts.mrzFile); err != nil {
			return err
		}
	}
	if len(fields) == 0 && len(spec.Fields) > 0 && isTerminal(g.stdin) && !slices.Contains(scans, "-") {
		if fields, prompted, err = promptDocument(ctx, g, spec, opts); err != nil {
			return err
		}
	}
	var inputs []wallet.AttachmentInput
	var closers []io.Closer
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	add := func(role, path string) error {
		if path == "" {
			return nil
		}
		r, c, err := openScan(ctx, g, path)
		if err != nil {
			return err
		}
		closers = append(closers, c)
		inputs = append(inputs, wallet.AttachmentInput{Role: role, Reader: r})
		return nil
	}
	for _, a := range []struct{ role, path string }{{"front_side", opts.front}, {"reverse_side", opts.reverse}, {"selfie", opts.selfie}} {
		if err := add(a.role, a.path); err != nil {
			return err
		}
	}
	for _, p := range opts.files {
		if err := add("file", p); err != nil {
			return err
		}
	}
	for _, p := range opts.translations {
		if err := add("translation", p); err != nil {
			return err
		}
	}
	for _, p := range prompted {
		if err := add(p.role, p.path); err != nil {
			return err
		}
	}
	w, err := g.unlock(ctx, false)
	if err != nil {
		return err
	}
	defer w.Close()
	d, err := w.Add(spec.Name, opts.label, fields, inputs, wallet.AddOptions{MaxFileSize: maxSize, KeepMetadata: opts.keepMetadata})
	if err != nil {
		return err
	}
	if zone != nil {
		if err := warnPersonalDetails(g, w, zone); err != nil {
			return err
		}
	}
	if g.json {
		out := documentResult{documentView: viewOf(d)}
		if len(d.Attachments) > 0 {
			out.Metadata = scanMetadataJSON(d.Attachments)
		}
		if zone != nil {
			out.PersonalDetails = schema.PersonalDetailsFromMRZ(zone)
		}
		return printJSON(g.stdout, out)
	}
	printScanMetadata(g.stderr, d.Attachments)
	_, err = fmt.Fprintln(g.stdout, d.ID)
	return err
}
