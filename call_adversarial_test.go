package alipay

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xborderpay/alipay/internal/httpx"
)

// isoAgo is a Response-Time d before now.
func isoAgo(d time.Duration) string { return time.Now().Add(-d).Format("2006-01-02T15:04:05-07:00") }

const (
	inquiryB       = `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentStatus":"PROCESSING","paymentRequestId":"pay-B","paymentId":"ID-B"}`
	inquiryAPaid   = `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentStatus":"SUCCESS","paymentRequestId":"pay-A","paymentId":"ID-A","paymentAmount":{"currency":"USD","value":"1"}}`
	refundOtherOK  = `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"refundRequestId":"refund-OTHER","refundId":"RID-OTHER","paymentId":"ID-B"}`
	refundThisOK   = `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"refundRequestId":"refund-1","refundId":"RID-1","paymentId":"ID-B"}`
	refundFailBody = `{"result":{"resultCode":"PROCESS_FAIL","resultStatus":"F","resultMessage":"General business failure. No retry."}}`
)

// TestAdversarialAnswers plays an attacker who answers in Antom's place (a
// TLS-intercepting proxy, a compromised hop): each answer is refused as
// anything but unknown, and no typed response comes back.
func TestAdversarialAnswers(t *testing.T) {
	var stolen atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { stolen.Add(1) }))
	defer elsewhere.Close()

	inquiry := func(c *Client) (any, error) {
		resp, err := c.InquiryPayment(context.Background(), &InquiryPaymentRequest{PaymentRequestID: "pay-B"})
		if resp == nil {
			return nil, err
		}
		return resp, err
	}
	inquiryByID := func(c *Client) (any, error) {
		resp, err := c.InquiryPayment(context.Background(), &InquiryPaymentRequest{PaymentID: "ID-B"})
		if resp == nil {
			return nil, err
		}
		return resp, err
	}
	refund := func(c *Client) (any, error) {
		resp, err := c.Refund(context.Background(), &RefundRequest{RefundRequestID: "refund-1", PaymentID: "ID-B", RefundAmount: Amount{Currency: "USD", Value: "100"}})
		if resp == nil {
			return nil, err
		}
		return resp, err
	}

	cases := []struct {
		name       string
		call       func(*Client) (any, error)
		reply      gatewayReply
		opts       []Option
		unverified bool
		code       ResultCode
		is         []error
		contains   []string
		attempts   int
	}{
		{name: "swapped: signed SUCCESS of payment A answers the inquiry for B", call: inquiry, reply: gatewayReply{body: inquiryAPaid},
			is: []error{ErrResponseMismatch}, contains: []string{`paymentRequestId is "pay-A", the request's "pay-B"`}, attempts: 1},
		{name: "swapped: another paymentId", call: inquiryByID, reply: gatewayReply{body: inquiryAPaid},
			is: []error{ErrResponseMismatch}, contains: []string{`paymentId is "ID-A", the request's "ID-B"`}, attempts: 1},
		{name: "swapped: the signed answer to another refund", call: refund, reply: gatewayReply{body: refundOtherOK},
			is: []error{ErrResponseMismatch}, contains: []string{"refundRequestId", "refund-OTHER"}, attempts: 1},
		{name: "echoed ID is not a string", call: inquiryByID, reply: gatewayReply{body: `{"result":{"resultCode":"SUCCESS","resultStatus":"S"},"paymentStatus":"SUCCESS","paymentId":7}`},
			is: []error{ErrResponseMismatch}, contains: []string{"not a string"}, attempts: 1},
		{name: "replayed: this request's genuine answer from ten minutes ago", call: refund, reply: gatewayReply{body: refundThisOK, respTime: isoAgo(10 * time.Minute)},
			is: []error{ErrStaleResponse}, contains: []string{"before the call began", "WithResponseTimeTolerance"}, attempts: 1},
		{name: "Response-Time ten minutes ahead", call: refund, reply: gatewayReply{body: refundThisOK, respTime: isoAgo(-10 * time.Minute)},
			is: []error{ErrStaleResponse}, contains: []string{"after the answer arrived"}, attempts: 1},
		{name: "Response-Time is not a time", call: refund, reply: gatewayReply{body: refundThisOK, respTime: "yesterday"},
			is: []error{ErrStaleResponse}, contains: []string{`"yesterday"`}, attempts: 1},
		{name: "signature stripped from a forged F", call: refund, reply: gatewayReply{body: refundFailBody, unsigned: true},
			unverified: true, code: ResultCodeProcessFail, is: []error{ErrUnsignedResponse}, contains: []string{"[unsigned response]", "not signed", "inquire"}, attempts: 1},
		{name: "forged unsigned ORDER_NOT_EXIST", call: inquiry, reply: gatewayReply{body: `{"result":{"resultCode":"ORDER_NOT_EXIST","resultStatus":"F","resultMessage":"no such order"}}`, unsigned: true},
			unverified: true, code: ResultCodeOrderNotExist, is: []error{ErrUnsignedResponse}, attempts: 1},
		{name: "unsigned U is retried, never returned as an outcome", call: refund, reply: gatewayReply{body: unknownBody, unsigned: true},
			unverified: true, code: ResultCodeUnknownException, is: []error{ErrUnsignedResponse}, attempts: 3},
		{name: "signed with another body", call: refund, reply: gatewayReply{body: refundThisOK, tamper: true},
			is: []error{ErrBadSignature}, attempts: 1},
		{name: "307 to another host", call: refund, reply: gatewayReply{status: http.StatusTemporaryRedirect, unsigned: true, location: elsewhere.URL + "/steal?token=x"},
			is: []error{httpx.ErrRedirect}, contains: []string{"HTTP 307", `Location host "127.0.0.1:`, "outcome unknown"}, attempts: 1},
		{name: "308 to plain http", call: inquiry, reply: gatewayReply{status: http.StatusPermanentRedirect, location: "http://evil.example/ams"},
			is: []error{httpx.ErrRedirect}, contains: []string{"HTTP 308", `"evil.example"`}, attempts: 1},
		{name: "body dripped past the attempt timeout", call: refund, reply: gatewayReply{body: refundThisOK, drip: 100 * time.Millisecond},
			opts: []Option{WithAttemptTimeout(time.Second)}, contains: []string{"reading response"}, attempts: 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := newScriptedGateway(t, func(int, *http.Request) gatewayReply { return tc.reply })
			opts := append([]Option{WithRetry(RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})}, tc.opts...)
			resp, err := tc.call(g.client(t, opts...))
			assert.Nil(t, resp, "no typed response")
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.True(t, IsUnknown(err), "unknown: %v", err)
			assert.Equal(t, tc.unverified, e.Unverified)
			assert.Equal(t, tc.code, e.Result.ResultCode, "the result is shown only when it was Antom's to this request, or unsigned")
			for _, want := range tc.is {
				assert.ErrorIs(t, err, want)
			}
			for _, s := range tc.contains {
				assert.Contains(t, err.Error(), s)
			}
			assert.Len(t, g.requests(), tc.attempts)
			assert.NotContains(t, err.Error(), "token=x", "a redirect's URL may carry a secret")
		})
	}
	assert.Zero(t, stolen.Load(), "a redirect was followed")
}

