package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/paspor/paspor/wallet"
	"github.com/paspor/paspor/wallet/schema"
)

type attachOptions struct {
	maxFileSize  string
	keepMetadata bool
}

func newAttachCommand(g *globals) *cobra.Command {
	var opts attachOptions
	cmd := &cobra.Command{
		Use:   "attach ID ROLE FILE",
		Short: "Add a scan to a document",
		Long: `Add FILE (JPEG, PNG or PDF) to a document as ROLE: front_side, reverse_side, selfie,
file or translation (file and translation are lists: the new scan is numbered after the
others). A single role that is already attached must be detached first. FILE - reads the
scan from standard input.

As with add, JPEG and PNG metadata is removed losslessly unless --keep-metadata is given,
and attach says on stderr what it removed.`,
		Example: "  paspor attach 3k9x reverse_side back.jpg\n  paspor attach 7hq2 file page2.pdf",
		Args:    cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runAttach(cmd.Context(), g, args[0], args[1], args[2], opts)
		},
	}
	cmd.Flags().StringVar(&opts.maxFileSize, "max-file-size", "100MiB", "largest attachment accepted")
	cmd.Flags().BoolVar(&opts.keepMetadata, "keep-metadata", false, "store the scan as it is, with its metadata")
	return cmd
}

func runAttach(ctx context.Context, g *globals, id, role, path string, opts attachOptions) error {
	maxSize, err := parseSize(opts.maxFileSize)
	if err != nil {
		return usageError("--max-file-size: "+err.Error(), "sizes look like 100MiB, 2GiB or 5000000")
	}
	if _, err := schema.ParseRoleForAdd(role); err != nil {
		return err
	}
	if err := stdinScans(g, path); err != nil {
		return err
	}
	r, c, err := openScan(ctx, g, path)
	if err != nil {
		return err
	}
	defer c.Close()
	w, err := g.unlock(ctx, false)
	if err != nil {
		return err
	}
	defer w.Close()
	d, a, err := w.Attach(id, role, r, wallet.AddOptions{MaxFileSize: maxSize, KeepMetadata: opts.keepMetadata})
	if err != nil {
		return err
	}
	if g.json {
		return printJSON(g.stdout, documentResult{documentView: viewOf(d), Metadata: scanMetadataJSON([]wallet.Attachment{*a})})
	}
	printScanMetadata(g.stderr, []wallet.Attachment{*a})
	_, err = fmt.Fprintf(g.stdout, "%s %s\n", d.ID, a.Role)
	return err
}
