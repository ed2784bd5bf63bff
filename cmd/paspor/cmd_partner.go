package main

import "github.com/spf13/cobra"

func newPartnerCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "partner",
		Short: "Partner-side keys: make an identity, print its recipient",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newPartnerKeygenCommand(g), newPartnerRecipientCommand(g))
	return cmd
}
