package alipay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Do calls any AMS endpoint through the same pipeline as the typed methods:
// req is marshalled to JSON once, each attempt is signed with a fresh
// Request-Time, the response is verified over its raw bytes before anything
// is decoded, and the result is classified (see Error and IsUnknown). path
// is the production path, e.g. "/ams/api/v1/payments/pay"; in sandbox mode
// it is rewritten before signing. On success resp (a pointer, or nil) is
// filled from the response body.
func (c *Client) Do(ctx context.Context, path string, req, resp any) error {
	if ctx == nil {
		return errors.New("alipay: Do: nil context")
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
	uri := c.requestURI(path)
	e := &Error{API: uri, Host: c.base.Host, RequestID: requestIDOf(req)}

	st := &callState{uri: uri, body: body, start: time.Now()}
	ctx = context.WithValue(ctx, callStateKey{}, st)
	hreq, err := retryablehttp.NewRequestWithContext(ctx, http.MethodPost, c.base.Scheme+"://"+c.base.Host+uri, body)
	if err != nil {
		e.Err = err
		return e
	}
	if err := c.signRequest(hreq.Request, st); err != nil {
		e.Err = err
		return e
	}

	hresp, err := c.http.Do(hreq)
	e.Attempts = max(st.attempts, 1)
	if err != nil {
		e.Err = err
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			e.Err = fmt.Errorf("%w: %w", ctxErr, err)
		}
		e.unknown = true
		c.logCall(ctx, st, e, 0, "")
		return e
	}
	defer hresp.Body.Close()
	e.HTTPStatus = hresp.StatusCode

	raw, err := io.ReadAll(io.LimitReader(hresp.Body, maxResponseBytes+1))
	if err != nil {
		e.Err = fmt.Errorf("reading response: %w", err)
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			e.Err = fmt.Errorf("%w: reading response: %w", ctxErr, err)
		}
		e.unknown = true
		c.logCall(ctx, st, e, hresp.StatusCode, "")
		return e
	}
	if len(raw) > maxResponseBytes {
		e.Err = fmt.Errorf("%w: response exceeds %d bytes", ErrResponseTooLarge, maxResponseBytes)
		e.unknown = true
		c.logCall(ctx, st, e, hresp.StatusCode, "")
		return e
	}

	result, err := c.verifyResponse(hresp, uri, raw, e)
	if err != nil {
		c.logCall(ctx, st, e, hresp.StatusCode, "")
		return err
	}
	c.logCall(ctx, st, nil, hresp.StatusCode, string(result.ResultCode))

	switch {
	case result.ResultStatus == ResultStatusSuccess, result.inProcess():
		if resp == nil {
			return nil
		}
		if err := json.Unmarshal(raw, resp); err != nil {
			// Antom accepted the call, so this must not read as a
			// refusal: the caller inquires before anything else.
			e.Result = result
			e.Err = fmt.Errorf("decoding signed response: %w", err)
			e.unknown = true
			return e
		}
		return nil
	case result.ResultStatus == ResultStatusFail:
		e.Result = result
		return e
	case result.ResultStatus == ResultStatusUnknown:
		e.Result = result
		e.unknown = true
		return e
	default:
		e.Result = result
		e.Err = fmt.Errorf("response has resultStatus %q, not S, F or U", truncate(string(result.ResultStatus), 8))
		e.unknown = true
		return e
	}
}

// callAPI is Do for the typed methods: a nil request is refused by its
// validate method, and a response comes back only with a nil error.
func callAPI[Resp any](ctx context.Context, c *Client, path string, req any) (*Resp, error) {
	var resp Resp
	if err := c.Do(ctx, path, req, &resp); err != nil {
		return nil, err
	}
	return &resp, nil
}

