package alipaytest

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var epoch = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

func newFakeServer(t *testing.T, opts ...Option) (*Server, *FakeClock, *rawClient) {
	t.Helper()
	clock := NewFakeClock(epoch)
	srv := NewServer(append([]Option{WithClock(clock), WithManualNotifications()}, opts...)...)
	t.Cleanup(srv.Close)
	return srv, clock, newRawClient(t, srv)
}

func TestPayParamIllegalNamesTheField(t *testing.T) {
	_, _, c := newFakeServer(t)
	for _, tc := range []struct {
		field string
		edit  func(b map[string]any)
	}{
		{"productCode", func(b map[string]any) { delete(b, "productCode") }},
		{"productCode", func(b map[string]any) { b["productCode"] = "AGREEMENT_PAYMENT" }},
		{"paymentRequestId", func(b map[string]any) { delete(b, "paymentRequestId") }},
		{"paymentRequestId", func(b map[string]any) { b["paymentRequestId"] = strings.Repeat("x", 65) }},
		{"paymentAmount", func(b map[string]any) { delete(b, "paymentAmount") }},
		{"paymentAmount.currency", func(b map[string]any) { b["paymentAmount"] = map[string]any{"currency": "usd", "value": "100"} }},
		{"paymentAmount.value", func(b map[string]any) { b["paymentAmount"] = map[string]any{"currency": "USD", "value": "10.00"} }},
		{"paymentAmount.value", func(b map[string]any) { b["paymentAmount"] = map[string]any{"currency": "USD", "value": "0"} }},
		{"paymentAmount.value", func(b map[string]any) {
			b["paymentAmount"] = map[string]any{"currency": "USD", "value": "12345678901234567"}
		}},
		{"paymentAmount.value", func(b map[string]any) { b["paymentAmount"] = map[string]any{"currency": "USD", "value": 100} }},
		{"paymentAmount.value", func(b map[string]any) { b["paymentAmount"] = map[string]any{"currency": "IDR", "value": "10050"} }},
		{"order", func(b map[string]any) { delete(b, "order") }},
		{"paymentMethod.paymentMethodType", func(b map[string]any) { delete(b, "paymentMethod") }},
		{"paymentMethod.paymentMethodType", func(b map[string]any) { b["paymentMethod"] = map[string]any{"paymentMethodType": "BITCOIN"} }},
		{"paymentRedirectUrl", func(b map[string]any) { delete(b, "paymentRedirectUrl") }},
		{"paymentRedirectUrl", func(b map[string]any) { b["paymentRedirectUrl"] = "/relative" }},
		{"paymentNotifyUrl", func(b map[string]any) { b["paymentNotifyUrl"] = "ftp://x/y" }},
		{"paymentNotifyUrl", func(b map[string]any) { b["paymentNotifyUrl"] = "http://merchant.example/notify" }},
		{"paymentNotifyUrl", func(b map[string]any) { b["paymentNotifyUrl"] = "http://10.1.2.3/notify" }},
		{"metadata", func(b map[string]any) { b["metadata"] = map[string]any{"orderSource": "app"} }},
		{"env", func(b map[string]any) { delete(b, "env") }},
		{"env.terminalType", func(b map[string]any) { b["env"] = map[string]any{"terminalType": "TV"} }},
		{"env.osType", func(b map[string]any) { b["env"] = map[string]any{"terminalType": "APP"} }},
		{"appId", func(b map[string]any) { b["env"] = map[string]any{"terminalType": "MINI_APP"} }},
		{"paymentExpiryTime", func(b map[string]any) { b["paymentExpiryTime"] = "tomorrow" }},
		{"paymentExpiryTime", func(b map[string]any) { b["paymentExpiryTime"] = "2020-01-01T00:00:00+08:00" }},
		{"paymentFactor.captureMode", func(b map[string]any) { b["paymentFactor"] = map[string]any{"captureMode": "MANUAL"} }},
	} {
		t.Run(tc.field, func(t *testing.T) {
			b := payBody("p-bad", "WEB")
			tc.edit(b)
			r := c.post("pay", b).expect(t, "F", "PARAM_ILLEGAL")
			assert.Contains(t, r.Result["resultMessage"], tc.field)
		})
	}
	c.post("pay", "{").expect(t, "F", "PARAM_ILLEGAL")
	c.post("pay", "").expect(t, "F", "PARAM_ILLEGAL")
	c.post("pay", "[1,2]").expect(t, "F", "PARAM_ILLEGAL")
}