// A binding must not refuse genuine answers: matching echoes, echoes the
// request did not name, and empty or null echoes all pass.
func TestBindingAcceptsGenuineAnswers(t *testing.T) {
	for _, body := range []string{
		inquiryB,
		`{"result":{"resultCode":"SUCCESS","resultStatus":"S"},"paymentStatus":"PROCESSING","paymentRequestId":"pay-B","paymentId":"ID-B","refundId":"unrelated"}`,
		`{"result":{"resultCode":"SUCCESS","resultStatus":"S"},"paymentStatus":"PROCESSING","paymentRequestId":"","paymentId":null}`,
	} {
		g := newScriptedGateway(t, func(int, *http.Request) gatewayReply {
			return gatewayReply{body: body, respTime: isoAgo(2 * time.Minute)}
		})
		resp, err := g.client(t).InquiryPayment(context.Background(), &InquiryPaymentRequest{PaymentRequestID: "pay-B", PaymentID: "ID-B"})
		require.NoError(t, err, body)
		assert.Equal(t, PaymentStatusProcessing, resp.PaymentStatus)
	}
	// Response-Time in the other forms Antom and its SDKs write.
	for _, respTime := range []string{
		time.Now().In(time.FixedZone("", 8*3600)).Format("2006-01-02T15:04:05-0700"),
		time.Now().UTC().Format(time.RFC3339Nano),
		strconv.FormatInt(time.Now().UnixMilli(), 10),
	} {
		g := newScriptedGateway(t, func(int, *http.Request) gatewayReply { return gatewayReply{body: inquiryB, respTime: respTime} })
		_, err := g.client(t).InquiryPayment(context.Background(), &InquiryPaymentRequest{PaymentRequestID: "pay-B"})
		assert.NoError(t, err, respTime)
	}
	// The window is an option; a negative tolerance turns the check off.
	g := newScriptedGateway(t, func(int, *http.Request) gatewayReply {
		return gatewayReply{body: inquiryB, respTime: isoAgo(2 * time.Minute)}
	})
	_, err := g.client(t, WithResponseTimeTolerance(time.Minute)).InquiryPayment(context.Background(), &InquiryPaymentRequest{PaymentRequestID: "pay-B"})
	assert.ErrorIs(t, err, ErrStaleResponse)
	g = newScriptedGateway(t, func(int, *http.Request) gatewayReply {
		return gatewayReply{body: inquiryB, respTime: isoAgo(24 * time.Hour)}
	})
	_, err = g.client(t, WithResponseTimeTolerance(-1)).InquiryPayment(context.Background(), &InquiryPaymentRequest{PaymentRequestID: "pay-B"})
	assert.NoError(t, err)
}

