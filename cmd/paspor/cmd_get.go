package main

import (
	"context"
	"io"

	"github.com/spf13/cobra"
)

type getOptions struct{ output string }

func newGetCommand(g *globals) *cobra.Command {
	var opts getOptions
	cmd := &cobra.Command{
		Use:   "get ID ROLE",
		Short: "Write an attachment to a file or stdout",
		Long: `Write the attachment ROLE (front_side, reverse_side, selfie, file/N, translation/N) of a
document to -o FILE, or to stdout (-o -, or no -o) when stdout is not a terminal; an existing
named pipe or device (-o /dev/stdout) is written in place. With -o, the file is
written under a temporary name and renamed only once the content checked out, 0600.`,
		Example: "  paspor get 3k9x front_side -o passport.jpg",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runGet(cmd.Context(), g, args[0], args[1], opts)
		},
	}
	cmd.Flags().StringVarP(&opts.output, "output", "o", "", "write to this file (must not exist)")
	return cmd
}

func runGet(ctx context.Context, g *globals, id, role string, opts getOptions) error {
	if g.json && (isStdio(opts.output) || isSpecialFile(opts.output)) {
		return usageError("--json needs -o FILE: standard output carries the scan")
	}
	if err := checkOutput(g, opts.output, "a scan", false, false); err != nil {
		return err
	}
	w, d, err := g.unlockDocument(ctx, true, id)
	if err != nil {
		return err
	}
	defer w.Close()
	r, a, err := w.OpenAttachment(d, role)
	if err != nil {
		return err
	}
	defer r.Close()
	src := withProgress(g, interruptible(ctx, r), a.Size, "reading "+a.Role)
	if err := writeOutput(g, opts.output, func(w io.Writer) error {
		_, err := io.Copy(w, src)
		return err
	}); err != nil {
		return err
	}
	if g.json {
		return printJSON(g.stdout, savedScanView{DocumentID: d.ID, Path: opts.output,
			attachmentView: attachmentView{Role: a.Role, MediaType: a.MediaType, Size: a.Size, SHA256: a.SHA256}})
	}
	return nil
}
