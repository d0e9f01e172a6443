package mapi

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/xborderpay/alipay/internal/httpx"
)

// Shared with package alipay through internal/httpx so the two cannot
// drift: error-text helpers.
var (
	truncate   = httpx.Truncate
	bodyPrefix = httpx.BodyPrefix
)

const bodyPrefixLen = httpx.BodyPrefixLen

// retryableCodes are the gateway error codes the legacy docs say to retry
// (https://global.alipay.com/docs/ac/global/forex_rate_file, access errors:
// "Alipay system error"). Alipay may or may not have acted on such a call,
// so it is retried with the very same signed parameters and, when the
// attempts run out, reported as unknown.
var retryableCodes = map[ErrorCode]bool{
	CodeSystemError:     true,
	CodeSystemException: true,
}

// retryableText reports whether a text answer of a file service is one of
// the messages the docs pair with "please try later".
func retryableText(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.HasPrefix(s, "system exception") || strings.Contains(s, "file download failed:system exception") ||
		strings.Contains(s, "internet connected exception")
}

// sniffLen is how much of a 200 answer checkRetry reads to look for a
// retryable error: an error envelope is far shorter.
const sniffLen = 4 << 10

// newRetryClients returns the client of ordinary calls (each attempt
// bounded by attemptTimeout, response body included) and that of file
// downloads, whose whole-request timeout is off: a download is bounded by
// the caller's context and an idle-read timeout instead (see idleTimer).
func (c *Client) newRetryClients(hc *http.Client, attemptTimeout time.Duration) (calls, downloads *retryablehttp.Client) {
	if hc == nil {
		hc = httpx.NewPooledClient(16)
	}
	if attemptTimeout <= 0 {
		attemptTimeout = DefaultAttemptTimeout
	}
	c.attemptTimeout = attemptTimeout
	cfg := httpx.RetryConfig{
		MaxAttempts:    c.retry.MaxAttempts,
		MinBackoff:     c.retry.MinBackoff,
		MaxBackoff:     c.retry.MaxBackoff,
		CheckRetry:     checkRetry,
		RequestLogHook: c.logAttempt,
	}
	noTimeout := *hc
	noTimeout.Timeout = 0
	return httpx.NewRetryClient(httpx.Harden(hc, attemptTimeout), cfg),
		httpx.NewRetryClient(httpx.Harden(&noTimeout, 0), cfg)
}

// checkRetry retries transport errors, 429, 5xx (but 501) and the answers
// the docs say to retry (SYSTEM_ERROR, SYSTEM_EXCEPTION, "System
// exception"), never a redirect and nothing after the context is done.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		ok, perr := retryablehttp.DefaultRetryPolicy(ctx, resp, err)
		return ok && perr == nil, nil
	}
	if resp.StatusCode == http.StatusOK {
		return retryableAnswer(resp), nil
	}
	return resp.StatusCode == http.StatusTooManyRequests ||
		resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented, nil
}

// retryableAnswer reads the start of a 200 answer, puts it back in front of
// the rest of the body, and reports whether it is a complete answer
// carrying a retryable error.
func retryableAnswer(resp *http.Response) bool {
	if !sniffable(resp) {
		return false
	}
	head, err := io.ReadAll(io.LimitReader(resp.Body, sniffLen+1))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
	if err != nil || len(head) > sniffLen {
		return false
	}
	return retryableBody(head)
}

// sniffable reports whether reading sniffLen bytes of an answer is cheap:
// its length is known and short, or it is not a file download, whose first
// 4 KiB may take a while to stream (and the error messages of which come
// with a length anyway).
func sniffable(resp *http.Response) bool {
	if resp.ContentLength >= 0 {
		return resp.ContentLength <= sniffLen
	}
	if resp.Request == nil {
		return false
	}
	switch resp.Request.URL.Query().Get("service") {
	case "forex_compare_file", "forex_liquidation_file":
		return false
	}
	return true
}

// retryableBody reports whether a whole answer is a retryable error.
func retryableBody(b []byte) bool {
	if isXML(b) {
		env, err := decodeEnvelope(b)
		return err == nil && env.IsSuccess == "F" && retryableCodes[ErrorCode(env.Error)]
	}
	return retryableText(string(b))
}

type attemptsKey struct{}

// attemptHook is what logAttempt updates for the call in progress.
type attemptHook struct {
	n    int
	idle *idleTimer // downloads only
}

func (c *Client) logAttempt(_ retryablehttp.Logger, req *http.Request, attempt int) {
	if h, ok := req.Context().Value(attemptsKey{}).(*attemptHook); ok {
		h.n = attempt + 1
		h.idle.reset()
	}
	if attempt > 0 {
		c.logger.LogAttrs(req.Context(), slog.LevelDebug, "mapi: retrying",
			slog.String("service", req.URL.Query().Get("service")), slog.Int("attempt", attempt+1))
	}
}

// idleTimer cancels a download whose server has sent nothing for d: until
// the response headers of an attempt, and then between reads of the body.
// The caller's context bounds the whole download, however long it is.
type idleTimer struct {
	d      time.Duration
	t      *time.Timer
	cancel context.CancelFunc
	fired  atomic.Bool
}

func newIdleTimer(ctx context.Context, d time.Duration) (context.Context, *idleTimer) {
	ctx, cancel := context.WithCancel(ctx)
	it := &idleTimer{d: d, cancel: cancel}
	it.t = time.AfterFunc(d, func() { it.fired.Store(true); cancel() })
	return ctx, it
}

func (it *idleTimer) reset() {
	if it != nil {
		it.t.Reset(it.d)
	}
}

func (it *idleTimer) stop() {
	if it != nil {
		it.t.Stop()
		it.cancel()
	}
}

// idleBody re-arms the idle timer on every read that returns data and
// releases it on Close.
type idleBody struct {
	rc   io.ReadCloser
	idle *idleTimer
}

func (b *idleBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if n > 0 {
		b.idle.reset()
	}
	if err != nil && err != io.EOF && b.idle.fired.Load() {
		err = fmt.Errorf("mapi: download stalled: nothing received for %v: %w", b.idle.d, err)
	}
	return n, err
}

func (b *idleBody) Close() error {
	err := b.rc.Close()
	b.idle.stop()
	return err
}
