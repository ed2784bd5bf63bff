package main

import (
	"bytes"
	"strings"
	"testing"
)

const stream = `{"Action":"start","Package":"p"}
{"Action":"run","Package":"p","Test":"TestA"}
{"Action":"output","Package":"p","Test":"TestA","Output":"=== RUN   TestA\n"}
{"Action":"output","Package":"p","Test":"TestA","Output":"    a_test.go:9: SKIP: age is not installed: apt-get install age\n"}
{"Action":"output","Package":"p","Test":"TestA","Output":"--- SKIP: TestA (0.00s)\n"}
{"Action":"skip","Package":"p","Test":"TestA"}
{"Action":"run","Package":"p","Test":"TestB"}
{"Action":"output","Package":"p","Test":"TestB","Output":"=== RUN   TestB\n"}
{"Action":"output","Package":"p","Test":"TestB","Output":"    b_test.go:3: noise of a passing test\n"}
{"Action":"pass","Package":"p","Test":"TestB"}
{"Action":"output","Package":"p","Output":"ok  \tp\t0.01s\n"}
{"Action":"pass","Package":"p"}
`

const failing = `{"Action":"run","Package":"q","Test":"TestC"}
{"Action":"output","Package":"q","Test":"TestC","Output":"    c_test.go:5: broken\n"}
{"Action":"output","Package":"q","Test":"TestC","Output":"--- FAIL: TestC (0.00s)\n"}
{"Action":"fail","Package":"q","Test":"TestC"}
{"Action":"output","Package":"q","Output":"FAIL\tq\t0.01s\n"}
{"Action":"fail","Package":"q"}
`

func TestSummary(t *testing.T) {
	tests := []struct {
		name, in  string
		ci        bool
		wantCode  int
		want, not []string
	}{
		{"skip listed", stream, false, 0,
			[]string{"ok  \tp", "SKIP p TestA: a_test.go:9: SKIP: age is not installed: apt-get install age", "skipped: 1 test(s)"},
			[]string{"noise of a passing test", "=== RUN"}},
		{"skip fails under CI", stream, true, 1, []string{"CI=true and 1 test(s) skipped"}, nil},
		{"failure printed", failing, false, 1, []string{"c_test.go:5: broken", "--- FAIL: TestC", "FAIL\tq"}, nil},
		{"no results", "", false, 1, []string{"no test results"}, nil},
		{"non-JSON passed on", "# p\nvet: x.go:1: bad\n" + stream, false, 0, []string{"vet: x.go:1: bad"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			s, err := summarize(strings.NewReader(tt.in), &out)
			if err != nil {
				t.Fatal(err)
			}
			if code := report(&out, s, tt.ci); code != tt.wantCode {
				t.Errorf("exit code %d, want %d\n%s", code, tt.wantCode, out.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			for _, n := range tt.not {
				if strings.Contains(out.String(), n) {
					t.Errorf("output has %q:\n%s", n, out.String())
				}
			}
		})
	}
}
