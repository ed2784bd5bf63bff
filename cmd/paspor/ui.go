package main

// Message rules for everything paspor writes to a person:
//
//   - Data goes to stdout; messages, prompts, warnings and progress go to stderr.
//   - Errors are "paspor: error: " plus a lowercase sentence without a final period,
//     optionally followed by "paspor: hint: " lines saying what to do next.
//   - No message ever contains a passphrase, a device secret, a recovery code (except the
//     one place init and factor rotate print it on purpose) or document content.
//   - With --json, stdout carries exactly one JSON value (or one per line for several
//     bundles), and an error is one JSON object on stderr (jsonError); the exit code is the
//     same as without --json.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"golang.org/x/term"
)

// userError is an error the CLI has already phrased for a person, with optional hints and
// its exit code.
type userError struct {
	msg   string
	hints []string
	code  int
	err   error
}

func (e *userError) Error() string { return e.msg }
func (e *userError) Unwrap() error { return e.err }

func errorWithHint(code int, msg string, hints ...string) error {
	return &userError{msg: msg, hints: hints, code: code}
}

// usageError reports a bad combination of arguments or flags.
func usageError(msg string, hints ...string) error {
	return &userError{msg: msg, hints: hints, code: exitUsage}
}

// printError writes err as a person or, with asJSON, a script reads it.
func printError(w io.Writer, err error, asJSON bool) {
	ue := describeError(err)
	if asJSON {
		_ = printJSONLine(w, jsonErrorOf(ue))
		return
	}
	fmt.Fprintf(w, "paspor: error: %s\n", ue.msg)
	for _, h := range ue.hints {
		fmt.Fprintf(w, "paspor: hint: %s\n", h)
	}
}

// jsonError is an error as --json prints it on stderr, one line:
//
//	{"error":{"code":8,"name":"invalid_input","message":"...","hints":["..."]}}
//
// code and name are those of the exit-code table; hints is always a list, maybe empty.
type jsonError struct {
	Error jsonErrorBody `json:"error"`
}

type jsonErrorBody struct {
	Code    int      `json:"code"`
	Name    string   `json:"name"`
	Message string   `json:"message"`
	Hints   []string `json:"hints"`
}

// exitCodeName is code's name in the exit-code table ("error" for a code not in it).
func exitCodeName(code int) string {
	for _, e := range exitCodeTable {
		if e.Code == code {
			return e.Name
		}
	}
	return "error"
}

func jsonErrorOf(ue *userError) jsonError {
	name := exitCodeName(ue.code)
	hints := ue.hints
	if hints == nil {
		hints = []string{}
	}
	return jsonError{jsonErrorBody{Code: ue.code, Name: name, Message: ue.msg, Hints: hints}}
}

func warnf(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, "paspor: warning: "+format+"\n", args...)
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// printJSONLine writes one compact JSON value on its own line (for streams of results).
func printJSONLine(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// isTerminal reports whether f (an *os.File, or paspor's stderr wrapping one) is an
// interactive terminal.
func isTerminal(f any) bool {
	file, ok := f.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(file.Fd()))
}

// errExit lets a command end with a chosen exit code after printing its own output
// (a batch in which some bundles were rejected).
type errExit struct{ code int }

func (e errExit) Error() string { return fmt.Sprintf("exit %d", e.code) }

func exitCodeOf(err error) int {
	var ee errExit
	if errors.As(err, &ee) {
		return ee.code
	}
	return describeError(err).code
}
