package alipaytest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xborderpay/alipay"
)

func newSink(t *testing.T, ack func(n int) (int, string)) (*notifySink, string) {
	t.Helper()
	sink := &notifySink{ack: ack}
	ts := httptest.NewServer(sink)
	t.Cleanup(ts.Close)
	return sink, ts.URL + "/notify"
}

func paidPayment(t *testing.T, srv *Server, c *rawClient, id, notifyURL string) string {
	t.Helper()
	b := payBody(id, "WEB")
	b["paymentNotifyUrl"] = notifyURL
	pid := c.post("pay", b).expect(t, "U", "PAYMENT_IN_PROCESS").str("paymentId")
	require.NoError(t, srv.CompletePayment(id))
	return pid
}

func TestNotificationRetrySchedule(t *testing.T) {
	sink, notifyURL := newSink(t, func(int) (int, string) { return http.StatusInternalServerError, "busy" })
	srv, clock, c := newFakeServer(t)
	paidPayment(t, srv, c, "n-sched", notifyURL)

	offsets := []time.Duration{0, 2 * time.Minute, 12 * time.Minute, 22 * time.Minute,
		82 * time.Minute, 202 * time.Minute, 562 * time.Minute, 1462 * time.Minute}
	for i, off := range offsets {
		if off > 0 {
			clock.Set(epoch.Add(off - time.Second))
			assert.Empty(t, srv.DeliverDue(context.Background()), "attempt %d must not come early", i+1)
			clock.Set(epoch.Add(off))
		}
		ds := srv.DeliverDue(context.Background())
		require.Len(t, ds, 1, "attempt %d", i+1)
		assert.Equal(t, i+1, ds[0].Attempt)
		assert.Equal(t, epoch.Add(off), ds[0].Time)
		assert.Equal(t, http.StatusInternalServerError, ds[0].StatusCode)
		assert.False(t, ds[0].Acknowledged)
	}
	assert.Equal(t, 0, srv.PendingNotifications(), "Antom gives up after eight attempts")
	clock.Advance(48 * time.Hour)
	assert.Empty(t, srv.DeliverDue(context.Background()))
	assert.Equal(t, 8, sink.count())
	assert.Len(t, srv.Deliveries(), 8)
}

func TestNotificationStopsWhenAcknowledged(t *testing.T) {
	sink, notifyURL := newSink(t, func(n int) (int, string) {
		switch n {
		case 1:
			return http.StatusOK, `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"Success"}}` // wrong message
		case 2:
			return http.StatusOK, Ack + "\n" // not the exact bytes
		}
		return http.StatusOK, Ack
	})
	srv, clock, c := newFakeServer(t)
	paidPayment(t, srv, c, "n-ack", notifyURL)
	srv.DeliverDue(context.Background())
	clock.Advance(2 * time.Minute)
	srv.DeliverDue(context.Background())
	clock.Advance(10 * time.Minute)
	ds := srv.DeliverDue(context.Background())
	require.Len(t, ds, 1)
	assert.True(t, ds[0].Acknowledged)
	assert.Equal(t, 0, srv.PendingNotifications())
	clock.Advance(24 * time.Hour)
	assert.Empty(t, srv.DeliverDue(context.Background()))
	assert.Equal(t, 3, sink.count())
}

func TestIsAck(t *testing.T) {
	for body, want := range map[string]bool{
		Ack: true,
		`{ "result" : { "resultStatus":"S", "resultMessage":"success", "resultCode":"SUCCESS" } }`: false,
		Ack + "\n": false,
		`{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"Success"}}`: false,
		`{"result":{"resultCode":"SUCCESS","resultStatus":"S"}}`:                           false,
		`{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}`:            false,
		`SUCCESS`: false,
		``:        false,
	} {
		assert.Equal(t, want, isAck([]byte(body)), body)
	}
}

