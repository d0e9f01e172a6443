package alipay

import (
	"fmt"
	"net/url"
	"time"
	"unicode/utf8"

	"github.com/xborderpay/alipay/internal/httpx"
)

// Request validation helpers shared by the payment APIs. Each returns a
// *ValidationError naming the JSON path of the field, or nil. Lengths are in
// characters, as Antom's field tables give them (S64 = at most 64).

// maxIDLen is the longest request ID or payment ID Antom accepts (docs/protocol/ams.md §7).
const maxIDLen = 64

func payRequired(field, v string) error {
	if v == "" {
		return &ValidationError{Field: field, Reason: "is required"}
	}
	return nil
}

// payMaxLen checks an optional field: empty passes.
func payMaxLen(field, v string, n int) error {
	if c := utf8.RuneCountInString(v); c > n {
		return &ValidationError{Field: field, Reason: fmt.Sprintf("is %d characters long; at most %d are allowed", c, n)}
	}
	return nil
}

// payRequiredMax checks a required field with a maximum length.
func payRequiredMax(field, v string, n int) error {
	if err := payRequired(field, v); err != nil {
		return err
	}
	return payMaxLen(field, v, n)
}

// payNotifyURL checks an optional notify URL: absolute, https, and at most
// n characters. Antom's payment guide asks for an HTTPS paymentNotifyUrl
// (https://global.alipay.com/docs/ac/cashierpay/apm_api); a notification
// over plain http could be read or changed on its way. Plain http is
// allowed only for a loopback host (localhost, 127.0.0.0/8, ::1), so that
// tests can receive notifications from alipaytest on an httptest server.
func payNotifyURL(field, v string, n int) error {
	if v == "" {
		return nil
	}
	if err := payMaxLen(field, v, n); err != nil {
		return err
	}
	u, err := url.Parse(v)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return &ValidationError{Field: field, Reason: "is not an absolute https URL"}
	}
	if u.Scheme == "http" && !httpx.IsLoopbackHost(u.Hostname()) {
		return &ValidationError{Field: field, Reason: "must be an https URL; plain http is allowed only for a loopback host (localhost, 127.0.0.1, ::1), for tests"}
	}
	return nil
}

// payOneOf requires at least one of two alternative identifiers, such as
// paymentId and paymentRequestId, and checks the length of both.
func payOneOf(fieldA, a, fieldB, b string) error {
	if a == "" && b == "" {
		return &ValidationError{Field: fieldA, Reason: "is required unless " + fieldB + " is set"}
	}
	return payFirst(payMaxLen(fieldA, a, maxIDLen), payMaxLen(fieldB, b, maxIDLen))
}

// payFirst returns the first non-nil error.
func payFirst(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// payOptionalAmount validates an amount only when it is set.
func payOptionalAmount(field string, a *Amount) error {
	if a == nil {
		return nil
	}
	return a.validate(field)
}

// amsTimeLayout is the ISO 8601 form Antom documents for request datetimes,
// e.g. 2019-11-27T12:01:01+08:00: seconds precision, numeric offset or Z.
const amsTimeLayout = time.RFC3339

// payFormatTime formats an optional request datetime; the zero time is
// empty, so that an omitempty field leaves it out.
func payFormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(amsTimeLayout)
}

// firstNonEmpty returns the request's own ID for error messages, or Antom's
// ID when an inquiry or cancel names the payment or refund by that alone.
func firstNonEmpty(requestID, antomID string) string {
	if requestID != "" {
		return requestID
	}
	return antomID
}
