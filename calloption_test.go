package alipay

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCallAgentTokenOnTheWire(t *testing.T) {
	g := newScriptedGateway(t, func(int, *http.Request) gatewayReply { return gatewayReply{body: okBody} })
	ctx := context.Background()
	req := testReq{PaymentRequestID: "R1"}

	plain := g.client(t)
	require.NoError(t, plain.Do(ctx, payPath, req, nil, CallAgentToken("merchant-A")))
	require.NoError(t, plain.Do(ctx, payPath, req, nil))

	isv := g.client(t, WithAgentToken("client-token"))
	require.NoError(t, isv.Do(ctx, payPath, req, nil, CallAgentToken("merchant-B")))
	require.NoError(t, isv.Do(ctx, payPath, req, nil, CallAgentToken("")))
	require.NoError(t, isv.Do(ctx, payPath, req, nil))

	seen := g.requests()
	require.Len(t, seen, 5)
	want := [][]string{{"merchant-A"}, nil, {"merchant-B"}, nil, {"client-token"}}
	for i, w := range want {
		assert.Equal(t, w, seen[i].header.Values("Agent-Token"), "call %d", i+1)
	}
}

func TestCallAgentTokenOnEveryAttempt(t *testing.T) {
	g := newScriptedGateway(t, func(n int, _ *http.Request) gatewayReply {
		if n < 3 {
			return gatewayReply{body: unknownBody}
		}
		return gatewayReply{body: okBody}
	})
	c := g.client(t, WithAgentToken("client-token"))
	require.NoError(t, c.Do(context.Background(), payPath, testReq{PaymentRequestID: "R1"}, nil, CallAgentToken("")))
	seen := g.requests()
	require.Len(t, seen, 3)
	for i, r := range seen {
		assert.Empty(t, r.header.Values("Agent-Token"), "attempt %d", i+1)
	}
}

func TestCallRetryCountsAttempts(t *testing.T) {
	g := newScriptedGateway(t, func(int, *http.Request) gatewayReply {
		return gatewayReply{status: 503, body: "busy", unsigned: true}
	})
	c := g.client(t) // 4 attempts
	ctx := context.Background()
	cases := []struct {
		name string
		opts []CallOption
		want int
	}{
		{"NoRetry", []CallOption{CallRetry(NoRetry)}, 1},
		{"two attempts", []CallOption{CallRetry(RetryPolicy{MaxAttempts: 2, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})}, 2},
		{"more than the client's", []CallOption{CallRetry(RetryPolicy{MaxAttempts: 6, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})}, 6},
		{"the client's, after the others", nil, 4},
		{"last option wins", []CallOption{CallRetry(NoRetry), CallRetry(RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})}, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(g.requests())
			err := c.Do(ctx, payPath, testReq{PaymentRequestID: "R1"}, nil, tc.opts...)
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tc.want, e.Attempts)
			assert.Len(t, g.requests(), before+tc.want)
		})
	}
}

func TestCallRetryBackoffIsTheCalls(t *testing.T) {
	g := newScriptedGateway(t, func(int, *http.Request) gatewayReply { return gatewayReply{body: unknownBody} })
	c := g.client(t) // backoff of a millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	// A call whose own backoff leaves no room before the deadline is not
	// retried; under the client's policy it would be.
	err := c.Do(ctx, payPath, testReq{PaymentRequestID: "R1"}, nil,
		CallRetry(RetryPolicy{MaxAttempts: 5, MinBackoff: time.Hour, MaxBackoff: time.Hour}))
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 1, e.Attempts)
	assert.Equal(t, ResultCodeUnknownException, e.Result.ResultCode)
}

func TestCallAttemptTimeout(t *testing.T) {
	g := newScriptedGateway(t, func(n int, _ *http.Request) gatewayReply {
		if n == 1 {
			return gatewayReply{body: okBody, delay: 10 * time.Second}
		}
		return gatewayReply{body: okBody}
	})
	c := g.client(t, WithAttemptTimeout(time.Minute))
	err := c.Do(context.Background(), payPath, testReq{PaymentRequestID: "R1"}, nil,
		CallAttemptTimeout(time.Second), CallRetry(NoRetry)) // ample to send on a loaded machine, far short of the stall
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 1, e.Attempts)
	assert.Contains(t, err.Error(), "attempt timed out after 1s (CallAttemptTimeout)")
	assert.True(t, IsUnknown(err))

	// The next call has the client's minute.
	require.NoError(t, c.Do(context.Background(), payPath, testReq{PaymentRequestID: "R1"}, nil))
}

