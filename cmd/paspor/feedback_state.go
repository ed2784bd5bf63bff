package main

import (
	"strings"

	"github.com/paspor/paspor/export/request"
	"github.com/paspor/paspor/wallet"
)

// Feedback state: which imported feedback items still stand against a document. An item is
// resolved once the holder changed what it names (request.FeedbackItem.Resolved compares
// the hashes as shared with the current values); an "unspecified" item, which names nothing,
// once the document was edited after the feedback arrived. Feedback on a removed document
// no longer stands.

// openItem is an unresolved feedback item with the feedback it came in.
type openItem struct {
	fb   *wallet.FeedbackRecord
	item wallet.FeedbackItem
}

// itemResolved reports whether item no longer holds against d (nil: the document is gone).
func itemResolved(fb *wallet.FeedbackRecord, item wallet.FeedbackItem, d *wallet.Document) bool {
	if d == nil {
		return true
	}
	if item.Source == request.SourceUnspecified {
		return d.UpdatedAt.After(fb.ReceivedAt)
	}
	files := make(map[string]string, len(d.Attachments))
	for _, a := range d.Attachments {
		files[a.Role] = a.SHA256
	}
	ri := request.FeedbackItem(item)
	return ri.Resolved(d.Fields, files)
}

// unresolvedFeedback returns, by document ID, the items of records that still hold against
// the documents in docs; keep, when not nil, selects the records that count.
func unresolvedFeedback(records []wallet.FeedbackRecord, docs map[string]*wallet.Document, keep func(*wallet.FeedbackRecord) bool) map[string][]openItem {
	out := map[string][]openItem{}
	for i := range records {
		fb := &records[i]
		if keep != nil && !keep(fb) {
			continue
		}
		for _, it := range fb.Items {
			if d := docs[it.DocumentID]; !itemResolved(fb, it, d) {
				out[it.DocumentID] = append(out[it.DocumentID], openItem{fb: fb, item: it})
			}
		}
	}
	return out
}

// samePartner reports whether feedback came from the partner that signed req: by key, or by
// the name the holder pinned (a partner whose key changed still owes its old feedback).
func samePartner(fb *wallet.FeedbackRecord, req *request.Request) bool {
	return fb.PartnerKey == req.SigningKey || strings.EqualFold(fb.Partner, req.Partner)
}

// documentsByID indexes documents by ID.
func documentsByID(docs []*wallet.Document) map[string]*wallet.Document {
	out := make(map[string]*wallet.Document, len(docs))
	for _, d := range docs {
		out[d.ID] = d
	}
	return out
}
