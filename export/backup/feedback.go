package backup

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/export/request"
	"github.com/paspor/paspor/internal/termsafe"
	"github.com/paspor/paspor/wallet/schema"
)

// Feedback is one entry of feedback.json: partner feedback the holder imported, as the wallet
// keeps it (what the partner signed, checked at import, and when it arrived). The wallet does
// not keep the signed file, so a backup cannot carry it; a reader checks instead that each
// entry is about a bundle of the history that went to the very partner key it names.
type Feedback struct {
	// FeedbackID is the feedback's own ID (32 lowercase hex digits).
	FeedbackID string `json:"feedback_id"`
	// BundleID is the bundle it is about; RequestID the request that bundle answered.
	BundleID  string `json:"bundle_id"`
	RequestID string `json:"request_id,omitempty"`
	// Partner and PartnerKey are the signer's display name and "ssh-ed25519 <base64>" key.
	Partner    string `json:"partner"`
	PartnerKey string `json:"partner_key"`
	// CreatedAt is when the partner wrote it; ReceivedAt when the holder imported it.
	CreatedAt  time.Time `json:"created_at"`
	ReceivedAt time.Time `json:"received_at"`
	// Items are the problems, each about one document of the bundle.
	Items []FeedbackItem `json:"items"`
}

// FeedbackItem is one problem of a [Feedback], as paspor-feedback/1's item.
type FeedbackItem struct {
	Source     string   `json:"source"`
	DocumentID string   `json:"document_id"`
	Type       string   `json:"type"`
	Field      string   `json:"field,omitempty"`
	DataHash   string   `json:"data_hash,omitempty"`
	FileHash   string   `json:"file_hash,omitempty"`
	FileHashes []string `json:"file_hashes,omitempty"`
	Message    string   `json:"message"`
}

var idPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

var feedbackSources = []string{request.SourceData, request.SourceFrontSide, request.SourceReverseSide,
	request.SourceSelfie, request.SourceFile, request.SourceFiles, request.SourceTranslationFile,
	request.SourceTranslationFiles, request.SourceUnspecified}

// validKeyLine: a canonical "ssh-ed25519 <base64>" line without comment.
func validKeyLine(s string) bool {
	pub, err := crypto.ParseHolderKey(s)
	return err == nil && crypto.SSHPublicKeyLine(pub, "") == s
}

// validateRequest checks a share's request fields: all three or none, partial only with them.
func (s *Share) validateRequest() error {
	if s.RequestID == "" && s.Partner == "" && s.PartnerKey == "" {
		if s.Partial {
			return errors.New("partial without a request")
		}
		return nil
	}
	switch {
	case !idPattern.MatchString(s.RequestID):
		return errors.New("invalid request_id")
	case request.CheckPartnerName(s.Partner) != nil:
		return errors.New("invalid partner")
	case !validKeyLine(s.PartnerKey):
		return errors.New("invalid partner_key")
	}
	return nil
}

func (f *Feedback) validate() error {
	switch {
	case !idPattern.MatchString(f.FeedbackID) || !idPattern.MatchString(f.BundleID):
		return errors.New("invalid feedback_id or bundle_id")
	case f.RequestID != "" && !idPattern.MatchString(f.RequestID):
		return errors.New("invalid request_id")
	case request.CheckPartnerName(f.Partner) != nil || !validKeyLine(f.PartnerKey):
		return errors.New("invalid partner or partner_key")
	case !validTime(f.CreatedAt) || !validTime(f.ReceivedAt):
		return errors.New("invalid times")
	case len(f.Items) == 0 || len(f.Items) > request.MaxFeedbackItems:
		return errors.New("no items or too many")
	}
	for i, it := range f.Items {
		if err := it.validate(); err != nil {
			return fmt.Errorf("item %d: %w", i+1, err)
		}
	}
	return nil
}

func (it *FeedbackItem) validate() error {
	if !slices.Contains(feedbackSources, it.Source) || !docIDPattern.MatchString(it.DocumentID) {
		return errors.New("invalid source or document_id")
	}
	if _, err := schema.LookupType(it.Type); err != nil {
		return errors.New("unknown document type")
	}
	if it.Field != "" && (len(it.Field) > 64 || !termsafe.Clean(it.Field)) {
		return errors.New("invalid field")
	}
	if len(it.FileHashes) > request.MaxFileHashes {
		return errors.New("too many file_hashes")
	}
	for _, h := range append([]string{it.DataHash, it.FileHash}, it.FileHashes...) {
		if h != "" && !sha256Pattern.MatchString(h) {
			return errors.New("invalid hash")
		}
	}
	if it.Message == "" || !termsafe.Clean(it.Message) || utf8.RuneCountInString(it.Message) > 512 {
		return errors.New("invalid message")
	}
	return nil
}

// checkFeedbackAgainstHistory: every feedback entry is about a bundle of the history that
// answered a request of the partner key it names, and each item names a document of that
// bundle by ID and type, as the wallet checked when it imported the feedback.
func checkFeedbackAgainstHistory(history []Share, feedback []Feedback) error {
	byBundle := make(map[string]*Share, len(history))
	for i := range history {
		byBundle[history[i].BundleID] = &history[i]
	}
	seen := map[string]bool{}
	for i, f := range feedback {
		if seen[f.FeedbackID] {
			return fmt.Errorf("entry %d: feedback_id repeated", i+1)
		}
		seen[f.FeedbackID] = true
		s := byBundle[f.BundleID]
		if s == nil || s.PartnerKey != f.PartnerKey {
			return fmt.Errorf("entry %d: about no bundle of the history shared with its partner key", i+1)
		}
		for n, it := range f.Items {
			if !slices.ContainsFunc(s.Documents, func(d SharedDocument) bool { return d.ID == it.DocumentID && d.Type == it.Type }) {
				return fmt.Errorf("entry %d: item %d names a document the bundle did not hold", i+1, n+1)
			}
		}
	}
	return nil
}
