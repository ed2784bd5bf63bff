package schema

import "fmt"

// InvalidInputError reports input that fails validation. Reason never repeats the value,
// which may be document content. The wallet re-exports this type, so one type covers every
// validation failure a caller can see.
type InvalidInputError struct {
	Field  string // field name, role or option; may be empty
	Reason string
}

func (e *InvalidInputError) Error() string {
	if e.Field == "" {
		return e.Reason
	}
	return fmt.Sprintf("%s: %s", e.Field, e.Reason)
}
