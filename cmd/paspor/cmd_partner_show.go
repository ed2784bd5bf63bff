package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/export/request"
	"github.com/paspor/paspor/internal/termsafe"
)

func newPartnerShowCommand(g *globals) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "show --partner DIR",
		Short: "Print a partner folder's name, recipient(s), signing key and fingerprint",
		Long: `Print what a partner gives others: the display name, the age recipient(s) bundles are
encrypted to, the signing key line (for an allowed_signers file: ssh-keygen -Y verify) and
its SHA256 fingerprint, which holders see on the consent screen.`,
		Example: `  paspor partner show --partner bank/
  paspor partner show --partner bank/ --json`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			st, err := openPartnerFlag(dir)
			if err != nil {
				return err
			}
			return printPartner(g, st)
		},
	}
	cmd.Flags().StringVar(&dir, "partner", "", "the partner folder (paspor partner keygen --partner DIR)")
	return cmd
}

// partnerView is what partner keygen and partner show print.
type partnerView struct {
	Name        string   `json:"name"`
	Recipients  []string `json:"recipients"`
	SigningKey  string   `json:"signing_key"`
	Fingerprint string   `json:"fingerprint"`
	Dir         string   `json:"dir"`
}

func printPartner(g *globals, st *partnerState) error {
	v := partnerView{Name: st.name, Recipients: st.recipients, SigningKey: crypto.SSHPublicKeyLine(st.publicKey(), ""),
		Fingerprint: crypto.Fingerprint(st.publicKey()), Dir: st.dir}
	if g.json {
		return printJSON(g.stdout, v)
	}
	fmt.Fprintf(g.stdout, "partner:     %s\n", termsafe.Quote(v.Name))
	for _, r := range v.Recipients {
		fmt.Fprintf(g.stdout, "recipient:   %s\n", r)
	}
	fmt.Fprintf(g.stdout, "signing key: %s\n", v.SigningKey)
	_, err := fmt.Fprintf(g.stdout, "fingerprint: %s\nfolder:      %s\n", v.Fingerprint, termsafe.Escape(strings.TrimSuffix(v.Dir, "/")))
	return err
}

// openPartnerFlag opens the folder a --partner flag names.
func openPartnerFlag(dir string) (*partnerState, error) {
	if dir == "" {
		return nil, usageError("no partner folder", "pass --partner DIR (made by: paspor partner keygen --partner DIR --name NAME)")
	}
	return openPartnerState(dir)
}

// checkNameFlag checks a --name value by the rules of a request's partner name.
func checkNameFlag(name string) error {
	err := request.CheckPartnerName(name)
	var re *request.RejectedError
	if errors.As(err, &re) {
		return usageError("--name: "+lower(re.Detail), "one line of plain text, at most 128 characters")
	}
	return err
}
