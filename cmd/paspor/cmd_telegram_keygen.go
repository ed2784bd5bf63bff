package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/paspor/paspor/export/telegram"
)

type telegramKeygenOptions struct {
	output string
}

func (o *telegramKeygenOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVarP(&o.output, "output", "o", "", "write the private key to this file (created 0600, must not exist)")
}

func newTelegramKeygenCommand(g *globals) *cobra.Command {
	var opts telegramKeygenOptions
	cmd := &cobra.Command{
		Use:   "keygen -o BOT.pem",
		Short: "Make the RSA-2048 key pair of a bot that receives Telegram Passport data",
		Long: `Write a new RSA-2048 private key (PEM, PKCS#1) to -o, created 0600, never overwriting,
and print the public key (PEM) on stdout: send it to @BotFather with /setpublickey, and to
holders who share with paspor share --format telegram --public-key.`,
		Example: `  paspor telegram keygen -o bot.pem > bot.pub.pem`,
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, args []string) error { return runTelegramKeygen(g, opts) },
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

func runTelegramKeygen(g *globals, opts telegramKeygenOptions) error {
	if opts.output == "" {
		return usageError("no output file", "pass -o FILE: the private key is never printed")
	}
	if _, err := os.Lstat(opts.output); err == nil {
		return errorWithHint(exitExists, fmt.Sprintf("%s already exists", opts.output), "choose another -o path or remove it first")
	}
	priv, pub, err := telegram.GenerateKey()
	if err != nil {
		return err
	}
	defer clear(priv)
	f, err := os.OpenFile(opts.output, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if os.IsExist(err) {
			return errorWithHint(exitExists, fmt.Sprintf("%s already exists", opts.output), "choose another -o path or remove it first")
		}
		return fmt.Errorf("failed to create %s: %w", opts.output, err)
	}
	if _, err := f.Write(priv); err != nil {
		f.Close()
		os.Remove(opts.output)
		return fmt.Errorf("failed to write %s: %w", opts.output, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(opts.output)
		return fmt.Errorf("failed to write %s: %w", opts.output, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(opts.output)
		return fmt.Errorf("failed to write %s: %w", opts.output, err)
	}
	if g.json {
		return printJSON(g.stdout, map[string]string{"private_key_file": opts.output, "public_key": string(pub)})
	}
	if _, err := g.stdout.Write(pub); err != nil {
		return err
	}
	fmt.Fprintf(g.stderr, "paspor: wrote the private key to %s; the public key above goes to @BotFather (/setpublickey)\n", opts.output)
	return nil
}
