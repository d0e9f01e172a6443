package alipay

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"sync"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/xborderpay/alipay/internal/httpx"
)

// verdict is what one attempt's answer means for the call.
type verdict int

const (
	// verdictUnknown: Antom may or may not have acted. The zero value, so
	// that anything not classified fails closed.
	verdictUnknown verdict = iota
	// verdictAccepted: a verified S or in-process answer to this request.
	verdictAccepted
	// verdictRefused: a verified F answer to this request.
	verdictRefused
	// verdictUndelivered: no attempt can have reached Antom.
	verdictUndelivered
)

// attempt is the outcome of one HTTP attempt, worked out once from the
// bytes read and kept for both the retry decision and the call's result.
type attempt struct {
	verdict    verdict
	status     int    // HTTP status; 0 when no answer arrived
	result     Result // the result envelope, verified unless unverified is set
	unverified bool   // result comes from an unsigned answer
	bodyPrefix string // the start of an unusable body
	cause      error
	raw        []byte // the verified body of an accepted answer
	transport  bool   // no answer arrived: cause is the transport's error
}

// examine reads, verifies, decodes and classifies the answer to one attempt,
// and says whether another attempt may help.
func (c *Client) examine(ctx context.Context, st *callState, resp *http.Response, err error) (a attempt, retry bool) {
	if err != nil {
		ok, perr := retryablehttp.DefaultRetryPolicy(ctx, resp, err)
		return attempt{transport: true, cause: err}, ok && perr == nil
	}
	st.delivery.MarkReached() // for transports that report no WroteHeaders
	a.status = resp.StatusCode
	if httpx.IsRedirect(a.status) {
		resp.Body.Close()
		a.cause = httpx.RedirectError(resp)
		return a, false
	}
	raw, err := readBody(resp.Body, resp.ContentLength, st.bodyBuf())
	if raw != nil {
		*st.buf = raw[:0] // keep what the read grew for release
	}
	resp.Body.Close()
	if err != nil {
		a.cause = err
		return a, !errors.Is(err, ErrTooLarge) && ctx.Err() == nil
	}
	statusRetry := a.status == http.StatusTooManyRequests || (a.status >= 500 && a.status != http.StatusNotImplemented)
	if a.status == http.StatusTooManyRequests {
		st.throttled = true
	}

	if headerValue(resp.Header, "Signature") == "" {
		// Anyone on the path can write an unsigned answer: its result is
		// shown for diagnosis, never taken as Antom's word. Retrying the
		// same request is always safe, so a 5xx or a U is retried.
		env := &st.env
		*env = envelope{}
		if isJSON(resp) && json.Unmarshal(raw, env) == nil && env.Result.ResultStatus != "" {
			a.result, a.unverified = env.Result, true
		} else {
			a.bodyPrefix = httpx.BodyPrefix(raw)
		}
		a.cause = unsignedCause(resp, raw, a.unverified)
		if a.unverified && a.result.ResultCode == ResultCodeRequestTrafficExceedLimit {
			st.throttled = true
		}
		return a, statusRetry || (a.unverified && a.result.ResultStatus == ResultStatusUnknown && !a.result.inProcess())
	}

	respTime, err := c.verifySigned(&signedMessage{
		kind:       "response",
		method:     http.MethodPost,
		uri:        st.uri,
		header:     resp.Header,
		timeHeader: "Response-Time",
		body:       raw,
		hint:       "that nothing between re-encodes the body",
		sigBuf:     st.sigBuf[:0],
	})
	if err != nil {
		a.cause = err
		return a, statusRetry
	}
	env := &st.env // in the call's state: a local would escape to the heap
	*env = envelope{}
	if json.Unmarshal(raw, env) != nil || (env.Result == Result{}) {
		a.cause = errors.New("signed response has no result envelope")
		a.bodyPrefix = httpx.BodyPrefix(raw)
		return a, false
	}
	if err := checkFresh(respTime, st.start, c.now(), c.respTolerance); err != nil {
		a.cause = err
		return a, false
	}
	if err := st.ids.bind(env); err != nil {
		a.cause = err
		return a, false
	}
	a.result = env.Result
	switch r := a.result; {
	case r.ResultStatus == ResultStatusSuccess, r.inProcess():
		a.verdict, a.raw = verdictAccepted, raw
	case r.ResultStatus == ResultStatusFail:
		a.verdict = verdictRefused
	case r.ResultStatus == ResultStatusUnknown:
		if r.ResultCode == ResultCodeRequestTrafficExceedLimit {
			st.throttled = true
		}
		retry = true
	default:
		a.cause = fmt.Errorf("response has resultStatus %q, not S, F or U", truncate(string(r.ResultStatus), 8))
	}
	return a, retry
}

