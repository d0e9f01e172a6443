package alipaytest_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/alipaytest"
)

// These tests drive the fake through the SDK's typed API, so each side
// checks the other.

func usd(v string) alipay.Amount { return alipay.Amount{Currency: "USD", Value: v} }

func payRequest(id string, env alipay.Env) *alipay.PayRequest {
	return &alipay.PayRequest{
		PaymentRequestID:   id,
		Order:              alipay.Order{ReferenceOrderID: "order-" + id, OrderDescription: "Test order", OrderAmount: usd("1000")},
		PaymentAmount:      usd("1000"),
		PaymentMethod:      alipay.PaymentMethod{PaymentMethodType: "ALIPAY_CN"},
		PaymentRedirectURL: "https://merchant.example/return",
		Env:                env,
	}
}

var webEnv = alipay.Env{TerminalType: alipay.TerminalTypeWeb}

// notifications collects verified notifications from the SDK's handler.
func notifications(t *testing.T, c *alipay.Client) (string, <-chan *alipay.Notification) {
	t.Helper()
	ch := make(chan *alipay.Notification, 16)
	ts := httptest.NewServer(c.NotificationHandler(func(_ context.Context, n *alipay.Notification) error {
		ch <- n
		return nil
	}))
	t.Cleanup(ts.Close)
	return ts.URL + "/alipay/notify", ch
}

func receive(t *testing.T, ch <-chan *alipay.Notification) *alipay.Notification {
	t.Helper()
	select {
	case n := <-ch:
		return n
	case <-time.After(10 * time.Second): // a guard against a hang, not a timing assertion
		t.Fatal("no notification arrived")
		return nil
	}
}

func TestSDKCheckoutFlow(t *testing.T) {
	srv := alipaytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	notifyURL, got := notifications(t, c)

	consult, err := c.Consult(ctx, &alipay.ConsultRequest{PaymentAmount: usd("1000"), Env: webEnv})
	require.NoError(t, err)
	require.NotEmpty(t, consult.PaymentOptions)

	req := payRequest("sdk-flow", webEnv)
	req.PaymentNotifyURL = notifyURL
	pay, err := c.Pay(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, alipay.ResultCodePaymentInProcess, pay.Result.ResultCode)
	assert.Equal(t, pay.NormalURL, pay.RedirectURL(webEnv))
	assert.False(t, pay.PaymentCreateTime.IsZero())

	// The user pays on the cashier page.
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).
		PostForm(pay.RedirectURL(webEnv), url.Values{"action": {"pay"}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)

	n := receive(t, got)
	assert.Equal(t, alipay.NotifyTypePaymentResult, n.NotifyType)
	assert.Equal(t, alipay.ResultStatusSuccess, n.Result.ResultStatus)
	require.NotNil(t, n.Payment)
	assert.Equal(t, pay.PaymentID, n.Payment.PaymentID)

	inq, err := c.InquiryPayment(ctx, &alipay.InquiryPaymentRequest{PaymentRequestID: "sdk-flow"})
	require.NoError(t, err)
	assert.Equal(t, alipay.PaymentStatusSuccess, inq.PaymentStatus)

	ref, err := c.Refund(ctx, &alipay.RefundRequest{RefundRequestID: "sdk-flow-r1", PaymentID: pay.PaymentID, RefundAmount: usd("400"), RefundNotifyURL: notifyURL})
	require.NoError(t, err)
	assert.NotEmpty(t, ref.RefundID)
	rn := receive(t, got)
	require.NotNil(t, rn.Refund)
	assert.Equal(t, ref.RefundID, rn.Refund.RefundID)

	ir, err := c.InquiryRefund(ctx, &alipay.InquiryRefundRequest{RefundRequestID: "sdk-flow-r1"})
	require.NoError(t, err)
	assert.Equal(t, alipay.RefundStatusSuccess, ir.RefundStatus)

	_, err = c.Refund(ctx, &alipay.RefundRequest{RefundRequestID: "sdk-flow-r2", PaymentID: pay.PaymentID, RefundAmount: usd("601")})
	var e *alipay.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, alipay.ResultCode("REFUND_AMOUNT_EXCEED"), e.Result.ResultCode)
	assert.False(t, alipay.IsUnknown(err))

	assert.Equal(t, 1, srv.Charges("sdk-flow"))
	assert.Equal(t, 1, srv.Refunds("sdk-flow-r1"))
	assert.Equal(t, 0, srv.Refunds("sdk-flow-r2"))
}

