package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/paspor/paspor/wallet/schema"
)

// walletFlags are the root's flags that only commands opening the wallet read.
var walletFlags = []string{"wallet", "passphrase-file", "factor-file"}

// hideWalletFlags leaves the wallet flags out of the help of the named commands (and their
// subcommands), which never open a wallet: listing --passphrase-file under `paspor partner
// keygen` would suggest that a partner needs a holder's wallet.
func hideWalletFlags(root *cobra.Command, names ...string) {
	for _, name := range names {
		cmd := mustFind(root, name)
		cmd.SetHelpFunc(func(c *cobra.Command, args []string) {
			var hidden []*bool
			for _, f := range walletFlags {
				if fl := c.InheritedFlags().Lookup(f); fl != nil && !fl.Hidden {
					fl.Hidden = true
					hidden = append(hidden, &fl.Hidden)
				}
			}
			// The flags are the root's, shared by every command: hide them only while this
			// help is written.
			defer func() {
				for _, h := range hidden {
					*h = false
				}
			}()
			root.HelpFunc()(c, args)
		})
	}
}

// addTypeHelp makes `paspor add TYPE --help` end with TYPE's fields (name, required or not,
// format and example, as the prompts show them) and the flags for its scans.
func addTypeHelp(root *cobra.Command) {
	add := mustFind(root, "add")
	add.SetHelpFunc(func(c *cobra.Command, args []string) {
		root.HelpFunc()(c, args)
		spec := typeInArgs(args)
		if spec == nil {
			return
		}
		out := c.OutOrStdout()
		fmt.Fprintf(out, "\nFields of %s:\n", spec.Name)
		for _, f := range spec.Fields {
			need := "optional"
			if f.Required {
				need = "required"
			}
			fmt.Fprintf(out, "  %-24s %-9s %s\n", f.Name, need, fieldFormat(f))
		}
		if len(spec.Roles) == 0 {
			fmt.Fprintf(out, "\n%s has no scans.\n", spec.Name)
			return
		}
		fmt.Fprintf(out, "\nScans of %s:\n", spec.Name)
		for _, r := range spec.Roles {
			fmt.Fprintf(out, "  %-24s %s\n", "--"+roleFlags[r.Name], r.Name)
		}
	})
}

// roleFlags are add's flags for each attachment role.
var roleFlags = map[string]string{
	"front_side": "front FILE", "reverse_side": "reverse FILE", "selfie": "selfie FILE",
	"file": "file FILE...", "translation": "translation FILE...",
}

// typeInArgs returns the schema of the first argument that names a document type, or nil.
func typeInArgs(args []string) *schema.TypeSpec {
	for _, a := range args {
		if spec, err := schema.LookupType(a); err == nil {
			return spec
		}
	}
	return nil
}
