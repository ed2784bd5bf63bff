package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/paspor/paspor/wallet"
	"github.com/paspor/paspor/wallet/schema"
)

// shareWarnWithin is how close to its expiry day a shared document draws a warning: a
// partner checking it next month may already refuse it.
const shareWarnWithin = 30

// checkShareExpiry is the expiry rule of every share path (a bundle, --format telegram, a
// share answering a request): an expired document is refused unless allowExpired, with
// nothing written; a document that expires within 30 days, an expired one sent anyway and
// a stale proof of address are warned about on warn. Call it once the documents are chosen
// and before anything is written.
func checkShareExpiry(warn io.Writer, docs []*wallet.Document, allowExpired bool) error {
	marker := newExpiryMarker(schema.ExpiryRules{Within: shareWarnWithin, StaleAfter: schema.DefaultStaleAfter})
	var expired []string
	for _, d := range docs {
		v := marker.of(d)
		if v == nil {
			continue
		}
		name := d.Type + " " + d.ID
		switch {
		case v.Status == schema.Expired && !allowExpired:
			expired = append(expired, fmt.Sprintf("%s expired on %s", name, v.Date))
		case v.Status == schema.Expired:
			warnf(warn, "sharing %s although it %s (on %s), as --allow-expired asks", name, v.text(), v.Date)
		case v.Status == schema.Expiring:
			warnf(warn, "%s %s (%s); a partner may refuse a document about to expire", name, v.text(), v.Date)
		case v.Status == schema.Stale:
			warnf(warn, "%s was issued %s ago (%s); partners usually want a proof of address from the last %s",
				name, countDays(v.Days), v.Date, countDays(schema.DefaultStaleAfter))
		}
	}
	if len(expired) > 0 {
		return errorWithHint(exitInvalidInput, strings.Join(expired, "; "),
			"nothing was written; add the renewed document and share that, or pass --allow-expired to send this one anyway (most partners refuse an expired document)")
	}
	return nil
}
