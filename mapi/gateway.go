package mapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// gatewayCharset is the _input_charset of gateway calls; the lowercase
// spelling is the one of the published vectors (spec §2.6 M3, M4).
const gatewayCharset = "utf-8"

func (c *Client) newRetryClient(hc *http.Client, attemptTimeout time.Duration) *retryablehttp.Client {
	if hc == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 16
		hc = &http.Client{Transport: t}
	}
	if attemptTimeout <= 0 {
		attemptTimeout = DefaultAttemptTimeout
	}
	if hc.Timeout == 0 || hc.Timeout > attemptTimeout {
		copied := *hc
		copied.Timeout = attemptTimeout
		hc = &copied
	}
	return &retryablehttp.Client{
		HTTPClient:     hc,
		RetryWaitMin:   c.retry.MinBackoff,
		RetryWaitMax:   c.retry.MaxBackoff,
		RetryMax:       c.retry.MaxAttempts - 1,
		CheckRetry:     checkRetry,
		Backoff:        retryablehttp.DefaultBackoff,
		ErrorHandler:   retryablehttp.PassthroughErrorHandler,
		RequestLogHook: c.logAttempt,
	}
}

// checkRetry retries transport errors, 429 and 5xx (but 501). A MAPI
// business failure comes as HTTP 200 with is_success=F and is never
// retried; nor is anything after the context is done.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		ok, perr := retryablehttp.DefaultRetryPolicy(ctx, resp, err)
		return ok && perr == nil, nil
	}
	return resp.StatusCode == http.StatusTooManyRequests ||
		resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented, nil
}

type attemptsKey struct{}

func (c *Client) logAttempt(_ retryablehttp.Logger, req *http.Request, attempt int) {
	if n, ok := req.Context().Value(attemptsKey{}).(*int); ok {
		*n = attempt + 1
	}
	if attempt > 0 {
		c.logger.LogAttrs(req.Context(), slog.LevelDebug, "mapi: retrying",
			slog.String("service", req.URL.Query().Get("service")), slog.Int("attempt", attempt+1))
	}
}

// signedParams returns params plus service, partner, _input_charset, sign
// and sign_type, signed with the client's gateway sign type.
//
// The file services (forex_rate_file, forex_compare_file,
// forex_liquidation_file) go without _input_charset, as in the published
// requests whose signatures are vectors M5 and M6 (spec §2.6): their
// parameters are ASCII, so the charset changes nothing.
func (c *Client) signedParams(service string, params map[string]string) (map[string]string, error) {
	p := make(map[string]string, len(params)+5)
	maps.Copy(p, params)
	p["service"] = service
	p["partner"] = c.partner
	switch service {
	case "forex_rate_file", "forex_compare_file", "forex_liquidation_file":
	default:
		p["_input_charset"] = gatewayCharset
	}
	sig, err := c.keys.sign(c.signType, PreSignString(p))
	if err != nil {
		return nil, err
	}
	p["sign"] = sig
	p["sign_type"] = string(c.signType)
	return p, nil
}

// encodeForm URL-encodes every value (spec §2.2 step 6), empty ones
// dropped, sorted by name.
func encodeForm(p map[string]string) string {
	v := make(url.Values, len(p))
	for k, s := range p {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v.Encode()
}

// send calls the gateway with the signed parameters and returns the
// response with its body unread. Writes and queries are POSTed as a form
// (with any _input_charset repeated in the URL, as the docs ask for POST);
// see sendsGET for the rest. Transport errors and 5xx are retried; the same signed body is
// sent every time, which is safe because every MAPI write is idempotent on
// its merchant id (out_return_no).
func (c *Client) send(ctx context.Context, service string, p map[string]string, e *Error) (*http.Response, error) {
	if ctx == nil {
		return nil, errors.New("mapi: nil context")
	}
	attempts := 0
	ctx = context.WithValue(ctx, attemptsKey{}, &attempts)
	u := *c.gateway
	var req *retryablehttp.Request
	var err error
	if sendsGET(service) {
		u.RawQuery = encodeForm(p)
		req, err = retryablehttp.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	} else {
		if p["_input_charset"] != "" { // the docs ask for it in the URL of a POST
			u.RawQuery = "_input_charset=" + p["_input_charset"]
		}
		req, err = retryablehttp.NewRequestWithContext(ctx, http.MethodPost, u.String(), []byte(encodeForm(p)))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		}
	}
	if err != nil {
		e.Err = err
		return nil, e
	}
	req.Header.Set("User-Agent", "xborderpay-alipay-go-mapi")
	resp, err := c.http.Do(req)
	e.Attempts = max(attempts, 1)
	if err != nil {
		e.Err = err
		if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
			e.Err = fmt.Errorf("%w: %w", cerr, err)
		}
		e.unknown = true
		return nil, e
	}
	e.HTTPStatus = resp.StatusCode
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, bodyPrefixLen))
		resp.Body.Close()
		e.BodyPrefix = bodyPrefix(b)
		e.Err = fmt.Errorf("HTTP %d %s from the gateway", resp.StatusCode, http.StatusText(resp.StatusCode))
		e.unknown = true
		return nil, e
	}
	return resp, nil
}

