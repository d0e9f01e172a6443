package alipay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Do calls any AMS endpoint through the same pipeline as the typed methods:
// req is marshalled to JSON once, each attempt is signed with a fresh
// Request-Time, and each answer is read once, verified over its raw bytes,
// bound to the request and classified before anything else is decoded (see
// Error and IsUnknown). path is the production path, e.g.
// "/ams/api/v1/payments/pay"; in sandbox mode it is rewritten before
// signing. On success resp (a pointer, or nil) is filled from the response
// body.
//
// resp, whatever its type, is decoded with encoding/json except for its
// time.Time values (at any depth), which are read in every form Antom
// writes: RFC 3339, offsets without a colon such as
// 2024-01-01T12:00:00+0800, a space for the T. An empty, null or
// unreadable time is the zero time, never an error: a timestamp does not
// turn an answer Antom signed into a failure. Every other decoding error
// is reported as encoding/json reports it, and the outcome is unknown.
//
// A signed answer is accepted only as the answer to this call:
//
//   - Every ID the answer echoes at the top level of its JSON that the
//     request body also names must be equal to the request's. The keys
//     compared are paymentRequestId, paymentId, refundRequestId, refundId,
//     captureRequestId and captureId: the idempotency keys and Antom's
//     transaction IDs that pay, inquiryPayment, cancel, refund,
//     inquiryRefund and capture echo (https://docs.antom.com/ac/ams/payment_cashier,
//     https://docs.antom.com/ac/ams/paymentri_online,
//     https://global.alipay.com/docs/ac/ams/refund_online). A key absent,
//     null or empty on either side is not compared. A mismatch is an error
//     wrapping ErrResponseMismatch.
//   - Its Response-Time must lie within the tolerance
//     (WithResponseTimeTolerance) of the call's duration, or the error wraps
//     ErrStaleResponse.
//
// Both errors are unknown (IsUnknown), like an answer that is not signed or
// whose signature does not verify: none of them is Antom's word on this
// call.
//
// Options (CallOption) change this call only; the rest comes from the
// client.
func (c *Client) Do(ctx context.Context, path string, req, resp any, opts ...CallOption) error {
	return c.do(ctx, "Do", path, req, resp, opts)
}

// do is Do for the method named in its errors.
func (c *Client) do(ctx context.Context, method, path string, req, resp any, opts []CallOption) error {
	if ctx == nil {
		return errors.New("alipay: " + method + ": nil context")
	}
	if v, ok := req.(interface{ validate() error }); ok {
		if err := v.validate(); err != nil {
			return err
		}
	}
	body, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("alipay: %s: encoding request: %w", apiName(path), err)
	}
	target := c.target(path)
	st := &callState{uri: target.uri, body: body, ids: requestIDsOf(body), start: c.now()}
	if err := c.applyCallOptions(st, opts); err != nil {
		return fmt.Errorf("alipay: %s: %w", method, err)
	}
	if err := ctx.Err(); err != nil {
		return c.newError(st, req, attempt{verdict: verdictUndelivered, cause: err})
	}
	ctx = st.attach(ctx)
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodPost, target.url, nil)
	if err != nil {
		return c.newError(st, req, attempt{verdict: verdictUndelivered, cause: err})
	}
	// The body is set here and by prepareRetry, as retryablehttp's SetBody
	// would set it (same reader types, length and GetBody), without the
	// closures it allocates around it.
	httpReq.ContentLength = int64(len(body))
	httpReq.GetBody = st.newBody
	httpReq.Body, _ = st.newBody()
	if err := c.signRequest(httpReq, st); err != nil {
		return c.newError(st, req, attempt{verdict: verdictUndelivered, cause: err})
	}

	st.retryReq.Request = httpReq
	hresp, err := c.http.Do(&st.retryReq)
	if hresp != nil {
		hresp.Body.Close() // read and closed when the attempt was examined
	}
	defer st.release() // a.raw is read until Do returns
	a := st.outcome(ctx, err)
	c.logCall(ctx, st, &a)
	if a.verdict != verdictAccepted {
		return c.newError(st, req, a)
	}
	if resp == nil {
		return nil
	}
	if err := decodeJSON(a.raw, resp); err != nil {
		// Antom accepted the call, so this must not read as a refusal:
		// the caller inquires before anything else.
		a.verdict, a.cause = verdictUnknown, fmt.Errorf("decoding signed response: %w", err)
		return c.newError(st, req, a)
	}
	return nil
}

