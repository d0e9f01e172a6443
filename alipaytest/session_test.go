package alipaytest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/alipaytest"
)

func hkd(v string) alipay.Amount { return alipay.Amount{Currency: "HKD", Value: v} }

func order(n int) *int { return &n }

func sessionRequest(id string) *alipay.PaymentSessionRequest {
	return &alipay.PaymentSessionRequest{
		ProductScene:       alipay.ProductSceneCheckoutPayment,
		PaymentRequestID:   id,
		Order:              alipay.Order{ReferenceOrderID: "order-" + id, OrderDescription: "Two mugs", OrderAmount: hkd("10000")},
		PaymentAmount:      hkd("10000"),
		SettlementStrategy: &alipay.SettlementStrategy{SettlementCurrency: "USD"},
		PaymentRedirectURL: "https://merchant.example/return?order=" + id,
	}
}

// noFollow does not follow redirects, so a test sees where the page sends
// the buyer.
var noFollow = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func getPage(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := noFollow.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func postPage(t *testing.T, u string, form url.Values) *http.Response {
	t.Helper()
	resp, err := noFollow.PostForm(u, form)
	require.NoError(t, err)
	resp.Body.Close()
	return resp
}

var methodRadio = regexp.MustCompile(`id="method-([A-Z_]+)"`)

// offered lists the method radio buttons of a checkout page, in order.
func offered(page string) []string {
	var out []string
	for _, m := range methodRadio.FindAllStringSubmatch(page, -1) {
		out = append(out, m[1])
	}
	return out
}

// session → page → pay → notification → inquiry → refund, with the page
// showing only what availablePaymentMethod and the amount's currency allow.
func TestCheckoutPageFlow(t *testing.T) {
	srv := alipaytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	notifyURL, got := notifications(t, c)

	req := sessionRequest("ckp-flow")
	req.PaymentNotifyURL = notifyURL
	req.AvailablePaymentMethod = &alipay.AvailablePaymentMethod{PaymentMethodTypeList: []alipay.PaymentMethodTypeItem{
		{PaymentMethodType: alipay.PaymentMethodTypeCard, PaymentMethodOrder: order(2)},
		{PaymentMethodType: alipay.PaymentMethodTypeGCash, PaymentMethodOrder: order(0)}, // PHP only: not for HKD
		{PaymentMethodType: alipay.PaymentMethodTypeAlipayHK, PaymentMethodOrder: order(1)},
	}}
	sess, err := c.CreatePaymentSession(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, alipay.ResultCodeSuccess, sess.Result.ResultCode)
	require.True(t, strings.HasPrefix(sess.NormalURL, srv.URL+"/checkout/"), sess.NormalURL)
	assert.NotEmpty(t, sess.PaymentSessionData)
	assert.NotEmpty(t, sess.PaymentSessionID)
	assert.LessOrEqual(t, len(sess.PaymentSessionID), 64)
	assert.WithinDuration(t, time.Now().Add(time.Hour), sess.PaymentSessionExpiryTime, time.Minute)

	// Before the buyer chooses, the payment waits.
	inq, err := c.InquiryPayment(ctx, &alipay.InquiryPaymentRequest{PaymentRequestID: "ckp-flow"})
	require.NoError(t, err)
	assert.Equal(t, alipay.PaymentStatusProcessing, inq.PaymentStatus)
	var wire map[string]any
	require.NoError(t, c.Do(ctx, "/ams/api/v1/payments/inquiryPayment", &alipay.InquiryPaymentRequest{PaymentRequestID: "ckp-flow"}, &wire))
	assert.NotContains(t, wire, "paymentMethodType", "no method is sent (not even \"\") before the buyer chose one")

	status, page := getPage(t, sess.NormalURL)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, []string{"ALIPAY_HK", "CARD"}, offered(page), "ordered by paymentMethodOrder; GCASH does not take HKD; ALIPAY_CN was not listed")
	assert.Contains(t, page, "HKD 100.00")
	assert.Contains(t, page, "Two mugs")

	resp := postPage(t, sess.NormalURL, url.Values{"method": {"ALIPAY_HK"}, "action": {"pay"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, req.PaymentRedirectURL, resp.Header.Get("Location"))

	n := receive(t, got)
	assert.Equal(t, alipay.NotifyTypePaymentResult, n.NotifyType)
	assert.Equal(t, alipay.ResultStatusSuccess, n.Result.ResultStatus)
	require.NotNil(t, n.Payment)
	assert.Equal(t, "ckp-flow", n.Payment.PaymentRequestID)
	assert.Equal(t, alipay.PaymentMethodTypeAlipayHK, n.Payment.PaymentMethodType)
	paymentID := n.Payment.PaymentID

	inq, err = c.InquiryPayment(ctx, &alipay.InquiryPaymentRequest{PaymentRequestID: "ckp-flow"})
	require.NoError(t, err)
	assert.Equal(t, alipay.PaymentStatusSuccess, inq.PaymentStatus)
	assert.Equal(t, alipay.PaymentMethodTypeAlipayHK, inq.PaymentMethodType)
	assert.Equal(t, paymentID, inq.PaymentID)

	ref, err := c.Refund(ctx, &alipay.RefundRequest{RefundRequestID: "ckp-flow-r1", PaymentID: paymentID, RefundAmount: hkd("2500"), RefundNotifyURL: notifyURL})
	require.NoError(t, err)
	rn := receive(t, got)
	require.NotNil(t, rn.Refund)
	assert.Equal(t, ref.RefundID, rn.Refund.RefundID)

	// Paid once, however the page is poked afterwards.
	resp = postPage(t, sess.NormalURL, url.Values{"method": {"ALIPAY_HK"}, "action": {"pay"}})
	assert.Equal(t, http.StatusConflict, resp.StatusCode)
	assert.Equal(t, 1, srv.Charges("ckp-flow"))
	_, page = getPage(t, sess.NormalURL)
	assert.Empty(t, offered(page))
	assert.Contains(t, page, "no longer waiting")

	// The identical request gets the same session back.
	again, err := c.CreatePaymentSession(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, sess.PaymentSessionID, again.PaymentSessionID)
	assert.Equal(t, sess.NormalURL, again.NormalURL)
}

// A declined payment fails with PROCESS_FAIL, is notified (and resent on
// Antom's schedule until acknowledged), and closes the session.
func TestCheckoutPageDecline(t *testing.T) {
	clock := alipaytest.NewFakeClock(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))
	srv := alipaytest.NewServer(alipaytest.WithClock(clock), alipaytest.WithManualNotifications())
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	var calls atomic.Int32
	merchant := httptest.NewServer(c.NotificationHandler(func(context.Context, *alipay.Notification) error {
		if calls.Add(1) == 1 {
			return io.ErrUnexpectedEOF // the first delivery is not acknowledged
		}
		return nil
	}))
	defer merchant.Close()

	req := sessionRequest("ckp-decline")
	req.PaymentNotifyURL = merchant.URL
	sess, err := c.CreatePaymentSession(ctx, req)
	require.NoError(t, err)

	resp := postPage(t, sess.NormalURL, url.Values{"method": {"CARD"}, "action": {"decline"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)

	first := srv.DeliverDue(ctx)
	require.Len(t, first, 1)
	assert.False(t, first[0].Acknowledged)
	var body struct {
		Result            alipay.Result `json:"result"`
		PaymentMethodType string        `json:"paymentMethodType"`
	}
	require.NoError(t, json.Unmarshal(first[0].Body, &body))
	assert.Equal(t, alipay.ResultStatusFail, body.Result.ResultStatus)
	assert.Equal(t, alipay.ResultCodeProcessFail, body.Result.ResultCode)
	assert.Equal(t, "CARD", body.PaymentMethodType)

	clock.Advance(alipaytest.RetrySchedule[1] - time.Second)
	assert.Empty(t, srv.DeliverDue(ctx), "not resent before Antom's 2-minute wait")
	clock.Advance(time.Second)
	second := srv.DeliverDue(ctx)
	require.Len(t, second, 1)
	assert.True(t, second[0].Acknowledged)
	assert.Equal(t, 2, second[0].Attempt)

	inq, err := c.InquiryPayment(ctx, &alipay.InquiryPaymentRequest{PaymentRequestID: "ckp-decline"})
	require.NoError(t, err)
	assert.Equal(t, alipay.PaymentStatusFail, inq.PaymentStatus)

	resp = postPage(t, sess.NormalURL, url.Values{"method": {"CARD"}, "action": {"pay"}})
	assert.Equal(t, http.StatusConflict, resp.StatusCode, "one payment per session")
	assert.Equal(t, 0, srv.Charges("ckp-decline"))

	_, err = c.CreatePaymentSession(ctx, req)
	var e *alipay.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, alipay.ResultCodeOrderIsClosed, e.Result.ResultCode)
}

// A session not paid by its expiry time closes on the fake clock: the
// payment fails with ORDER_IS_CLOSED, the merchant is notified, and the page
// no longer takes payment.
func TestCheckoutPageExpiry(t *testing.T) {
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	clock := alipaytest.NewFakeClock(start)
	srv := alipaytest.NewServer(alipaytest.WithClock(clock), alipaytest.WithManualNotifications())
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	notifyURL, got := notifications(t, c)

	req := sessionRequest("ckp-expiry")
	req.PaymentNotifyURL = notifyURL
	req.PaymentSessionExpiryTime = start.Add(30 * time.Minute)
	sess, err := c.CreatePaymentSession(ctx, req)
	require.NoError(t, err)
	assert.True(t, sess.PaymentSessionExpiryTime.Equal(start.Add(30*time.Minute)), sess.PaymentSessionExpiryTime)

	clock.Advance(30*time.Minute - time.Second)
	_, page := getPage(t, sess.NormalURL)
	assert.NotEmpty(t, offered(page), "still open a second before expiry")

	clock.Advance(time.Second)
	d := srv.DeliverDue(ctx)
	require.Len(t, d, 1)
	n := receive(t, got)
	assert.Equal(t, alipay.ResultStatusFail, n.Result.ResultStatus)
	assert.Equal(t, alipay.ResultCodeOrderIsClosed, n.Result.ResultCode)

	status, page := getPage(t, sess.NormalURL)
	assert.Equal(t, http.StatusOK, status)
	assert.Empty(t, offered(page))
	assert.Contains(t, page, "expired")
	resp := postPage(t, sess.NormalURL, url.Values{"method": {"ALIPAY_HK"}, "action": {"pay"}})
	assert.Equal(t, http.StatusConflict, resp.StatusCode)

	inq, err := c.InquiryPayment(ctx, &alipay.InquiryPaymentRequest{PaymentRequestID: "ckp-expiry"})
	require.NoError(t, err)
	assert.Equal(t, alipay.PaymentStatusFail, inq.PaymentStatus)
	assert.Equal(t, "ORDER_IS_CLOSED", inq.PaymentResultCode)
}

// The default session lasts an hour; a payment expiry inside it closes the
// payment first.
func TestCheckoutPageDefaultAndPaymentExpiry(t *testing.T) {
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	clock := alipaytest.NewFakeClock(start)
	srv := alipaytest.NewServer(alipaytest.WithClock(clock), alipaytest.WithManualNotifications())
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	sess, err := c.CreatePaymentSession(ctx, sessionRequest("ckp-default"))
	require.NoError(t, err)
	assert.True(t, sess.PaymentSessionExpiryTime.Equal(start.Add(alipaytest.MaxSessionExpiry)))

	req := sessionRequest("ckp-pay-expiry")
	req.PaymentExpiryTime = start.Add(10 * time.Minute)
	_, err = c.CreatePaymentSession(ctx, req)
	require.NoError(t, err)

	clock.Advance(10 * time.Minute)
	st, _ := srv.PaymentStatus("ckp-pay-expiry")
	assert.Equal(t, alipaytest.StatusFail, st)
	st, _ = srv.PaymentStatus("ckp-default")
	assert.Equal(t, alipaytest.StatusProcessing, st)
	clock.Advance(50 * time.Minute)
	st, _ = srv.PaymentStatus("ckp-default")
	assert.Equal(t, alipaytest.StatusFail, st)
}

// The page refuses a method the session does not offer, and the cashier
// URL of a session's payment leads to the checkout page.
func TestCheckoutPageRefusesOtherMethods(t *testing.T) {
	srv := alipaytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	req := sessionRequest("ckp-methods")
	req.AllowedPaymentMethodRegions = []string{"GLOBAL"}
	sess, err := c.CreatePaymentSession(ctx, req)
	require.NoError(t, err)
	_, page := getPage(t, sess.NormalURL)
	assert.Equal(t, []string{"CARD"}, offered(page), "GLOBAL is the card region")

	for _, form := range []url.Values{
		{"method": {"ALIPAY_HK"}, "action": {"pay"}},
		{"action": {"pay"}},
		{"method": {"CARD"}, "action": {"steal"}},
	} {
		resp := postPage(t, sess.NormalURL, form)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, form.Encode())
	}
	st, _ := srv.PaymentStatus("ckp-methods")
	assert.Equal(t, alipaytest.StatusProcessing, st)

	id, ok := srv.PaymentID("ckp-methods")
	require.True(t, ok)
	resp, err := noFollow.Get(srv.URL + "/cashier/" + id)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, strings.TrimPrefix(sess.NormalURL, srv.URL), resp.Header.Get("Location"))

	status, _ := getPage(t, srv.URL+"/checkout/not-a-session")
	assert.Equal(t, http.StatusNotFound, status)
}

