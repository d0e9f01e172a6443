package mapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strings"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/xborderpay/alipay/internal/httpx"
)

// gatewayCharset is the _input_charset of gateway calls; the lowercase
// spelling is the one of the published vectors (docs/protocol/mapi.md §2.6 M3, M4).
const gatewayCharset = "utf-8"

// signedParams returns params plus service, partner, _input_charset, sign
// and sign_type, signed with the client's gateway sign type.
//
// The file services (forex_rate_file, forex_compare_file,
// forex_liquidation_file) go without _input_charset, as in the published
// requests whose signatures are vectors M5 and M6 (docs/protocol/mapi.md §2.6): their
// parameters are ASCII, so the charset changes nothing.
func (c *Client) signedParams(service string, params map[string]string) (map[string]string, error) {
	if name, reason := ambiguity(params); name != "" {
		return nil, invalid(name, "%s", reason)
	}
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

// encodeForm URL-encodes every value (docs/protocol/mapi.md §2.2 step 6), empty ones
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
// see sendsGET for the rest. Transport errors, 5xx and the answers the
// docs say to retry are retried with the same signed body every time,
// which is safe because every MAPI write is idempotent on its merchant id
// (out_return_no). A redirect is never followed.
func (c *Client) send(ctx context.Context, service string, p map[string]string, e *Error) (*http.Response, error) {
	return c.sendWith(ctx, c.http, nil, service, p, e)
}

func (c *Client) sendWith(ctx context.Context, hc *retryablehttp.Client, idle *idleTimer, service string, p map[string]string, e *Error) (*http.Response, error) {
	if ctx == nil {
		return nil, errors.New("mapi: nil context")
	}
	hook := &attemptHook{idle: idle}
	var delivery httpx.Delivery
	ctx = delivery.Trace(context.WithValue(ctx, attemptsKey{}, hook))
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
	resp, err := hc.Do(req)
	e.Attempts = max(hook.n, 1)
	if err != nil {
		e.Err = err
		if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
			e.Err = fmt.Errorf("%w: %w", cerr, err)
		}
		// Unknown only if an attempt may have reached Alipay: a call that
		// never left (refused connection, context done before sending)
		// cannot have been processed.
		e.unknown = delivery.MayHaveReached()
		return nil, e
	}
	e.HTTPStatus = resp.StatusCode
	if httpx.IsRedirect(resp.StatusCode) {
		resp.Body.Close()
		e.Err = httpx.RedirectError(resp)
		e.unknown = true
		return nil, e
	}
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
// the file downloads, which every published client calls that way (docs/protocol/mapi.md
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

// callXML sends a gateway call whose answer is the signed XML envelope and
// checks it (see checkEnvelope); bind holds the request's ids that the
// answer must echo unchanged wherever it echoes them.
func (c *Client) callXML(ctx context.Context, service string, params, bind map[string]string) (*envelope, error) {
	raw, e, err := c.call(ctx, service, params)
	if err != nil {
		return nil, err
	}
	return c.checkEnvelope(raw, e, bind)
}

// ErrUnboundAnswer: a gateway answer names another trade or refund than
// the one asked about (an answer replayed from another call).
var ErrUnboundAnswer = errors.New("mapi: the answer is about another trade or refund than the request")

// checkEnvelope turns an XML answer into an outcome. Only a signed answer
// is an outcome: its signature must verify in a sign type the client
// accepts, and only the fields the signature covers are read
// (envelope.signed). Everything else is an *Error with Unknown true, the
// code shown when there is one:
//
//   - an unsigned answer, success or failure: the docs sign these services'
//     answers, and an unsigned one may be forged or may hide a request that
//     was processed;
//   - a signed <response> under is_success=F: is_success lies outside the
//     signature and contradicts it;
//   - a retryable code (SYSTEM_ERROR, SYSTEM_EXCEPTION) still there when
//     the retries ran out;
//   - ids of bind that differ from the request, in the echoed <request> or
//     in the signed fields, or that the signed <response> lacks.
func (c *Client) checkEnvelope(raw []byte, e *Error, bind map[string]string) (*envelope, error) {
	unknown := func(err error) (*envelope, error) {
		e.Err = err
		e.unknown = true
		return nil, e
	}
	env, err := decodeEnvelope(raw)
	if err != nil {
		e.BodyPrefix = bodyPrefix(raw)
		return unknown(err)
	}
	if env.IsSuccess == "F" {
		e.Code = ErrorCode(env.Error)
	}
	if env.Sign == "" && env.SignType == "" {
		if e.Code != "" {
			return unknown(fmt.Errorf("%w: the failure may be forged and is not final; confirm with the query service", ErrUnsigned))
		}
		return unknown(fmt.Errorf("%w: the answer is not signed", ErrUnsigned))
	}
	if env.Sign == "" || env.SignType == "" {
		return unknown(fmt.Errorf("%w: the answer has only one of sign and sign_type", ErrBadSignature))
	}
	if err := c.verifyAs(c.answerSignTypes, env.SignType, env.signedContent(), env.Sign); err != nil {
		return unknown(fmt.Errorf("verifying the answer's signature: %w", err))
	}
	if env.ResponseName != "" && env.IsSuccess != "T" {
		return unknown(fmt.Errorf("a signed <response> under an unsigned is_success=%q", truncate(env.IsSuccess, 8)))
	}
	for k, want := range bind {
		if want == "" {
			continue
		}
		if got, ok := env.Request[k]; ok && got != want {
			return unknown(fmt.Errorf("%w: echoed %s %q, asked %q", ErrUnboundAnswer, k, truncate(got, 64), truncate(want, 64)))
		}
		got, ok := env.signed[k]
		if ok && got != want || !ok && env.ResponseName != "" {
			return unknown(fmt.Errorf("%w: signed %s %q, asked %q", ErrUnboundAnswer, k, truncate(got, 64), truncate(want, 64)))
		}
	}
	switch env.IsSuccess {
	case "T":
		return env, nil
	case "F":
		if e.Code == "" {
			return unknown(errors.New("is_success=F without an error code"))
		}
		if retryableCodes[e.Code] {
			return unknown(fmt.Errorf("the gateway answered %s, which the docs say to retry, on every attempt", e.Code))
		}
		return nil, e
	default:
		return unknown(fmt.Errorf("is_success is %q, not T or F", truncate(env.IsSuccess, 8)))
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