func TestPayAnswersByTerminalType(t *testing.T) {
	srv, _, c := newFakeServer(t)
	web := c.post("pay", payBody("p-web", "WEB")).expect(t, "U", "PAYMENT_IN_PROCESS")
	assert.Equal(t, srv.URL+"/cashier/"+web.str("paymentId"), web.str("normalUrl"))
	assert.Empty(t, web.str("applinkUrl"))
	assert.Empty(t, web.str("schemeUrl"))
	assert.Empty(t, web.str("appIdentifier"))
	form := web.Fields["orderCodeForm"].(map[string]any)
	assert.Equal(t, "ALIPAY_CN", form["paymentMethodType"])
	assert.Equal(t, "2026-03-10T09:14:00+00:00", form["expireTime"])
	assert.Equal(t, web.str("normalUrl"), form["codeDetails"].([]any)[0].(map[string]any)["codeValue"])
	assert.Equal(t, "2026-03-10T09:00:00+00:00", web.str("paymentCreateTime"))
	assert.Equal(t, "p-web", web.str("paymentRequestId"))
	assert.Equal(t, map[string]any{"currency": "USD", "value": "1000"}, web.Fields["paymentAmount"])

	wap := c.post("pay", payBody("p-wap", "WAP")).expect(t, "U", "PAYMENT_IN_PROCESS")
	assert.NotEmpty(t, wap.str("normalUrl"))
	assert.Equal(t, srv.URL+"/applink/"+wap.str("paymentId"), wap.str("applinkUrl"))
	assert.Empty(t, wap.str("schemeUrl"))
	assert.Equal(t, "com.eg.android.AlipayGphone", wap.str("appIdentifier"))
	assert.Nil(t, wap.Fields["orderCodeForm"])

	app := c.post("pay", payBody("p-app", "APP")).expect(t, "U", "PAYMENT_IN_PROCESS")
	assert.NotEmpty(t, app.str("normalUrl"))
	assert.NotEmpty(t, app.str("applinkUrl"))
	assert.True(t, strings.HasPrefix(app.str("schemeUrl"), "alipaytest://pay?paymentId="), app.str("schemeUrl"))
	assert.Equal(t, "com.eg.android.AlipayGphone", app.str("appIdentifier"))

	ios := payBody("p-app-ios", "APP")
	ios["env"] = map[string]any{"terminalType": "APP", "osType": "IOS"}
	ir := c.post("pay", ios).expect(t, "U", "PAYMENT_IN_PROCESS")
	assert.NotEmpty(t, ir.str("schemeUrl"))
	assert.Empty(t, ir.str("appIdentifier"), "appIdentifier is an Android package name; it means nothing on iOS")

	card := payBody("p-card", "APP")
	card["paymentMethod"] = map[string]any{"paymentMethodType": "CARD"}
	cr := c.post("pay", card).expect(t, "U", "PAYMENT_IN_PROCESS")
	assert.NotEmpty(t, cr.str("normalUrl"))
	assert.Empty(t, cr.str("applinkUrl"), "cards have no wallet app")
	assert.Empty(t, cr.str("appIdentifier"))

	// The app link falls back to the web cashier.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(app.str("applinkUrl"))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusFound, resp.StatusCode)
	assert.Equal(t, "/cashier/"+app.str("paymentId"), resp.Header.Get("Location"))
}

