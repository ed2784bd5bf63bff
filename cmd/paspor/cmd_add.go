package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/paspor/paspor/wallet"
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
}

func newAddCommand(g *globals) *cobra.Command {
	var opts addOptions
	cmd := &cobra.Command{
		Use:   "add TYPE",
		Short: "Add a document with its fields and scans",
		Long: `Add a document of TYPE with its fields (--field key=value, names as in Telegram Passport)
and scans. On a terminal without --field, paspor asks for each field. Prints the new ID.

Types: ` + strings.Join(schema.TypeNames(), ", ") + `.
Dates are YYYY-MM-DD (DD.MM.YYYY accepted), countries ISO 3166-1 alpha-2 (DE, FR).`,
		Example: `  paspor add passport --field document_no=C01X00T47 --field expiry_date=2031-05-01 \
      --field issuing_country=DE --front passport.jpg --selfie me.jpg
  paspor add utility_bill --field issue_date=2026-10-01 --file bill-p1.pdf --file bill-p2.pdf`,
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
	if len(fields) == 0 && len(spec.Fields) > 0 && isTerminal(g.stdin) {
		if fields, err = promptFields(ctx, g, spec); err != nil {
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
	w, err := g.unlock(ctx, false)
	if err != nil {
		return err
	}
	defer w.Close()
	d, err := w.Add(spec.Name, opts.label, fields, inputs, wallet.AddOptions{MaxFileSize: maxSize})
	if err != nil {
		return err
	}
	if g.json {
		return printJSON(g.stdout, map[string]string{"id": d.ID})
	}
	_, err = fmt.Fprintln(g.stdout, d.ID)
	return err
}

// promptFields asks for each field of the type on the terminal; empty answers skip
// optional fields.
func promptFields(ctx context.Context, g *globals, spec *schema.TypeSpec) (map[string]string, error) {
	in := bufio.NewReader(g.stdin)
	fields := map[string]string{}
	for _, f := range spec.Fields {
		mark := ""
		if f.Required {
			mark = " (required)"
		}
		fmt.Fprintf(g.stderr, "%s%s: ", f.Name, mark)
		line, err := readLine(ctx, in)
		if errors.Is(err, errInterrupted) {
			return nil, err
		}
		if err != nil && line == "" {
			return nil, fmt.Errorf("failed to read %s: %w", f.Name, err)
		}
		if v := strings.TrimSpace(line); v != "" {
			fields[f.Name] = v
		}
	}
	return fields, nil
}
