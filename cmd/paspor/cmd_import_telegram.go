package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/paspor/paspor/export/telegram"
	"github.com/paspor/paspor/wallet"
	"github.com/paspor/paspor/wallet/schema"
)

type importTelegramOptions struct {
	identity string
	files    string
	nonce    string
	types    []string
	label    string
}

func (o *importTelegramOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVarP(&o.identity, "identity", "i", "", "the bot's RSA private key (PEM)")
	f.StringVar(&o.files, "files", "", "folder of the encrypted files, named by file_unique_id or file_id")
	f.StringVar(&o.nonce, "nonce", "", "require this nonce")
	f.StringArrayVar(&o.types, "type", nil, "import only elements of this type (repeatable)")
	f.StringVar(&o.label, "label", "", "a label for every imported document")
}

func newImportTelegramCommand(g *globals) *cobra.Command {
	var opts importTelegramOptions
	cmd := &cobra.Command{
		Use:   "telegram PASSPORT_DATA.json -i BOT.pem [--files DIR]",
		Short: "Add the documents of Telegram Passport data (for instance sent to your own bot)",
		Long: `Decrypt passport_data with the bot's private key, check it as paspor telegram open does,
and add every element (or those of --type) as a document with its fields and scans,
validated as paspor add validates them. Every scan the data names must be in --files.
Nothing is added unless every element is valid.`,
		Example: `  paspor import telegram passport_data.json -i mybot.pem --files downloads/`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runImportTelegram(cmd.Context(), g, args[0], opts)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// importDoc is one element ready for wallet.Add.
type importDoc struct {
	spec   *schema.TypeSpec
	fields map[string]string
	scans  []importScan
}

// importScan is a downloaded file, checked once, that open decrypts again on its way into
// the wallet: one buffer at a time, so memory does not grow with the scan's size.
type importScan struct {
	role string
	file *telegram.File
	path string
}

// open starts, for each scan, a decryption into a pipe that wallet.Add reads. A file that
// no longer matches its hash ends its stream with an error, so Add stores nothing. closeAll
// stops the decryptions Add did not read to the end.
func (d *importDoc) open(ctx context.Context) (atts []wallet.AttachmentInput, closeAll func()) {
	var readers []*io.PipeReader
	for _, s := range d.scans {
		pr, pw := io.Pipe()
		go func() {
			_, err := decryptDownload(ctx, s.file, s.path, pw)
			pw.CloseWithError(err)
		}()
		readers = append(readers, pr)
		atts = append(atts, wallet.AttachmentInput{Role: s.role, Reader: pr})
	}
	return atts, func() {
		for _, r := range readers {
			r.Close()
		}
	}
}

func runImportTelegram(ctx context.Context, g *globals, path string, opts importTelegramOptions) error {
	for _, t := range opts.types {
		if !telegram.KnownType(t) {
			return usageError(fmt.Sprintf("--type %s is not a Telegram Passport type", printable(t)))
		}
	}
	p, err := openPassportData(ctx, g, path, opts.identity, opts.nonce)
	if err != nil {
		return err
	}
	paths, err := findDownloads(p, opts.files)
	if err != nil {
		return err
	}
	var docs []importDoc
	for i := range p.Elements {
		el := &p.Elements[i]
		if len(opts.types) > 0 && !slices.Contains(opts.types, el.Type) {
			continue
		}
		d, err := importElement(ctx, el, paths)
		if err != nil {
			return err
		}
		docs = append(docs, *d)
	}
	if len(docs) == 0 {
		return errorWithHint(exitNotFound, "no element to import", "the data holds: "+elementTypes(p))
	}
	w, err := g.unlock(ctx, false)
	if err != nil {
		return err
	}
	defer w.Close()
	var added []*wallet.Document
	// Take back what this import added: it lands whole or not at all.
	undo := func() {
		for _, a := range added {
			w.Remove(a.ID)
		}
	}
	for _, d := range docs {
		atts, closeAll := d.open(ctx)
		nd, err := w.Add(d.spec.Name, opts.label, d.fields, atts, wallet.AddOptions{})
		closeAll()
		if ctx.Err() != nil {
			// Stopped, whether or not the last Add got to its end: take it all back.
			if err == nil {
				added = append(added, nd)
			}
			undo()
			return errInterrupted
		}
		if err != nil {
			undo()
			return err
		}
		added = append(added, nd)
	}
	res := []documentView{}
	for _, a := range added {
		res = append(res, viewOf(a))
	}
	if g.json {
		return printJSON(g.stdout, res)
	}
	for _, a := range added {
		fmt.Fprintf(g.stdout, "%s  %s (%d fields, %d scans)\n", a.ID, a.Type, len(a.Fields), len(a.Attachments))
	}
	return nil
}

// importElement converts and validates one element before anything is written: fields as
// paspor add takes them (DD.MM.YYYY dates are accepted; phone numbers get their "+"), and
// every scan, which must have been downloaded and is decrypted here once, to check its hash
// and media type, without being kept.
func importElement(ctx context.Context, el *telegram.Element, paths map[*telegram.File]string) (*importDoc, error) {
	spec, err := schema.LookupType(el.Type)
	if err != nil {
		return nil, err
	}
	fields := map[string]string{}
	for k, v := range el.Fields {
		if k == "phone_number" && !strings.HasPrefix(v, "+") {
			v = "+" + v
		}
		fields[k] = v
	}
	norm, err := spec.NormalizeFields(fields)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", el.Type, err)
	}
	if err := spec.CheckRequired(norm); err != nil {
		return nil, fmt.Errorf("%s: %w", el.Type, err)
	}
	d := &importDoc{spec: spec, fields: norm}
	for j := range el.Files {
		f := &el.Files[j]
		path, ok := paths[f]
		if !ok {
			return nil, errorWithHint(exitNotFound, fmt.Sprintf("%s %s (file %s) is not in the files folder", el.Type, f.Role, f.Name()),
				"download every file with getFile into one folder and pass it as --files, or leave the element out with --type")
		}
		info, err := decryptDownload(ctx, f, path, io.Discard)
		if err != nil {
			return nil, err
		}
		if _, err := schema.SniffMediaType(info.head); err != nil {
			return nil, fmt.Errorf("%s %s: %w", el.Type, f.Role, err)
		}
		role, _, _ := strings.Cut(f.Role, "/")
		d.scans = append(d.scans, importScan{role: role, file: f, path: path})
	}
	return d, nil
}

func elementTypes(p *telegram.Passport) string {
	var t []string
	for _, el := range p.Elements {
		t = append(t, el.Type)
	}
	if len(t) == 0 {
		return "nothing"
	}
	return strings.Join(t, ", ")
}
