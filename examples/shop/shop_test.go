package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/alipaytest"
)

func getPage(t testing.TB, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func TestCheckoutEndToEnd(t *testing.T) {
	fake := newFake(t)
	b := newBalancer(t)
	in := startInstance(t, sqliteDSN(t), fake.Client(), b, testConfig("a", b.srv.URL))
	in.reports = fake
	base := b.srv.URL

	id := createOrder(t, base, "mug")
	p := pay(t, base, id, "ALIPAY_CN", DeviceWeb)
	require.Equal(t, AttemptProcessing, p.Status)
	kinds := map[alipay.RedirectKind]string{}
	for _, r := range p.Redirects {
		kinds[r.Kind] = r.URL
	}
	require.NotEmpty(t, kinds[alipay.RedirectKindNormal], "WEB gets the cashier page")
	require.NotEmpty(t, kinds[alipay.RedirectKindCodeValue], "WEB wallets get a code for the QR")

	// The desktop page shows the QR code and the link.
	_, page := getPage(t, base+"/attempts/"+p.PaymentRequestID)
	assert.Contains(t, page, `id="qr" src="data:image/png;base64,`)
	assert.Contains(t, page, `href="`+kinds[alipay.RedirectKindNormal]+`"`)

	// Before the buyer pays, the result page does not claim success,
	// whatever the URL says.
	_, page = getPage(t, base+"/orders/"+id+"/result?attempt="+p.PaymentRequestID+"&status=SUCCESS")
	assert.Contains(t, page, "waiting for the payment")
	assert.Contains(t, page, `<a id="continue" href="/attempts/`+p.PaymentRequestID+`">`)
	assert.Contains(t, page, `<a id="pay-again" href="/orders/`+id+`">`)

	require.NoError(t, fake.CompletePayment(p.PaymentRequestID))
	eventually(t, 10*time.Second, func() bool { return orderState(t, base, id).Status == OrderPaid }, "order paid")
	_, page = getPage(t, base+"/orders/"+id+"/result")
	assert.Contains(t, page, "Paid. Thank you!")
	assert.Equal(t, 1, count(t, in.db, `SELECT COUNT(*) FROM ledger WHERE order_id = $1`, id))
	eventually(t, 10*time.Second, func() bool { return settled(t, in.db, fake) }, "settled")
	checkAgainstAntom(t, in.Shop, fake)

	// Paying a paid order is refused before anything is sent.
	var out map[string]string
	assert.Equal(t, http.StatusConflict, api(t, "POST", base+"/api/orders/"+id+"/pay", apiPayRequest{Method: "ALIPAY_CN", Device: DeviceWeb}, &out))
	assert.Len(t, orderState(t, base, id).Attempts, 1)
}

func TestPaymentMenu(t *testing.T) {
	fake := newFake(t)
	b := newBalancer(t)
	startInstance(t, sqliteDSN(t), fake.Client(), b, testConfig("a", b.srv.URL))
	id := createOrder(t, b.srv.URL, "tee") // EUR: most wallets cannot take it

	_, page := getPage(t, b.srv.URL+"/orders/"+id)
	// Two levels: categories, then methods; the merchant's favourite first.
	assert.Contains(t, page, "<summary>Wallets</summary>")
	assert.Contains(t, page, "<summary>Online banking</summary>")
	assert.Less(t, strings.Index(page, `id="method-ALIPAY_CN"`), strings.Index(page, `id="method-CARD"`))
	assert.Contains(t, page, `<img src="`+fake.URL+`/logo/ALIPAY_CN.svg"`)
	// Disabled methods are greyed out apart, with Antom's reason, and
	// cannot be chosen.
	assert.Contains(t, page, `id="disabled-GCASH">GCASH <span class="muted">(CHANNEL_NOT_SUPPORT_CURRENCY)`)
	assert.NotContains(t, page, `id="method-GCASH"`)
	// The button greys out while the shop asks Antom for the URL.
	assert.Contains(t, page, "b.disabled=true")

	// Consult is per device: a phone browser is WAP.
	req, _ := http.NewRequest("GET", b.srv.URL+"/orders/"+id, nil)
	req.Header.Set("User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(body), "<strong>WAP_IOS</strong>")
}

func TestPaymentMenuUnavailable(t *testing.T) {
	fake := newFake(t, alipaytest.WithFaultHook(func(api string) alipaytest.Fault {
		if api == alipaytest.APIConsult {
			return alipaytest.Fault{Kind: alipaytest.Status500}
		}
		return alipaytest.Fault{}
	}))
	b := newBalancer(t)
	startInstance(t, sqliteDSN(t), fake.Client(alipay.WithRetry(alipay.NoRetry)), b, testConfig("a", b.srv.URL))
	id := createOrder(t, b.srv.URL, "mug")
	code, page := getPage(t, b.srv.URL+"/orders/"+id)
	assert.Equal(t, http.StatusServiceUnavailable, code)
	assert.Contains(t, page, "cannot be shown just now")
}

func TestExtraInformation(t *testing.T) {
	form := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	tests := []struct {
		method string
		form   func(string) string
		want   map[string]any
		errMsg string
	}{
		{"BLIK", form("blikCode", "123456"), map[string]any{"blikCode": "123456"}, ""},
		{"BLIK", form("blikCode", " 654321 "), map[string]any{"blikCode": "654321"}, ""},
		{"BLIK", form("blikCode", "12345"), nil, "exactly 6 digits"},
		{"BLIK", form("blikCode", "12345a"), nil, "exactly 6 digits"},
		{"BLIK", form(), nil, "exactly 6 digits"},
		{"P24", form("payerEmail", "jan@example.pl"), map[string]any{"payerEmail": "jan@example.pl"}, ""},
		{"P24", form("payerEmail", "Jan <jan@example.pl>"), nil, "plain e-mail"},
		{"P24", form("payerEmail", "jan"), nil, "plain e-mail"},
		{"IDEAL", form("bankIdentifierCode", "ABNANL2A"), map[string]any{"bankIdentifierCode": "ABNANL2A"}, ""},
		{"IDEAL", form("bankIdentifierCode", "EVILNL2A"), nil, "choose your bank"},
		{"ALIPAY_CN", form("blikCode", "x"), nil, ""},
	}
	for _, tt := range tests {
		got, err := metaData(tt.method, tt.form)
		if tt.errMsg != "" {
			var be *BuyerError
			require.True(t, errors.As(err, &be), "%s: %v", tt.method, err)
			assert.Contains(t, be.Msg, tt.errMsg)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tt.want, got, tt.method)
	}
}

// A bad BLIK code is refused on the shop's page: no attempt, nothing sent.
func TestExtraInformationCheckedBeforePaying(t *testing.T) {
	fake := newFake(t)
	b := newBalancer(t)
	in := startInstance(t, sqliteDSN(t), fake.Client(), b, testConfig("a", b.srv.URL))
	id := createOrder(t, b.srv.URL, "tee")
	_, err := in.Pay(context.Background(), PayInput{OrderID: id, Method: "BLIK", Device: DeviceWeb, Form: func(string) string { return "12" }})
	var be *BuyerError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, 0, count(t, in.db, `SELECT COUNT(*) FROM payment_attempts`))
}

func TestExpiredOrderIsNotPaid(t *testing.T) {
	fake := newFake(t)
	b := newBalancer(t)
	cfg := testConfig("a", b.srv.URL)
	cfg.OrderTTL = 30 * time.Second // inside the last minute: too late to start paying
	in := startInstance(t, sqliteDSN(t), fake.Client(), b, cfg)
	id := createOrder(t, b.srv.URL, "mug")
	_, err := in.Pay(context.Background(), PayInput{OrderID: id, Method: "ALIPAY_CN", Device: DeviceWeb, Form: func(string) string { return "" }})
	var be *BuyerError
	require.ErrorAs(t, err, &be)
	assert.Contains(t, be.Msg, "expired")
	assert.Equal(t, OrderExpired, orderState(t, b.srv.URL, id).Status)
	assert.Equal(t, 0, count(t, in.db, `SELECT COUNT(*) FROM payment_attempts`))
}

func TestPaymentExpiryNeverOutlivesOrder(t *testing.T) {
	fake := newFake(t)
	b := newBalancer(t)
	cfg := testConfig("a", b.srv.URL)
	cfg.OrderTTL, cfg.PaymentTTL = 5*time.Minute, time.Hour
	in := startInstance(t, sqliteDSN(t), fake.Client(), b, cfg)
	id := createOrder(t, b.srv.URL, "mug")
	p := pay(t, b.srv.URL, id, "ALIPAY_CN", DeviceWeb)
	o, err := in.order(context.Background(), id)
	require.NoError(t, err)
	a, err := in.attempt(context.Background(), in.db, p.PaymentRequestID)
	require.NoError(t, err)
	assert.False(t, a.ExpiresAt.After(o.ExpiresAt), "payment expiry %v after order expiry %v", a.ExpiresAt, o.ExpiresAt)
	assert.True(t, a.ExpiresAt.After(time.Now().Add(4*time.Minute)))
}

// The buyer pays twice (two tabs): the second payment is refunded in full,
// once, and the buyer is told.
func TestDuplicatePaymentRefunded(t *testing.T) {
	fake := newFake(t)
	b := newBalancer(t)
	in := startInstance(t, sqliteDSN(t), fake.Client(), b, testConfig("a", b.srv.URL))
	in.reports = fake
	id := createOrder(t, b.srv.URL, "pen")
	p1 := pay(t, b.srv.URL, id, "ALIPAY_HK", DeviceWapAndroid)
	p2 := pay(t, b.srv.URL, id, "ALIPAY_HK", DeviceWeb)
	require.NoError(t, fake.CompletePayment(p1.PaymentRequestID))
	require.NoError(t, fake.CompletePayment(p2.PaymentRequestID))
	eventually(t, 10*time.Second, func() bool { return settled(t, in.db, fake) }, "settled")
	st := orderState(t, b.srv.URL, id)
	assert.Equal(t, OrderPaid, st.Status)
	// Whichever success the shop learned of first paid the order.
	extra := p2.PaymentRequestID
	if st.PaidBy == extra {
		extra = p1.PaymentRequestID
	}
	assert.Contains(t, []string{p1.PaymentRequestID, p2.PaymentRequestID}, st.PaidBy)
	assert.Equal(t, 1, fake.Refunds("refund-"+extra))
	assert.Equal(t, 1, count(t, in.db, `SELECT COUNT(*) FROM ledger WHERE kind = 'REFUND' AND order_id = $1`, id))
	_, page := getPage(t, b.srv.URL+"/orders/"+id+"/result")
	assert.Contains(t, page, "You paid this order twice; the extra payment of 399.00 HKD has been refunded")
	checkAgainstAntom(t, in.Shop, fake)
}

// Orders past their time with no open payment are closed by the worker.
func TestWorkerExpiresOrders(t *testing.T) {
	fake := newFake(t)
	b := newBalancer(t)
	cfg := testConfig("a", b.srv.URL)
	cfg.OrderTTL, cfg.Worker = 50*time.Millisecond, false
	in := startInstance(t, sqliteDSN(t), fake.Client(), b, cfg)
	var now atomic.Int64
	now.Store(time.Now().UnixMilli())
	in.now = func() time.Time { return time.UnixMilli(now.Load()) }
	id := createOrder(t, b.srv.URL, "mug")
	in.WorkOnce(context.Background())
	require.Equal(t, OrderOpen, orderState(t, b.srv.URL, id).Status, "expired before its time")
	now.Add(60)
	in.WorkOnce(context.Background())
	assert.Equal(t, OrderExpired, orderState(t, b.srv.URL, id).Status)
	_, page := getPage(t, b.srv.URL+"/orders/"+id)
	assert.Contains(t, page, "This order has expired without payment.")
}

// A success for another amount than the order's never pays the order: it
// is booked as Antom reports it and refunded in full.
func TestPaymentOfWrongAmountRefunded(t *testing.T) {
	fake := newFake(t, alipaytest.WithManualNotifications())
	b := newBalancer(t)
	cfg := testConfig("a", b.srv.URL)
	cfg.Worker = false
	in := startInstance(t, sqliteDSN(t), fake.Client(), b, cfg)
	id := createOrder(t, b.srv.URL, "mug")
	p := pay(t, b.srv.URL, id, "ALIPAY_CN", DeviceWeb)
	n := &alipay.Notification{
		NotifyType: alipay.NotifyTypePaymentResult,
		Result:     alipay.Result{ResultCode: "SUCCESS", ResultStatus: alipay.ResultStatusSuccess},
		Payment: &alipay.PaymentNotification{PaymentRequestID: p.PaymentRequestID, PaymentID: "2026000000009",
			PaymentAmount: alipay.Amount{Currency: "USD", Value: "125"}},
	}
	require.NoError(t, in.handleNotification(context.Background(), n))
	st := orderState(t, b.srv.URL, id)
	assert.Equal(t, OrderOpen, st.Status)
	var amt int64
	var reason string
	require.NoError(t, in.db.QueryRow(`SELECT amount_minor, reason FROM refunds WHERE payment_request_id = $1`, p.PaymentRequestID).Scan(&amt, &reason))
	assert.Equal(t, int64(125), amt)
	assert.Equal(t, "paid 1.25 USD for an order of 12.50 USD", reason)
	assert.Equal(t, 1, count(t, in.db, `SELECT COUNT(*) FROM ledger WHERE amount_minor = 125`))
}

// No notification arrives: the result page asks Antom before answering,
// but no more than once every few seconds however often it is reloaded.
func TestResultPageInquires(t *testing.T) {
	var inquiries atomic.Int64
	fake := newFake(t, alipaytest.WithManualNotifications(), alipaytest.WithFaultHook(func(api string) alipaytest.Fault {
		if api == alipaytest.APIInquiryPayment {
			inquiries.Add(1)
		}
		return alipaytest.Fault{}
	}))
	b := newBalancer(t)
	cfg := testConfig("a", b.srv.URL)
	cfg.Worker = false
	in := startInstance(t, sqliteDSN(t), fake.Client(), b, cfg)
	// The shop's clock stands still, so that the five reloads fall within
	// resultPageInquiryGap however slowly a loaded machine serves them.
	frozen := time.Now()
	in.now = func() time.Time { return frozen }

	waiting := createOrder(t, b.srv.URL, "mug")
	pay(t, b.srv.URL, waiting, "ALIPAY_CN", DeviceWeb)
	for i := 0; i < 5; i++ {
		_, page := getPage(t, b.srv.URL+"/orders/"+waiting+"/result")
		assert.Contains(t, page, "waiting for the payment")
	}
	assert.Equal(t, int64(1), inquiries.Load(), "five reloads, one inquiry")

	id := createOrder(t, b.srv.URL, "mug")
	p := pay(t, b.srv.URL, id, "ALIPAY_CN", DeviceWeb)
	require.NoError(t, fake.CompletePayment(p.PaymentRequestID))
	_, page := getPage(t, b.srv.URL+"/orders/"+id+"/result?attempt="+p.PaymentRequestID)
	assert.Contains(t, page, "Paid. Thank you!")
	// The late notification changes nothing and is acknowledged.
	ds := fake.DeliverDue(context.Background())
	require.Len(t, ds, 1)
	assert.True(t, ds[0].Acknowledged)
}

// A failed payment lets the buyer pay again with a new paymentRequestId.
func TestFailedPaymentPayAgain(t *testing.T) {
	fake := newFake(t)
	b := newBalancer(t)
	in := startInstance(t, sqliteDSN(t), fake.Client(), b, testConfig("a", b.srv.URL))
	in.reports = fake
	id := createOrder(t, b.srv.URL, "mug")
	p1 := pay(t, b.srv.URL, id, "ALIPAY_CN", DeviceWeb)
	require.NoError(t, fake.FailPayment(p1.PaymentRequestID))
	eventually(t, 10*time.Second, func() bool { return orderState(t, b.srv.URL, id).Attempts[0].Status == AttemptFail }, "attempt failed")
	_, page := getPage(t, b.srv.URL+"/orders/"+id+"/result")
	assert.Contains(t, page, "Not paid")
	p2 := pay(t, b.srv.URL, id, "CARD", DeviceWeb)
	assert.NotEqual(t, p1.PaymentRequestID, p2.PaymentRequestID)
	require.NoError(t, fake.CompletePayment(p2.PaymentRequestID))
	eventually(t, 10*time.Second, func() bool { return settled(t, in.db, fake) }, "settled")
	assert.Equal(t, OrderPaid, orderState(t, b.srv.URL, id).Status)
	checkAgainstAntom(t, in.Shop, fake)
}

// The extra information goes to Antom in paymentMethod.paymentMethodMetaData,
// and the fake accepts it (it would refuse a bad value with PARAM_ILLEGAL).
func TestExtraInformationSent(t *testing.T) {
	fake := newFake(t)
	var mu sync.Mutex
	var bodies []string
	rec := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		u, _ := url.Parse(fake.URL)
		r.SetURL(u)
		body, _ := io.ReadAll(r.In.Body)
		mu.Lock()
		bodies = append(bodies, string(body))
		mu.Unlock()
		r.Out.Body = io.NopCloser(strings.NewReader(string(body)))
		r.Out.ContentLength = int64(len(body))
	}})
	defer rec.Close()
	c, err := alipay.NewClient(fake.ClientID(), alipay.WithPrivateKey(fake.MerchantPrivateKeyPEM()),
		alipay.WithAlipayPublicKey(fake.AlipayPublicKeyPEM()), alipay.WithEndpoint(rec.URL))
	require.NoError(t, err)
	b := newBalancer(t)
	in := startInstance(t, sqliteDSN(t), c, b, testConfig("a", b.srv.URL))
	for _, tt := range []struct{ product, method, key, value string }{
		{"candle", "BLIK", "blikCode", "777123"},
		{"candle", "P24", "payerEmail", "jan@example.pl"},
		{"tee", "P24", "payerEmail", "jan@example.pl"},
		{"tee", "IDEAL", "bankIdentifierCode", "ABNANL2A"},
	} {
		mu.Lock()
		bodies = nil
		mu.Unlock()
		id := createOrder(t, b.srv.URL, tt.product)
		res, err := in.Pay(context.Background(), PayInput{OrderID: id, Method: tt.method, Device: DeviceWeb,
			Form: func(k string) string { return map[string]string{tt.key: tt.value}[k] }})
		require.NoError(t, err)
		assert.Equal(t, AttemptProcessing, res.Attempt.Status, "%s %s: %s", tt.product, tt.method, res.Attempt.ResultCode)
		meta, fromPay := fake.PaymentMethodMetaData(res.Attempt.RequestID)
		assert.Equal(t, map[string]string{tt.key: tt.value}, meta)
		assert.True(t, fromPay)
		mu.Lock()
		require.Len(t, bodies, 1)
		assert.Contains(t, bodies[0], `"paymentMethod":{"paymentMethodType":"`+tt.method+`","paymentMethodMetaData":{"`+tt.key+`":"`+tt.value+`"}}`)
		mu.Unlock()
	}
}