// readBody reads at most maxResponseBytes into dst's array, or in one
// allocation when the length is known and dst is too small. Errors wrap
// ErrTooLarge for a longer body.
func readBody(body io.Reader, length int64, dst []byte) ([]byte, error) {
	if length > maxResponseBytes {
		return nil, fmt.Errorf("%w: Content-Length %d exceeds %d bytes", ErrTooLarge, length, maxResponseBytes)
	}
	size := 512
	if length >= 0 {
		size = int(length) + 1 // +1: the read that reports EOF needs no growth
	}
	buf := dst[:0]
	if cap(buf) < size {
		buf = make([]byte, 0, size)
	}
	for {
		if len(buf) == cap(buf) {
			if len(buf) > maxResponseBytes {
				return nil, fmt.Errorf("%w: response exceeds %d bytes", ErrTooLarge, maxResponseBytes)
			}
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		switch {
		case err == io.EOF:
			if len(buf) > maxResponseBytes {
				return nil, fmt.Errorf("%w: response exceeds %d bytes", ErrTooLarge, maxResponseBytes)
			}
			return buf, nil
		case err != nil:
			return nil, fmt.Errorf("reading response: %w", err)
		}
	}
}

func isJSON(resp *http.Response) bool {
	ct := resp.Header.Get("Content-Type")
	if ct == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || mt == "text/json" || mt == "text/plain")
}

// outcome is the call's result once the retry client returns: the last
// attempt examined, with err (a context that ended during a backoff, a
// retry that could not be signed) added, and transport failures classified
// by whether any attempt may have reached Antom.
func (st *callState) outcome(ctx context.Context, err error) attempt {
	a := st.last
	if !st.examined {
		a = attempt{transport: true, cause: err}
	} else if err != nil && !errors.Is(a.cause, err) {
		if a.cause != nil {
			a.cause = fmt.Errorf("%w (after: %w)", err, a.cause)
		} else {
			a.cause = err
		}
	}
	if ctxErr := ctx.Err(); ctxErr != nil && a.cause != nil && !errors.Is(a.cause, ctxErr) {
		a.cause = fmt.Errorf("%w: %w", ctxErr, a.cause)
	}
	if a.transport {
		a.verdict = verdictUndelivered
		if st.mayHaveReached(a.cause) {
			a.verdict = verdictUnknown
		}
	}
	return a
}

// mayHaveReached reports whether any attempt may have been delivered. On a
// net/http transport (which reports GetConn) only a written request header
// counts; a transport that reports nothing is trusted only for the errors
// that cannot follow a sent request.
func (st *callState) mayHaveReached(err error) bool {
	if st.delivery.MayHaveReached() {
		return true
	}
	if st.traced.Load() {
		return false
	}
	return !neverSent(err)
}

// neverSent reports whether err can only have happened before a request was
// written: a failed DNS lookup or dial, or a failed TLS handshake.
func neverSent(err error) bool {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var certErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	var authErr x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	return errors.As(err, &dnsErr) ||
		(errors.As(err, &opErr) && opErr.Op == "dial") ||
		errors.As(err, &certErr) || errors.As(err, &recErr) ||
		errors.As(err, &authErr) || errors.As(err, &hostErr)
}

// bodyPool holds the buffers answers are read into. An answer's bytes are
// used only while the call runs: everything decoded from them (strings,
// json.RawMessage, an error's BodyPrefix) is a copy, as json.Unmarshaler
// requires of a response type's own UnmarshalJSON.
var bodyPool = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledBody keeps an unusually large answer from pinning its buffer.
const maxPooledBody = 64 << 10

// bodyBuf is the call's buffer for reading answers, taken from bodyPool on
// the first attempt; release returns it.
func (st *callState) bodyBuf() []byte {
	if st.buf == nil {
		st.buf = bodyPool.Get().(*[]byte)
	}
	return *st.buf
}

// release returns the call's answer buffer to the pool once nothing reads
// it any more.
func (st *callState) release() {
	if st.buf == nil {
		return
	}
	if cap(*st.buf) <= maxPooledBody {
		*st.buf = (*st.buf)[:0]
		bodyPool.Put(st.buf)
	}
	st.buf, st.last.raw = nil, nil
}
