package alipay

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
)

var (
	// ErrStaleNotification: a notification's Request-Time is further from
	// now than the replay window (DefaultNotificationTolerance, or the one
	// set with WithNotificationTolerance), or could not be read as a time
	// while the window is on.
	ErrStaleNotification = errors.New("alipay: notification Request-Time outside the tolerance")
	// ErrMalformedNotification: a notification's signature verified, but
	// its body is not a JSON object or a known field has the wrong form.
	ErrMalformedNotification = errors.New("alipay: malformed notification body")
)

// Notification is a verified notification from Antom: notifyPayment,
// notifyRefund, notifyCapture or any other kind.
//
// Its String and LogValue methods describe it by type, IDs and result only,
// so that printing or logging a Notification never writes its body (a card
// payment's notification can carry card details).
type Notification struct {
	// NotifyType is the notifyType field as sent; a value not listed in the
	// NotifyType constants is kept as is, with no typed payload.
	NotifyType NotifyType
	// Result is the result envelope of the body. For PAYMENT_RESULT, S
	// means the payment succeeded and F that it failed; for
	// PAYMENT_PENDING, S means the user paid and the result follows.
	Result Result
	// RequestTime is the Request-Time header as sent (the signed value).
	RequestTime string
	// Raw is the body exactly as received and verified.
	Raw []byte

	// Exactly one of the payloads is set for the known types: Payment for
	// PAYMENT_RESULT and PAYMENT_PENDING, Refund for REFUND_RESULT, Capture
	// for CAPTURE_RESULT. All are nil for other types. Their times are read
	// in every form Antom writes ("+08:30", "Z", "+0800"); an empty or
	// unreadable time is the zero time, never an error (Raw keeps it).
	Payment *PaymentNotification
	Refund  *RefundNotification
	Capture *CaptureNotification
}

// ParseNotification reads, verifies and decodes a notification Antom posted
// to the merchant's notify URL.
//
// It reads at most the configured number of bytes (WithNotificationMaxBytes;
// a larger body is an error wrapping ErrTooLarge), then verifies the
// Signature header over
//
//	<METHOD> <URI>
//	<Client-Id>.<Request-Time>.<body>
//
// with Antom's public key before decoding anything. The Client-Id header
// must be this client's ID and Request-Time must be present. The URI is the
// request target as received (see WithNotificationURI for servers behind a
// path-rewriting proxy). Verification failures wrap ErrMalformedSignature,
// ErrBadSignature or ErrStaleNotification; a verified body that cannot be
// decoded wraps ErrMalformedNotification.
//
// ParseNotification does not close r.Body. Most servers want
// NotificationHandler, which also writes the acknowledgement.
func (c *Client) ParseNotification(r *http.Request) (*Notification, error) {
	if r == nil {
		return nil, errors.New("alipay: ParseNotification: nil request")
	}
	body, err := c.notifyReadBody(r)
	if err != nil {
		return nil, err
	}
	return c.VerifyNotification(r.Method, c.notifyURI(r), r.Header, body)
}

// VerifyNotification verifies and decodes a notification for servers that
// do not use net/http: method is the HTTP method ("POST"), uri the path and
// query of the notify URL as Antom called it (e.g. "/alipay/notify"), h the
// request headers (looked up case-insensitively) and body the raw body,
// unmodified. Checks and errors are those of ParseNotification. The
// returned Notification's Raw is body itself, not a copy.
//
// If uri has a query and the signature does not verify over it, the path
// alone is tried too: Antom's documentation does not settle whether the
// query is part of the signed URI (docs/protocol/ams.md §8.9; Antom's Java
// sample verifies the path only). The method, path, client ID,
// Request-Time and body stay covered by the signature either way; do not
// act on query parameters of a notification.
func (c *Client) VerifyNotification(method, uri string, h http.Header, body []byte) (*Notification, error) {
	if method == "" {
		return nil, errors.New("alipay: VerifyNotification: empty HTTP method")
	}
	if uri == "" {
		return nil, errors.New("alipay: VerifyNotification: empty URI; pass the path Antom called, e.g. /alipay/notify")
	}
	reqTime, err := c.verifySigned(&signedMessage{
		kind:            "notification",
		method:          method,
		uri:             uri,
		header:          h,
		timeHeader:      "Request-Time",
		body:            body,
		requireClientID: true,
		pathFallback:    true,
		hint:            "that the URI is the public path Antom called (see WithNotificationURI)",
	})
	if err != nil {
		return nil, err
	}
	if err := c.notifyCheckTime(reqTime); err != nil {
		return nil, err
	}
	n, err := notifyDecode(body)
	if err != nil {
		return nil, err
	}
	n.RequestTime = reqTime
	return n, nil
}