func TestPayRefusals(t *testing.T) {
	_, _, c := newFakeServer(t)
	b := payBody("p-cur", "WEB")
	b["paymentMethod"] = map[string]any{"paymentMethodType": "GCASH"}
	c.post("pay", b).expect(t, "F", "CURRENCY_NOT_SUPPORT")
	b = payBody("p-term", "APP")
	b["paymentMethod"] = map[string]any{"paymentMethodType": "SOFORT"}
	b["paymentAmount"] = map[string]any{"currency": "EUR", "value": "500"}
	c.post("pay", b).expect(t, "F", "NO_PAY_OPTIONS")
}

func TestPayAcceptsTheLargestAmountTheSDKSends(t *testing.T) {
	_, _, c := newFakeServer(t)
	b := payBody("p-max", "WEB")
	b["paymentAmount"] = map[string]any{"currency": "USD", "value": "9999999999999999"} // 16 digits
	r := c.post("pay", b).expect(t, "U", "PAYMENT_IN_PROCESS")
	assert.Equal(t, map[string]any{"currency": "USD", "value": "9999999999999999"}, r.Fields["paymentAmount"])
}

func TestPayIdempotency(t *testing.T) {
	srv, _, c := newFakeServer(t)
	first := c.post("pay", payBody("p-1", "WEB")).expect(t, "U", "PAYMENT_IN_PROCESS")
	again := c.post("pay", payBody("p-1", "WEB")).expect(t, "U", "PAYMENT_IN_PROCESS")
	assert.JSONEq(t, string(first.Body), string(again.Body), "a repeat gets the same answer")

	for name, edit := range map[string]func(map[string]any){
		"amount":   func(b map[string]any) { b["paymentAmount"] = map[string]any{"currency": "USD", "value": "1001"} },
		"currency": func(b map[string]any) { b["paymentAmount"] = map[string]any{"currency": "EUR", "value": "1000"} },
		"method":   func(b map[string]any) { b["paymentMethod"] = map[string]any{"paymentMethodType": "ALIPAY_HK"} },
		"methodId": func(b map[string]any) {
			b["paymentMethod"] = map[string]any{"paymentMethodType": "ALIPAY_CN", "paymentMethodId": "tok"}
		},
	} {
		t.Run(name, func(t *testing.T) {
			b := payBody("p-1", "WEB")
			edit(b)
			c.post("pay", b).expect(t, "F", "REPEAT_REQ_INCONSISTENT")
		})
	}
	// Other fields may differ (they are not key fields).
	c.post("pay", payBody("p-1", "APP")).expect(t, "U", "PAYMENT_IN_PROCESS")

	require.NoError(t, srv.CompletePayment("p-1"))
	paid := c.post("pay", payBody("p-1", "WEB")).expect(t, "S", "SUCCESS")
	assert.Equal(t, first.str("paymentId"), paid.str("paymentId"))
	assert.Equal(t, 1, srv.Charges("p-1"))
	c.post("pay", payBody("p-1", "WEB")).expect(t, "S", "SUCCESS")
	assert.Equal(t, 1, srv.Charges("p-1"), "a replay is never a new charge")
	assert.ErrorIs(t, srv.CompletePayment("p-1"), ErrNotPayable)
	assert.ErrorIs(t, srv.CompletePayment("nope"), ErrNotFound)
	assert.Equal(t, 0, srv.Charges("nope"))
}

