package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
	"github.com/spf13/pflag"
)

// newManCommand writes the man pages; `make man` runs it. It is hidden: users read the pages,
// they do not make them.
func newManCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:    "__man DIR",
		Short:  "Write man pages (paspor.1, paspor-COMMAND.1) into DIR",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runMan(cmd.Root(), args[0], g)
		},
	}
}

func runMan(root *cobra.Command, dir string, g *globals) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("failed to create the man page folder: %w", err)
	}
	v := readVersion()
	header := &doc.GenManHeader{Section: "1", Source: "paspor " + v.Version, Manual: "paspor manual"}
	// The footer date is the commit's, so that the same commit gives the same pages; without
	// VCS information cobra takes $SOURCE_DATE_EPOCH, else today.
	if t, err := time.Parse(time.RFC3339, v.Time); err == nil {
		header.Date = &t
	}
	root.DisableAutoGenTag = true
	escaped := map[*pflag.Flag]bool{} // a persistent flag is in its children's sets too
	forEachCommand(root, func(c *cobra.Command) {
		c.Long, c.Short = manMarkdown(c.Long), manEscape(c.Short)
		// Flag descriptions are Markdown to the generator too.
		for _, fs := range []*pflag.FlagSet{c.Flags(), c.PersistentFlags()} {
			fs.VisitAll(func(f *pflag.Flag) {
				if !escaped[f] {
					f.Usage, escaped[f] = manEscape(f.Usage), true
				}
			})
		}
	})
	if err := doc.GenManTree(root, header, dir); err != nil {
		return fmt.Errorf("failed to write the man pages: %w", err)
	}
	// The commands that never open a wallet again, without the wallet flags, as their help.
	for _, name := range noWalletCommands {
		var err error
		forEachCommand(mustFind(root, name), func(c *cobra.Command) {
			if err == nil && c.IsAvailableCommand() {
				restore := hideInherited(c, walletFlags)
				err = writeManPage(c, header, dir)
				restore()
			}
		})
		if err != nil {
			return err
		}
	}
	matches, err := filepath.Glob(filepath.Join(dir, "*.1"))
	if err != nil {
		return err
	}
	if !g.json {
		fmt.Fprintf(g.stderr, "paspor: wrote %d man pages to %s\n", len(matches), dir)
	}
	return nil
}

func forEachCommand(c *cobra.Command, fn func(*cobra.Command)) {
	fn(c)
	for _, sub := range c.Commands() {
		forEachCommand(sub, fn)
	}
}

// manMarkdown turns help text, which is laid out for a terminal, into the Markdown the man
// page generator reads: indented lines (tables, commands) stay as typed, as code blocks, and
// a line in capitals above them (EXIT STATUS) becomes a section heading. Everything else is
// a paragraph, which man fills to the reader's width.
func manMarkdown(long string) string {
	lines := strings.Split(long, "\n")
	var out []string
	inCode := false
	for i, line := range lines {
		indented := strings.HasPrefix(line, " ") && strings.TrimSpace(line) != ""
		switch {
		case indented:
			if !inCode && len(out) > 0 && out[len(out)-1] != "" {
				out = append(out, "")
			}
			out = append(out, "    "+line)
		case isHeading(line) && i+1 < len(lines) && strings.HasPrefix(lines[i+1], " "):
			out = append(out, "", "# "+line, "")
		default:
			if inCode && line != "" {
				out = append(out, "")
			}
			out = append(out, manEscape(line))
		}
		inCode = indented
	}
	return strings.Join(out, "\n")
}

// manEscape keeps text that Markdown would read as markup as it is typed: <bundle_id> is
// not an HTML tag, and without the backslashes the man page would drop it.
func manEscape(s string) string {
	return strings.NewReplacer(`<`, `\<`, `>`, `\>`).Replace(s)
}

// isHeading reports whether line is a heading of help text: capitals and spaces only.
func isHeading(line string) bool {
	if len(line) < 2 {
		return false
	}
	for _, r := range line {
		if !(r >= 'A' && r <= 'Z' || r == ' ') {
			return false
		}
	}
	return true
}

// writeManPage writes the page of one command where GenManTree puts it.
func writeManPage(c *cobra.Command, header *doc.GenManHeader, dir string) error {
	path := filepath.Join(dir, strings.ReplaceAll(c.CommandPath(), " ", "-")+".1")
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("failed to write the man pages: %w", err)
	}
	h := *header // GenMan fills in the title of the command it writes
	if err := doc.GenMan(c, &h, f); err != nil {
		f.Close()
		return fmt.Errorf("failed to write the man pages: %w", err)
	}
	return f.Close()
}