// notifyCheckTime applies the replay window (WithNotificationTolerance).
func (c *Client) notifyCheckTime(reqTime string) error {
	tol := c.notify.tolerance
	switch {
	case tol < 0:
		return nil
	case tol == 0:
		tol = DefaultNotificationTolerance
	}
	t, err := parseRequestTime(reqTime)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrStaleNotification, err)
	}
	now := c.now()
	if d := now.Sub(t); d > tol || d < -tol {
		return fmt.Errorf("%w: Request-Time %s is %s from now; the tolerance is %s", ErrStaleNotification, reqTime, d.Round(1e9), tol)
	}
	return nil
}

// notifyMaxBytes is the configured body bound.
func (c *Client) notifyMaxBytes() int64 {
	if c.notify.maxBodyBytes > 0 {
		return c.notify.maxBodyBytes
	}
	return DefaultNotificationMaxBytes
}

// notifyReadBody reads at most the configured bound from r.Body.
func (c *Client) notifyReadBody(r *http.Request) ([]byte, error) {
	limit := c.notifyMaxBytes()
	if r.ContentLength > limit {
		return nil, fmt.Errorf("%w: notification Content-Length %d exceeds %d bytes (see WithNotificationMaxBytes)", ErrTooLarge, r.ContentLength, limit)
	}
	if r.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("alipay: reading notification body: %w", err)
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("%w: notification body exceeds %d bytes (see WithNotificationMaxBytes)", ErrTooLarge, limit)
	}
	return body, nil
}

// notifyURI returns the URI Antom signed for r: the configured public URI,
// else the request target as received. r.RequestURI is preferred to
// r.URL.RequestURI() because it is the exact bytes on the wire, and
// because http.StripPrefix rewrites r.URL but not r.RequestURI.
func (c *Client) notifyURI(r *http.Request) string {
	if c.notify.publicURI != nil {
		if u := c.notify.publicURI(r); u != "" {
			return u
		}
	}
	if strings.HasPrefix(r.RequestURI, "/") {
		return r.RequestURI
	}
	if r.URL != nil {
		return r.URL.RequestURI()
	}
	return "/"
}