func TestPaymentExpiresOnServerClock(t *testing.T) {
	srv, clock, c := newFakeServer(t)
	c.post("pay", payBody("p-exp", "WEB")).expect(t, "U", "PAYMENT_IN_PROCESS")
	custom := payBody("p-exp-custom", "WEB")
	custom["paymentExpiryTime"] = "2026-03-10T17:05:00+08:00" // 09:05 UTC
	c.post("pay", custom).expect(t, "U", "PAYMENT_IN_PROCESS")

	clock.Advance(5*time.Minute - time.Second)
	inq := c.post("inquiryPayment", map[string]any{"paymentRequestId": "p-exp-custom"}).expect(t, "S", "SUCCESS")
	assert.Equal(t, "PROCESSING", inq.str("paymentStatus"))
	clock.Advance(time.Second)
	inq = c.post("inquiryPayment", map[string]any{"paymentRequestId": "p-exp-custom"}).expect(t, "S", "SUCCESS")
	assert.Equal(t, "FAIL", inq.str("paymentStatus"))
	assert.Equal(t, "ORDER_IS_CLOSED", inq.str("paymentResultCode"))

	st, _ := srv.PaymentStatus("p-exp")
	assert.Equal(t, StatusProcessing, st)
	clock.Advance(9 * time.Minute) // 14 minutes after pay
	st, _ = srv.PaymentStatus("p-exp")
	assert.Equal(t, StatusFail, st)
	assert.ErrorIs(t, srv.CompletePayment("p-exp"), ErrNotPayable)
	c.post("pay", payBody("p-exp", "WEB")).expect(t, "F", "ORDER_IS_CLOSED")
	assert.Equal(t, 0, srv.Charges("p-exp"))
}

func TestInquiryPayment(t *testing.T) {
	srv, clock, c := newFakeServer(t)
	c.post("inquiryPayment", map[string]any{"paymentRequestId": "missing"}).expect(t, "F", "ORDER_NOT_EXIST")
	c.post("inquiryPayment", map[string]any{"paymentId": "missing"}).expect(t, "F", "ORDER_NOT_EXIST")
	r := c.post("inquiryPayment", map[string]any{}).expect(t, "F", "PARAM_ILLEGAL")
	assert.Contains(t, r.Result["resultMessage"], "paymentId")

	p := c.post("pay", payBody("p-inq", "WEB")).expect(t, "U", "PAYMENT_IN_PROCESS")
	clock.Advance(time.Minute)
	require.NoError(t, srv.CompletePayment("p-inq"))
	// paymentId wins over paymentRequestId.
	inq := c.post("inquiryPayment", map[string]any{"paymentId": p.str("paymentId"), "paymentRequestId": "other"}).expect(t, "S", "SUCCESS")
	assert.Equal(t, "SUCCESS", inq.str("paymentStatus"))
	assert.Equal(t, "p-inq", inq.str("paymentRequestId"))
	assert.Equal(t, "2026-03-10T09:01:00+00:00", inq.str("paymentTime"))
	assert.Equal(t, "ALIPAY_CN", inq.str("paymentMethodType"))
}

