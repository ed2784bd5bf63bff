package telegram

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestElementErrors(t *testing.T) {
	p, err := Open(readVector(t, "ptb/raw_passport_data.json"), readPrivateKey(t, "ptb/ptb_private.pem"), OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var errs []ElementError
	add := func(e ElementError, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		errs = append(errs, e)
	}
	add(p.DataError("personal_details", "first_name", "does not match the passport"))
	add(p.FileError("driver_license", "selfie", "face not visible"))
	add(p.FileError("driver_license", "translation/2", "unreadable"))
	add(p.FileError("utility_bill", "file", "older than 3 months"))
	add(p.UnspecifiedError("address", "not in a supported country"))
	got, err := ErrorsJSON(42, errs)
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		UserID int64            `json:"user_id"`
		Errors []map[string]any `json:"errors"`
	}
	if err := json.Unmarshal(got, &v); err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{
		{"source": "data", "type": "personal_details", "field_name": "first_name", "data_hash": "qv4TfMuqw2pPaHqvNSthSVVcN32cty1dFlHkCbzFZ2k=", "message": "does not match the passport"},
		{"source": "selfie", "type": "driver_license", "file_hash": "Cila/qLXSBH7DpZFbb5bRZIRxeFW2uv/ulL0u0JNsYI=", "message": "face not visible"},
		{"source": "translation_file", "type": "driver_license", "file_hash": "A+7VcezMTzNP3vdXYM3fDeyt1a0WTskzEAgBiHwGO9E=", "message": "unreadable"},
		{"source": "files", "type": "utility_bill", "file_hashes": []any{"EXkPzUqj3RtvE3Qa72ftuAnRQCP+uRzLxI3qgr6aUDg=", "1q80mhAUNFWexI+tQpymZAfXrXjMdt2H3xZk366LDAA="}, "message": "older than 3 months"},
		{"source": "unspecified", "type": "address", "element_hash": "at least I get the pattern now", "message": "not in a supported country"},
	}
	if v.UserID != 42 || len(v.Errors) != len(want) {
		t.Fatalf("got %s", got)
	}
	for i := range want {
		a, _ := json.Marshal(v.Errors[i])
		b, _ := json.Marshal(want[i])
		if string(a) != string(b) {
			t.Errorf("error %d\n got %s\nwant %s", i, a, b)
		}
	}
	var nf *NotFoundError
	for _, e := range []error{
		second(p.DataError("passport", "document_no", "x")),
		second(p.DataError("personal_details", "shoe_size", "x")),
		second(p.FileError("driver_license", "translation/3", "x")),
		second(p.FileError("address", "file", "x")),
	} {
		if !errors.As(e, &nf) {
			t.Errorf("%v, want a NotFoundError", e)
		}
	}
	if _, err := p.UnspecifiedError("address", ""); err == nil {
		t.Error("an empty message was accepted")
	}
}

func second(_ ElementError, err error) error { return err }
