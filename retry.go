package alipay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/xborderpay/alipay/internal/httpx"
)

// RetryPolicy says how often and how patiently a call is retried.
//
// Retried: transport errors and timeouts, HTTP 429 and 5xx, and U results
// other than the in-process codes (UNKNOWN_EXCEPTION,
// REQUEST_TRAFFIC_EXCEED_LIMIT), signed or not: an unsigned answer never
// ends a call as an outcome, but resending the same request is always safe. Each attempt sends the same body (so the same
// paymentRequestId or refundRequestId, which Antom treats idempotently),
// signed again with a fresh Request-Time. Never retried: F results, in-process
// codes, redirects, answers that are signed but do not verify or do not answer
// this request (see Client.Do), a cancelled context, or anything once the
// caller's deadline leaves no room for another attempt. The SDK never invents
// a new request ID. WithRetry sets a client's policy, CallRetry one call's.
type RetryPolicy struct {
	MaxAttempts int           // attempts in all, the first included; 1 means no retry
	MinBackoff  time.Duration // wait before the first retry (then doubling, with jitter)
	MaxBackoff  time.Duration // longest wait between attempts
}

// DefaultRetryPolicy is used when WithRetry is not given.
var DefaultRetryPolicy = RetryPolicy{MaxAttempts: 4, MinBackoff: 200 * time.Millisecond, MaxBackoff: 5 * time.Second}

// NoRetry makes every call a single attempt.
var NoRetry = RetryPolicy{MaxAttempts: 1}

// throttleFactor lengthens the wait after REQUEST_TRAFFIC_EXCEED_LIMIT or 429.
const throttleFactor = 4

func (p RetryPolicy) validate() error {
	switch {
	case p.MaxAttempts < 1:
		return fmt.Errorf("alipay: RetryPolicy.MaxAttempts is %d; it must be at least 1 (use NoRetry to turn retries off)", p.MaxAttempts)
	case p.MinBackoff < 0 || p.MaxBackoff < 0:
		return errors.New("alipay: RetryPolicy backoffs must not be negative")
	case p.MaxBackoff < p.MinBackoff:
		return fmt.Errorf("alipay: RetryPolicy.MaxBackoff (%s) is shorter than MinBackoff (%s)", p.MaxBackoff, p.MinBackoff)
	}
	return nil
}

// callState travels in the request context so that the shared retry client
// can re-sign, count attempts, remember throttling and keep each attempt's
// outcome per call.
type callState struct {
	// context.Context is the caller's context: the state is the context
	// every attempt is made with (see Value), which costs no allocation.
	context.Context

	uri       string
	body      []byte
	ids       requestIDs // the IDs the request names, for the binding
	start     time.Time  // c.now() when the call began, for freshness
	attempts  int
	throttled bool

	// opts are the call's settings, the client's where no CallOption
	// changed them; agentTokenHeader is the Agent-Token of a
	// CallAgentToken, built once for every attempt.
	opts             callOptions
	agentTokenHeader []string
	lastResp         *http.Response // the latest answer, for the backoff

	delivery httpx.Delivery
	traced   atomic.Bool // the transport reported GetConn (it is net/http's)

	last     attempt // the outcome of the latest attempt
	examined bool

	signed     bool      // the first attempt was signed: headerVals is in use
	headerVals [2]string // Request-Time and Signature of the first attempt
	env        envelope  // the envelope of the latest answer, decoded in place
	sigBuf     [512]byte // the latest answer's signature (4096-bit keys fit)
	buf        *[]byte   // from bodyPool: what answers are read into
	retryReq   retryablehttp.Request

	// In the same allocation as the state: the trace, and the body of
	// the current attempt.
	trace     httptrace.ClientTrace
	timedBody timedBody
}

type callStateKey struct{}

func stateOf(ctx context.Context) *callState {
	st, _ := ctx.Value(callStateKey{}).(*callState)
	return st
}

// Value makes st findable from the context of every attempt.
func (st *callState) Value(key any) any {
	if key == (callStateKey{}) {
		return st
	}
	return st.Context.Value(key)
}

// attach makes st a context over ctx, with the trace that records whether
// an attempt's request was written (httpx.Delivery) and whether the
// transport reports such things at all.
func (st *callState) attach(ctx context.Context) context.Context {
	st.Context = ctx
	st.trace.GetConn = st.getConn
	st.trace.WroteHeaders = st.delivery.MarkReached
	return httptrace.WithClientTrace(st, &st.trace)
}

func (st *callState) getConn(string) { st.traced.Store(true) }

