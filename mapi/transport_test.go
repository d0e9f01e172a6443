package mapi_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/mapi"
	"github.com/xborderpay/alipay/mapi/mapitest"
)

// A download may take longer than the attempt timeout as long as the
// server keeps sending; one that falls silent is cut after the attempt
// timeout, and the caller's context cuts any download.
func TestDownloadIdleTimeout(t *testing.T) {
	// Long enough that a loaded machine under the race detector sends each
	// line (idle/4 apart) and the request itself well within it.
	const idle = time.Second
	stall := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("start_date") == "20261102" {
			for i := range 20 { // more than the reader looks ahead before returning
				fmt.Fprintf(w, "T-%d|1.00|EUR|20261120101010||P|0.00|P|x\n", i)
			}
			w.(http.Flusher).Flush()
			<-stall
			return
		}
		for i := range 8 {
			fmt.Fprintf(w, "T-%d|1.00|EUR|20261120101010||P|0.00|P|x\n", i)
			w.(http.Flusher).Flush()
			if r.URL.Query().Get("start_date") == "20261101" && i == 0 {
				<-stall // falls silent after the first line
				return
			}
			time.Sleep(idle / 4) // 8 lines take longer than idle in all
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(stall) }) // runs first: the handler returns before srv.Close waits for it
	c, err := mapi.NewClient(sandboxPID, mapi.WithMD5Key(sandboxMD5Key), mapi.WithSignType(mapi.SignTypeMD5), mapi.WithGateway(srv.URL+"/gateway.do"),
		mapi.WithAttemptTimeout(idle), mapi.WithRetry(alipay.NoRetry))
	require.NoError(t, err)
	ctx := context.Background()
	day := mapi.NewDate(2026, 11, 20)

	fr, err := c.CompareFile(ctx, day, day)
	require.NoError(t, err)
	n := 0
	for _, err := range fr.All() {
		require.NoError(t, err, "a download that keeps sending is not cut by the attempt timeout")
		n++
	}
	assert.Equal(t, 8, n)
	require.NoError(t, fr.Close())

	silent := mapi.NewDate(2026, 11, 1)
	fr, err = c.CompareFile(ctx, silent, silent)
	require.NoError(t, err)
	_, err = fr.Next()
	require.NoError(t, err)
	_, err = fr.Next()
	assert.ErrorContains(t, err, "download stalled: nothing received for 1s", "a silent server is cut by the idle timeout")
	require.NoError(t, fr.Close())

	// With an idle timeout that cannot fire, the caller's context still
	// cuts the download.
	patient, err := mapi.NewClient(sandboxPID, mapi.WithMD5Key(sandboxMD5Key), mapi.WithSignType(mapi.SignTypeMD5), mapi.WithGateway(srv.URL+"/gateway.do"),
		mapi.WithAttemptTimeout(time.Hour), mapi.WithRetry(alipay.NoRetry))
	require.NoError(t, err)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stallsAfter20 := mapi.NewDate(2026, 11, 2)
	fr, err = patient.CompareFile(cctx, stallsAfter20, stallsAfter20)
	require.NoError(t, err)
	cancel()
	n = 0
	for _, err = range fr.All() {
		if err != nil {
			break
		}
		n++
	}
	assert.Equal(t, 20, n, "the lines received before the cancellation")
	assert.ErrorIs(t, err, context.Canceled, "the caller's context ends the download")
	assert.NotContains(t, err.Error(), "stalled")
	require.NoError(t, fr.Close())
}

func TestNothingSentIsNotUnknown(t *testing.T) {
	srv, c := newFake(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.QueryTrade(ctx, &mapi.QueryTradeRequest{OutTradeNo: "x"})
	assert.ErrorIs(t, err, context.Canceled)
	assert.False(t, mapi.IsUnknown(err), "a call cancelled before sending cannot have reached Alipay")

	srv.Close()
	_, err = c.Refund(context.Background(), &mapi.RefundRequest{OutReturnNo: "R", OutTradeNo: "O", ReturnAmount: "1", Currency: "USD"})
	var e *mapi.Error
	require.True(t, errors.As(err, &e))
	assert.False(t, e.Unknown(), "a refused connection cannot have reached Alipay: %v", err)
}

// A request value that could be re-cut into other parameters is refused
// before anything is signed.
func TestGatewayRequestRefusesRecuttableValues(t *testing.T) {
	_, c := newFake(t)
	_, err := c.Refund(context.Background(), &mapi.RefundRequest{OutReturnNo: "R", OutTradeNo: "O", ReturnAmount: "1", Currency: "USD", Reason: "late&return_amount=100"})
	var ve *mapi.ValidationError
	require.True(t, errors.As(err, &ve), "got %v", err)
	assert.Equal(t, "reason", ve.Field)
	assert.Contains(t, ve.Reason, `"&return_amount="`)
	_, err = c.Refund(context.Background(), &mapi.RefundRequest{OutReturnNo: "R", OutTradeNo: "O", ReturnAmount: "1", Currency: "USD", Reason: "salt & pepper"})
	assert.False(t, errors.As(err, &ve), "an '&' without a following name= is no ambiguity: %v", err)
}

type countingTransport struct {
	http.RoundTripper
	closed atomic.Int32
}

func (c *countingTransport) CloseIdleConnections() { c.closed.Add(1) }

// go-retryablehttp closes idle connections after a failed call; it must
// not reach the merchant's transport, which other clients may share.
func TestFailedCallKeepsTheConnectionPool(t *testing.T) {
	srv := mapitest.NewServer()
	t.Cleanup(srv.Close)
	ct := &countingTransport{RoundTripper: http.DefaultTransport}
	c := srv.Client(mapi.WithHTTPClient(&http.Client{Transport: ct}))
	for range 3 {
		srv.InjectFault("", mapitest.Fault{Kind: mapitest.Status503})
	}
	_, err := c.QueryTrade(context.Background(), &mapi.QueryTradeRequest{OutTradeNo: "x"})
	require.True(t, mapi.IsUnknown(err))
	assert.Zero(t, ct.closed.Load(), "a failed call emptied the shared connection pool")
}
