package request

import (
	"os"
	"strings"
	"testing"
)

// TestFormatDocCaps keeps the caps table of docs/request-format.md equal to the constants.
func TestFormatDocCaps(t *testing.T) {
	doc, err := os.ReadFile("../../docs/request-format.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := []string{
		"| request file | " + itoa(MaxRequestSize) + " bytes |",
		"| PassportScope input | " + itoa(MaxTelegramScopeSize) + " bytes |",
		"| decrypted feedback | " + itoa(MaxFeedbackSize) + " bytes |",
		"| signature armor | " + itoa(maxSignatureSize) + " bytes |",
		"| request validity | " + itoa(int(MaxValidity.Hours()/24)) + " days |",
		"| clock skew for `created_at` | " + itoa(int(MaxClockSkew.Minutes())) + " minutes |",
		"| recipients | " + itoa(MaxRecipients) + " |",
		"| scope elements | " + itoa(MaxElements) + " |",
		"| `one_of`, `fields`, `scans` | " + itoa(MaxListItems) + " each |",
		"| `max_age` | " + itoa(MaxAgeDays) + " days |",
		"| partner name / purpose / message | " + itoa(maxPartner) + " / " + itoa(maxPurpose) + " / " + itoa(maxMessage) + " characters |",
		"| feedback items / `file_hashes` | " + itoa(MaxFeedbackItems) + " / " + itoa(MaxFileHashes) + " |",
		"| JSON nesting | " + itoa(maxDepth) + " |",
		"| replay store | " + itoa(MaxReplayEntries) + " entries, " + itoa(maxReplayFile>>20) + " MiB |",
	}
	for _, row := range rows {
		if !strings.Contains(string(doc), row) {
			t.Errorf("the caps table lacks %q", row)
		}
	}
}