// sendsGET reports whether a service is called with GET: notify_verify and
// the file downloads, which every published client calls that way (spec
// §3.5-§3.7). Their parameters are ids and dates, nothing private.
func sendsGET(service string) bool {
	switch service {
	case "notify_verify", "forex_rate_file", "forex_compare_file", "forex_liquidation_file":
		return true
	}
	return false
}

// call sends a signed gateway call and returns its bounded body.
func (c *Client) call(ctx context.Context, service string, params map[string]string) ([]byte, *Error, error) {
	e := &Error{Service: service}
	p, err := c.signedParams(service, params)
	if err != nil {
		return nil, e, err
	}
	resp, err := c.send(ctx, service, p, e)
	if err != nil {
		return nil, e, err
	}
	defer resp.Body.Close()
	raw, err := readBounded(resp.Body, maxResponseBytes)
	if err != nil {
		e.Err = err
		e.unknown = true
		return nil, e, e
	}
	return raw, e, nil
}

// callXML sends a gateway call whose answer is the XML envelope, verifies
// its signature where present and turns is_success=F into an *Error.
func (c *Client) callXML(ctx context.Context, service string, params map[string]string) (*envelope, error) {
	raw, e, err := c.call(ctx, service, params)
	if err != nil {
		return nil, err
	}
	return c.checkEnvelope(raw, e)
}

func (c *Client) checkEnvelope(raw []byte, e *Error) (*envelope, error) {
	env, err := decodeEnvelope(raw)
	if err != nil {
		e.Err = err
		e.BodyPrefix = bodyPrefix(raw)
		e.unknown = true
		return nil, e
	}
	if err := env.verify(&c.keys); err != nil {
		e.Err = err
		e.unknown = true
		return nil, e
	}
	switch env.IsSuccess {
	case "T":
		return env, nil
	case "F":
		e.Code = ErrorCode(env.Error)
		if e.Code == "" {
			e.Err = errors.New("is_success=F without an error code")
		}
		return nil, e
	default:
		e.Err = fmt.Errorf("is_success is %q, not T or F", truncate(env.IsSuccess, 8))
		e.unknown = true
		return nil, e
	}
}

// ErrTooLarge: a body exceeded its size bound.
var ErrTooLarge = errors.New("mapi: body too large")

func readBounded(r io.Reader, limit int64) ([]byte, error) {
	var b bytes.Buffer
	n, err := b.ReadFrom(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading body: %w", err)
	}
	if n > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
	}
	return b.Bytes(), nil
}

// isXML reports whether a text body is really an XML envelope (the
// gateway answers access errors that way even for text services).
func isXML(b []byte) bool {
	t := bytes.TrimLeft(b, " \t\r\n\ufeff")
	return bytes.HasPrefix(t, []byte("<?xml")) || bytes.HasPrefix(t, []byte("<alipay"))
}

// requireOne returns a ValidationError unless exactly one of a and b is set.
func requireOne(aName, a, bName, b string) error {
	switch {
	case a == "" && b == "":
		return invalid(aName, "set exactly one of %s and %s; both are empty", aName, bName)
	case a != "" && b != "":
		return invalid(bName, "set exactly one of %s and %s; both are set", aName, bName)
	}
	return nil
}

func maxLen(field, v string, n int) error {
	if len(v) > n {
		return invalid(field, "is %d bytes; at most %d", len(v), n)
	}
	if strings.ContainsAny(v, "\r\n") {
		return invalid(field, "contains a line break")
	}
	return nil
}