func TestCancelRules(t *testing.T) {
	srv, clock, c := newFakeServer(t)
	c.post("cancel", map[string]any{"paymentRequestId": "missing"}).expect(t, "F", "ORDER_NOT_EXIST")

	c.post("pay", payBody("c-proc", "WEB")).expect(t, "U", "PAYMENT_IN_PROCESS")
	first := c.post("cancel", map[string]any{"paymentRequestId": "c-proc"}).expect(t, "S", "SUCCESS")
	assert.Equal(t, "2026-03-10T09:00:00+00:00", first.str("cancelTime"))
	st, _ := srv.PaymentStatus("c-proc")
	assert.Equal(t, StatusCancelled, st)
	clock.Advance(time.Minute)
	again := c.post("cancel", map[string]any{"paymentRequestId": "c-proc"}).expect(t, "S", "SUCCESS")
	assert.Equal(t, first.str("cancelTime"), again.str("cancelTime"), "cancelling twice answers the first cancellation")
	assert.ErrorIs(t, srv.CompletePayment("c-proc"), ErrNotPayable)
	c.post("pay", payBody("c-proc", "WEB")).expect(t, "F", "ORDER_IS_CANCELED")

	// FAIL: cancel answers SUCCESS, the status stays FAIL.
	c.post("pay", payBody("c-fail", "WEB")).expect(t, "U", "PAYMENT_IN_PROCESS")
	require.NoError(t, srv.FailPayment("c-fail"))
	c.post("cancel", map[string]any{"paymentRequestId": "c-fail"}).expect(t, "S", "SUCCESS")
	st, _ = srv.PaymentStatus("c-fail")
	assert.Equal(t, StatusFail, st)

	// SUCCESS, refunded: PROCESS_FAIL.
	p := c.post("pay", payBody("c-ref", "WEB")).expect(t, "U", "PAYMENT_IN_PROCESS")
	require.NoError(t, srv.CompletePayment("c-ref"))
	c.post("refund", map[string]any{"refundRequestId": "r-c", "paymentId": p.str("paymentId"), "refundAmount": map[string]any{"currency": "USD", "value": "1"}}).expect(t, "S", "SUCCESS")
	c.post("cancel", map[string]any{"paymentId": p.str("paymentId")}).expect(t, "F", "PROCESS_FAIL")

	// SUCCESS: cancellable until 00:15 the next day.
	c.post("pay", payBody("c-ok", "WEB")).expect(t, "U", "PAYMENT_IN_PROCESS")
	c.post("pay", payBody("c-late", "WEB")).expect(t, "U", "PAYMENT_IN_PROCESS")
	require.NoError(t, srv.CompletePayment("c-ok"))
	require.NoError(t, srv.CompletePayment("c-late"))
	clock.Set(time.Date(2026, 3, 11, 0, 14, 59, 0, time.UTC))
	c.post("cancel", map[string]any{"paymentRequestId": "c-ok"}).expect(t, "S", "SUCCESS")
	st, _ = srv.PaymentStatus("c-ok")
	assert.Equal(t, StatusCancelled, st)
	clock.Set(time.Date(2026, 3, 11, 0, 15, 0, 0, time.UTC))
	c.post("cancel", map[string]any{"paymentRequestId": "c-late"}).expect(t, "F", "CANCEL_WINDOW_EXCEED")
}

func refundBody(id, paymentID, value string) map[string]any {
	return map[string]any{"refundRequestId": id, "paymentId": paymentID, "refundAmount": map[string]any{"currency": "USD", "value": value}}
}