func (c *Client) newRetryClient(hc *http.Client, perAttempt time.Duration) *retryablehttp.Client {
	if hc == nil {
		hc = httpx.NewPooledClient(32)
	}
	if perAttempt <= 0 {
		perAttempt = DefaultAttemptTimeout
	}
	// The attempt timeout wraps the caller's transport, under Harden's
	// wrapper; the caller's client and transport are never modified.
	timed := *hc
	rt := timed.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	timed.Transport = attemptTimeout{rt: rt, d: perAttempt}
	// The retry client is shared by calls with different policies
	// (CallRetry): it may always retry, checkRetry stops at the call's
	// MaxAttempts, and prepareRetry waits the call's backoff.
	return httpx.NewRetryClient(httpx.Harden(&timed, 0), httpx.RetryConfig{
		MaxAttempts:    math.MaxInt32,
		CheckRetry:     c.checkRetry,
		Backoff:        noBackoff,
		PrepareRetry:   c.prepareRetry,
		RequestLogHook: c.logAttempt,
	})
}

// checkRetry examines each attempt's answer once (see examine), keeps the
// outcome for Do, and decides whether to try again.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	st := stateOf(ctx)
	if st == nil {
		return false, errors.New("alipay: internal: attempt without call state")
	}
	a, retry := c.examine(ctx, st, resp, err)
	st.last, st.examined, st.lastResp = a, true, resp
	if retry && (st.attempts >= st.opts.retry.MaxAttempts || ctx.Err() != nil || !c.roomForRetry(ctx, st)) {
		retry = false
	}
	return retry, nil
}

// roomForRetry is false when the caller's deadline would pass during the
// next backoff: a retry that cannot finish only hides the last answer.
func (c *Client) roomForRetry(ctx context.Context, st *callState) bool {
	deadline, ok := ctx.Deadline()
	if !ok {
		return true
	}
	wait := st.opts.retry.MinBackoff
	if st.throttled {
		wait *= throttleFactor
	}
	return time.Until(deadline) > wait
}

// backoff waits MinBackoff·2^n with equal jitter, capped at MaxBackoff; after
// throttling (429 or REQUEST_TRAFFIC_EXCEED_LIMIT) it waits throttleFactor
// times longer, and it honours a Retry-After header within MaxBackoff.
func (c *Client) backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && resp.Header.Get("Retry-After") != "" {
		// DefaultBackoff reads the header on 429 and 503 only, and does
		// not cap it: a proxy's "Retry-After: 86400" must not stall a call.
		if d := retryablehttp.DefaultBackoff(minWait, maxWait, attempt, resp); d > 0 {
			return min(d, maxWait)
		}
	}
	wait := minWait << min(attempt, 30)
	if resp != nil && resp.Request != nil {
		if st := stateOf(resp.Request.Context()); st != nil && st.throttled {
			wait *= throttleFactor
			st.throttled = false
		}
	}
	if wait > maxWait || wait <= 0 {
		wait = maxWait
	}
	if wait <= 0 {
		return 0
	}
	half := wait / 2
	return half + rand.N(half+1)
}

// noBackoff is the shared retry client's wait: none, as prepareRetry waits
// the call's own backoff (it has the call's state, which a backoff
// function given no response has not).
func noBackoff(time.Duration, time.Duration, int, *http.Response) time.Duration { return 0 }

// prepareRetry waits the call's backoff, then gives the retry a body of its
// own and signs it with a fresh Request-Time, in a header map of its own:
// the transport may still be writing the earlier attempt's request, whose
// map req shares.
func (c *Client) prepareRetry(req *http.Request) error {
	ctx := req.Context()
	st := stateOf(ctx)
	if st == nil {
		return errors.New("alipay: internal: retry without call state")
	}
	p := &st.opts.retry
	if wait := c.backoff(p.MinBackoff, p.MaxBackoff, st.attempts-1, st.lastResp); wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
	req.Body, _ = st.newBody()
	req.Header = req.Header.Clone()
	return c.signRequest(req, st)
}

// newBody is a fresh reader of the request body, one per attempt (the
// transport may still hold an earlier one). It is also the request's
// GetBody. A *bytes.Reader in io.NopCloser is what net/http recognises as
// a body in memory (it then writes headers and body in one go).
func (st *callState) newBody() (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(st.body)), nil
}

func (c *Client) logAttempt(_ retryablehttp.Logger, req *http.Request, attempt int) {
	st := stateOf(req.Context())
	if st == nil {
		return
	}
	st.attempts = attempt + 1
	if attempt > 0 {
		c.logger.LogAttrs(req.Context(), slog.LevelDebug, "alipay: retrying",
			slog.String("api", st.uri), slog.Int("attempt", attempt+1))
	}
}
