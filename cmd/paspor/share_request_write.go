package main

import (
	"context"
	"io"
	"slices"
	"time"

	"github.com/paspor/paspor/export"
	"github.com/paspor/paspor/export/request"
	"github.com/paspor/paspor/wallet"
)

// writeAnswer opens the wallet for writing (after the holder consented, with no lock held in
// between), checks that the documents are still as the screen showed them, writes the bundle
// the request asks for and records the share, which pins the partner.
func writeAnswer(ctx context.Context, g *globals, pass []byte, req *request.Request, snap *requestSnapshot,
	plan *answerPlan, opts shareOptions, ttl time.Duration, partial bool) (*shareView, *export.Manifest, error) {
	recipients, err := export.ParseRecipients(req.Recipients)
	if err != nil {
		return nil, nil, err
	}
	w, err := g.unlockWith(ctx, false, pass)
	if err != nil {
		return nil, nil, err
	}
	defer w.Close()
	var edocs []export.Document
	var sources []*wallet.Document
	for _, c := range plan.chosen {
		if c == nil {
			continue
		}
		d, err := w.Get(c.DocumentID)
		if err != nil || !d.UpdatedAt.Equal(snap.byID[c.DocumentID].UpdatedAt) {
			return nil, nil, &userError{code: exitError, msg: "document " + c.DocumentID + " changed after the consent screen; nothing was shared",
				hints: []string{"run paspor share --request again to see what would go now"}}
		}
		fields, scans := c.Selection()
		ed := export.Document{ID: d.ID, Type: d.Type, Fields: map[string]string{}}
		for _, f := range fields {
			ed.Fields[f] = d.Fields[f]
		}
		for _, a := range d.Attachments {
			if slices.Contains(scans, a.Role) {
				ed.Files = append(ed.Files, export.File{Role: a.Role, MediaType: a.MediaType, Size: a.Size, SHA256: a.SHA256})
			}
		}
		edocs = append(edocs, ed)
		sources = append(sources, d)
	}
	var watcher scanWatcher
	open := func(d, f int) (io.ReadCloser, error) {
		file := edocs[d].Files[f]
		r, _, err := w.OpenAttachment(sources[d], file.Role)
		if err != nil {
			return nil, err
		}
		r = watcher.watch(sources[d].ID+" "+file.Role, file.MediaType, r)
		return readCloser{withProgress(g, interruptible(ctx, r), file.Size, "sharing "+file.Role), r}, nil
	}
	var m *export.Manifest
	err = writeOutput(g, opts.output, func(out io.Writer) error {
		m, err = export.Write(out, edocs, open, export.WriteOptions{Recipients: recipients, Armor: opts.armor,
			Nonce: req.Nonce, Purpose: req.Purpose, RequestID: req.RequestID, TTL: ttl, Signer: w.SigningKey(), Now: testOnlyNow})
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	watcher.warn(g.stderr)
	rec := wallet.ShareRecord{BundleID: m.BundleID, CreatedAt: m.CreatedAt, ExpiresAt: m.ExpiresAt, Audience: m.Audience,
		Nonce: m.Nonce, Purpose: m.Purpose, RequestID: req.RequestID, Partner: req.Partner, PartnerKey: req.SigningKey,
		Partial: partial, Documents: (&selection{}).shared(m)}
	if err := w.RecordShare(rec); err != nil {
		return nil, nil, &userError{code: exitError, err: err,
			msg: "bundle written to " + opts.output + ", but failed to record it in the history: " + lower(err.Error())}
	}
	v := shareViewOf(rec)
	v.Path = opts.output
	if rec.PartnerKey != "" {
		v.PartnerFingerprint = keyFingerprint(rec.PartnerKey)
	}
	return &v, m, nil
}
