package request

import (
	"strings"
	"testing"
)

func TestFeedbackItemResolved(t *testing.T) {
	a, b, c := strings.Repeat("a", 64), strings.Repeat("b", 64), strings.Repeat("c", 64)
	data := FeedbackItem{Source: SourceData, Field: "document_no", DataHash: FieldHash("X1")}
	selfie := FeedbackItem{Source: SourceSelfie, FileHash: a}
	file := FeedbackItem{Source: SourceFile, FileHash: a}
	files := FeedbackItem{Source: SourceFiles, FileHashes: []string{a, b}}
	trans := FeedbackItem{Source: SourceTranslationFile, FileHash: a}
	unspec := FeedbackItem{Source: SourceUnspecified}
	cases := []struct {
		name   string
		item   FeedbackItem
		fields map[string]string
		files  map[string]string
		want   bool
	}{
		{"data unchanged", data, map[string]string{"document_no": "X1"}, nil, false},
		{"data changed", data, map[string]string{"document_no": "X2"}, nil, true},
		{"data removed", data, map[string]string{}, nil, true},
		{"selfie unchanged", selfie, nil, map[string]string{"selfie": a}, false},
		{"selfie replaced", selfie, nil, map[string]string{"selfie": c}, true},
		{"selfie removed", selfie, nil, map[string]string{"front_side": a}, true},
		{"file still there, moved", file, nil, map[string]string{"file/2": a, "file/1": c}, false},
		{"file replaced", file, nil, map[string]string{"file/1": c}, true},
		{"files unchanged", files, nil, map[string]string{"file/1": a, "file/2": b}, false},
		{"files, a page added", files, nil, map[string]string{"file/1": a, "file/2": b, "file/3": c}, true},
		{"files, reordered", files, nil, map[string]string{"file/1": b, "file/2": a}, false},
		{"files, one replaced", files, nil, map[string]string{"file/1": a, "file/2": c}, true},
		{"translation unchanged", trans, nil, map[string]string{"translation/1": a, "file/1": c}, false},
		{"translation replaced", trans, nil, map[string]string{"translation/1": c, "file/1": a}, true},
		{"unspecified", unspec, map[string]string{}, map[string]string{}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.item.Resolved(c.fields, c.files); got != c.want {
				t.Fatalf("Resolved = %v, want %v", got, c.want)
			}
		})
	}
}
