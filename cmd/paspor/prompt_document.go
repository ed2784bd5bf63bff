package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/paspor/paspor/wallet/schema"
)

// Interactive entry of a document (add on a terminal without --field): every field is asked
// for with its format and an example, checked as soon as it is typed and asked again on a
// mistake; then the scans, by role. Nothing is stored before the last answer, so Ctrl-D or
// Ctrl-C at any prompt leaves the wallet as it was.

// promptedScan is a scan named at a prompt, with the role it was asked for.
type promptedScan struct{ role, path string }

// errInputEnded is returned when standard input ends (Ctrl-D) at a prompt: like Ctrl-C, the
// command stops and stores nothing.
func errInputEnded(at string) error {
	return &userError{msg: "input ended at " + at + " (Ctrl-D); nothing was stored", code: exitInterrupted,
		hints: []string{"run the command again, or pass the values with --field key=value"}}
}

// promptDocument asks for the fields of spec and for the scans of the roles that opts does
// not already give.
func promptDocument(ctx context.Context, g *globals, spec *schema.TypeSpec, opts addOptions) (map[string]string, []promptedScan, error) {
	p := &prompter{ctx: ctx, in: bufio.NewReader(g.stdin), out: g.stderr}
	fmt.Fprintf(p.out, "New %s. Ctrl-D or Ctrl-C stops; nothing is stored before the last answer.\n", spec.Name)
	fields, err := promptFields(p, spec)
	if err != nil {
		return nil, nil, err
	}
	flags := map[string]bool{
		"front_side": opts.front != "", "reverse_side": opts.reverse != "", "selfie": opts.selfie != "",
		"file": len(opts.files) > 0, "translation": len(opts.translations) > 0,
	}
	scans, err := promptScans(p, spec, func(role string) bool { return flags[role] })
	if err != nil {
		return nil, nil, err
	}
	return fields, scans, nil
}

// prompter asks questions on stderr and reads the answers, one line each, from stdin.
type prompter struct {
	ctx context.Context
	in  *bufio.Reader
	out io.Writer
}

// ask prints question and returns the trimmed answer line. End of input is errInputEnded
// naming what was asked; Ctrl-C is errInterrupted.
func (p *prompter) ask(what, question string) (string, error) {
	fmt.Fprint(p.out, question)
	line, err := readLine(p.ctx, p.in)
	if errors.Is(err, errInterrupted) {
		fmt.Fprintln(p.out)
		return "", err
	}
	if err != nil && line == "" {
		fmt.Fprintln(p.out)
		if errors.Is(err, io.EOF) {
			return "", errInputEnded(what)
		}
		return "", fmt.Errorf("failed to read %s: %w", what, err)
	}
	return strings.TrimSpace(line), nil
}

// retry tells the person what was wrong with the last answer, without repeating it.
func (p *prompter) retry(reason string) {
	fmt.Fprintf(p.out, "  %s; try again (Ctrl-D to stop)\n", reason)
}

// promptFields asks for each field of the type and returns the valid, normalised values;
// empty answers skip optional fields.
func promptFields(p *prompter, spec *schema.TypeSpec) (map[string]string, error) {
	fields := map[string]string{}
	for _, f := range spec.Fields {
		if f.Kind == schema.FieldMRZ {
			continue // two or three lines of 30-44 characters: --mrz-file reads them
		}
		for {
			v, err := p.ask(f.Name, fieldQuestion(f))
			if err != nil {
				return nil, err
			}
			if v == "" {
				if f.Required {
					p.retry(f.Name + " is required")
					continue
				}
				break
			}
			norm, err := spec.NormalizeField(f.Name, v)
			var inv *schema.InvalidInputError
			if errors.As(err, &inv) {
				p.retry(inv.Reason)
				continue
			}
			if err != nil {
				return nil, err
			}
			// Dates that contradict an earlier answer (an expiry before the issue date, a
			// birth date in the future) are asked for again here, not refused at the end.
			fields[f.Name] = norm
			if err := spec.CheckDates(fields, time.Now()); errors.As(err, &inv) {
				delete(fields, f.Name)
				p.retry(inv.Field + " " + inv.Reason)
				continue
			}
			break
		}
	}
	return fields, nil
}

// fieldQuestion is the prompt of one field: its name, whether it is needed, its format and
// an example.
func fieldQuestion(f schema.FieldSpec) string {
	need := "optional, Enter skips"
	if f.Required {
		need = "required"
	}
	return fmt.Sprintf("%s (%s; %s): ", f.Name, need, fieldFormat(f))
}

// fieldFormat says what a value of f looks like, with an example.
func fieldFormat(f schema.FieldSpec) string {
	switch f.Kind {
	case schema.FieldDate:
		return "YYYY-MM-DD or DD.MM.YYYY, e.g. " + dateExample(f.Name)
	case schema.FieldCountry:
		return "ISO 3166-1 alpha-2 country code, e.g. DE"
	case schema.FieldGender:
		return "male or female"
	case schema.FieldPhone:
		return "international format, e.g. +4915112345678"
	case schema.FieldEmail:
		return "e-mail address, e.g. ada@example.org"
	case schema.FieldMRZ:
		return "machine-readable zone: pass it with --mrz-file FILE"
	}
	if ex, ok := textExamples[f.Name]; ok {
		return "text, e.g. " + ex
	}
	return "text"
}

func dateExample(field string) string {
	switch field {
	case "birth_date":
		return "1985-12-10"
	case "issue_date":
		return "2021-05-01"
	}
	return "2031-05-01"
}

// textExamples are sample values of the text fields, as a document would print them.
var textExamples = map[string]string{
	"document_no": "C01X00T47", "first_name": "Ada", "last_name": "Lovelace",
	"middle_name": "Augusta", "first_name_native": "Ада", "last_name_native": "Лавлейс",
	"middle_name_native": "Августа", "street_line1": "12 Main Street", "street_line2": "Flat 3",
	"city": "Berlin", "state": "Berlin", "post_code": "10115",
}

// promptScans asks for a scan of each role of the type that no flag gave (given reports
// that), a file name each; Enter skips. A role that holds a list (file, translation) is asked
// for again until Enter. Each file is checked at once: it must exist, be a file and sniff as
// JPEG, PNG or PDF.
func promptScans(p *prompter, spec *schema.TypeSpec, given func(role string) bool) ([]promptedScan, error) {
	var scans []promptedScan
	for _, r := range spec.Roles {
		if given(r.Name) {
			continue
		}
		for n := 1; ; n++ {
			label := r.Name
			if r.List {
				label += " " + strconv.Itoa(n)
			}
			path, err := p.ask(label, "scan "+label+" (JPEG, PNG or PDF file; Enter skips): ")
			if err != nil {
				return nil, err
			}
			if path == "" {
				break
			}
			if reason := checkScanFile(path); reason != "" {
				p.retry(reason)
				n--
				continue
			}
			scans = append(scans, promptedScan{role: r.Name, path: path})
			if !r.List {
				break
			}
		}
	}
	return scans, nil
}

// checkScanFile returns why path cannot be a scan, or "". The wallet checks the content again
// as it stores it; this is so that a typo is caught at its prompt.
func checkScanFile(path string) string {
	f, err := os.Open(path)
	if err != nil {
		if os.IsNotExist(err) {
			return "no such file"
		}
		return "cannot open the file"
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return "not a regular file"
	}
	head := make([]byte, schema.SniffLen)
	n, _ := io.ReadFull(f, head)
	if _, err := schema.SniffMediaType(head[:n]); err != nil {
		return "not a JPEG, PNG or PDF file"
	}
	return ""
}
