package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/adrg/xdg"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/paspor/paspor/wallet"
)

// globals holds the flags every command shares and the streams it writes to.
type globals struct {
	walletPath     string
	passphraseFile string
	factorFile     string
	json           bool
	lockWait       time.Duration

	stdin          io.Reader
	stdout, stderr io.Writer
}

func newGlobals(stdin io.Reader, stdout, stderr io.Writer) *globals {
	return &globals{stdin: stdin, stdout: stdout, stderr: stderr}
}

func (g *globals) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&g.walletPath, "wallet", "", "wallet file (default $PASPOR_WALLET, else $XDG_DATA_HOME/paspor/wallet.db)")
	f.StringVar(&g.passphraseFile, "passphrase-file", "", "read the passphrase from this file (default $PASPOR_PASSPHRASE_FILE)")
	f.StringVar(&g.factorFile, "factor-file", "", "device secret in this key file instead of the OS keyring (default $PASPOR_FACTOR_FILE)")
	f.BoolVar(&g.json, "json", false, "print results as JSON")
	f.DurationVar(&g.lockWait, "lock-wait", wallet.DefaultLockTimeout, "how long to wait for another paspor process to release the wallet (e.g. 30s; 0: do not wait)")
}

// walletFile resolves the wallet path: flag, then PASPOR_WALLET, then the XDG data folder.
func (g *globals) walletFile() string {
	if g.walletPath != "" {
		return g.walletPath
	}
	if p := os.Getenv("PASPOR_WALLET"); p != "" {
		return p
	}
	xdg.Reload()
	return filepath.Join(xdg.DataHome, "paspor", "wallet.db")
}

// lockTimeout is --lock-wait as the wallet takes it: there 0 means the default, so "do not
// wait" becomes the shortest wait, one attempt.
func (g *globals) lockTimeout() time.Duration {
	if g.lockWait <= 0 {
		return time.Nanosecond
	}
	return g.lockWait
}

func (g *globals) factorFilePath() string {
	if g.factorFile != "" {
		return g.factorFile
	}
	return os.Getenv("PASPOR_FACTOR_FILE")
}

const rootLong = `paspor keeps your identity documents (passport, ID card, driver's licence, proof of
address, bank statements) and their scans in an encrypted wallet on this machine, and hands a
partner exactly the documents it asks for as a bundle signed by you and encrypted to the
partner's key.

Unlocking needs your passphrase AND a device secret kept in the OS keyring (or, with
--factor-file, in a key file). The passphrase comes from --passphrase-file,
$PASPOR_PASSPHRASE_FILE, $PASPOR_PASSPHRASE or a terminal prompt, never from the command line.

`

func newRootCommand(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:           "paspor",
		Short:         "An encrypted wallet for identity documents, shared as signed bundles",
		Long:          rootLong + exitCodesHelp(),
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       readVersion().String(),
		// Without a command, help; an unknown command is a usage error (exit 2), like any
		// other bad argument.
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError(fmt.Sprintf("unknown command %q", args[0]), "see paspor help for the commands")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetIn(g.stdin)
	root.SetOut(g.stdout)
	root.SetErr(g.stderr)
	g.AddFlags(root.PersistentFlags())
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		// Parsing stopped at the bad flag: a --json after it was never set, yet the error
		// must be JSON all the same.
		if argsWantJSON(os.Args[1:]) {
			g.json = true
		}
		return usageError(lower(err.Error()), "see paspor help for the flags")
	})
	root.AddCommand(
		newInitCommand(g),
		newAddCommand(g),
		newListCommand(g),
		newShowCommand(g),
		newExpiringCommand(g),
		newGetCommand(g),
		newEditCommand(g),
		newAttachCommand(g),
		newDetachCommand(g),
		newRmCommand(g),
		newPassphraseCommand(g),
		newRecoverCommand(g),
		newFactorCommand(g),
		newInfoCommand(g),
		newCheckCommand(g),
		newCompactCommand(g),
		newExitCodesCommand(g),
		newVersionCommand(g),
		newKeyCommand(g),
		newShareCommand(g),
		newHistoryCommand(g),
		newFeedbackCommand(g),
		newPartnerCommand(g),
		newOpenCommand(g),
		newTelegramCommand(g),
		newImportCommand(g),
		newManCommand(g),
		newBackupCommand(g),
		newRestoreCommand(g),
	)
	// The completion command is cobra's; made now rather than at Execute, so that
	// groupCommands sees it.
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		wrapArgs(c)
		groupCommands(c)
	}
	registerCompletions(root)
	hideWalletFlags(root)
	addTypeHelp(root)
	return root
}

// argsWantJSON says whether --json is among the flags of args (before a "--").
func argsWantJSON(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "--json", "--json=true":
			return true
		}
	}
	return false
}

// wrapArgs makes cobra's argument errors usage errors with the command's usage line as hint.
func wrapArgs(c *cobra.Command) {
	if c.Args != nil {
		check := c.Args
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := check(cmd, args); err != nil {
				return usageError(lower(err.Error()), "usage: "+strings.TrimSpace(cmd.UseLine()))
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		wrapArgs(sub)
	}
}

// groupCommands gives every command that only groups subcommands (factor, partner,
// completion, ...) a run of its own: without arguments it prints its help (exit 0, as
// paspor alone does); with any, the argument names no subcommand, which is a usage error
// (exit 2) naming the subcommands, as git does for "git remote bogus". Left to cobra, an
// unknown subcommand printed the help and exited 0.
func groupCommands(c *cobra.Command) {
	if !c.HasSubCommands() {
		return
	}
	for _, sub := range c.Commands() {
		groupCommands(sub)
	}
	if c.Run != nil || c.RunE != nil {
		return
	}
	c.Args = cobra.ArbitraryArgs
	c.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return cmd.Help()
		}
		var names []string
		for _, sub := range cmd.Commands() {
			if sub.IsAvailableCommand() {
				names = append(names, sub.Name())
			}
		}
		hints := []string{"the subcommands of " + cmd.CommandPath() + " are: " + strings.Join(names, ", ")}
		if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
			hints = append([]string{"did you mean " + cmd.CommandPath() + " " + s[0] + "?"}, hints...)
		}
		return usageError(fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath()), hints...)
	}
}
