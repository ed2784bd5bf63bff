package schema

import "time"

// Date fields that CheckDates relates to each other.
const (
	fieldBirthDate = "birth_date"
	fieldIssueDate = "issue_date"
)

// CheckDates refuses dates that cannot be true together, with an *InvalidInputError: a
// birth_date after today (one day of slack, so that a person born today in a time zone
// ahead of now's is not refused) and an expiry_date before the issue_date. fields holds
// normalised values (YYYY-MM-DD, see [TypeSpec.NormalizeFields]), which compare as
// strings; a field the type or the document lacks is not checked. now is passed in so that
// tests can fix the day.
func (t *TypeSpec) CheckDates(fields map[string]string, now time.Time) error {
	if _, ok := t.Field(fieldBirthDate); ok {
		latest := now.UTC().AddDate(0, 0, 1).Format(time.DateOnly)
		if b := fields[fieldBirthDate]; b != "" && b > latest {
			return &InvalidInputError{Field: fieldBirthDate, Reason: "in the future"}
		}
	}
	_, hasExpiry := t.Field(fieldExpiryDate)
	_, hasIssue := t.Field(fieldIssueDate)
	if hasExpiry && hasIssue {
		e, i := fields[fieldExpiryDate], fields[fieldIssueDate]
		if e != "" && i != "" && e < i {
			return &InvalidInputError{Field: fieldExpiryDate, Reason: "before the issue date"}
		}
	}
	return nil
}
