package httpx

import (
	"net/http"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// RetryConfig is what NewRetryClient needs from a package's retry policy
// and its per-call hooks. Nil hooks take go-retryablehttp's defaults.
type RetryConfig struct {
	MaxAttempts            int // attempts in all, the first included
	MinBackoff, MaxBackoff time.Duration
	CheckRetry             retryablehttp.CheckRetry
	Backoff                retryablehttp.Backoff
	PrepareRetry           retryablehttp.PrepareRetry
	RequestLogHook         retryablehttp.RequestLogHook
}

// NewRetryClient returns a retry client over hc, which should come from
// Harden. It logs nothing itself (the packages log through slog, without
// secrets) and hands the last response or error back unchanged when the
// attempts run out, so that the caller classifies it.
func NewRetryClient(hc *http.Client, cfg RetryConfig) *retryablehttp.Client {
	backoff := cfg.Backoff
	if backoff == nil {
		backoff = retryablehttp.DefaultBackoff
	}
	return &retryablehttp.Client{
		HTTPClient:     hc,
		Logger:         nil,
		RetryWaitMin:   cfg.MinBackoff,
		RetryWaitMax:   cfg.MaxBackoff,
		RetryMax:       max(cfg.MaxAttempts-1, 0),
		CheckRetry:     cfg.CheckRetry,
		Backoff:        backoff,
		ErrorHandler:   retryablehttp.PassthroughErrorHandler,
		PrepareRetry:   cfg.PrepareRetry,
		RequestLogHook: cfg.RequestLogHook,
	}
}