func TestRefundRules(t *testing.T) {
	srv, _, c := newFakeServer(t)
	c.post("refund", refundBody("r-x", "missing", "100")).expect(t, "F", "ORDER_NOT_EXIST")
	r := c.post("refund", map[string]any{"paymentId": "x", "refundAmount": map[string]any{"currency": "USD", "value": "1"}}).expect(t, "F", "PARAM_ILLEGAL")
	assert.Contains(t, r.Result["resultMessage"], "refundRequestId")
	r = c.post("refund", refundBody("r-x", "x", "-1")).expect(t, "F", "PARAM_ILLEGAL")
	assert.Contains(t, r.Result["resultMessage"], "refundAmount.value")
	plain := refundBody("r-x", "x", "1")
	plain["refundNotifyUrl"] = "http://merchant.example/refunds"
	r = c.post("refund", plain).expect(t, "F", "PARAM_ILLEGAL")
	assert.Contains(t, r.Result["resultMessage"], "refundNotifyUrl")
	object := refundBody("r-x", "x", "1")
	object["metadata"] = map[string]any{"k": "v"}
	r = c.post("refund", object).expect(t, "F", "PARAM_ILLEGAL")
	assert.Contains(t, r.Result["resultMessage"], "metadata")

	pid := c.post("pay", payBody("r-pay", "WEB")).expect(t, "U", "PAYMENT_IN_PROCESS").str("paymentId")
	c.post("refund", refundBody("r-early", pid, "100")).expect(t, "F", "ORDER_STATUS_INVALID")
	require.NoError(t, srv.CompletePayment("r-pay"))

	first := c.post("refund", refundBody("r-1", pid, "300")).expect(t, "S", "SUCCESS")
	assert.Equal(t, pid, first.str("paymentId"))
	assert.NotEmpty(t, first.str("refundId"))
	again := c.post("refund", refundBody("r-1", pid, "300")).expect(t, "S", "SUCCESS")
	assert.JSONEq(t, string(first.Body), string(again.Body))
	assert.Equal(t, 1, srv.Refunds("r-1"))
	c.post("refund", refundBody("r-1", pid, "301")).expect(t, "F", "REPEAT_REQ_INCONSISTENT")

	c.post("refund", map[string]any{"refundRequestId": "r-eur", "paymentId": pid, "refundAmount": map[string]any{"currency": "EUR", "value": "1"}}).expect(t, "F", "CURRENCY_NOT_SUPPORT")
	c.post("refund", refundBody("r-2", pid, "600")).expect(t, "S", "SUCCESS")
	c.post("refund", refundBody("r-3", pid, "101")).expect(t, "F", "REFUND_AMOUNT_EXCEED")
	c.post("refund", refundBody("r-3", pid, "100")).expect(t, "S", "SUCCESS")
	c.post("refund", refundBody("r-4", pid, "1")).expect(t, "F", "REFUND_AMOUNT_EXCEED")
	assert.Equal(t, 0, srv.Refunds("r-4"))
	st, _ := srv.PaymentStatus("r-pay")
	assert.Equal(t, StatusSuccess, st, "a payment stays SUCCESS after refunds")

	inq := c.post("inquiryRefund", map[string]any{"refundRequestId": "r-1"}).expect(t, "S", "SUCCESS")
	assert.Equal(t, "SUCCESS", inq.str("refundStatus"))
	assert.Equal(t, first.str("refundId"), inq.str("refundId"))
	byID := c.post("inquiryRefund", map[string]any{"refundId": first.str("refundId"), "refundRequestId": "r-2"}).expect(t, "S", "SUCCESS")
	assert.Equal(t, "r-1", byID.str("refundRequestId"), "refundId wins")
	c.post("inquiryRefund", map[string]any{"refundRequestId": "r-4"}).expect(t, "F", "ORDER_NOT_EXIST")
	c.post("inquiryRefund", map[string]any{}).expect(t, "F", "PARAM_ILLEGAL")

	txs := c.post("inquiryPayment", map[string]any{"paymentId": pid}).expect(t, "S", "SUCCESS").Fields["transactions"].([]any)
	assert.Len(t, txs, 3)

	// Cancelled and failed payments cannot be refunded.
	cancelled := c.post("pay", payBody("r-cancelled", "WEB")).expect(t, "U", "PAYMENT_IN_PROCESS").str("paymentId")
	c.post("cancel", map[string]any{"paymentId": cancelled}).expect(t, "S", "SUCCESS")
	c.post("refund", refundBody("r-5", cancelled, "1")).expect(t, "F", "ORDER_IS_CANCELED")
}

