package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"filippo.io/age"
	"filippo.io/age/agessh"
	"github.com/spf13/cobra"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/export/request"
	"github.com/paspor/paspor/internal/termsafe"
	"github.com/paspor/paspor/wallet"
)

// maxFeedbackFile caps the age file of feedback: the decrypted cap plus age's header and
// its 16 bytes per 64 KiB chunk, with room to spare.
const maxFeedbackFile = request.MaxFeedbackSize + 16<<10

func newFeedbackImportCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE",
		Short: "Record feedback a partner sent about a bundle you shared",
		Long: `Decrypt partner feedback (paspor-feedback/1, encrypted to your paspor key), check that
it is signed by the partner the bundle went to, as your history records it, and record it.
FILE - reads standard input. Feedback from anyone else, about a bundle you never shared, or
shared without a request (so with no partner key to check against), is refused with exit 9
and nothing is recorded.`,
		Example: `  paspor feedback import fb.paspor
  paspor feedback import - < fb.paspor`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runFeedbackImport(cmd.Context(), g, args[0]) },
	}
}

func runFeedbackImport(ctx context.Context, g *globals, path string) error {
	data, err := readFeedbackFile(g, path)
	if err != nil {
		return err
	}
	w, err := g.unlock(ctx, false)
	if err != nil {
		return err
	}
	defer w.Close()
	fb, _, err := openFeedbackFromPartner(w, data)
	if err != nil {
		return err
	}
	rec := wallet.FeedbackRecord{FeedbackID: fb.FeedbackID, BundleID: fb.BundleID, RequestID: fb.RequestID,
		Partner: fb.Partner, PartnerKey: fb.SigningKey, CreatedAt: fb.CreatedAt}
	for _, it := range fb.Items {
		rec.Items = append(rec.Items, wallet.FeedbackItem(it))
	}
	if err := w.RecordFeedback(rec); err != nil {
		var dup *wallet.DuplicateError
		if errors.As(err, &dup) {
			return errorWithHint(exitExists, "feedback "+fb.FeedbackID+" was imported before", "nothing was changed; paspor feedback show "+fb.FeedbackID[:8]+" shows it")
		}
		return err
	}
	if g.json {
		// The wallet stamped the time received: print the record as stored.
		records, err := w.Feedback()
		if err != nil {
			return err
		}
		for i := range records {
			if records[i].FeedbackID == rec.FeedbackID {
				rec = records[i]
			}
		}
		return printJSON(g.stdout, feedbackViewOf(&rec, nil))
	}
	fmt.Fprintf(g.stdout, "imported feedback %s from %s about bundle %s: %d item(s)\n",
		rec.FeedbackID, termsafe.Quote(rec.Partner), rec.BundleID, len(rec.Items))
	for _, it := range rec.Items {
		fmt.Fprintf(g.stdout, "  %s %s: %s\n", it.DocumentID, itemWhat(it), termsafe.Quote(it.Message))
	}
	return nil
}

// readFeedbackFile reads FILE or standard input, capped.
func readFeedbackFile(g *globals, path string) ([]byte, error) {
	var r io.Reader = g.stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, errorWithHint(exitNotFound, fmt.Sprintf("feedback file %s cannot be opened", path))
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxFeedbackFile+1))
	if err != nil {
		return nil, fmt.Errorf("failed to read feedback: %w", err)
	}
	if len(data) > maxFeedbackFile {
		return nil, &request.RejectedError{What: "feedback", Reason: request.ReasonTooLarge, Detail: "the file is larger than feedback can be"}
	}
	return data, nil
}

// openFeedbackFromPartner opens feedback with the holder's key and finds who signed it among
// the partners the history names; the bundle it is about must be one shared with that very
// partner, and every item must name a document that bundle held.
func openFeedbackFromPartner(w *wallet.Wallet, data []byte) (*request.Feedback, *wallet.ShareRecord, error) {
	shares, err := w.Shares()
	if err != nil {
		return nil, nil, err
	}
	priv := w.SigningKey()
	id, err := agessh.NewEd25519Identity(priv)
	if err != nil {
		return nil, nil, err
	}
	var keys []string
	for _, s := range shares {
		if s.PartnerKey != "" && !slices.Contains(keys, s.PartnerKey) {
			keys = append(keys, s.PartnerKey)
		}
	}
	if len(keys) == 0 {
		return nil, nil, errorWithHint(exitRejected, "feedback rejected (signer): you have not answered any partner request, so no partner key can check it",
			"feedback is accepted only about bundles made with paspor share --request")
	}
	var fb *request.Feedback
	for _, k := range keys {
		pub, err := crypto.ParseHolderKey(k)
		if err != nil {
			continue
		}
		fb, err = request.OpenFeedback(bytes.NewReader(data), request.FeedbackOptions{Identities: []age.Identity{id},
			Holder: priv.Public().(ed25519.PublicKey), Partner: pub})
		var re *request.RejectedError
		if err == nil {
			break
		}
		if errors.As(err, &re) && re.Reason == request.ReasonSigner {
			continue
		}
		return nil, nil, err
	}
	if fb == nil {
		return nil, nil, errorWithHint(exitRejected, "feedback rejected (signer): signed by a key of no partner you shared with in answer to a request",
			"nothing was recorded; only the partner a bundle went to can send feedback on it")
	}
	i := slices.IndexFunc(shares, func(s wallet.ShareRecord) bool { return s.BundleID == fb.BundleID })
	if i < 0 || shares[i].PartnerKey != fb.SigningKey {
		return nil, nil, errorWithHint(exitRejected,
			fmt.Sprintf("feedback rejected (bundle): %s never received bundle %s", termsafe.Quote(fb.Partner), fb.BundleID),
			"nothing was recorded; feedback counts only from the partner a bundle went to")
	}
	share := &shares[i]
	for n, it := range fb.Items {
		if !slices.ContainsFunc(share.Documents, func(d wallet.SharedDocument) bool { return d.ID == it.DocumentID && d.Type == it.Type }) {
			return nil, nil, errorWithHint(exitRejected,
				fmt.Sprintf("feedback rejected (bundle): item %d names document %s, which bundle %s did not hold", n+1, it.DocumentID, fb.BundleID),
				"nothing was recorded")
		}
	}
	return fb, share, nil
}
