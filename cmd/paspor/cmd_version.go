package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// versionInfo is what `paspor version` reports, from the build information the Go toolchain
// embeds in the binary.
type versionInfo struct {
	Version  string `json:"version"`            // module version, "(devel)" for a build from a checkout
	Revision string `json:"revision,omitempty"` // VCS commit the binary was built from
	Time     string `json:"time,omitempty"`     // commit time (RFC 3339)
	Modified *bool  `json:"modified,omitempty"` // the checkout had uncommitted changes; nil without a revision
	Go       string `json:"go"`                 // the Go toolchain that built it
}

func readVersion() versionInfo {
	v := versionInfo{Version: "(unknown)", Go: runtime.Version()}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	return versionFrom(bi)
}

// versionFrom reads the version from build information. The VCS fields are left out when
// no revision was recorded (a build outside a checkout, or with -buildvcs=false): "not
// modified" would be a claim nobody checked.
func versionFrom(bi *debug.BuildInfo) versionInfo {
	v := versionInfo{Version: "(unknown)", Go: runtime.Version()}
	if bi.Main.Version != "" {
		v.Version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			m := s.Value == "true"
			v.Modified = &m
		}
	}
	if v.Revision == "" {
		v.Time, v.Modified = "", nil
	}
	return v
}

// String is the one-line form: `paspor v1.2.3 (revision 0123abcd, modified) go1.26.8`.
func (v versionInfo) String() string {
	s := "paspor " + v.Version
	if v.Revision != "" {
		rev := v.Revision
		if len(rev) > 12 {
			rev = rev[:12]
		}
		s += " (revision " + rev
		if v.Modified != nil && *v.Modified {
			s += ", modified"
		}
		s += ")"
	}
	return s + " " + v.Go
}

func newVersionCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print paspor's version, the commit it was built from and the Go version",
		Long: `Print the module version, the VCS revision the binary was built from (with "modified"
when the checkout had uncommitted changes) and the Go version; --json for scripts.
paspor --version prints the same line.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error { return runVersion(g) },
	}
}

func runVersion(g *globals) error {
	v := readVersion()
	if g.json {
		return printJSON(g.stdout, v)
	}
	_, err := fmt.Fprintln(g.stdout, v.String())
	return err
}