func TestCaptureRules(t *testing.T) {
	srv, _, c := newFakeServer(t)
	b := payBody("cap-1", "WEB")
	b["paymentMethod"] = map[string]any{"paymentMethodType": "CARD"}
	b["paymentFactor"] = map[string]any{"captureMode": "MANUAL"}
	pid := c.post("pay", b).expect(t, "U", "PAYMENT_IN_PROCESS").str("paymentId")
	auto := c.post("pay", payBody("cap-auto", "WEB")).expect(t, "U", "PAYMENT_IN_PROCESS").str("paymentId")
	require.NoError(t, srv.CompletePayment("cap-auto"))
	capBody := func(id, payment, value string) map[string]any {
		return map[string]any{"captureRequestId": id, "paymentId": payment, "captureAmount": map[string]any{"currency": "USD", "value": value}}
	}
	c.post("capture", capBody("k-0", pid, "1000")).expect(t, "F", "ORDER_STATUS_INVALID")
	c.post("capture", capBody("k-0", auto, "1000")).expect(t, "F", "ORDER_STATUS_INVALID")
	c.post("capture", capBody("k-0", "missing", "1000")).expect(t, "F", "ORDER_NOT_EXIST")
	require.NoError(t, srv.CompletePayment("cap-1"))
	c.post("refund", refundBody("r-precap", pid, "1")).expect(t, "F", "REFUND_AMOUNT_EXCEED")
	c.post("capture", capBody("k-1", pid, "1001")).expect(t, "F", "CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT")
	first := c.post("capture", capBody("k-1", pid, "800")).expect(t, "S", "SUCCESS")
	assert.NotEmpty(t, first.str("captureId"))
	c.post("capture", capBody("k-1", pid, "800")).expect(t, "S", "SUCCESS")
	c.post("capture", capBody("k-1", pid, "900")).expect(t, "F", "REPEAT_REQ_INCONSISTENT")
	c.post("capture", capBody("k-2", pid, "100")).expect(t, "F", "MULTI_CAPTURE_NOT_SUPPORTED")
	c.post("refund", refundBody("r-cap", pid, "801")).expect(t, "F", "REFUND_AMOUNT_EXCEED")
	c.post("refund", refundBody("r-cap", pid, "800")).expect(t, "S", "SUCCESS")
	// isAuthorization as a string, as Antom's pages ask.
	b = payBody("cap-2", "WEB")
	b["paymentMethod"] = map[string]any{"paymentMethodType": "CARD"}
	b["paymentFactor"] = map[string]any{"isAuthorization": "true"}
	pid2 := c.post("pay", b).expect(t, "U", "PAYMENT_IN_PROCESS").str("paymentId")
	require.NoError(t, srv.CompletePayment("cap-2"))
	c.post("capture", capBody("k-3", pid2, "1000")).expect(t, "S", "SUCCESS")
}

func TestPendingMethod(t *testing.T) {
	srv, _, c := newFakeServer(t)
	b := payBody("pend", "WEB")
	b["paymentMethod"] = map[string]any{"paymentMethodType": "SOFORT"}
	b["paymentAmount"] = map[string]any{"currency": "EUR", "value": "2500"}
	c.post("pay", b).expect(t, "U", "PAYMENT_IN_PROCESS")
	require.NoError(t, srv.CompletePayment("pend"))
	st, _ := srv.PaymentStatus("pend")
	assert.Equal(t, StatusPending, st)
	assert.Equal(t, 0, srv.Charges("pend"))
	require.NoError(t, srv.CompletePayment("pend"))
	st, _ = srv.PaymentStatus("pend")
	assert.Equal(t, StatusSuccess, st)
	assert.Equal(t, 1, srv.Charges("pend"))
}

func TestConsultByCurrencyAndTerminal(t *testing.T) {
	_, _, c := newFakeServer(t)
	options := func(currency, terminal string, extra map[string]any) map[string]map[string]any {
		env := map[string]any{"terminalType": terminal}
		if terminal == "APP" || terminal == "WAP" {
			env["osType"] = "IOS"
		}
		b := map[string]any{"productCode": "CASHIER_PAYMENT", "paymentAmount": map[string]any{"currency": currency, "value": "1000"}, "env": env}
		for k, v := range extra {
			b[k] = v
		}
		r := c.post("consult", b).expect(t, "S", "SUCCESS")
		out := map[string]map[string]any{}
		for _, o := range r.Fields["paymentOptions"].([]any) {
			m := o.(map[string]any)
			out[m["paymentMethodType"].(string)] = m
		}
		return out
	}
	web := options("EUR", "WEB", nil)
	assert.Equal(t, true, web["SOFORT"]["enabled"])
	assert.Equal(t, false, web["GCASH"]["enabled"])
	assert.Equal(t, "CHANNEL_NOT_SUPPORT_CURRENCY", web["GCASH"]["disableReason"])
	app := options("EUR", "APP", nil)
	assert.NotContains(t, app, "SOFORT", "SOFORT has no APP flow")
	php := options("PHP", "WAP", map[string]any{"userRegion": "PH", "blockedPaymentMethods": []string{"CARD"}})
	assert.Equal(t, true, php["GCASH"]["enabled"])
	assert.Equal(t, true, php["GCASH"]["preferred"])
	assert.NotContains(t, php, "CARD")
	only := options("USD", "WEB", map[string]any{"allowedPaymentMethods": []string{"ALIPAY_CN"}})
	assert.Len(t, only, 1)

	r := c.post("consult", map[string]any{"productCode": "CASHIER_PAYMENT", "env": map[string]any{"terminalType": "WEB"}}).expect(t, "F", "PARAM_ILLEGAL")
	assert.Contains(t, r.Result["resultMessage"], "paymentAmount")
}