func TestSDKCancelAndCapture(t *testing.T) {
	srv := alipaytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	_, err := c.Pay(ctx, payRequest("sdk-cancel", webEnv))
	require.NoError(t, err)
	cr, err := c.Cancel(ctx, &alipay.CancelRequest{PaymentRequestID: "sdk-cancel"})
	require.NoError(t, err)
	assert.False(t, cr.CancelTime.IsZero())
	inq, err := c.InquiryPayment(ctx, &alipay.InquiryPaymentRequest{PaymentRequestID: "sdk-cancel"})
	require.NoError(t, err)
	assert.Equal(t, alipay.PaymentStatusCancelled, inq.PaymentStatus)

	req := payRequest("sdk-capture", webEnv)
	req.PaymentMethod.PaymentMethodType = "CARD"
	req.PaymentFactor = &alipay.PaymentFactor{CaptureMode: alipay.CaptureModeManual}
	pay, err := c.Pay(ctx, req)
	require.NoError(t, err)
	require.NoError(t, srv.CompletePayment("sdk-capture"))
	cap, err := c.Capture(ctx, &alipay.CaptureRequest{CaptureRequestID: "sdk-cap-1", PaymentID: pay.PaymentID, CaptureAmount: usd("1000")})
	require.NoError(t, err)
	assert.NotEmpty(t, cap.CaptureID)
}

func TestSDKRetriesThroughFaults(t *testing.T) {
	for _, kind := range []alipaytest.FaultKind{alipaytest.DropResponse, alipaytest.Status500, alipaytest.Status502HTML, alipaytest.UnknownException} {
		t.Run(fmt.Sprint(kind), func(t *testing.T) {
			srv := alipaytest.NewServer()
			defer srv.Close()
			c := srv.Client()
			ctx := context.Background()

			srv.InjectFault(alipaytest.APIPay, alipaytest.Fault{Kind: kind})
			pay, err := c.Pay(ctx, payRequest("sdk-retry", webEnv))
			require.NoError(t, err)
			require.NoError(t, srv.CompletePayment("sdk-retry"))

			srv.InjectFault(alipaytest.APIRefund, alipaytest.Fault{Kind: kind})
			srv.InjectFault(alipaytest.APIRefund, alipaytest.Fault{Kind: kind})
			ref, err := c.Refund(ctx, &alipay.RefundRequest{RefundRequestID: "sdk-retry-r", PaymentID: pay.PaymentID, RefundAmount: usd("1000")})
			require.NoError(t, err)
			assert.NotEmpty(t, ref.RefundID)
			assert.Equal(t, 1, srv.Charges("sdk-retry"))
			assert.Equal(t, 1, srv.Refunds("sdk-retry-r"), "a retried refund is made once")
		})
	}
}

func TestSDKSignatureFaults(t *testing.T) {
	srv := alipaytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	pay, err := c.Pay(ctx, payRequest("sdk-sig", webEnv))
	require.NoError(t, err)
	require.NoError(t, srv.CompletePayment("sdk-sig"))
	refund := &alipay.RefundRequest{RefundRequestID: "sdk-sig-r", PaymentID: pay.PaymentID, RefundAmount: usd("100")}

	srv.InjectFault(alipaytest.APIRefund, alipaytest.Fault{Kind: alipaytest.BadSignature})
	_, err = c.Refund(ctx, refund)
	require.ErrorIs(t, err, alipay.ErrBadSignature)
	assert.True(t, alipay.IsUnknown(err))
	assert.Equal(t, 1, srv.Refunds("sdk-sig-r"), "the refund went through; only the answer was spoiled")

	srv.InjectFault(alipaytest.APIRefund, alipaytest.Fault{Kind: alipaytest.MissingSignature})
	_, err = c.Refund(ctx, refund)
	require.ErrorIs(t, err, alipay.ErrUnsignedResponse)
	assert.True(t, alipay.IsUnknown(err))

	ref, err := c.Refund(ctx, refund)
	require.NoError(t, err, "retrying with the same refundRequestId is safe")
	assert.NotEmpty(t, ref.RefundID)
	assert.Equal(t, 1, srv.Refunds("sdk-sig-r"))
}

func TestSDKInvalidRequestSignature(t *testing.T) {
	srv := alipaytest.NewServer()
	defer srv.Close()
	wrongKey := srv.Client(alipay.WithSigner(badSigner{}))
	_, err := wrongKey.InquiryPayment(context.Background(), &alipay.InquiryPaymentRequest{PaymentRequestID: "x"})
	var e *alipay.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, alipay.ResultCodeInvalidSignature, e.Result.ResultCode)
	assert.True(t, e.Unverified, "Antom leaves INVALID_SIGNATURE unsigned")
}