// Payment Element sessions get session data but no hosted page; a test acts
// as the buyer with CompletePayment, which pays with the first offered
// method.
func TestElementSessionCompletePayment(t *testing.T) {
	srv := alipaytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	req := sessionRequest("element-1")
	req.ProductScene = alipay.ProductSceneElementPayment
	req.Env = &alipay.Env{TerminalType: alipay.TerminalTypeApp, OSType: alipay.OSTypeIOS}
	sess, err := c.CreatePaymentSession(ctx, req)
	require.NoError(t, err)
	assert.Empty(t, sess.NormalURL)
	assert.NotEmpty(t, sess.PaymentSessionData)

	require.NoError(t, srv.CompletePayment("element-1"))
	inq, err := c.InquiryPayment(ctx, &alipay.InquiryPaymentRequest{PaymentRequestID: "element-1"})
	require.NoError(t, err)
	assert.Equal(t, alipay.PaymentStatusSuccess, inq.PaymentStatus)
	assert.Equal(t, alipay.PaymentMethodTypeAlipayCN, inq.PaymentMethodType, "first in the catalogue that takes HKD")
}

// Repeats and clashes with pay are the fake's documented choices.
func TestCreatePaymentSessionIdempotency(t *testing.T) {
	srv := alipaytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	code := func(err error) alipay.ResultCode {
		t.Helper()
		var e *alipay.Error
		require.ErrorAs(t, err, &e)
		assert.False(t, alipay.IsUnknown(err))
		return e.Result.ResultCode
	}

	_, err := c.CreatePaymentSession(ctx, sessionRequest("idem-1"))
	require.NoError(t, err)
	other := sessionRequest("idem-1")
	other.PaymentAmount = hkd("20000")
	other.Order.OrderAmount = hkd("20000")
	_, err = c.CreatePaymentSession(ctx, other)
	assert.Equal(t, alipay.ResultCodeRepeatReqInconsistent, code(err))

	_, err = c.Pay(ctx, &alipay.PayRequest{
		PaymentRequestID: "idem-1", Order: alipay.Order{OrderDescription: "x", OrderAmount: hkd("10000")},
		PaymentAmount: hkd("10000"), PaymentMethod: alipay.PaymentMethod{PaymentMethodType: "ALIPAY_HK"},
		PaymentRedirectURL: "https://merchant.example/", Env: alipay.Env{TerminalType: alipay.TerminalTypeWeb},
	})
	assert.Equal(t, alipay.ResultCodeRepeatReqInconsistent, code(err))

	_, err = c.Pay(ctx, &alipay.PayRequest{
		PaymentRequestID: "idem-pay", Order: alipay.Order{OrderDescription: "x", OrderAmount: hkd("10000")},
		PaymentAmount: hkd("10000"), PaymentMethod: alipay.PaymentMethod{PaymentMethodType: "ALIPAY_HK"},
		PaymentRedirectURL: "https://merchant.example/", Env: alipay.Env{TerminalType: alipay.TerminalTypeWeb},
	})
	require.NoError(t, err)
	_, err = c.CreatePaymentSession(ctx, sessionRequest("idem-pay"))
	assert.Equal(t, alipay.ResultCodeRepeatReqInconsistent, code(err))

	_, err = c.Cancel(ctx, &alipay.CancelRequest{PaymentRequestID: "idem-1"})
	require.NoError(t, err)
	_, err = c.CreatePaymentSession(ctx, sessionRequest("idem-1"))
	assert.Equal(t, alipay.ResultCodeOrderIsCanceled, code(err))
}

