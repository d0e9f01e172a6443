package mapi_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/mapi"
	"github.com/xborderpay/alipay/mapi/mapitest"
)

// legacyShop is a merchant backend ported from Alipay's PHP demo: one
// notify_url for trades and refunds.
type legacyShop struct {
	mu      sync.Mutex
	trades  []*mapi.TradeNotification
	refunds []*mapi.RefundNotification
	failing int // answer this many notifications with an error first
	url     string
}

func newLegacyShop(t *testing.T, c *mapi.Client) *legacyShop {
	t.Helper()
	shop := &legacyShop{}
	ts := httptest.NewServer(c.NotificationMux(mapi.NotificationFuncs{
		Trade: func(_ context.Context, n *mapi.TradeNotification) error {
			shop.mu.Lock()
			defer shop.mu.Unlock()
			if shop.failing > 0 {
				shop.failing--
				return errors.New("database down")
			}
			shop.trades = append(shop.trades, n)
			return nil
		},
		Refund: func(_ context.Context, n *mapi.RefundNotification) error {
			shop.mu.Lock()
			defer shop.mu.Unlock()
			shop.refunds = append(shop.refunds, n)
			return nil
		},
	}))
	t.Cleanup(ts.Close)
	shop.url = ts.URL + "/alipay/notify"
	return shop
}

// TestLegacyMigrationEndToEnd: GBP, JPY, KRW and rmb_fee orders paid,
// refunded, and every notification taken on one notify_url.
func TestLegacyMigrationEndToEnd(t *testing.T) {
	ctx := context.Background()
	srv, c := newFake(t)
	shop := newLegacyShop(t, c)

	orders := []struct {
		order     mapi.AppOrder
		refund    mapi.RefundRequest
		wantTotal string // total_fee of the notification, in the foreign currency
	}{
		{mapi.AppOrder{OutTradeNo: "GBP-1", Subject: "Tea", Currency: "GBP", TotalFee: "12.50"},
			mapi.RefundRequest{OutReturnNo: "GBP-1-R", ReturnAmount: "2.50", Currency: "GBP"}, "12.50"},
		{mapi.AppOrder{OutTradeNo: "JPY-1", Subject: "Sencha", Currency: "JPY", TotalFee: "1200"},
			mapi.RefundRequest{OutReturnNo: "JPY-1-R", ReturnAmount: "200", Currency: "JPY"}, "1200"},
		{mapi.AppOrder{OutTradeNo: "KRW-1", Subject: "Kimchi", Currency: "KRW", TotalFee: "15000"},
			mapi.RefundRequest{OutReturnNo: "KRW-1-R", ReturnAmount: "5000", Currency: "KRW"}, "15000"},
		{mapi.AppOrder{OutTradeNo: "RMB-1", Subject: "Silk", Currency: "USD", RMBFee: "100.00"},
			mapi.RefundRequest{OutReturnNo: "RMB-1-R", ReturnRMBAmount: "50.00", Currency: "USD"}, "14.04"},
	}
	for _, o := range orders {
		o.order.NotifyURL = shop.url
		s, err := c.AppOrderString(&o.order)
		require.NoError(t, err, o.order.OutTradeNo)
		pay, err := srv.Pay(ctx, s)
		require.NoError(t, err, o.order.OutTradeNo)
		require.True(t, pay.Delivery.Acked, "%s: %+v", o.order.OutTradeNo, pay.Delivery)

		o.refund.OutTradeNo = o.order.OutTradeNo
		o.refund.NotifyURL = shop.url // the demos' single notify_url
		_, err = c.Refund(ctx, &o.refund)
		require.NoError(t, err, o.refund.OutReturnNo)
	}

	require.Len(t, shop.trades, len(orders))
	require.Len(t, shop.refunds, len(orders))
	for i, o := range orders {
		n := shop.trades[i]
		assert.Equal(t, o.order.OutTradeNo, n.OutTradeNo)
		assert.Equal(t, o.order.Currency, n.Currency)
		assert.Equal(t, o.wantTotal, n.TotalFee, o.order.OutTradeNo)
		assert.True(t, n.TradeStatus.Paid())
		r := shop.refunds[i]
		assert.Equal(t, o.refund.OutReturnNo, r.OutReturnNo)
		assert.Equal(t, mapi.RefundStatusSuccess, r.RefundStatus)
	}
	assert.Equal(t, "100.00", shop.trades[3].RMBFee, "the rmb_fee order keeps its CNY price")
	for _, d := range srv.Deliveries() {
		assert.True(t, d.Acked, "every delivery to the one notify_url is acknowledged: %s %d %q", d.NotifyID, d.Status, d.Body)
	}
}

