package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/spf13/cobra"
)

// The JSON every command prints is checked against docs/json.md: each "## NAME" section
// there has one example (a ```json block) and may say which keys are optional and which
// objects are maps (any keys, every value like the example's first). testdata/json_shapes.txtar
// runs every command that prints data, one line each:
//
//	jsonrun SHAPE MODE ARGS...
//
// runs paspor ARGS --json and checks stdout (MODE: object, array of SHAPE, or lines, one
// compact SHAPE a line; or error: the command fails and stderr is one SHAPE line). MODE:CODE
// (object:12) expects exit code CODE with data on stdout. TestJSONShapesCoverEveryCommand walks the cobra tree: a command
// with neither a jsonrun line nor a row in noJSONData fails it.

const jsonDoc = "../../docs/json.md"

// noJSONData are the commands that print no data object, and what they print instead.
var noJSONData = map[string]string{
	"paspor":                       "help",
	"paspor completion bash":       "a shell script",
	"paspor completion zsh":        "a shell script",
	"paspor completion fish":       "a shell script",
	"paspor completion powershell": "a shell script",
	"paspor factor":                "help (a group)",
	"paspor partner":               "help (a group)",
	"paspor telegram":              "help (a group)",
	"paspor import":                "help (a group)",
	"paspor completion":            "help (a group)",
	"paspor telegram errors":       "the setPassportDataErrors body, a Telegram API object (documented by Telegram)",
}

// jsonShape is one documented object.
type jsonShape struct {
	example  any
	optional map[string]bool // key paths ("attachments[].metadata") that may be absent
	maps     map[string]bool // key paths whose object has free keys
}

var shapeHeading = regexp.MustCompile(`^## (.+)$`)

// readJSONShapes parses docs/json.md.
func readJSONShapes() (map[string]*jsonShape, error) {
	data, err := os.ReadFile(jsonDoc)
	if err != nil {
		return nil, err
	}
	shapes := map[string]*jsonShape{}
	var cur *jsonShape
	var block *bytes.Buffer
	var para map[string]bool // the Optional or Maps paragraph being read
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if para != nil && line != "" && block == nil {
			for _, k := range keyList(line) {
				para[k] = true
			}
			continue
		}
		para = nil
		switch {
		case block != nil && line == "```":
			if cur == nil {
				return nil, fmt.Errorf("a json block outside a shape section")
			}
			if cur.example != nil {
				return nil, fmt.Errorf("two examples in one section")
			}
			if err := json.Unmarshal(block.Bytes(), &cur.example); err != nil {
				return nil, fmt.Errorf("example: %v", err)
			}
			block = nil
		case block != nil:
			block.WriteString(line + "\n")
		case line == "```json":
			block = &bytes.Buffer{}
		case shapeHeading.MatchString(line):
			name := shapeHeading.FindStringSubmatch(line)[1]
			cur = &jsonShape{optional: map[string]bool{}, maps: map[string]bool{}}
			shapes[name] = cur
		case cur != nil && strings.HasPrefix(line, "Optional: "):
			para = cur.optional
		case cur != nil && strings.HasPrefix(line, "Maps: "):
			para = cur.maps
		}
		if para != nil {
			for _, k := range keyList(line) {
				para[k] = true
			}
		}
	}
	for name, s := range shapes {
		if s.example == nil {
			return nil, fmt.Errorf("section %q has no example", name)
		}
	}
	return shapes, sc.Err()
}

// keyList reads "Optional: `a`, `b[].c`." into its key paths.
func keyList(line string) []string {
	var out []string
	for _, m := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(line, -1) {
		out = append(out, m[1])
	}
	return out
}

// checkShape compares got with the example: the same keys (bar optional ones), each value
// of the example's JSON type, arrays element by element against the example's first.
func checkShape(s *jsonShape, example, got any, path string) []string {
	where := path
	if where == "" {
		where = "the top level"
	}
	switch ex := example.(type) {
	case map[string]any:
		obj, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %s, want an object", where, jsonType(got))}
		}
		if s.maps[path] {
			var first any
			for _, k := range sortedKeys(ex) {
				first = ex[k]
				break
			}
			var errs []string
			for _, k := range sortedKeys(obj) {
				errs = append(errs, checkShape(s, first, obj[k], join(path, "*"))...)
			}
			return errs
		}
		var errs []string
		for _, k := range sortedKeys(obj) {
			if _, ok := ex[k]; !ok {
				errs = append(errs, fmt.Sprintf("%s: undocumented key %q", where, k))
			}
		}
		for _, k := range sortedKeys(ex) {
			v, ok := obj[k]
			if !ok {
				if !s.optional[join(path, k)] {
					errs = append(errs, fmt.Sprintf("%s: key %q missing", where, k))
				}
				continue
			}
			errs = append(errs, checkShape(s, ex[k], v, join(path, k))...)
		}
		return errs
	case []any:
		arr, ok := got.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %s, want an array", where, jsonType(got))}
		}
		if len(ex) == 0 {
			if len(arr) > 0 {
				return []string{fmt.Sprintf("%s: documented as always empty here, got %d element(s)", where, len(arr))}
			}
			return nil
		}
		var errs []string
		for _, e := range arr {
			errs = append(errs, checkShape(s, ex[0], e, path+"[]")...)
		}
		return errs
	default:
		if jsonType(example) != jsonType(got) {
			return []string{fmt.Sprintf("%s: %s, want %s", where, jsonType(got), jsonType(example))}
		}
		return nil
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// checkJSONOutput checks out, printed in mode, against shape.
func checkJSONOutput(shapes map[string]*jsonShape, name, mode string, out []byte) error {
	s, ok := shapes[name]
	if !ok {
		return fmt.Errorf("docs/json.md has no section %q", name)
	}
	var values []any
	switch mode {
	case "object", "array":
		var v any
		if err := json.Unmarshal(out, &v); err != nil {
			return fmt.Errorf("stdout is not one JSON value: %v", err)
		}
		if mode == "array" {
			arr, ok := v.([]any)
			if !ok || len(arr) == 0 {
				return fmt.Errorf("stdout is not a non-empty array")
			}
			values = arr
		} else {
			values = []any{v}
		}
	case "lines":
		for _, line := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
			var v any
			if err := json.Unmarshal([]byte(line), &v); err != nil || !strings.HasPrefix(line, "{") {
				return fmt.Errorf("line %q is not one compact JSON object", line)
			}
			values = append(values, v)
		}
	default:
		return fmt.Errorf("mode %q: want object, array or lines", mode)
	}
	var errs []string
	for _, v := range values {
		errs = append(errs, checkShape(s, s.example, v, "")...)
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s does not match docs/json.md:\n  %s", name, strings.Join(errs, "\n  "))
	}
	return nil
}

