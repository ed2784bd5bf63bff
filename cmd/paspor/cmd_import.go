package main

import "github.com/spf13/cobra"

// newImportCommand groups the imports of documents from other formats.
func newImportCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Add documents to the wallet from another format",
	}
	cmd.AddCommand(newImportTelegramCommand(g))
	return cmd
}