// badSigner signs with garbage.
type badSigner struct{}

func (badSigner) Sign(context.Context, []byte) ([]byte, error) { return make([]byte, 256), nil }

func TestSDKDelayedAnswerIsRetried(t *testing.T) {
	srv := alipaytest.NewServer()
	defer srv.Close()
	// A second is ample for the retry on a loaded machine, far short of the stall.
	c := srv.Client(alipay.WithAttemptTimeout(time.Second))
	srv.InjectFault(alipaytest.APIPay, alipaytest.Fault{Kind: alipaytest.Delay, Delay: time.Minute})
	pay, err := c.Pay(context.Background(), payRequest("sdk-delay", webEnv))
	require.NoError(t, err)
	assert.NotEmpty(t, pay.PaymentID)
	id, _ := srv.PaymentID("sdk-delay")
	assert.Equal(t, id, pay.PaymentID, "the delayed attempt was abandoned before it created anything")
}

func TestSDKSandboxAndProductionPaths(t *testing.T) {
	srv := alipaytest.NewServer()
	defer srv.Close()
	for _, sandbox := range []bool{true, false} {
		c := srv.Client(alipay.WithSandbox(sandbox))
		assert.Equal(t, sandbox, c.Sandbox())
		_, err := c.InquiryPayment(context.Background(), &alipay.InquiryPaymentRequest{PaymentRequestID: "none"})
		var e *alipay.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, alipay.ResultCodeOrderNotExist, e.Result.ResultCode)
		assert.False(t, e.Unverified)
	}
}

// TestSDKRandomFaults injects a random fault into a third of all calls and
// checks that a merchant who retries with the same request IDs charges and
// refunds each order exactly once.
func TestSDKRandomFaults(t *testing.T) {
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(1, 2))
	kinds := []alipaytest.FaultKind{alipaytest.DropResponse, alipaytest.Status500, alipaytest.Status502HTML, alipaytest.UnknownException, alipaytest.BadSignature, alipaytest.MissingSignature}
	srv := alipaytest.NewServer(alipaytest.WithFaultHook(func(api string) alipaytest.Fault {
		mu.Lock()
		defer mu.Unlock()
		if rng.IntN(3) > 0 {
			return alipaytest.Fault{}
		}
		return alipaytest.Fault{Kind: kinds[rng.IntN(len(kinds))]}
	}))
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	retry := func(f func() error) {
		t.Helper()
		for range 20 {
			err := f()
			if err == nil {
				return
			}
			require.True(t, alipay.IsUnknown(err), "only unknown outcomes are expected, got %v", err)
		}
		t.Fatal("still failing after 20 tries")
	}
	for i := range 15 {
		id := fmt.Sprintf("rnd-%d", i)
		var pay *alipay.PayResponse
		retry(func() (err error) { pay, err = c.Pay(ctx, payRequest(id, webEnv)); return err })
		require.NoError(t, srv.CompletePayment(id))
		for j := range 2 {
			rid := fmt.Sprintf("%s-r%d", id, j)
			retry(func() error {
				_, err := c.Refund(ctx, &alipay.RefundRequest{RefundRequestID: rid, PaymentID: pay.PaymentID, RefundAmount: usd("500")})
				return err
			})
			assert.Equal(t, 1, srv.Refunds(rid))
		}
		assert.Equal(t, 1, srv.Charges(id))
		_, err := c.Refund(ctx, &alipay.RefundRequest{RefundRequestID: id + "-r9", PaymentID: pay.PaymentID, RefundAmount: usd("1")})
		if err != nil && !alipay.IsUnknown(err) {
			var e *alipay.Error
			require.True(t, errors.As(err, &e))
			assert.Equal(t, alipay.ResultCode("REFUND_AMOUNT_EXCEED"), e.Result.ResultCode)
		}
		assert.Equal(t, 0, srv.Refunds(id+"-r9"))
	}
}