func jsonScriptCommands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		// jsonrun SHAPE MODE ARGS...: run paspor ARGS --json, which must succeed, and check its
		// stdout against docs/json.md's SHAPE (MODE object, array or lines).
		"jsonrun": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) < 3 {
				ts.Fatalf("usage: jsonrun SHAPE MODE ARGS...")
			}
			shapes, err := readJSONShapes()
			ts.Check(err)
			mode, code, err := jsonRunMode(args[1])
			ts.Check(err)
			err = ts.Exec("paspor", append(slices.Clone(args[2:]), "--json")...)
			if code != 0 {
				// MODE:CODE: the command prints its data and exits CODE (expiring's 12, a
				// rejected bundle's 9).
				var ee *exec.ExitError
				if !errors.As(err, &ee) || ee.ExitCode() != code {
					ts.Fatalf("paspor %s --json: %v, want exit %d\n%s", strings.Join(args[2:], " "), err, code, ts.ReadFile("stderr"))
				}
				err = nil
			}
			if mode == "error" {
				// MODE error: the command must fail, with one compact error object on stderr.
				if err == nil {
					ts.Fatalf("paspor %s --json succeeded, want an error", strings.Join(args[2:], " "))
				}
				ts.Check(checkJSONOutput(shapes, args[0], "lines", []byte(ts.ReadFile("stderr"))))
				return
			}
			if err != nil {
				ts.Fatalf("paspor %s --json: %v\n%s", strings.Join(args[2:], " "), err, ts.ReadFile("stderr"))
			}
			ts.Check(checkJSONOutput(shapes, args[0], mode, []byte(ts.ReadFile("stdout"))))
		},
	}
}

// jsonRunMode splits jsonrun's MODE[:CODE] into the mode and the exit code expected (0: success).
func jsonRunMode(arg string) (mode string, code int, err error) {
	mode, c, ok := strings.Cut(arg, ":")
	if !ok {
		return mode, 0, nil
	}
	code, err = strconv.Atoi(c)
	if err != nil || code <= 0 || mode == "error" {
		return "", 0, fmt.Errorf("jsonrun MODE %q: want MODE or MODE:CODE with CODE > 0 (not with error)", arg)
	}
	return mode, code, nil
}

// TestJSONShapesCoverEveryCommand fails for a command that prints data without a jsonrun
// line in json_shapes.txtar, and for a docs/json.md section no line checks.
func TestJSONShapesCoverEveryCommand(t *testing.T) {
	shapes, err := readJSONShapes()
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile("testdata/json_shapes.txtar")
	if err != nil {
		t.Fatal(err)
	}
	root := newRootCommand(newGlobals(nil, nil, nil))
	covered, used := map[string]bool{}, map[string]bool{}
	for _, line := range strings.Split(string(script), "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || f[0] != "jsonrun" {
			continue
		}
		c, _, err := root.Find(f[3:])
		if err != nil {
			t.Errorf("%s: %v", line, err)
			continue
		}
		covered[c.CommandPath()] = true
		used[f[1]] = true
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			walk(sub)
		}
		if c.Hidden || c.Name() == "help" || !c.Runnable() {
			return
		}
		path := c.CommandPath()
		if _, ok := noJSONData[path]; ok {
			if covered[path] {
				t.Errorf("%s has a jsonrun line and a noJSONData row: keep one", path)
			}
			return
		}
		if !covered[path] {
			t.Errorf("%s prints data but testdata/json_shapes.txtar has no jsonrun line for it (add one: jsonrun SHAPE MODE %s ...), or list it in noJSONData",
				path, strings.TrimPrefix(path, "paspor "))
		}
	}
	walk(root)
	// One shape per object: every attachments list of every example holds attachments.
	used["attachment"] = true
	for name, s := range shapes {
		for _, list := range valuesAt(s.example, "attachments") {
			arr, _ := list.([]any)
			for _, a := range arr {
				if errs := checkShape(shapes["attachment"], shapes["attachment"].example, a, ""); len(errs) > 0 {
					t.Errorf("docs/json.md: %s's attachments are not the attachment shape: %s", name, strings.Join(errs, "; "))
				}
			}
		}
	}
	for name := range shapes {
		if !used[name] {
			t.Errorf("docs/json.md section %q is checked by no jsonrun line", name)
		}
	}
}

// valuesAt returns the values of every key named key, at any depth of v.
func valuesAt(v any, key string) []any {
	var out []any
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if k == key {
				out = append(out, e)
			}
			out = append(out, valuesAt(e, key)...)
		}
	case []any:
		for _, e := range x {
			out = append(out, valuesAt(e, key)...)
		}
	}
	return out
}
