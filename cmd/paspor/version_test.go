package main

import (
	"encoding/json"
	"runtime/debug"
	"strings"
	"testing"
)

// The VCS fields appear only when a revision was recorded: without one, "modified": false
// would claim a clean checkout nobody checked.
func TestVersionFrom(t *testing.T) {
	tests := []struct {
		name     string
		settings []debug.BuildSetting
		want     []string // substrings of the JSON
		not      []string
	}{
		{"no vcs", nil, []string{`"version":"v1.2.3"`}, []string{"modified", "revision", "time"}},
		{"modified without revision", []debug.BuildSetting{{Key: "vcs.modified", Value: "false"}, {Key: "vcs.time", Value: "2026-01-01T00:00:00Z"}},
			nil, []string{"modified", "revision", "time"}},
		{"clean", []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef"}, {Key: "vcs.modified", Value: "false"}},
			[]string{`"revision":"0123456789abcdef"`, `"modified":false`}, nil},
		{"modified", []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef"}, {Key: "vcs.modified", Value: "true"}},
			[]string{`"modified":true`}, nil},
	}
	for _, tt := range tests {
		v := versionFrom(&debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}, Settings: tt.settings})
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !strings.Contains(string(b), w) {
				t.Errorf("%s: %s lacks %s", tt.name, b, w)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(string(b), n) {
				t.Errorf("%s: %s has %s", tt.name, b, n)
			}
		}
	}
	if s := versionFrom(&debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}, Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef"}, {Key: "vcs.modified", Value: "true"}}}).String(); !strings.Contains(s, "(revision 0123456789ab, modified)") {
		t.Errorf("String() = %q", s)
	}
}
