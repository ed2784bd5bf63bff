package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

type getOptions struct{ output string }

func newGetCommand(g *globals) *cobra.Command {
	var opts getOptions
	cmd := &cobra.Command{
		Use:   "get ID ROLE",
		Short: "Write an attachment to a file or stdout",
		Long: `Write the attachment ROLE (front_side, reverse_side, selfie, file/N, translation/N) of a
document to -o FILE, or to stdout when stdout is not a terminal. With -o, the file is
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
	if opts.output == "" && isTerminal(g.stdout) {
		return usageError("refusing to write a scan to the terminal", "pass -o FILE or redirect stdout")
	}
	if opts.output != "" {
		if _, err := os.Lstat(opts.output); err == nil {
			return errorWithHint(exitExists, fmt.Sprintf("%s already exists", opts.output), "choose another -o path or remove it first")
		}
		// Checked here, before unlocking, so the error names the folder and not the temporary file.
		if dir := filepath.Dir(opts.output); !isDir(dir) {
			return errorWithHint(exitNotFound, fmt.Sprintf("folder %s does not exist", dir), "create it first or choose another -o path")
		}
	}
	w, err := g.unlock(ctx, true)
	if err != nil {
		return err
	}
	defer w.Close()
	d, err := w.Get(id)
	if err != nil {
		return err
	}
	r, a, err := w.OpenAttachment(d, role)
	if err != nil {
		return err
	}
	defer r.Close()
	src := withProgress(g, interruptible(ctx, r), a.Size, "reading "+a.Role)
	if opts.output == "" {
		_, err = io.Copy(g.stdout, src)
		return err
	}
	return writeFileAtomic(opts.output, src)
}