// A signed F to this request stays a definite refusal.
func TestSignedFailIsDefinite(t *testing.T) {
	g := newScriptedGateway(t, func(int, *http.Request) gatewayReply { return gatewayReply{body: refundFailBody} })
	_, err := g.client(t).Refund(context.Background(), &RefundRequest{RefundRequestID: "refund-1", PaymentID: "ID-B", RefundAmount: Amount{Currency: "USD", Value: "100"}})
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.False(t, IsUnknown(err))
	assert.False(t, e.Unverified)
	assert.Equal(t, ResultCodeProcessFail, e.Result.ResultCode)
	assert.NotContains(t, err.Error(), "inquire")
}

// WaitForPayment never ends with an answer that is not Antom's word on
// this payment: a replayed SUCCESS of another payment and a forged unsigned
// ORDER_NOT_EXIST are passed over, and the wait ends on B's true status.
func TestWaitForPaymentIgnoresForeignAndUnsignedAnswers(t *testing.T) {
	g := newScriptedGateway(t, func(n int, _ *http.Request) gatewayReply {
		switch n {
		case 1:
			return gatewayReply{body: inquiryAPaid}
		case 2:
			return gatewayReply{body: `{"result":{"resultCode":"ORDER_NOT_EXIST","resultStatus":"F","resultMessage":"forged"}}`, unsigned: true}
		case 3:
			return gatewayReply{body: `{"result":{"resultCode":"SUCCESS","resultStatus":"S"},"paymentStatus":"SUCCESS","paymentRequestId":"pay-B"}`, unsigned: true}
		default:
			return gatewayReply{body: strings.Replace(inquiryB, "PROCESSING", "FAIL", 1)}
		}
	})
	c := g.client(t, WithRetry(NoRetry))
	resp, err := c.WaitForPayment(context.Background(), &InquiryPaymentRequest{PaymentRequestID: "pay-B"}, WaitOptions{sleep: func(context.Context, time.Duration) error { return nil }})
	require.NoError(t, err)
	assert.Equal(t, PaymentStatusFail, resp.PaymentStatus)
	assert.Equal(t, "pay-B", resp.PaymentRequestID)
	assert.Len(t, g.requests(), 4)
}

// failingDialer makes a net/http transport whose dials fail with err after
// the first okDials succeed.
func failingDialer(okDials int32, err error) func(ctx context.Context, network, addr string) (net.Conn, error) {
	var n atomic.Int32
	var d net.Dialer
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if n.Add(1) > okDials {
			return nil, &net.OpError{Op: "dial", Net: network, Err: err}
		}
		return d.DialContext(ctx, network, addr)
	}
}

