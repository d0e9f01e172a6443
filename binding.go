package alipay

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

var (
	// ErrResponseMismatch: a signed answer is not the answer to the call
	// that was made. An ID it echoes (see Client.Do) differs from the one
	// the request named, as when a genuine answer to another call is
	// replayed. The call's outcome is unknown.
	ErrResponseMismatch = errors.New("alipay: response does not answer this request")
	// ErrStaleResponse: a signed answer's Response-Time lies outside the
	// window around the call (see WithResponseTimeTolerance), or cannot be
	// read as a time. The call's outcome is unknown.
	ErrStaleResponse = errors.New("alipay: response is not fresh")
)

// echoedIDKeys are the top-level JSON keys whose values bind an answer to
// its request; Client.Do documents them and their sources.
var echoedIDKeys = [...]string{"paymentRequestId", "paymentId", "refundRequestId", "refundId", "captureRequestId", "captureId"}

// DefaultResponseTimeTolerance is how far outside the duration of a call a
// signed answer's Response-Time may lie when WithResponseTimeTolerance is not
// given. Servers kept by NTP agree to well under a second; five minutes
// tolerates a client or gateway clock that drifted for days, while an answer
// recorded earlier than that cannot be replayed as a fresh one.
const DefaultResponseTimeTolerance = 5 * time.Minute

// echoedID is the value of one of echoedIDKeys in a JSON object.
type echoedID struct {
	value string
	odd   bool // present but neither a string nor null
}

func (e *echoedID) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) > 0 && b[0] == '"':
		return json.Unmarshal(b, &e.value)
	case string(b) == "null":
		return nil
	default:
		e.odd = true
		return nil
	}
}

// envelope is what the pipeline decodes from every answer, and from every
// request body for the binding: the result and the echoed IDs, in the order
// of echoedIDKeys.
type envelope struct {
	Result           *Result  `json:"result"`
	PaymentRequestID echoedID `json:"paymentRequestId"`
	PaymentID        echoedID `json:"paymentId"`
	RefundRequestID  echoedID `json:"refundRequestId"`
	RefundID         echoedID `json:"refundId"`
	CaptureRequestID echoedID `json:"captureRequestId"`
	CaptureID        echoedID `json:"captureId"`
}

func (e *envelope) ids() [len(echoedIDKeys)]*echoedID {
	return [...]*echoedID{&e.PaymentRequestID, &e.PaymentID, &e.RefundRequestID, &e.RefundID, &e.CaptureRequestID, &e.CaptureID}
}

// requestIDs are the IDs a request body names, read once per call.
type requestIDs [len(echoedIDKeys)]string

// requestIDsOf reads the IDs from a request body that json.Marshal wrote.
// A body that is not a JSON object names none.
func requestIDsOf(body []byte) requestIDs {
	var env envelope
	var ids requestIDs
	if json.Unmarshal(body, &env) != nil {
		return ids
	}
	for i, id := range env.ids() {
		ids[i] = id.value
	}
	return ids
}

// bind checks that the answer echoes no ID other than the request's.
func (ids *requestIDs) bind(env *envelope) error {
	for i, got := range env.ids() {
		want := ids[i]
		switch {
		case want == "":
		case got.odd:
			return fmt.Errorf("%w: the answer's %s is not a string; the request's is %q", ErrResponseMismatch, echoedIDKeys[i], truncate(want, 64))
		case got.value != "" && got.value != want:
			return fmt.Errorf("%w: the answer's %s is %q, the request's %q", ErrResponseMismatch, echoedIDKeys[i], truncate(got.value, 64), truncate(want, 64))
		}
	}
	return nil
}

// checkFresh refuses a Response-Time outside [start-tol, now+tol].
func checkFresh(respTime string, start, now time.Time, tol time.Duration) error {
	if tol < 0 {
		return nil
	}
	t, err := notifyParseRequestTime(respTime)
	if err != nil {
		return fmt.Errorf("%w: Response-Time %q is neither ISO 8601 nor epoch milliseconds", ErrStaleResponse, truncate(respTime, 40))
	}
	switch {
	case t.Before(start.Add(-tol)):
		return fmt.Errorf("%w: Response-Time %s is %s before the call began; the tolerance is %s (see WithResponseTimeTolerance)", ErrStaleResponse, truncate(respTime, 40), start.Sub(t).Round(time.Second), tol)
	case t.After(now.Add(tol)):
		return fmt.Errorf("%w: Response-Time %s is %s after the answer arrived; the tolerance is %s (see WithResponseTimeTolerance)", ErrStaleResponse, truncate(respTime, 40), t.Sub(now).Round(time.Second), tol)
	}
	return nil
}