// TestResendScheduleUntilAcknowledged: a notification the merchant fails
// is resent on Alipay's schedule, with the same notify_id, until "success".
func TestResendScheduleUntilAcknowledged(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, mapi.Beijing)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	srv, c := newFake(t, mapitest.WithClock(clockFunc(clock)))
	shop := newLegacyShop(t, c)
	shop.failing = 2

	s, err := c.AppOrderString(&mapi.AppOrder{OutTradeNo: "RS-1", Subject: "Tea", Currency: "GBP", TotalFee: "1.00", NotifyURL: shop.url})
	require.NoError(t, err)
	pay, err := srv.Pay(ctx, s)
	require.NoError(t, err)
	require.False(t, pay.Delivery.Acked)
	id := pay.Delivery.NotifyID

	next, ok := srv.NextResend(id)
	require.True(t, ok)
	assert.Equal(t, 2*time.Minute, next.Sub(clock()))

	advance(time.Minute)
	got, err := srv.ResendDue(ctx)
	require.NoError(t, err)
	assert.Empty(t, got, "nothing is due before 2m")

	advance(time.Minute)
	got, err = srv.ResendDue(ctx)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, id, got[0].NotifyID, "a resend keeps the notify_id")
	assert.False(t, got[0].Acked, "the second failure")

	advance(10 * time.Minute)
	got, err = srv.ResendDue(ctx)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.True(t, got[0].Acked)
	_, ok = srv.NextResend(id)
	assert.False(t, ok, "acknowledged: no more resends")
	require.Len(t, shop.trades, 1)
	assert.True(t, shop.trades[0].ConfirmedByQuery, "12 minutes on, notify_verify no longer knows the notify_id")
}

func TestResendScheduleGivesUp(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, mapi.Beijing)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	srv, c := newFake(t, mapitest.WithClock(clockFunc(clock)))
	shop := newLegacyShop(t, c)
	shop.failing = 100

	s, err := c.AppOrderString(&mapi.AppOrder{OutTradeNo: "RS-2", Subject: "Tea", Currency: "GBP", TotalFee: "1.00", NotifyURL: shop.url})
	require.NoError(t, err)
	pay, err := srv.Pay(ctx, s)
	require.NoError(t, err)
	start := now
	for _, wait := range mapitest.ResendSchedule {
		mu.Lock()
		now = now.Add(wait)
		mu.Unlock()
		got, err := srv.ResendDue(ctx)
		require.NoError(t, err)
		require.Len(t, got, 1)
	}
	_, ok := srv.NextResend(pay.Delivery.NotifyID)
	assert.False(t, ok, "eight sends, then Alipay gives up")
	assert.Len(t, srv.Deliveries(), 8)
	assert.Less(t, now.Sub(start), 25*time.Hour+time.Minute, "within the documented 25 hours")
}