// callAPI is Do for the typed methods: a nil request is refused by its
// validate method, and a response comes back only with a nil error.
func callAPI[Resp any](ctx context.Context, c *Client, method, path string, req any, opts []CallOption) (*Resp, error) {
	var resp Resp
	if err := c.do(ctx, method, path, req, &resp, opts); err != nil {
		return nil, err
	}
	return &resp, nil
}

// newError builds the one *Error of a failed call from its kept outcome.
func (c *Client) newError(st *callState, req any, a attempt) *Error {
	if a.result.ResultCode == ResultCodeClientInvalid {
		if a.cause == nil {
			a.cause = errors.New(c.clientInvalidHint())
		} else {
			a.cause = fmt.Errorf("%w; %s", a.cause, c.clientInvalidHint())
		}
	}
	return &Error{
		API:         apiName(st.uri),
		Path:        st.uri,
		Host:        c.base.Host,
		HTTPStatus:  a.status,
		RequestID:   requestIDOf(req),
		Result:      a.result,
		Unverified:  a.unverified,
		BodyPrefix:  a.bodyPrefix,
		Attempts:    st.attempts,
		Err:         a.cause,
		unknown:     a.verdict == verdictUnknown,
		undelivered: a.verdict == verdictUndelivered,
	}
}

// signRequest sets the request headers Antom requires and a Signature over
// a fresh Request-Time (epoch milliseconds)
// (https://docs.antom.com/ac/ams/api_fund).
func (c *Client) signRequest(req *http.Request, st *callState) error {
	var tb [20]byte
	reqTime := strconv.AppendInt(tb[:0], c.now().UnixMilli(), 10)
	_, own := c.signer.(cryptoSigner)
	var sig []byte
	err := withSignContent(own, http.MethodPost, st.uri, c.clientID, string(reqTime), st.body, func(content []byte) (err error) {
		sig, err = c.signer.Sign(req.Context(), content)
		return err
	})
	if err != nil {
		return fmt.Errorf("signing request: %w", err)
	}
	h := req.Header
	for k, v := range c.fixedHeaders {
		h[k] = v // shared, never modified: net/http only reads header values
	}
	if st.opts.agentTokenSet {
		if st.agentTokenHeader == nil {
			delete(h, "Agent-Token")
		} else {
			h["Agent-Token"] = st.agentTokenHeader
		}
	}
	// Both values in one string; the first attempt's header slices live in
	// the call's state. A retry gets new ones: an earlier attempt's request
	// may still be read by the transport.
	var b strings.Builder
	writeSignatureHeader(&b, string(reqTime), SignatureHeader{Algorithm: AlgorithmRSA256, KeyVersion: c.keyVersion, Signature: sig})
	both := b.String()
	vals := st.headerVals[:]
	if st.signed {
		vals = make([]string, 2)
	}
	st.signed = true
	vals[0], vals[1] = both[:len(reqTime)], both[len(reqTime):]
	h["Request-Time"] = vals[0:1:1]
	h["Signature"] = vals[1:2:2]
	return nil
}

// requestIDOf returns the idempotency key of a typed request, for errors.
// Do calls it only after req passed validate, which refuses a nil request.
func requestIDOf(req any) string {
	if r, ok := req.(interface{ requestID() string }); ok {
		return r.requestID()
	}
	return ""
}

func (c *Client) logCall(ctx context.Context, st *callState, a *attempt) {
	if !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("api", st.uri),
		slog.Int("attempts", st.attempts),
		slog.Duration("elapsed", time.Since(st.start)),
	}
	if a.status != 0 {
		attrs = append(attrs, slog.Int("status", a.status))
	}
	if a.result.ResultCode != "" {
		attrs = append(attrs, slog.String("result", string(a.result.ResultCode)))
	}
	if a.unverified {
		attrs = append(attrs, slog.Bool("unverified", true))
	}
	if a.cause != nil {
		attrs = append(attrs, slog.String("error", a.cause.Error()))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "alipay: call", attrs...)
}