// notifyDecode decodes a verified body.
func notifyDecode(body []byte) (*Notification, error) {
	if trimmed := bytes.TrimSpace(body); len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, fmt.Errorf("%w: the body is not a JSON object (%d bytes)", ErrMalformedNotification, len(body))
	}
	var env struct {
		NotifyType NotifyType `json:"notifyType"`
		Result     Result     `json:"result"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedNotification, err)
	}
	n := &Notification{NotifyType: env.NotifyType, Result: env.Result, Raw: body}
	var payload any
	switch env.NotifyType {
	case NotifyTypePaymentResult, NotifyTypePaymentPending:
		n.Payment = new(PaymentNotification)
		payload = n.Payment
	case NotifyTypeRefundResult:
		n.Refund = new(RefundNotification)
		payload = n.Refund
	case NotifyTypeCaptureResult:
		n.Capture = new(CaptureNotification)
		payload = n.Capture
	default:
		return n, nil
	}
	if err := decodeJSON(body, payload); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrMalformedNotification, env.NotifyType, err)
	}
	return n, nil
}

// Decode unmarshals the raw body into v, for fields this package does not
// model (settlementQuote, paymentResultInfo, acquirerInfo, ...) and for
// notification types it does not know. Its time.Time values are read as
// Client.Do reads a response's: in every form Antom writes, the zero time
// when empty or unreadable.
func (n Notification) Decode(v any) error {
	return decodeJSON(n.Raw, v)
}

// DedupeKey returns a key that is the same for every delivery of one event
// and different for different events, so that a merchant can drop the
// duplicates that Antom's resends produce (docs/protocol/ams.md §4.4). It is built from the
// notification type, the IDs of the payment, refund or capture, and the
// outcome, joined by "/" with each part path-escaped:
//
//	PAYMENT_RESULT/<paymentRequestId>/<paymentId>/<resultStatus>/<resultCode>
//	PAYMENT_PENDING/<paymentRequestId>/<paymentId>/<resultStatus>/<resultCode>
//	REFUND_RESULT/<refundRequestId>/<refundId>/<refundStatus>/<resultStatus>/<resultCode>
//	CAPTURE_RESULT/<captureRequestId>/<captureId>/<resultStatus>/<resultCode>
//
// Request-Time is not part of it, since a resend may carry a new one. For
// other notification types the key is the type followed by "sha256/" and
// the SHA-256 of the raw body in hex, which is stable as long as Antom resends
// the same bytes. The format is stable across versions of this package.
func (n Notification) DedupeKey() string {
	var parts []string
	switch {
	case n.Payment != nil:
		p := n.Payment
		parts = []string{string(n.NotifyType), p.PaymentRequestID, p.PaymentID, string(n.Result.ResultStatus), string(n.Result.ResultCode)}
	case n.Refund != nil:
		r := n.Refund
		parts = []string{string(n.NotifyType), r.RefundRequestID, r.RefundID, string(r.RefundStatus), string(n.Result.ResultStatus), string(n.Result.ResultCode)}
	case n.Capture != nil:
		c := n.Capture
		parts = []string{string(n.NotifyType), c.CaptureRequestID, c.CaptureID, string(n.Result.ResultStatus), string(n.Result.ResultCode)}
	default:
		sum := sha256.Sum256(n.Raw)
		parts = []string{string(n.NotifyType), "sha256", hex.EncodeToString(sum[:])}
	}
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// String describes n by type, IDs and result, never by its body.
func (n Notification) String() string {
	var b strings.Builder
	b.WriteString("alipay.Notification{")
	for i, a := range n.logAttrs() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.Key)
		b.WriteString(": ")
		b.WriteString(a.Value.String())
	}
	b.WriteString("}")
	return b.String()
}

// GoString keeps the body out of %#v output.
func (n Notification) GoString() string { return n.String() }

// LogValue makes slog log n by type, IDs and result, never by its body.
func (n Notification) LogValue() slog.Value {
	return slog.GroupValue(n.logAttrs()...)
}

func (n Notification) logAttrs() []slog.Attr {
	attrs := []slog.Attr{slog.String("notifyType", string(n.NotifyType))}
	add := func(key, v string) {
		if v != "" {
			attrs = append(attrs, slog.String(key, v))
		}
	}
	switch {
	case n.Payment != nil:
		add("paymentRequestId", n.Payment.PaymentRequestID)
		add("paymentId", n.Payment.PaymentID)
	case n.Refund != nil:
		add("refundRequestId", n.Refund.RefundRequestID)
		add("refundId", n.Refund.RefundID)
		add("refundStatus", string(n.Refund.RefundStatus))
	case n.Capture != nil:
		add("captureRequestId", n.Capture.CaptureRequestID)
		add("captureId", n.Capture.CaptureID)
		add("paymentId", n.Capture.PaymentID)
	}
	add("resultStatus", string(n.Result.ResultStatus))
	add("resultCode", string(n.Result.ResultCode))
	return attrs
}
