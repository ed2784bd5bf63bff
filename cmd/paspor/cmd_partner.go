package main

import "github.com/spf13/cobra"

func newPartnerCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "partner",
		Short: "Partner side: keys, requests, feedback",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newPartnerKeygenCommand(g), newPartnerRecipientCommand(g), newPartnerShowCommand(g),
		newPartnerRequestCommand(g))
	return cmd
}
