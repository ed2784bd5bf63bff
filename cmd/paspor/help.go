package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/paspor/paspor/wallet/schema"
)

// walletFlags are the root's flags that only commands opening the wallet read.
var walletFlags = []string{"wallet", "passphrase-file", "factor-file", "lock-wait"}

// noWalletCommands never open a wallet, nor do their subcommands: their help and man pages
// leave walletFlags out (listing --passphrase-file under `paspor partner keygen` would
// suggest that a partner needs a holder's wallet).
var noWalletCommands = []string{"partner", "open", "telegram", "version", "exit-codes"}

// hideWalletFlags makes the help of noWalletCommands leave out walletFlags.
func hideWalletFlags(root *cobra.Command) {
	for _, name := range noWalletCommands {
		mustFind(root, name).SetHelpFunc(func(c *cobra.Command, args []string) {
			defer hideInherited(c, walletFlags)()
			root.HelpFunc()(c, args)
		})
	}
}

// hideInherited hides the named flags that c inherits and returns the function that shows
// them again. The flags are the root's, shared by every command: hide them only while one
// command's help or man page is written.
func hideInherited(c *cobra.Command, names []string) func() {
	var hidden []*bool
	for _, n := range names {
		if fl := c.InheritedFlags().Lookup(n); fl != nil && !fl.Hidden {
			fl.Hidden = true
			hidden = append(hidden, &fl.Hidden)
		}
	}
	return func() {
		for _, h := range hidden {
			*h = false
		}
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
