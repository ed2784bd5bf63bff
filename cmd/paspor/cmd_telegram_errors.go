package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/paspor/paspor/export/telegram"
)

type telegramErrorsOptions struct {
	identity string
	nonce    string
	userID   int64
	data     []string
	files    []string
	elements []string
	output   string
}

func (o *telegramErrorsOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVarP(&o.identity, "identity", "i", "", "the bot's RSA private key (PEM)")
	f.StringVar(&o.nonce, "nonce", "", "require this nonce")
	f.Int64Var(&o.userID, "user-id", 0, "the user's Telegram ID, written as user_id (left out when 0)")
	f.StringArrayVar(&o.data, "data", nil, "a wrong field: TYPE.FIELD=MESSAGE (repeatable)")
	f.StringArrayVar(&o.files, "file", nil, "a wrong scan: TYPE.ROLE=MESSAGE, ROLE one of front_side, reverse_side, selfie, file/N, translation/N, file, translation (repeatable)")
	f.StringArrayVar(&o.elements, "element", nil, "a whole element is wrong: TYPE=MESSAGE (repeatable)")
	f.StringVarP(&o.output, "output", "o", "", "write the JSON to this file (must not exist) instead of stdout")
}

func newTelegramErrorsCommand(g *globals) *cobra.Command {
	var opts telegramErrorsOptions
	cmd := &cobra.Command{
		Use:   "errors PASSPORT_DATA.json -i BOT.pem (--data T.F=MSG | --file T.R=MSG | --element T=MSG)...",
		Short: "Write the setPassportDataErrors request that asks the user to fix what is wrong",
		Long: `Decrypt passport_data to find the hashes Telegram needs, and print the JSON body of a
setPassportDataErrors call ({"user_id": ..., "errors": [...]}) naming each wrong field,
scan or element with its message. The user sees the messages in Telegram and cannot
re-send the same data until they fix it.`,
		Example: `  paspor telegram errors passport_data.json -i bot.pem --user-id 12345 \
      --data personal_details.birth_date="does not match your passport" \
      --file passport.selfie="your face is not visible"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTelegramErrors(cmd.Context(), g, args[0], opts)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

func runTelegramErrors(ctx context.Context, g *globals, path string, opts telegramErrorsOptions) error {
	if len(opts.data)+len(opts.files)+len(opts.elements) == 0 {
		return usageError("no errors to report", "pass --data TYPE.FIELD=MESSAGE, --file TYPE.ROLE=MESSAGE or --element TYPE=MESSAGE")
	}
	if opts.userID < 0 {
		return usageError("--user-id must be positive")
	}
	p, err := openPassportData(ctx, g, path, opts.identity, opts.nonce)
	if err != nil {
		return err
	}
	var errs []telegram.ElementError
	add := func(flag, spec string, dotted bool, make func(typ, what, msg string) (telegram.ElementError, error)) error {
		target, msg, ok := strings.Cut(spec, "=")
		typ, what := target, ""
		if dotted {
			typ, what, ok = strings.Cut(target, ".")
			ok = ok && what != ""
		}
		if !ok || typ == "" || msg == "" {
			form := map[bool]string{true: "TYPE.NAME=MESSAGE", false: "TYPE=MESSAGE"}[dotted]
			return usageError(fmt.Sprintf("--%s takes %s", flag, form))
		}
		e, err := make(typ, what, msg)
		if err != nil {
			var nf *telegram.NotFoundError
			if errors.As(err, &nf) {
				return errorWithHint(exitNotFound, fmt.Sprintf("--%s %s: %s", flag, printable(target), nf.Error()),
					"paspor telegram open lists the elements, fields and scans")
			}
			return usageError(fmt.Sprintf("--%s %s: %s", flag, printable(target), lower(err.Error())))
		}
		errs = append(errs, e)
		return nil
	}
	for _, s := range opts.data {
		if err := add("data", s, true, p.DataError); err != nil {
			return err
		}
	}
	for _, s := range opts.files {
		if err := add("file", s, true, p.FileError); err != nil {
			return err
		}
	}
	for _, s := range opts.elements {
		if err := add("element", s, false, func(typ, _, msg string) (telegram.ElementError, error) {
			return p.UnspecifiedError(typ, msg)
		}); err != nil {
			return err
		}
	}
	out, err := telegram.ErrorsJSON(opts.userID, errs)
	if err != nil {
		return err
	}
	if opts.output != "" {
		return writeFileAtomicFunc(opts.output, func(w io.Writer) error { _, err := w.Write(out); return err })
	}
	_, err = g.stdout.Write(out)
	return err
}
