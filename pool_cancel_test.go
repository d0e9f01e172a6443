package alipay

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// go-retryablehttp flushes the idle pool on every path that ends a call
// early; in this package the one it takes is a context that ends during
// the backoff before a retry (retries that run out end without a flush,
// since checkRetry stops them itself). The pool survives that path too,
// also through a caller's transport that does forward
// CloseIdleConnections.
func TestPoolSurvivesCancelDuringBackoff(t *testing.T) {
	antomKey, err := ParsePrivateKey(readKey(t, "antom_private_pkcs8.pem"))
	require.NoError(t, err)
	var fail atomic.Bool
	g := &scriptedGateway{t: t, antomSigner: NewSigner(antomKey), reply: func(int, *http.Request) gatewayReply {
		if fail.Load() {
			return gatewayReply{status: http.StatusServiceUnavailable, body: "busy", unsigned: true}
		}
		return gatewayReply{body: okBody}
	}}
	g.srv = httptest.NewUnstartedServer(http.HandlerFunc(g.serve))
	conns := connCounter(g.srv)
	g.srv.Start()
	defer g.srv.Close()

	tr := &cancelOnBodyClose{next: http.DefaultTransport.(*http.Transport).Clone()}
	c := g.client(t, WithHTTPClient(&http.Client{Transport: tr}))
	require.NoError(t, c.Do(context.Background(), payPath, testReq{PaymentRequestID: "R1"}, nil))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tr.cancel.Store(&cancel)
	fail.Store(true)
	err = c.Do(ctx, payPath, testReq{PaymentRequestID: "R2"}, nil,
		CallRetry(RetryPolicy{MaxAttempts: 2, MinBackoff: time.Minute, MaxBackoff: time.Minute}))
	require.ErrorIs(t, err, context.Canceled)
	require.Len(t, g.requests(), 2, "cancelled in the backoff, before the retry")

	tr.cancel.Store(nil)
	fail.Store(false)
	require.NoError(t, c.Do(context.Background(), payPath, testReq{PaymentRequestID: "R3"}, nil))
	assert.Equal(t, int32(1), conns.Load(), "every call reused the first connection")
}

// cancelOnBodyClose cancels a context after an answer has been read and
// closed, so that the cancellation lands in the backoff that follows.
type cancelOnBodyClose struct {
	next   *http.Transport
	cancel atomic.Pointer[context.CancelFunc]
}

func (c *cancelOnBodyClose) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if cancel := c.cancel.Load(); err == nil && cancel != nil {
		resp.Body = &closeHook{ReadCloser: resp.Body, after: *cancel}
	}
	return resp, err
}

func (c *cancelOnBodyClose) CloseIdleConnections() { c.next.CloseIdleConnections() }

type closeHook struct {
	io.ReadCloser
	after func()
}

// Close cancels a second later: by then the client has examined the
// answer (a cancellation seen there ends the call without a retry, and
// without a flush) and waits in the backoff of a minute.
func (h *closeHook) Close() error {
	err := h.ReadCloser.Close()
	time.AfterFunc(time.Second, h.after)
	return err
}
