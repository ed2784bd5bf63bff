package main

import "github.com/spf13/cobra"

func newFactorCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "factor",
		Short: "Manage the second factor (device secret)",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newFactorRotateCommand(g))
	return cmd
}
