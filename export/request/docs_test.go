package request

import (
	"os"
	"regexp"
	"testing"
)

// TestFormatDocListsEveryReason keeps docs/request-format.md's reason table and the Reason
// constants the same set.
func TestFormatDocListsEveryReason(t *testing.T) {
	doc, err := os.ReadFile("../../docs/request-format.md")
	if err != nil {
		t.Fatal(err)
	}
	start := regexp.MustCompile(`(?m)^## 7\. Reasons`).FindIndex(doc)
	end := regexp.MustCompile(`(?m)^## 8\. `).FindIndex(doc)
	if start == nil || end == nil {
		t.Fatal("sections 7 and 8 not found")
	}
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z_]+)` \\| ").FindAllSubmatch(doc[start[0]:end[0]], -1) {
		documented[string(m[1])] = true
	}
	for r := range knownReasons {
		if !documented[r] {
			t.Errorf("reason %s is not in the reasons table", r)
		}
	}
	for r := range documented {
		if !knownReasons[r] {
			t.Errorf("the reasons table lists %s, which is no Reason constant", r)
		}
	}
}
