package mrz

import (
	"errors"
	"reflect"
	"testing"
)

// FuzzParse holds Parse to never panicking, to failing only with its typed errors, and to
// reading back what it accepted: the lines of an accepted zone parse to the same result.
// Seeds are in testdata/fuzz/FuzzParse (the specimens and broken variants of them).
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, in string) {
		m, err := ParseAt(in, testNow)
		if err != nil {
			var fe *FieldError
			var ce *CheckDigitError
			if !errors.As(err, &fe) && !errors.As(err, &ce) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			return
		}
		again, err := ParseAt(m.Text(), testNow)
		if err != nil {
			t.Fatalf("accepted zone does not parse again: %v", err)
		}
		if !reflect.DeepEqual(m, again) {
			t.Fatalf("re-parse differs:\n%+v\n%+v", m, again)
		}
	})
}
