package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

type editOptions struct {
	fields []string
	unset  []string
	label  string
}

func newEditCommand(g *globals) *cobra.Command {
	var opts editOptions
	cmd := &cobra.Command{
		Use:     "edit ID",
		Short:   "Change a document's fields or label",
		Example: "  paspor edit 3k9x --field expiry_date=2036-05-01 --unset issue_date --label \"new passport\"",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var label *string
			if cmd.Flags().Changed("label") {
				label = &opts.label
			}
			return runEdit(cmd.Context(), g, args[0], opts, label)
		},
	}
	cmd.Flags().StringArrayVar(&opts.fields, "field", nil, "set a field as key=value (repeatable)")
	cmd.Flags().StringArrayVar(&opts.unset, "unset", nil, "remove an optional field (repeatable)")
	cmd.Flags().StringVar(&opts.label, "label", "", "new label (empty removes it)")
	return cmd
}

func runEdit(ctx context.Context, g *globals, id string, opts editOptions, label *string) error {
	set, err := parseFieldFlags(opts.fields)
	if err != nil {
		return err
	}
	for _, name := range opts.unset {
		if _, both := set[strings.TrimSpace(name)]; both {
			return usageError(fmt.Sprintf("--field %q and --unset %q contradict each other", name, name),
				"set the field or remove it, not both")
		}
	}
	if len(set) == 0 && len(opts.unset) == 0 && label == nil {
		return usageError("nothing to change", "pass --field key=value, --unset key or --label")
	}
	w, err := g.unlock(ctx, false)
	if err != nil {
		return err
	}
	defer w.Close()
	d, err := w.Edit(id, set, opts.unset, label)
	if err != nil {
		return err
	}
	warnMRZDisagrees(g, d)
	if g.json {
		return printJSON(g.stdout, viewOf(d))
	}
	printDocument(g.stdout, d, viewOf(d))
	return nil
}
