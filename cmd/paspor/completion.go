package main

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/paspor/paspor/wallet/schema"
)

// Shell completion. cobra's built-in `paspor completion bash|zsh|fish|powershell` writes the
// scripts; they call back into `paspor __complete`, which runs the functions registered here.
// Completion never opens the wallet (that would need the passphrase), so what it offers comes
// from the schema: document types, field names and attachment roles, narrowed to the types
// named on the command line when there are any.

// completionFunc is the signature cobra calls for arguments and flag values.
type completionFunc = func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective)

// registerCompletions attaches the completion functions to the commands and flags of root.
// A command or flag renamed without updating this table panics at start-up, which every
// test notices.
func registerCompletions(root *cobra.Command) {
	noFiles := cobra.NoFileCompletions
	args := map[string]completionFunc{
		"add":    nthArg(0, completeTypes),
		"list":   noFiles,
		"show":   noFiles,
		"rm":     noFiles,
		"edit":   noFiles,
		"share":  completeTypes,
		"get":    nthArg(1, completeRoles),
		"detach": nthArg(1, completeRoles),
		"attach": attachArgs,
	}
	for name, fn := range args {
		mustFind(root, name).ValidArgsFunction = fn
	}
	flags := []struct {
		command, flag string
		fn            completionFunc
	}{
		{"add", "field", completeFieldAssign},
		{"edit", "field", completeFieldAssign},
		{"edit", "unset", completeFieldNames},
		{"list", "type", completeTypes},
		{"share", "fields", completeFieldList},
		{"share", "attachments", completeRoleList},
		{"share", "expires", fixed("24h", "48h", "168h", "7d", "30d")},
	}
	for _, f := range flags {
		if err := mustFind(root, f.command).RegisterFlagCompletionFunc(f.flag, f.fn); err != nil {
			panic("completion: " + f.command + " --" + f.flag + ": " + err.Error())
		}
	}
}

func mustFind(root *cobra.Command, name string) *cobra.Command {
	for _, c := range root.Commands() {
		if c.Name() == name {
			return c
		}
	}
	panic("completion: no command " + name)
}

// nthArg completes argument n with fn; other arguments are not completed when they come
// before it, and are file names after it (attach's FILE).
func nthArg(n int, fn completionFunc) completionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) == n {
			return fn(cmd, args, toComplete)
		}
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
}

// attachArgs completes attach ID ROLE FILE: nothing for the ID, roles, then file names.
func attachArgs(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	switch len(args) {
	case 1:
		return completeRoles(cmd, args, toComplete)
	case 2:
		return nil, cobra.ShellCompDirectiveDefault
	}
	return nil, cobra.ShellCompDirectiveNoFileComp
}

func fixed(values ...string) completionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		return withPrefix(values, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

func completeTypes(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	return withPrefix(schema.TypeNames(), toComplete), cobra.ShellCompDirectiveNoFileComp
}

// completeFieldAssign completes --field key=value up to the "=": the field names of the type
// being added, or of every type for edit (whose document's type is inside the wallet).
func completeFieldAssign(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if strings.Contains(toComplete, "=") {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, name := range fieldNames(typesOf(cmd, args)) {
		out = append(out, name+"=")
	}
	return withPrefix(out, toComplete), cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

func completeFieldNames(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	return withPrefix(fieldNames(typesOf(cmd, args)), toComplete), cobra.ShellCompDirectiveNoFileComp
}

func completeRoles(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	return withPrefix(roleNames(typesOf(cmd, args)), toComplete), cobra.ShellCompDirectiveNoFileComp
}

// completeFieldList completes share's --fields, a comma-separated list: the names of the
// types among the selectors (all types when none is a type), minus those already listed.
func completeFieldList(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	return completeList(fieldNames(typesOf(cmd, args)), toComplete)
}

// completeRoleList completes share's --attachments, like --fields, with "none" as well.
func completeRoleList(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	return completeList(append(roleNames(typesOf(cmd, args)), "none"), toComplete)
}

func completeList(names []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	head, last := "", toComplete
	if i := strings.LastIndexByte(toComplete, ','); i >= 0 {
		head, last = toComplete[:i+1], toComplete[i+1:]
	}
	done := strings.Split(head, ",")
	var out []string
	for _, n := range withPrefix(names, last) {
		if !slices.Contains(done, n) {
			out = append(out, head+n)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

// typesOf returns the document types named on the command line: add's TYPE, share's type
// selectors. Without any, every type.
func typesOf(cmd *cobra.Command, args []string) []*schema.TypeSpec {
	var named []string
	switch cmd.Name() {
	case "add":
		named = args[:min(len(args), 1)]
	case "share":
		named = args
	}
	var specs []*schema.TypeSpec
	for _, n := range named {
		if spec, err := schema.LookupType(n); err == nil {
			specs = append(specs, spec)
		}
	}
	if len(specs) > 0 {
		return specs
	}
	for _, n := range schema.TypeNames() {
		spec, _ := schema.LookupType(n)
		specs = append(specs, spec)
	}
	return specs
}

// fieldNames returns the field names of specs, each once, in schema order.
func fieldNames(specs []*schema.TypeSpec) []string {
	var out []string
	for _, s := range specs {
		for _, f := range s.Fields {
			if !slices.Contains(out, f.Name) {
				out = append(out, f.Name)
			}
		}
	}
	return out
}

// roleNames returns the attachment roles of specs, each once, in schema order.
func roleNames(specs []*schema.TypeSpec) []string {
	var out []string
	for _, s := range specs {
		for _, r := range s.Roles {
			if !slices.Contains(out, r.Name) {
				out = append(out, r.Name)
			}
		}
	}
	return out
}

func withPrefix(values []string, prefix string) []string {
	var out []string
	for _, v := range values {
		if strings.HasPrefix(v, prefix) {
			out = append(out, v)
		}
	}
	return out
}
