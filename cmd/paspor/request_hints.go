package main

import "github.com/paspor/paspor/export/request"

// requestHints says what to do about a rejected request, answer, replay or feedback, by
// what was rejected and why. The holder meets the request and feedback rejections (share
// --request, feedback import); the partner meets the answer and replay ones (open with a
// request). Reasons that only a broken or hostile file gives get the generic hint.
func requestHints(e *request.RejectedError) []string {
	switch e.What {
	case "request":
		return requestFileHints(e.Reason)
	case "scope":
		return []string{"the request's scope breaks the format's rules: ask the partner for a new request (paspor partner request)"}
	case "answer":
		return answerHints(e.Reason)
	case "replay":
		return []string{"this request was answered before: nothing was written, and a holder who sends again answers a new request (paspor partner request)"}
	case "feedback":
		return feedbackHints(e.Reason)
	}
	return nil
}

// requestFileHints: the holder read a request that cannot be answered.
func requestFileHints(reason string) []string {
	switch reason {
	case request.ReasonExpired:
		return []string{"the request is no longer valid: ask the partner for a new request"}
	case request.ReasonNotYetValid:
		return []string{"the request is dated in the future: check this computer's clock, or ask the partner for a new request"}
	case request.ReasonSignature:
		return []string{"the request was changed or damaged after the partner signed it: nothing was shared; ask the partner to send it again"}
	case request.ReasonSigner:
		return []string{"the request is signed by another key than the partner's you know: someone else may be using this partner's name; confirm its key by another channel"}
	case request.ReasonTooLarge, request.ReasonMalformed, request.ReasonFormat, request.ReasonNotCanonical, request.ReasonInvalid:
		return []string{"this is not a paspor request this version can read: ask the partner to send it again, made with paspor partner request"}
	}
	return nil
}

// answerHints: the partner opened a bundle that does not answer its request.
func answerHints(reason string) []string {
	switch reason {
	case request.ReasonRequestID, request.ReasonNonce:
		return []string{"the bundle answers another request: open it with the request it names (--request), or ask the holder to answer yours with paspor share --request"}
	case request.ReasonAudience:
		return []string{"the bundle is not encrypted to exactly the request's recipients: it may have been forwarded; ask the holder to answer the request again"}
	case request.ReasonLate:
		return []string{"the bundle was made outside the request's validity: issue a new request (paspor partner request)"}
	case request.ReasonMissing:
		return []string{"the holder did not send everything the request marks mandatory: ask for it, or accept the partial answer with --partial"}
	case request.ReasonExtra:
		return []string{"the bundle holds more than the request asked for: nothing was written; ask the holder to answer with paspor share --request"}
	case request.ReasonStale:
		return []string{"the proof of address is older than the request's max_age: ask the holder for a recent one"}
	}
	return nil
}

// feedbackHints: the holder imported feedback that was refused.
func feedbackHints(reason string) []string {
	switch reason {
	case request.ReasonDecrypt, request.ReasonHolder:
		return []string{"the feedback is not for this wallet: the partner must encrypt it to the key paspor key prints"}
	case request.ReasonSigner, request.ReasonSignature, request.ReasonBundle:
		return []string{"nothing was recorded: feedback counts only from the partner a bundle went to"}
	}
	return nil
}
