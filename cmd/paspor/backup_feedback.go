package main

// Received partner feedback in a backup: the wallet's records as backup.Feedback and back.

import (
	"github.com/paspor/paspor/export/backup"
	"github.com/paspor/paspor/wallet"
)

// backupFeedback lists the wallet's feedback records for feedback.json, oldest received first.
func backupFeedback(w *wallet.Wallet) ([]backup.Feedback, error) {
	records, err := w.Feedback()
	if err != nil {
		return nil, err
	}
	out := make([]backup.Feedback, len(records))
	for i, f := range records {
		bf := backup.Feedback{FeedbackID: f.FeedbackID, BundleID: f.BundleID, RequestID: f.RequestID,
			Partner: f.Partner, PartnerKey: f.PartnerKey, CreatedAt: f.CreatedAt.UTC(), ReceivedAt: f.ReceivedAt.UTC(),
			Items: make([]backup.FeedbackItem, len(f.Items))}
		for j, it := range f.Items {
			bf.Items[j] = backup.FeedbackItem(it)
		}
		out[i] = bf
	}
	return out, nil
}

// importFeedback turns a checked backup's feedback into wallet records.
func importFeedback(list []backup.Feedback) []wallet.FeedbackRecord {
	out := make([]wallet.FeedbackRecord, len(list))
	for i, f := range list {
		rec := wallet.FeedbackRecord{FeedbackID: f.FeedbackID, BundleID: f.BundleID, RequestID: f.RequestID,
			Partner: f.Partner, PartnerKey: f.PartnerKey, CreatedAt: f.CreatedAt, ReceivedAt: f.ReceivedAt,
			Items: make([]wallet.FeedbackItem, len(f.Items))}
		for j, it := range f.Items {
			rec.Items[j] = wallet.FeedbackItem(it)
		}
		out[i] = rec
	}
	return out
}