// TestUnpaidOrderExpires: an order the buyer leaves open is WAIT_BUYER_PAY
// until it_b_pay passes, then TRADE_CLOSED, and cannot be paid.
func TestUnpaidOrderExpires(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, mapi.Beijing)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	srv, c := newFake(t, mapitest.WithClock(clockFunc(clock)))

	s, err := c.AppOrderString(&mapi.AppOrder{OutTradeNo: "OPEN-1", Subject: "Tea", Currency: "GBP", TotalFee: "1.00", ItBPay: "15m"})
	require.NoError(t, err)
	_, err = srv.Open(ctx, s)
	require.NoError(t, err)
	tr, err := c.QueryTrade(ctx, &mapi.QueryTradeRequest{OutTradeNo: "OPEN-1"})
	require.NoError(t, err)
	assert.Equal(t, mapi.TradeStatusWaitBuyerPay, tr.TradeStatus)
	assert.True(t, tr.GmtPayment.IsZero())

	mu.Lock()
	now = now.Add(15 * time.Minute)
	mu.Unlock()
	tr, err = c.QueryTrade(ctx, &mapi.QueryTradeRequest{OutTradeNo: "OPEN-1"})
	require.NoError(t, err)
	assert.Equal(t, mapi.TradeStatusClosed, tr.TradeStatus)
	_, err = srv.Pay(ctx, s)
	var ae *mapitest.AppError
	require.True(t, errors.As(err, &ae), "got %v", err)
	assert.Equal(t, "TRADE_HAS_CLOSE", ae.Code)

	// Paid in time, an opened order becomes TRADE_FINISHED.
	s, err = c.AppOrderString(&mapi.AppOrder{OutTradeNo: "OPEN-2", Subject: "Tea", Currency: "GBP", TotalFee: "1.00", ItBPay: "1c"})
	require.NoError(t, err)
	opened, err := srv.Open(ctx, s)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 11, 29, 0, 0, 0, 0, mapi.Beijing), opened.Expires.In(mapi.Beijing), "1c closes at the coming Beijing midnight")
	_, err = srv.Pay(ctx, s)
	require.NoError(t, err)
	tr, err = c.QueryTrade(ctx, &mapi.QueryTradeRequest{OutTradeNo: "OPEN-2"})
	require.NoError(t, err)
	assert.Equal(t, mapi.TradeStatusFinished, tr.TradeStatus)
}

// TestSeoulNightlyJob: a job in Seoul asks for yesterday's file by its
// calendar date; the date is sent as is, and a job that runs before that
// day has ended in Beijing is told so instead of getting an empty file.
func TestSeoulNightlyJob(t *testing.T) {
	ctx := context.Background()
	seoul := time.FixedZone("KST", 9*60*60)
	var mu sync.Mutex
	now := time.Date(2026, 11, 28, 9, 30, 0, 0, seoul) // 08:30 Beijing, 28 Nov
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	set := func(t time.Time) { mu.Lock(); now = t; mu.Unlock() }
	srv, _ := newFake(t, mapitest.WithClock(clockFunc(clock)))
	c := srv.Client(mapi.WithClock(clockFunc(clock)))

	for i, at := range []time.Time{
		time.Date(2026, 11, 28, 0, 30, 0, 0, seoul),  // 27 Nov 23:30 in Beijing
		time.Date(2026, 11, 28, 9, 30, 0, 0, seoul),  // 28 Nov in both
		time.Date(2026, 11, 28, 23, 30, 0, 0, seoul), // 28 Nov 22:30 in Beijing
	} {
		set(at)
		s, err := c.AppOrderString(&mapi.AppOrder{OutTradeNo: "KR-" + string(rune('a'+i)), Subject: "Kimchi", Currency: "KRW", TotalFee: "10000"})
		require.NoError(t, err)
		_, err = srv.Pay(ctx, s)
		require.NoError(t, err)
	}

	job := func() ([]string, error) {
		yesterday := mapi.DateOf(clock()).AddDays(-1) // the Seoul calendar's yesterday
		fr, err := c.CompareFile(ctx, yesterday, yesterday)
		if err != nil {
			return nil, err
		}
		defer fr.Close()
		var ids []string
		for r, err := range fr.All() {
			if err != nil {
				return nil, err
			}
			ids = append(ids, r.PartnerTransactionID)
		}
		return ids, nil
	}

	// 00:30 on 29 Nov in Seoul is 23:30 on 28 Nov in Beijing: the day is
	// not over where Alipay counts, and the job is told so.
	set(time.Date(2026, 11, 29, 0, 30, 0, 0, seoul))
	_, err := job()
	var ve *mapi.ValidationError
	require.True(t, errors.As(err, &ve), "got %v", err)
	assert.Contains(t, ve.Reason, "has not ended in Beijing")

	// 01:30 Seoul: 28 Nov is over in Beijing; the file is the Beijing day
	// 28 Nov, never the 27th that converting a Seoul midnight would give.
	set(time.Date(2026, 11, 29, 1, 30, 0, 0, seoul))
	ids, err := job()
	require.NoError(t, err)
	assert.Equal(t, []string{"KR-b", "KR-c"}, ids)

	// A day without transactions is Alipay's no-data answer, told apart
	// from a failure.
	empty := mapi.NewDate(2026, 11, 20)
	fr, err := c.CompareFile(ctx, empty, empty)
	require.NoError(t, err)
	_, err = fr.Next()
	assert.Equal(t, "EOF", err.Error())
	assert.True(t, fr.NoData())
}