// The fake checks what the SDK would have refused, for clients that send
// raw JSON, and names the field.
func TestCreatePaymentSessionFakeValidation(t *testing.T) {
	srv := alipaytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	valid := func() map[string]any {
		return map[string]any{
			"productCode": "CASHIER_PAYMENT", "productScene": "CHECKOUT_PAYMENT", "paymentRequestId": "raw-1",
			"order":              map[string]any{"referenceOrderId": "o-1", "orderDescription": "d", "orderAmount": map[string]any{"currency": "HKD", "value": "100"}},
			"paymentAmount":      map[string]any{"currency": "HKD", "value": "100"},
			"settlementStrategy": map[string]any{"settlementCurrency": "USD"},
			"paymentRedirectUrl": "https://merchant.example/",
		}
	}
	tests := []struct {
		name     string
		edit     func(m map[string]any)
		wantCode alipay.ResultCode
		wantText string
	}{
		{"ok, order as a string as Antom's page writes it", func(m map[string]any) {
			m["availablePaymentMethod"] = map[string]any{"paymentMethodTypeList": []any{map[string]any{"paymentMethodType": "CARD", "paymentMethodOrder": "0", "expressCheckout": "true"}}}
		}, "", ""},
		{"no product code", func(m map[string]any) { delete(m, "productCode") }, "PARAM_ILLEGAL", "productCode"},
		{"bad scene", func(m map[string]any) { m["productScene"] = "KIOSK" }, "PARAM_ILLEGAL", "productScene"},
		{"no request id", func(m map[string]any) { delete(m, "paymentRequestId") }, "PARAM_ILLEGAL", "paymentRequestId"},
		{"no order", func(m map[string]any) { delete(m, "order") }, "PARAM_ILLEGAL", "order"},
		{"no reference order id", func(m map[string]any) { delete(m["order"].(map[string]any), "referenceOrderId") }, "PARAM_ILLEGAL", "order.referenceOrderId"},
		{"no amount", func(m map[string]any) { delete(m, "paymentAmount") }, "PARAM_ILLEGAL", "paymentAmount"},
		{"no settlement", func(m map[string]any) { delete(m, "settlementStrategy") }, "PARAM_ILLEGAL", "settlementStrategy.settlementCurrency"},
		{"no redirect", func(m map[string]any) { delete(m, "paymentRedirectUrl") }, "PARAM_ILLEGAL", "paymentRedirectUrl"},
		{"http notify url", func(m map[string]any) { m["paymentNotifyUrl"] = "http://merchant.example/notify" }, "PARAM_ILLEGAL", "paymentNotifyUrl"},
		{"bad env", func(m map[string]any) { m["env"] = map[string]any{"terminalType": "WAP"} }, "PARAM_ILLEGAL", "env.osType"},
		{"expiry too late", func(m map[string]any) {
			m["paymentSessionExpiryTime"] = time.Now().Add(2 * time.Hour).Format(time.RFC3339)
		}, "PARAM_ILLEGAL", "paymentSessionExpiryTime"},
		{"expiry past", func(m map[string]any) {
			m["paymentSessionExpiryTime"] = time.Now().Add(-time.Minute).Format(time.RFC3339)
		}, "PARAM_ILLEGAL", "paymentSessionExpiryTime"},
		{"expiry not ISO", func(m map[string]any) { m["paymentSessionExpiryTime"] = "2023-7-27T12:00:01+08:30" }, "PARAM_ILLEGAL", "paymentSessionExpiryTime"},
		{"unknown method", func(m map[string]any) {
			m["availablePaymentMethod"] = map[string]any{"paymentMethodTypeList": []any{map[string]any{"paymentMethodType": "CARD"}, map[string]any{"paymentMethodType": "BITCOIN"}}}
		}, "PARAM_ILLEGAL", "availablePaymentMethod.paymentMethodTypeList[1].paymentMethodType"},
		{"bad order value", func(m map[string]any) {
			m["availablePaymentMethod"] = map[string]any{"paymentMethodTypeList": []any{map[string]any{"paymentMethodType": "CARD", "paymentMethodOrder": "first"}}}
		}, "PARAM_ILLEGAL", "request body"},
		{"nothing takes the currency", func(m map[string]any) {
			m["paymentAmount"] = map[string]any{"currency": "PHP", "value": "100"}
			m["availablePaymentMethod"] = map[string]any{"paymentMethodTypeList": []any{map[string]any{"paymentMethodType": "ALIPAY_HK"}}}
		}, "NO_PAY_OPTIONS", "PHP"},
		{"fixed method", func(m map[string]any) { m["paymentMethod"] = map[string]any{"paymentMethodType": "TNG"} }, "NO_PAY_OPTIONS", "HKD"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := valid()
			m["paymentRequestId"] = "raw-" + string(rune('a'+i))
			tt.edit(m)
			var resp alipay.PaymentSessionResponse
			err := c.Do(context.Background(), "/ams/api/v1/payments/createPaymentSession", m, &resp)
			if tt.wantCode == "" {
				require.NoError(t, err)
				return
			}
			var e *alipay.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tt.wantCode, e.Result.ResultCode)
			assert.Contains(t, e.Result.ResultMessage, tt.wantText)
		})
	}
}
