package alipay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// RetryPolicy says how often and how patiently a call is retried.
//
// Retried: transport errors and timeouts, HTTP 429 and 5xx, and U results
// other than the in-process codes (UNKNOWN_EXCEPTION,
// REQUEST_TRAFFIC_EXCEED_LIMIT). Each attempt sends the same body (so the same
// paymentRequestId or refundRequestId, which Antom treats idempotently),
// signed again with a fresh Request-Time. Never retried: F results, in-process
// codes, a cancelled context, or anything once the caller's deadline leaves no
// room for another attempt. The SDK never invents a new request ID.
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
// can re-sign, count attempts and remember throttling per call.
type callState struct {
	uri       string
	body      []byte
	attempts  int
	throttled bool
	start     time.Time
}

type callStateKey struct{}

func stateOf(ctx context.Context) *callState {
	st, _ := ctx.Value(callStateKey{}).(*callState)
	return st
}

func (c *Client) newRetryClient(hc *http.Client, attemptTimeout time.Duration) *retryablehttp.Client {
	if hc == nil {
		hc = defaultHTTPClient()
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
		Logger:         nil, // the SDK logs through slog itself, without secrets
		RetryWaitMin:   c.retry.MinBackoff,
		RetryWaitMax:   c.retry.MaxBackoff,
		RetryMax:       c.retry.MaxAttempts - 1,
		CheckRetry:     c.checkRetry,
		Backoff:        c.backoff,
		ErrorHandler:   retryablehttp.PassthroughErrorHandler,
		PrepareRetry:   c.prepareRetry,
		RequestLogHook: c.logAttempt,
	}
}

// checkRetry decides after each attempt. It peeks at a 200 body for a U
// result without consuming it.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	st := stateOf(ctx)
	retry := false
	switch {
	case err != nil:
		ok, perr := retryablehttp.DefaultRetryPolicy(ctx, resp, err)
		if perr != nil || !ok {
			return false, nil
		}
		retry = true
	case resp.StatusCode == http.StatusTooManyRequests:
		retry = true
		if st != nil {
			st.throttled = true
		}
	case resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented:
		retry = true
	default:
		result, ok, readErr := peekResult(resp)
		if readErr != nil {
			if ctx.Err() != nil {
				return false, nil // the caller's context ended mid-body: no retry
			}
			retry = true // the attempt timed out or the connection broke mid-body
			break
		}
		if ok && result.ResultStatus == ResultStatusUnknown && !result.inProcess() {
			retry = true
			if result.ResultCode == ResultCodeRequestTrafficExceedLimit && st != nil {
				st.throttled = true
			}
		}
	}
	if retry && !c.roomForRetry(ctx, st) {
		return false, nil
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
	wait := c.retry.MinBackoff
	if st != nil && st.throttled {
		wait *= throttleFactor
	}
	return time.Until(deadline) > wait
}

// peekResult reads the body (bounded) and puts it back for the caller,
// followed by the read error if there was one, then decodes just the result
// envelope. readErr reports a body that could not be read in full.
func peekResult(resp *http.Response) (result Result, ok bool, readErr error) {
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	resp.Body.Close()
	if err != nil {
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{err}))
		return Result{}, false, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if len(body) > maxResponseBytes {
		return Result{}, false, nil // Do refuses it after the attempt
	}
	result, ok = decodeResult(body)
	return result, ok, nil
}

// errReader replays a read error after a peeked body.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

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

// prepareRetry signs the retry with a fresh Request-Time.
func (c *Client) prepareRetry(req *http.Request) error {
	st := stateOf(req.Context())
	if st == nil {
		return errors.New("alipay: internal: retry without call state")
	}
	return c.signRequest(req, st)
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