// TestGBKFileWhoseRowsLookLikeUTF8: the fptrade file is GBK; the GBK bytes
// of 原装品 are also valid UTF-8 (as for about 1,900 common characters),
// and the rows holding it come before any row that is not.
func TestGBKFileWhoseRowsLookLikeUTF8(t *testing.T) {
	ctx := context.Background()
	paidAt := time.Date(2026, 11, 28, 10, 0, 0, 0, mapi.Beijing)
	srv, c := newFake(t, mapitest.WithClock(clockFunc(func() time.Time { return paidAt })))
	for _, o := range []mapi.AppOrder{
		{OutTradeNo: "G-1", Subject: "原装品", Currency: "GBP", TotalFee: "10.00"},
		{OutTradeNo: "G-2", Subject: "原装品", Currency: "USD", RMBFee: "100.00"},
	} {
		s, err := c.AppOrderString(&o)
		require.NoError(t, err)
		_, err = srv.Pay(ctx, s)
		require.NoError(t, err)
	}
	var onlyLookalikes bytes.Buffer
	require.NoError(t, srv.WriteFPTrade(&onlyLookalikes, paidAt))
	assert.Contains(t, onlyLookalikes.String(), "ԭװƷ", "the file's GBK bytes read as (wrong) UTF-8")

	_, err := c.Refund(ctx, &mapi.RefundRequest{OutReturnNo: "G-2-R", OutTradeNo: "G-2", ReturnRMBAmount: "40.00", Currency: "USD"})
	require.NoError(t, err)
	var file bytes.Buffer
	require.NoError(t, srv.WriteFPTrade(&file, paidAt))

	read := func(body []byte, cs mapi.Charset) []mapi.FPTradeRow {
		fr := mapi.NewFPTradeReader(bytes.NewReader(body))
		fr.Charset = cs
		var rows []mapi.FPTradeRow
		for r, err := range fr.All() {
			require.NoError(t, err)
			rows = append(rows, r)
		}
		return rows
	}
	rows := read(file.Bytes(), mapi.CharsetAuto)
	require.Len(t, rows, 3)
	assert.Equal(t, "原装品", rows[0].Remarks, "detected as GBK on the whole sample, not line by line")
	assert.Equal(t, "原装品", rows[1].Remarks)
	assert.Equal(t, "退款", rows[2].Remarks)

	// Every row looks like UTF-8: only the caller can say it is GBK.
	rows = read(onlyLookalikes.Bytes(), mapi.CharsetGBK)
	require.Len(t, rows, 2)
	assert.Equal(t, "原装品", rows[0].Remarks)

	// The rmb_fee order is recorded in CNY and reconciles on Rmb_amount.
	rec, err := alipay.NewReconciler([]alipay.MerchantRecord{
		{RequestID: "G-1", Type: alipay.TransactionTypePayment, Amount: alipay.Amount{Currency: "GBP", Value: "1000"}},
		{RequestID: "G-2", Type: alipay.TransactionTypePayment, Amount: alipay.Amount{Currency: "CNY", Value: "10000"}},
		{RequestID: "G-2-R", Type: alipay.TransactionTypeRefund, Amount: alipay.Amount{Currency: "CNY", Value: "4000"}},
	})
	require.NoError(t, err)
	require.NoError(t, mapi.AddFPTrade(rec, mapi.NewFPTradeReader(bytes.NewReader(file.Bytes()))))
	assert.Empty(t, rec.Discrepancies())
}

