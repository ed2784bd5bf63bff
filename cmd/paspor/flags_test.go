package main

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// S7: no flag carries a secret in argv. Flags that name a secret must take a file path
// (their name ends in -file), so `ps` and shell history never see passphrases or codes.
func TestNoSecretInFlags(t *testing.T) {
	root := newRootCommand(newGlobals(nil, nil, nil))
	secretWords := []string{"passphrase", "password", "secret", "recovery", "code", "key", "identity"}
	var walk func(c *cobra.Command)
	checked := 0
	walk = func(c *cobra.Command) {
		check := func(f *pflag.Flag) {
			checked++
			for _, w := range secretWords {
				if !strings.Contains(f.Name, w) {
					continue
				}
				// Key and identity flags name files, never key material; a public key is no secret;
				// a boolean flag (backup --passphrase, --accept-new-key) takes no value at all.
				if strings.HasSuffix(f.Name, "-file") || f.Name == "identity" || f.Name == "public-key" || f.Value.Type() == "bool" {
					return
				}
				t.Errorf("%s --%s looks like it takes a secret on the command line", c.CommandPath(), f.Name)
			}
		}
		c.LocalFlags().VisitAll(check)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	if checked < 20 {
		t.Fatalf("checked only %d flags: the walk is broken", checked)
	}
}