func TestCallOptionsAreValidatedBeforeSending(t *testing.T) {
	g := newScriptedGateway(t, func(int, *http.Request) gatewayReply { return gatewayReply{body: okBody} })
	c := g.client(t)
	ctx := context.Background()
	cases := []struct {
		name string
		call func() error
		want string
	}{
		{"retry on Do", func() error {
			return c.Do(ctx, payPath, testReq{PaymentRequestID: "R1"}, nil, CallRetry(RetryPolicy{}))
		}, "alipay: Do: CallRetry: RetryPolicy.MaxAttempts is 0"},
		{"backoffs on Pay", func() error {
			_, err := c.Pay(ctx, payRequestFixture(), CallRetry(RetryPolicy{MaxAttempts: 2, MinBackoff: time.Second, MaxBackoff: time.Millisecond}))
			return err
		}, "alipay: Pay: CallRetry: RetryPolicy.MaxBackoff (1ms) is shorter than MinBackoff (1s)"},
		{"timeout on Refund", func() error {
			_, err := c.Refund(ctx, &RefundRequest{RefundRequestID: "F1", PaymentID: "P1", RefundAmount: Amount{Currency: "USD", Value: "100"}}, CallAttemptTimeout(0))
			return err
		}, "alipay: Refund: CallAttemptTimeout(0s): the attempt timeout must be positive"},
		{"timeout on WaitForPayment", func() error {
			_, err := c.WaitForPayment(ctx, &InquiryPaymentRequest{PaymentRequestID: "R1"}, WaitOptions{}, CallAttemptTimeout(-time.Second))
			return err
		}, "alipay: WaitForPayment: CallAttemptTimeout(-1s)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.False(t, IsUnknown(err))
		})
	}
	assert.Empty(t, g.requests(), "nothing is sent")
	require.NoError(t, c.Do(ctx, payPath, testReq{PaymentRequestID: "R1"}, nil, nil), "a nil option is ignored")
}

func TestNilContextNamesTheMethod(t *testing.T) {
	g := newScriptedGateway(t, func(int, *http.Request) gatewayReply { return gatewayReply{body: okBody} })
	c := g.client(t)
	var nilCtx context.Context // a nil context is what is tested
	calls := map[string]func() error{
		"Consult": func() error { _, err := c.Consult(nilCtx, &ConsultRequest{}); return err },
		"Pay":     func() error { _, err := c.Pay(nilCtx, payRequestFixture()); return err },
		"InquiryPayment": func() error {
			_, err := c.InquiryPayment(nilCtx, &InquiryPaymentRequest{PaymentRequestID: "R1"})
			return err
		},
		"Cancel":               func() error { _, err := c.Cancel(nilCtx, &CancelRequest{PaymentRequestID: "R1"}); return err },
		"Refund":               func() error { _, err := c.Refund(nilCtx, &RefundRequest{}); return err },
		"InquiryRefund":        func() error { _, err := c.InquiryRefund(nilCtx, &InquiryRefundRequest{}); return err },
		"Capture":              func() error { _, err := c.Capture(nilCtx, &CaptureRequest{}); return err },
		"CreatePaymentSession": func() error { _, err := c.CreatePaymentSession(nilCtx, &PaymentSessionRequest{}); return err },
		"WaitForPayment": func() error {
			_, err := c.WaitForPayment(nilCtx, &InquiryPaymentRequest{PaymentRequestID: "R1"}, WaitOptions{})
			return err
		},
		"Do": func() error { return c.Do(nilCtx, payPath, testReq{PaymentRequestID: "R1"}, nil) },
	}
	for name, call := range calls {
		assert.EqualError(t, call(), "alipay: "+name+": nil context", name)
	}
	assert.Empty(t, g.requests())
}

func TestWaitForPaymentPassesCallOptions(t *testing.T) {
	g := newScriptedGateway(t, func(n int, _ *http.Request) gatewayReply {
		status := "PROCESSING"
		if n == 3 {
			status = "SUCCESS"
		}
		return gatewayReply{body: `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentRequestId":"R1","paymentStatus":"` + status + `"}`}
	})
	c := g.client(t, WithAgentToken("client-token"))
	noSleep := WaitOptions{sleep: func(context.Context, time.Duration) error { return nil }}
	resp, err := c.WaitForPayment(context.Background(), &InquiryPaymentRequest{PaymentRequestID: "R1"}, noSleep, CallAgentToken("merchant-C"))
	require.NoError(t, err)
	assert.Equal(t, PaymentStatusSuccess, resp.PaymentStatus)
	seen := g.requests()
	require.Len(t, seen, 3)
	for i, r := range seen {
		assert.Equal(t, []string{"merchant-C"}, r.header.Values("Agent-Token"), "inquiry %d", i+1)
	}
}