// IsUnknown is true exactly when an attempt may have reached Antom.
func TestUnknownOnlyWhenDelivered(t *testing.T) {
	busyThenGone := func(int, *http.Request) gatewayReply {
		return gatewayReply{status: http.StatusServiceUnavailable, body: "busy", unsigned: true}
	}
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer tlsSrv.Close()

	cases := []struct {
		name     string
		ctx      func() context.Context
		endpoint string // default: the gateway
		dial     func(ctx context.Context, network, addr string) (net.Conn, error)
		unknown  bool
		is       error
		requests int
	}{
		{name: "context done before sending", ctx: func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}, is: context.Canceled},
		{name: "DNS failure", dial: failingDialer(0, &net.DNSError{Err: "no such host", Name: "open-sea-global.alipay.com", IsNotFound: true})},
		{name: "connection refused", dial: failingDialer(0, syscall.ECONNREFUSED), is: syscall.ECONNREFUSED},
		{name: "TLS handshake failure", endpoint: tlsSrv.URL},
		{name: "delivered, then refused on the retry", dial: failingDialer(1, syscall.ECONNREFUSED), unknown: true, is: syscall.ECONNREFUSED, requests: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := newScriptedGateway(t, busyThenGone)
			tr := &http.Transport{DialContext: tc.dial, DisableKeepAlives: true, TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12}}
			opts := []Option{WithHTTPClient(&http.Client{Transport: tr}), WithRetry(RetryPolicy{MaxAttempts: 2, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})}
			if tc.endpoint != "" {
				opts = append(opts, WithEndpoint(tc.endpoint))
			}
			ctx := context.Background()
			if tc.ctx != nil {
				ctx = tc.ctx()
			}
			err := g.client(t, opts...).Do(ctx, payPath, testReq{PaymentRequestID: "R1"}, nil)
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tc.unknown, IsUnknown(err), "%v", err)
			if tc.is != nil {
				assert.ErrorIs(t, err, tc.is)
			}
			if tc.unknown {
				assert.Contains(t, err.Error(), "inquire")
			} else {
				assert.NotContains(t, err.Error(), "inquire")
				assert.Contains(t, err.Error(), "did not reach Antom")
			}
			assert.Len(t, g.requests(), tc.requests)
		})
	}
}

// connCounter counts the connections a server accepts.
func connCounter(srv *httptest.Server) *atomic.Int32 {
	var n atomic.Int32
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			n.Add(1)
		}
	}
	return &n
}

// A failed call leaves the idle pool alone: its answers are drained so that
// the connection goes back to the pool, and retries that run out end in
// checkRetry, before go-retryablehttp's own flush (the flush on a context
// that ends in the backoff is TestPoolSurvivesCancelDuringBackoff's).
func TestPoolSurvivesFailedCall(t *testing.T) {
	for _, shared := range []bool{false, true} {
		name := map[bool]string{false: "default client", true: "WithHTTPClient"}[shared]
		t.Run(name, func(t *testing.T) {
			g := &scriptedGateway{t: t}
			antomKey, err := ParsePrivateKey(readKey(t, "antom_private_pkcs8.pem"))
			require.NoError(t, err)
			g.antomSigner = NewSigner(antomKey)
			var fail atomic.Bool
			g.reply = func(int, *http.Request) gatewayReply {
				if fail.Load() {
					return gatewayReply{status: http.StatusServiceUnavailable, body: "busy", unsigned: true}
				}
				return gatewayReply{body: okBody}
			}
			g.srv = httptest.NewUnstartedServer(http.HandlerFunc(g.serve))
			conns := connCounter(g.srv)
			g.srv.Start()
			defer g.srv.Close()

			var opts []Option
			if shared {
				opts = append(opts, WithHTTPClient(&http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}))
			}
			c := g.client(t, append(opts, WithRetry(RetryPolicy{MaxAttempts: 2, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}))...)
			require.NoError(t, c.Do(context.Background(), payPath, testReq{PaymentRequestID: "R1"}, nil))
			fail.Store(true)
			require.Error(t, c.Do(context.Background(), payPath, testReq{PaymentRequestID: "R2"}, nil))
			fail.Store(false)
			require.NoError(t, c.Do(context.Background(), payPath, testReq{PaymentRequestID: "R3"}, nil))
			assert.Equal(t, int32(1), conns.Load(), "every call reused the first connection")
		})
	}
}