func TestSDKConcurrentClients(t *testing.T) {
	srv := alipaytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("conc-%d", i)
			pay, err := c.Pay(ctx, payRequest(id, webEnv))
			if err != nil {
				errs <- err
				return
			}
			if err := srv.CompletePayment(id); err != nil {
				errs <- err
				return
			}
			for j := range 2 {
				if _, err := c.Refund(ctx, &alipay.RefundRequest{RefundRequestID: fmt.Sprintf("%s-%d", id, j), PaymentID: pay.PaymentID, RefundAmount: usd("500")}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for i := range 20 {
		assert.Equal(t, 1, srv.Charges(fmt.Sprintf("conc-%d", i)))
		assert.Equal(t, 1, srv.Refunds(fmt.Sprintf("conc-%d-1", i)))
	}
}

// A server on a FakeClock far from the real time signs notifications at the
// fake time; the client from srv.Client reads the same clock, so they fit
// its replay window, also when the clock has moved a day on, while a
// client on the real clock refuses them as stale.
func TestSDKNotificationsOnAFakeClockFitTheReplayWindow(t *testing.T) {
	clock := alipaytest.NewFakeClock(time.Date(2020, 3, 10, 9, 0, 0, 0, time.UTC))
	srv := alipaytest.NewServer(alipaytest.WithClock(clock), alipaytest.WithManualNotifications())
	defer srv.Close()
	ctx := context.Background()
	notifyURL, got := notifications(t, srv.Client())

	for i, advance := range []time.Duration{0, 25 * time.Hour} {
		clock.Advance(advance)
		req := payRequest(fmt.Sprintf("fake-clock-%d", i), webEnv)
		req.PaymentNotifyURL = notifyURL
		_, err := srv.Client().Pay(ctx, req)
		require.NoError(t, err)
		require.NoError(t, srv.CompletePayment(req.PaymentRequestID))
		ds := srv.DeliverDue(ctx)
		require.Len(t, ds, 1)
		assert.True(t, ds[0].Acknowledged, "delivery at %s: HTTP %d", clock.Now(), ds[0].StatusCode)
		assert.Equal(t, req.PaymentRequestID, receive(t, got).Payment.PaymentRequestID)
	}

	realTime, err := alipay.NewClient(srv.ClientID(),
		alipay.WithPrivateKey(srv.MerchantPrivateKeyPEM()),
		alipay.WithAlipayPublicKey(srv.AlipayPublicKeyPEM()))
	require.NoError(t, err)
	staleURL, _ := notifications(t, realTime)
	req := payRequest("fake-clock-real-client", webEnv)
	req.PaymentNotifyURL = staleURL
	_, err = srv.Client().Pay(ctx, req)
	require.NoError(t, err)
	require.NoError(t, srv.CompletePayment(req.PaymentRequestID))
	ds := srv.DeliverDue(ctx)
	require.Len(t, ds, 1)
	assert.Equal(t, http.StatusUnauthorized, ds[0].StatusCode, "a notification signed in 2020 is stale on the real clock")
}

// Metadata set on pay and refund comes back as the same string in the
// inquiries and the notifications; notify URLs over plain http are refused
// before sending, unless they name a loopback host (as the test's own
// endpoint does).
func TestSDKMetadataAndNotifyURLs(t *testing.T) {
	srv := alipaytest.NewServer(alipaytest.WithManualNotifications())
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	notifyURL, got := notifications(t, c)
	const meta = `{"orderSource":"app"}`

	req := payRequest("sdk-meta", webEnv)
	req.PaymentNotifyURL = "http://merchant.example/alipay/notify"
	_, err := c.Pay(ctx, req)
	var ve *alipay.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "paymentNotifyUrl", ve.Field)

	req.PaymentNotifyURL = notifyURL
	req.Metadata = meta
	pay, err := c.Pay(ctx, req)
	require.NoError(t, err)
	require.NoError(t, srv.CompletePayment(req.PaymentRequestID))
	srv.DeliverDue(ctx)
	assert.Equal(t, meta, receive(t, got).Payment.Metadata)
	inq, err := c.InquiryPayment(ctx, &alipay.InquiryPaymentRequest{PaymentRequestID: req.PaymentRequestID})
	require.NoError(t, err)
	assert.Equal(t, meta, inq.Metadata)

	refund := &alipay.RefundRequest{RefundRequestID: "sdk-meta-r", PaymentID: pay.PaymentID, RefundAmount: usd("100"),
		RefundNotifyURL: "http://merchant.example/refunds", Metadata: meta}
	_, err = c.Refund(ctx, refund)
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "refundNotifyUrl", ve.Field)
	refund.RefundNotifyURL = notifyURL
	_, err = c.Refund(ctx, refund)
	require.NoError(t, err)
	srv.DeliverDue(ctx)
	assert.Equal(t, meta, receive(t, got).Refund.Metadata)
	inqRefund, err := c.InquiryRefund(ctx, &alipay.InquiryRefundRequest{RefundRequestID: refund.RefundRequestID})
	require.NoError(t, err)
	assert.Equal(t, meta, inqRefund.Metadata)
}
