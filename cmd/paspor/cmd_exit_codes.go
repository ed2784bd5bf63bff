package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newExitCodesCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "exit-codes",
		Short: "Print the table of exit codes",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if g.json {
				return printJSON(g.stdout, exitCodeTable)
			}
			_, err := fmt.Fprint(g.stdout, exitCodesHelp())
			return err
		},
	}
}