func TestCashierPage(t *testing.T) {
	srv, _, c := newFakeServer(t)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	b := payBody("cash-1", "WEB")
	b["paymentAmount"] = map[string]any{"currency": "USD", "value": "1025"}
	b["order"] = map[string]any{"orderDescription": "Two <b>mugs</b>"}
	normal := c.post("pay", b).expect(t, "U", "PAYMENT_IN_PROCESS").str("normalUrl")

	resp, err := http.Get(normal)
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(page), "USD 10.25")
	assert.Contains(t, string(page), "Two &lt;b&gt;mugs&lt;/b&gt;", "order text is escaped")
	assert.Contains(t, string(page), `value="pay"`)
	assert.Contains(t, string(page), `value="decline"`)

	resp, err = noFollow.PostForm(normal, url.Values{"action": {"pay"}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "https://merchant.example/return", resp.Header.Get("Location"))
	st, _ := srv.PaymentStatus("cash-1")
	assert.Equal(t, StatusSuccess, st)
	assert.Equal(t, 1, srv.Charges("cash-1"))

	resp, err = noFollow.PostForm(normal, url.Values{"action": {"pay"}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusConflict, resp.StatusCode, "paying twice is refused")
	assert.Equal(t, 1, srv.Charges("cash-1"))

	declined := c.post("pay", payBody("cash-2", "WEB")).expect(t, "U", "PAYMENT_IN_PROCESS").str("normalUrl")
	resp, err = noFollow.PostForm(declined, url.Values{"action": {"decline"}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	st, _ = srv.PaymentStatus("cash-2")
	assert.Equal(t, StatusFail, st)

	resp, err = noFollow.PostForm(declined, url.Values{"action": {"steal"}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	resp, err = http.Get(srv.URL + "/cashier/nope")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)

	resp, err = http.Get(srv.URL + "/")
	require.NoError(t, err)
	index, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(index), "cash-1")
}

func TestFormatAmount(t *testing.T) {
	for in, want := range map[wireAmount]string{
		{"USD", "1025"}:  "USD 10.25",
		{"USD", "5"}:     "USD 0.05",
		{"JPY", "500"}:   "JPY 500",
		{"KWD", "1234"}:  "KWD 1.234",
		{"VUV", "500"}:   "VUV 500",
		{"CLF", "12345"}: "CLF 1.2345",
		{"ZZZ", "100"}:   "ZZZ 100 (minor units)",
	} {
		assert.Equal(t, want, formatAmount(in))
	}
}

func TestPublicURL(t *testing.T) {
	_, _, c := newFakeServer(t, WithPublicURL("http://localhost:9999/"))
	r := c.post("pay", payBody("pub", "APP")).expect(t, "U", "PAYMENT_IN_PROCESS")
	assert.True(t, strings.HasPrefix(r.str("normalUrl"), "http://localhost:9999/cashier/"), r.str("normalUrl"))
	assert.True(t, strings.HasPrefix(r.str("applinkUrl"), "http://localhost:9999/applink/"), r.str("applinkUrl"))
}

func TestStartAt(t *testing.T) {
	srv := NewUnstartedServer()
	require.NoError(t, srv.StartAt("127.0.0.1:0"))
	defer srv.Close()
	assert.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"), srv.URL)
	newRawClient(t, srv).post("inquiryPayment", `{"paymentId":"x"}`).expect(t, "F", "ORDER_NOT_EXIST")
	assert.Error(t, srv.StartAt("127.0.0.1:0"), "already started")
}