// TestGBKNotificationReachesHandlerDecoded: a merchant whose notifications
// come in GBK gets UTF-8 values in its function.
func TestGBKNotificationReachesHandlerDecoded(t *testing.T) {
	ctx := context.Background()
	srv, c := newFake(t, mapitest.WithNotifyCharset(mapi.CharsetGBK))
	got := make(chan *mapi.TradeNotification, 1)
	ts := httptest.NewServer(c.NotificationMux(mapi.NotificationFuncs{Trade: func(_ context.Context, n *mapi.TradeNotification) error {
		got <- n
		return nil
	}}))
	t.Cleanup(ts.Close)
	s, err := c.AppOrderString(&mapi.AppOrder{OutTradeNo: "订单-1", Subject: "Tea", Currency: "GBP", TotalFee: "1.00", NotifyURL: ts.URL})
	require.NoError(t, err)
	pay, err := srv.Pay(ctx, s)
	require.NoError(t, err)
	require.True(t, pay.Delivery.Acked, "%+v", pay.Delivery)
	assert.NotEqual(t, "订单-1", pay.Delivery.Fields["out_trade_no"], "sent as GBK bytes")
	n := <-got
	assert.Equal(t, "订单-1", n.OutTradeNo)
}

// TestWrongPartnerDiagnosis: with another partner ID (say the production
// PID against the sandbox) notify_verify answers "invalid", and the error
// says what that most likely means.
func TestWrongPartnerDiagnosis(t *testing.T) {
	ctx := context.Background()
	srv, c := newFake(t)
	wrong, err := mapi.NewClient("2088000000000009",
		mapi.WithPrivateKey(srv.MerchantPrivateKeyPEM()), mapi.WithAlipayPublicKey(srv.AlipayPublicKeyPEM()), mapi.WithGateway(srv.URL))
	require.NoError(t, err)
	var body string
	ts := httptest.NewServer(c.NotificationHandler(func(context.Context, *mapi.TradeNotification) error { return nil }))
	t.Cleanup(ts.Close)
	s, err := c.AppOrderString(&mapi.AppOrder{OutTradeNo: "WP-1", Subject: "Tea", Currency: "GBP", TotalFee: "1.00", NotifyURL: ts.URL})
	require.NoError(t, err)
	pay, err := srv.Pay(ctx, s)
	require.NoError(t, err)
	for k, v := range pay.Delivery.Fields {
		body += "&" + k + "=" + strings.ReplaceAll(v, " ", "+")
	}
	_, err = wrong.VerifyNotification(ctx, []byte(body[1:]))
	require.ErrorIs(t, err, mapi.ErrNotifyNotGenuine)
	assert.Contains(t, err.Error(), "most likely the partner ID is wrong")
}

// TestDownloadDeclaredCharset: a download whose Content-Type declares GBK
// is read as GBK even when every row looks like UTF-8.
func TestDownloadDeclaredCharset(t *testing.T) {
	body := gbkString(t, "G-1|10.00|GBP|20261128100000||P|0.00|P|原装品\n")
	for _, tt := range []struct{ contentType, want string }{
		{"text/plain; charset=GBK", "原装品"},
		{"text/plain", "ԭװƷ"}, // undeclared and undecidable: read as the UTF-8 it looks like
	} {
		gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", tt.contentType)
			_, _ = io.WriteString(w, body)
		}))
		c, err := mapi.NewClient(sandboxPID, mapi.WithMD5Key(sandboxMD5Key), mapi.WithSignType(mapi.SignTypeMD5), mapi.WithGateway(gw.URL+"/gateway.do"),
			mapi.WithClock(clockFunc(func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) })))
		require.NoError(t, err)
		day := mapi.NewDate(2026, 11, 28)
		fr, err := c.CompareFile(context.Background(), day, day)
		require.NoError(t, err)
		r, err := fr.Next()
		require.NoError(t, err)
		assert.Equal(t, tt.want, r.Remarks, tt.contentType)
		require.NoError(t, fr.Close())
		gw.Close()
	}
}