func TestNotificationBodies(t *testing.T) {
	_, notifyURL := newSink(t, nil)
	_, fallbackURL := newSink(t, nil)
	srv, clock, c := newFakeServer(t, WithNotifyURL(fallbackURL))

	pid := paidPayment(t, srv, c, "n-body", notifyURL)
	clock.Advance(time.Minute)
	c.post("refund", refundBody("n-refund", pid, "250")).expect(t, "S", "SUCCESS")
	// No paymentNotifyUrl: the "Dashboard" URL is used.
	c.post("pay", payBody("n-fallback", "WEB")).expect(t, "U", "PAYMENT_IN_PROCESS")
	require.NoError(t, srv.FailPayment("n-fallback"))

	ds := srv.DeliverDue(context.Background())
	require.Len(t, ds, 3)
	for _, d := range ds {
		assert.True(t, d.Acknowledged)
	}
	var pay, ref, failed map[string]any
	require.NoError(t, json.Unmarshal(ds[0].Body, &pay))
	require.NoError(t, json.Unmarshal(ds[1].Body, &ref))
	require.NoError(t, json.Unmarshal(ds[2].Body, &failed))

	assert.Equal(t, APINotifyPayment, ds[0].API)
	assert.Equal(t, notifyURL, ds[0].URL)
	assert.Equal(t, "n-body", ds[0].RequestID)
	assert.Equal(t, "PAYMENT_RESULT", pay["notifyType"])
	assert.Equal(t, map[string]any{"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"}, pay["result"])
	assert.Equal(t, pid, pay["paymentId"])
	assert.Equal(t, map[string]any{"currency": "USD", "value": "1000"}, pay["paymentAmount"])
	assert.Equal(t, "2026-03-10T09:00:00+00:00", pay["paymentCreateTime"])
	assert.Equal(t, "2026-03-10T09:00:00+00:00", pay["paymentTime"])

	assert.Equal(t, APINotifyRefund, ds[1].API)
	assert.Equal(t, fallbackURL, ds[1].URL, "no refundNotifyUrl: the Dashboard URL")
	assert.Equal(t, "REFUND_RESULT", ref["notifyType"])
	assert.Equal(t, "SUCCESS", ref["refundStatus"])
	assert.Equal(t, "n-refund", ref["refundRequestId"])
	assert.Equal(t, "2026-03-10T09:01:00+00:00", ref["refundTime"])

	assert.Equal(t, fallbackURL, ds[2].URL)
	assert.Equal(t, "F", failed["result"].(map[string]any)["resultStatus"])
	assert.Equal(t, "PROCESS_FAIL", failed["result"].(map[string]any)["resultCode"])
}

func TestNotificationOnExpiryAndPending(t *testing.T) {
	_, notifyURL := newSink(t, nil)
	srv, clock, c := newFakeServer(t, WithNotifyURL(notifyURL))
	c.post("pay", payBody("n-exp", "WEB")).expect(t, "U", "PAYMENT_IN_PROCESS")
	b := payBody("n-pend", "WEB")
	b["paymentMethod"] = map[string]any{"paymentMethodType": "SOFORT"}
	b["paymentAmount"] = map[string]any{"currency": "EUR", "value": "100"}
	c.post("pay", b).expect(t, "U", "PAYMENT_IN_PROCESS")
	require.NoError(t, srv.CompletePayment("n-pend"))
	clock.Advance(DefaultPaymentExpiry)
	ds := srv.DeliverDue(context.Background())
	require.Len(t, ds, 2)
	kinds := map[string]string{}
	for _, d := range ds {
		var body struct {
			NotifyType string            `json:"notifyType"`
			Result     map[string]string `json:"result"`
		}
		require.NoError(t, json.Unmarshal(d.Body, &body))
		kinds[d.RequestID] = body.NotifyType + " " + body.Result["resultStatus"] + " " + body.Result["resultCode"]
	}
	assert.Equal(t, map[string]string{
		"n-pend": "PAYMENT_PENDING S SUCCESS",
		"n-exp":  "PAYMENT_RESULT F ORDER_IS_CLOSED",
	}, kinds)
	st, _ := srv.PaymentStatus("n-pend")
	assert.Equal(t, StatusPending, st, "PENDING payments do not expire")
}

func TestNotificationCapture(t *testing.T) {
	_, notifyURL := newSink(t, nil)
	srv, _, c := newFakeServer(t)
	b := payBody("n-cap", "WEB")
	b["paymentMethod"] = map[string]any{"paymentMethodType": "CARD"}
	b["paymentFactor"] = map[string]any{"captureMode": "MANUAL"}
	b["paymentNotifyUrl"] = notifyURL
	pid := c.post("pay", b).expect(t, "U", "PAYMENT_IN_PROCESS").str("paymentId")
	require.NoError(t, srv.CompletePayment("n-cap"))
	c.post("capture", map[string]any{"captureRequestId": "cap", "paymentId": pid, "captureAmount": map[string]any{"currency": "USD", "value": "1000"}}).expect(t, "S", "SUCCESS")
	ds := srv.DeliverDue(context.Background())
	require.Len(t, ds, 2)
	assert.Equal(t, APINotifyCapture, ds[1].API)
	assert.Equal(t, "cap", ds[1].RequestID)
	assert.Contains(t, string(ds[1].Body), `"notifyType":"CAPTURE_RESULT"`)
}

