package alipay

import (
	"errors"
	"fmt"
	"strings"

	"github.com/xborderpay/alipay/internal/httpx"
)

// Sentinel errors, matched with errors.Is.
var (
	// ErrInvalidKey: a key given to ParsePrivateKey, ParsePublicKey or an
	// option could not be used. The message says what was found.
	ErrInvalidKey = errors.New("alipay: invalid key")
	// ErrMalformedSignature: a Signature header could not be parsed.
	ErrMalformedSignature = errors.New("alipay: malformed Signature header")
	// ErrBadSignature: a signature did not verify with Antom's public key.
	ErrBadSignature = errors.New("alipay: signature verification failed")
	// ErrUnsignedResponse: a response came without a Signature header, so
	// anyone between the client and Antom could have written it. Its
	// result, if it had one, is kept in Error.Result with Error.Unverified
	// set, and the outcome is unknown.
	ErrUnsignedResponse = errors.New("alipay: response is not signed")
	// ErrTooLarge: a response or notification body exceeded the
	// size bound.
	ErrTooLarge = errors.New("alipay: body too large")
)

// ValidationError reports a request that was refused before anything was
// sent. Field is the JSON path of the offending field, e.g. "env.osType".
type ValidationError struct {
	Field  string
	Reason string
}

func (e *ValidationError) Error() string {
	return "alipay: invalid request: " + e.Field + ": " + e.Reason
}

// Error is returned by every API call that reached (or tried to reach) Antom
// and did not succeed. Use errors.As to inspect it.
//
// For a signed F result, Result holds Antom's code and message: a definite
// refusal. For a transport failure, an exhausted retry, a redirect, a bad or
// missing signature, an answer to another request, a stale answer or an
// unreadable body, Err holds the cause and the outcome is unknown (IsUnknown).
// An unsigned answer keeps its result in Result for diagnosis, with
// Unverified set; it is unknown too, whatever it says. A verified S or
// in-process answer that does not decode into the response type keeps its
// Result, holds the decoding error in Err, and is unknown.
type Error struct {
	API        string // API called, e.g. "pay" or "inquiryPayment" (the last element of Path, like alipaytest's API names)
	Path       string // path called, e.g. /ams/api/v1/payments/pay (/ams/sandbox/api/... in sandbox mode)
	Host       string // host called
	HTTPStatus int    // 0 when no response arrived
	RequestID  string // the request's paymentRequestId, refundRequestId or captureRequestId; for an inquiry or cancel, the ID it names
	Result     Result // Antom's result, when one was read
	// Unverified is true when Result comes from a response that was not
	// signed. Antom leaves some failures, such as INVALID_SIGNATURE,
	// unsigned, but so could anyone on the path: such an error is always
	// unknown, and Result is a hint for diagnosis, never a refusal to act
	// on.
	Unverified bool
	// BodyPrefix is the start of a response body that could not be used
	// (HTML from a proxy, a truncated body); empty otherwise.
	BodyPrefix string
	Attempts   int   // attempts made, retries included
	Err        error // underlying cause, if any

	unknown     bool
	undelivered bool // no attempt can have reached Antom
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("alipay: ")
	if e.API != "" {
		b.WriteString(e.API)
	} else {
		b.WriteString(apiName(e.Path))
	}
	if e.Result.ResultCode != "" {
		fmt.Fprintf(&b, ": %s %s", e.Result.ResultStatus, e.Result.ResultCode)
		if e.Result.ResultMessage != "" {
			fmt.Fprintf(&b, " (%s)", e.Result.ResultMessage)
		}
		if e.Unverified {
			b.WriteString(" [unsigned response]")
		}
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	switch {
	case e.unknown:
		b.WriteString("; " + httpx.UnknownAdvice)
	case e.undelivered:
		b.WriteString("; the request did not reach Antom, so nothing was processed")
	}
	fmt.Fprintf(&b, " [POST %s%s", e.Host, e.Path)
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, ", HTTP %d", e.HTTPStatus)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, ", request %s", e.RequestID)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, ", %d attempts", e.Attempts)
	}
	b.WriteString("]")
	if e.BodyPrefix != "" {
		fmt.Fprintf(&b, " body: %q", e.BodyPrefix)
	}
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Unknown reports whether Antom may or may not have acted on the call; see
// IsUnknown for when it is true and what to do.
func (e *Error) Unknown() bool { return e.unknown }

// IsUnknown reports whether err means that the outcome of a call is unknown:
// Antom may or may not have acted on it (a U result after all retries, a
// timeout or transport failure after a request may have been delivered, a
// redirect, a response that could not be read, was not signed, did not
// verify, answered another request or was stale, an accepted call whose
// response could not be decoded). Inquire (InquiryPayment, InquiryRefund)
// before trying again with a new request ID; retrying with the same request
// ID is always safe.
//
// It is false for a signed F result (a definite refusal) and for a call
// none of whose attempts can have reached Antom (a context done before
// sending, a failed DNS lookup, a refused connection, a failed TLS
// handshake): nothing was processed.
func IsUnknown(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Unknown()
}

// apiName turns /ams/api/v1/payments/inquiryPayment into inquiryPayment.
func apiName(path string) string {
	if i := strings.LastIndexByte(path, '/'); i >= 0 && i < len(path)-1 {
		return path[i+1:]
	}
	if path == "" {
		return "request"
	}
	return path
}