// signRequest sets the headers of spec §1.4 and a Signature over a fresh
// Request-Time (epoch milliseconds).
func (c *Client) signRequest(req *http.Request, st *callState) error {
	reqTime := strconv.FormatInt(c.now().UnixMilli(), 10)
	sig, err := c.signer.Sign(req.Context(), SignContent(http.MethodPost, st.uri, c.clientID, reqTime, st.body))
	if err != nil {
		return fmt.Errorf("signing request: %w", err)
	}
	h := req.Header
	h["Content-Type"] = []string{"application/json; charset=UTF-8"}
	h["Client-Id"] = []string{c.clientID}
	h["Request-Time"] = []string{reqTime}
	h["Signature"] = []string{SignatureHeader{Algorithm: AlgorithmRSA256, KeyVersion: c.keyVersion, Signature: sig}.Encode()}
	h["User-Agent"] = []string{c.userAgent}
	if c.agentToken != "" {
		h["Agent-Token"] = []string{c.agentToken}
	}
	return nil
}

// verifyResponse checks the response signature over the raw body (spec
// §1.8) and only then decodes the result envelope. An unsigned F result is
// returned as an unverified *Error; anything else unsigned is refused.
func (c *Client) verifyResponse(resp *http.Response, uri string, raw []byte, e *Error) (Result, error) {
	sigHeader := resp.Header.Get("Signature")
	if sigHeader == "" {
		if r, ok := decodeResult(raw); ok && r.ResultStatus == ResultStatusFail && isJSON(resp) {
			e.Result = r
			e.Unverified = true
			return Result{}, e
		}
		e.unknown = true
		e.BodyPrefix = bodyPrefix(raw)
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
			e.Err = fmt.Errorf("HTTP %d %s with content type %q and no Signature header", resp.StatusCode, http.StatusText(resp.StatusCode), resp.Header.Get("Content-Type"))
		} else {
			e.Err = fmt.Errorf("%w: no Signature header (HTTP %d, content type %q)", ErrUnsignedResponse, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		return Result{}, e
	}
	e.unknown = true // until verified, the outcome is unknown
	h, err := ParseSignatureHeader(sigHeader)
	if err != nil {
		e.Err = err
		return Result{}, e
	}
	respTime := resp.Header.Get("Response-Time")
	if respTime == "" {
		e.Err = fmt.Errorf("%w: signed response has no Response-Time header", ErrBadSignature)
		return Result{}, e
	}
	if id := resp.Header.Get("Client-Id"); id != "" && id != c.clientID {
		e.Err = fmt.Errorf("%w: response Client-Id %q is not this client's %q", ErrBadSignature, truncate(id, 64), c.clientID)
		return Result{}, e
	}
	if err := c.verifier.Verify(SignContent(http.MethodPost, uri, c.clientID, respTime, raw), h.Signature); err != nil {
		e.Err = fmt.Errorf("%w over \"POST %s\" with Response-Time %q and a %d-byte body: check that Antom's public key is the one for client ID %s and that nothing between re-encodes the body", ErrBadSignature, uri, truncate(respTime, 40), len(raw), c.clientID)
		return Result{}, e
	}
	r, ok := decodeResult(raw)
	if !ok {
		e.Err = errors.New("signed response has no result envelope")
		e.BodyPrefix = bodyPrefix(raw)
		return Result{}, e
	}
	e.unknown = false
	return r, nil
}

func decodeResult(raw []byte) (Result, bool) {
	var env struct {
		Result *Result `json:"result"`
	}
	if err := json.Unmarshal(raw, &env); err != nil || env.Result == nil {
		return Result{}, false
	}
	return *env.Result, true
}

func isJSON(resp *http.Response) bool {
	ct := resp.Header.Get("Content-Type")
	if ct == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || mt == "text/json" || mt == "text/plain")
}

// requestIDOf returns the idempotency key of a typed request, for errors.
// Do calls it only after req passed validate, which refuses a nil request.
func requestIDOf(req any) string {
	if r, ok := req.(interface{ requestID() string }); ok {
		return r.requestID()
	}
	return ""
}

func (c *Client) logCall(ctx context.Context, st *callState, e *Error, status int, code string) {
	if !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("api", st.uri),
		slog.Int("attempts", max(st.attempts, 1)),
		slog.Duration("elapsed", time.Since(st.start)),
	}
	if status != 0 {
		attrs = append(attrs, slog.Int("status", status))
	}
	if code != "" {
		attrs = append(attrs, slog.String("result", code))
	}
	if e != nil {
		attrs = append(attrs, slog.String("error", e.Error()))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "alipay: call", attrs...)
}
