package alipay

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
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
	// value is the unescaped string. Without escapes it shares the
	// decoded bytes (json.Unmarshal hands UnmarshalJSON the caller's own
	// slice, which outlives the comparison), so a binding costs no copy.
	value []byte
	odd   bool // present but neither a string nor null
}

func (e *echoedID) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) >= 2 && b[0] == '"' && bytes.IndexByte(b, '\\') < 0 && utf8.Valid(b):
		// The decoder has checked it is a valid string; invalid UTF-8,
		// which encoding/json turns into U+FFFD, takes the slow path so
		// that both read the same ID.
		e.value = b[1 : len(b)-1 : len(b)-1]
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		e.value = []byte(s)
		return nil
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
	Result           Result   `json:"result"`
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

// requestIDs are the IDs a request body names, read once per call; they
// share the body's bytes.
type requestIDs [len(echoedIDKeys)][]byte

// requestIDsOf reads the IDs from a request body that json.Marshal wrote:
// the string values of echoedIDKeys at the top level of the object. It walks
// the bytes itself because it runs on every call and json.Unmarshal costs
// five allocations more; the body is this package's own output, not input
// from the network. A body that is not a JSON object names none.
func requestIDsOf(body []byte) requestIDs {
	var ids requestIDs
	if len(body) == 0 || body[0] != '{' {
		return ids
	}
	depth, i := 0, 0
	for i < len(body) {
		switch body[i] {
		case '{', '[':
			depth++
			i++
		case '}', ']':
			depth--
			i++
		case '"':
			end := stringEnd(body, i)
			if depth == 1 && end+1 < len(body) && body[end+1] == ':' {
				key := body[i+1 : end]
				i = end + 2
				for k, name := range echoedIDKeys {
					if string(key) != name {
						continue
					}
					ids[k] = nil // a repeated key counts as its last value, as in json.Unmarshal
					if i < len(body) && body[i] == '"' {
						vEnd := stringEnd(body, i)
						var id echoedID
						if id.UnmarshalJSON(body[i:vEnd+1]) == nil {
							ids[k] = id.value
						}
						i = vEnd + 1
					}
					break
				}
				continue
			}
			i = end + 1
		default:
			i++
		}
	}
	return ids
}

// stringEnd returns the index of the quote that closes the JSON string
// starting at b[start], or len(b)-1 if it is not closed.
func stringEnd(b []byte, start int) int {
	for i := start + 1; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return len(b) - 1
}

// bind checks that the answer echoes no ID other than the request's.
func (ids *requestIDs) bind(env *envelope) error {
	for i, got := range env.ids() {
		want := ids[i]
		switch {
		case len(want) == 0:
		case got.odd:
			return fmt.Errorf("%w: the answer's %s is not a string; the request's is %q", ErrResponseMismatch, echoedIDKeys[i], truncate(string(want), 64))
		case len(got.value) != 0 && !bytes.Equal(got.value, want):
			return fmt.Errorf("%w: the answer's %s is %q, the request's %q", ErrResponseMismatch, echoedIDKeys[i], truncate(string(got.value), 64), truncate(string(want), 64))
		}
	}
	return nil
}

// checkFresh refuses a Response-Time outside [start-tol, now+tol].
func checkFresh(respTime string, start, now time.Time, tol time.Duration) error {
	if tol < 0 {
		return nil
	}
	t, err := parseRequestTime(respTime)
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