func TestNotificationFaults(t *testing.T) {
	t.Run("duplicate", func(t *testing.T) {
		sink, notifyURL := newSink(t, nil)
		srv, _, c := newFakeServer(t)
		srv.InjectFault(APINotifyPayment, Fault{Kind: Duplicate})
		paidPayment(t, srv, c, "f-dup", notifyURL)
		ds := srv.DeliverDue(context.Background())
		require.Len(t, ds, 2)
		assert.Equal(t, ds[0].Body, ds[1].Body)
		assert.Equal(t, 2, sink.count())
		assert.Equal(t, 0, srv.PendingNotifications())
	})
	t.Run("out of order", func(t *testing.T) {
		_, notifyURL := newSink(t, nil)
		srv, _, c := newFakeServer(t)
		srv.InjectFault(APINotifyPayment, Fault{Kind: OutOfOrder})
		pid := paidPayment(t, srv, c, "f-ooo", notifyURL)
		assert.Empty(t, srv.DeliverDue(context.Background()), "held back")
		b := refundBody("f-ooo-r", pid, "1")
		b["refundNotifyUrl"] = notifyURL
		c.post("refund", b).expect(t, "S", "SUCCESS")
		ds := srv.DeliverDue(context.Background())
		require.Len(t, ds, 2)
		assert.Equal(t, APINotifyRefund, ds[0].API, "the refund arrives before the payment it refunds")
		assert.Equal(t, APINotifyPayment, ds[1].API)
	})
	t.Run("out of order with nothing after it", func(t *testing.T) {
		_, notifyURL := newSink(t, nil)
		srv, clock, c := newFakeServer(t)
		srv.InjectFault(APINotifyPayment, Fault{Kind: OutOfOrder})
		paidPayment(t, srv, c, "f-ooo2", notifyURL)
		assert.Empty(t, srv.DeliverDue(context.Background()))
		clock.Advance(2 * time.Minute)
		require.Len(t, srv.DeliverDue(context.Background()), 1)
	})
	t.Run("dropped", func(t *testing.T) {
		sink, notifyURL := newSink(t, nil)
		srv, clock, c := newFakeServer(t)
		srv.InjectFault(APINotifyPayment, Fault{Kind: DropNotification})
		paidPayment(t, srv, c, "f-drop", notifyURL)
		ds := srv.DeliverDue(context.Background())
		require.Len(t, ds, 1)
		assert.True(t, ds[0].Dropped)
		assert.Equal(t, 0, sink.count())
		clock.Advance(2 * time.Minute)
		ds = srv.DeliverDue(context.Background())
		require.Len(t, ds, 1)
		assert.Equal(t, 2, ds[0].Attempt)
		assert.True(t, ds[0].Acknowledged)
	})
	t.Run("queued API faults do not hit notifications", func(t *testing.T) {
		sink, notifyURL := newSink(t, nil)
		srv, _, c := newFakeServer(t)
		srv.InjectFault(APIRefund, Fault{Kind: Status500})
		paidPayment(t, srv, c, "f-other", notifyURL)
		require.Len(t, srv.DeliverDue(context.Background()), 1)
		assert.Equal(t, 1, sink.count())
	})
}

func TestNotificationsWithoutURLAreNotSent(t *testing.T) {
	srv, _, c := newFakeServer(t)
	c.post("pay", payBody("n-none", "WEB")).expect(t, "U", "PAYMENT_IN_PROCESS")
	require.NoError(t, srv.CompletePayment("n-none"))
	assert.Empty(t, srv.DeliverDue(context.Background()))
	assert.Equal(t, 0, srv.PendingNotifications())
}

func TestNotificationWithoutURLIsLogged(t *testing.T) {
	srv := NewServer(WithManualNotifications())
	defer srv.Close()
	c := srv.Client()
	_, err := c.Pay(context.Background(), &alipay.PayRequest{
		PaymentRequestID:   "no-notify-url-1",
		Order:              alipay.Order{ReferenceOrderID: "o-1", OrderDescription: "Mug", OrderAmount: alipay.Amount{Currency: "USD", Value: "100"}},
		PaymentAmount:      alipay.Amount{Currency: "USD", Value: "100"},
		PaymentMethod:      alipay.PaymentMethod{PaymentMethodType: "ALIPAY_CN"},
		PaymentRedirectURL: "https://shop.example/return",
		Env:                alipay.Env{TerminalType: alipay.TerminalTypeWeb},
	})
	require.NoError(t, err)
	require.NoError(t, srv.CompletePayment("no-notify-url-1"))
	srv.DeliverDue(context.Background())
	ds := srv.Deliveries()
	require.Len(t, ds, 1, "a notification with nowhere to go left no trace")
	assert.ErrorIs(t, ds[0].Err, ErrNoNotifyURL)
	assert.Equal(t, "no-notify-url-1", ds[0].RequestID)
	assert.False(t, ds[0].Acknowledged)
	assert.Zero(t, srv.PendingNotifications())
}
