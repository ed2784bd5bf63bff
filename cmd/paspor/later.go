package main

import "github.com/spf13/cobra"

// addLaterCommands registers the bundle commands (issue 3): the holder's key, share and
// history, and the partner side (partner keygen/recipient, open).
func addLaterCommands(root *cobra.Command, g *globals) {
	root.AddCommand(
		newKeyCommand(g),
		newShareCommand(g),
		newHistoryCommand(g),
		newPartnerCommand(g),
		newOpenCommand(g),
	)
}
