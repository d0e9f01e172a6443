package mapitest_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/mapi"
	"github.com/xborderpay/alipay/mapi/mapitest"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func setup(t *testing.T, fn func(context.Context, *mapi.TradeNotification) error) (*mapitest.Server, *mapi.Client, *clock, string) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 21, 10, 0, 0, 0, mapi.Beijing)}
	srv := mapitest.NewServer(mapitest.WithClock(clk))
	t.Cleanup(srv.Close)
	c := srv.Client()
	ts := httptest.NewServer(c.NotificationHandler(fn))
	t.Cleanup(ts.Close)
	return srv, c, clk, ts.URL
}

func ok(context.Context, *mapi.TradeNotification) error { return nil }

func TestPayRejects(t *testing.T) {
	srv, c, _, notifyURL := setup(t, ok)
	order, err := c.AppOrderString(&mapi.AppOrder{OutTradeNo: "A", Subject: "s", Currency: "USD", TotalFee: "1", NotifyURL: notifyURL})
	require.NoError(t, err)
	other, err := c.AppOrderString(&mapi.AppOrder{OutTradeNo: "A", Subject: "s", Currency: "USD", TotalFee: "2", NotifyURL: notifyURL})
	require.NoError(t, err)
	wrongPartner, err := mapi.NewClient("2088000000000001", mapi.WithPrivateKey(srv.MerchantPrivateKeyPEM()))
	require.NoError(t, err)
	foreign, err := wrongPartner.AppOrderString(&mapi.AppOrder{OutTradeNo: "B", Subject: "s", Currency: "USD", TotalFee: "1"})
	require.NoError(t, err)
	unsupported, err := c.AppOrderString(&mapi.AppOrder{OutTradeNo: "C", Subject: "s", Currency: "SEK", TotalFee: "1"})
	require.NoError(t, err)

	_, err = srv.Pay(context.Background(), order)
	require.NoError(t, err)
	tests := []struct{ name, order, code string }{
		{"tampered", strings.Replace(other, `total_fee="2.00"`, `total_fee="0.01"`, 1), "ALIN10070"},
		{"garbage", "hello", "ALIN38173"},
		{"wrong partner", foreign, "ALIN10129"},
		{"same out_trade_no, other parameters", other, "ALIN42282"},
		{"paid twice", order, "5000"},
		{"unsupported currency", unsupported, "ILLEGAL_CURRENCY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := srv.Pay(context.Background(), tt.order)
			var ae *mapitest.AppError
			require.True(t, errors.As(err, &ae), "got %v", err)
			assert.Equal(t, tt.code, ae.Code)
		})
	}
}

func TestNotificationResendAndNotifyVerifyWindow(t *testing.T) {
	fail := true
	srv, c, clk, notifyURL := setup(t, func(context.Context, *mapi.TradeNotification) error {
		if fail {
			return errors.New("database unavailable")
		}
		return nil
	})
	order, err := c.AppOrderString(&mapi.AppOrder{OutTradeNo: "N", Subject: "s", Currency: "HKD", TotalFee: "8", NotifyURL: notifyURL})
	require.NoError(t, err)
	pay, err := srv.Pay(context.Background(), order)
	require.NoError(t, err)
	assert.False(t, pay.Delivery.Acked)
	assert.Equal(t, 500, pay.Delivery.Status)
	assert.Equal(t, "fail", pay.Delivery.Body)

	fail = false
	d, err := srv.Resend(context.Background(), "N")
	require.NoError(t, err)
	assert.True(t, d.Acked)
	assert.Equal(t, pay.Delivery.NotifyID, d.NotifyID, "resends keep the notify_id")

	// notify_verify answers false once the one-minute window has passed.
	require.NoError(t, err)
	err = c.NotifyVerify(context.Background(), d.NotifyID)
	require.NoError(t, err)
	clk.add(mapitest.NotifyIDTTL + time.Second)
	err = c.NotifyVerify(context.Background(), d.NotifyID)
	assert.ErrorIs(t, err, mapi.ErrNotifyNotGenuine)
	assert.ErrorIs(t, c.NotifyVerify(context.Background(), "forged"), mapi.ErrNotifyNotGenuine)
	assert.Len(t, srv.Deliveries(), 2)
	_, err = srv.Resend(context.Background(), "unknown")
	assert.Error(t, err)
}

func TestRMBPricedOrderAndAsyncRefund(t *testing.T) {
	srv, c, _, notifyURL := setup(t, ok)
	srv.SetRate("USD", "7.00")
	order, err := c.AppOrderString(&mapi.AppOrder{OutTradeNo: "R", Subject: "s", Currency: "USD", RMBFee: "70.07", NotifyURL: notifyURL})
	require.NoError(t, err)
	_, err = srv.Pay(context.Background(), order)
	require.NoError(t, err)
	tr, ok := srv.Trade("R")
	require.True(t, ok)
	assert.Equal(t, "10.01", tr.TotalFee, "70.07 / 7.00 = 10.01")
	assert.True(t, tr.PricedInRMB)

	got := make(chan *mapi.RefundNotification, 1)
	rs := httptest.NewServer(c.RefundNotificationHandler(func(_ context.Context, n *mapi.RefundNotification) error {
		got <- n
		return nil
	}))
	defer rs.Close()
	_, err = c.Refund(context.Background(), &mapi.RefundRequest{OutReturnNo: "R-1", OutTradeNo: "R", ReturnAmount: "1", Currency: "USD"})
	assert.Equal(t, mapi.CodeIllegalArgument, mapi.ErrorCodeOf(err), "an RMB-priced order is refunded with return_rmb_amount")
	isSync := false
	_, err = c.Refund(context.Background(), &mapi.RefundRequest{OutReturnNo: "R-1", OutTradeNo: "R", ReturnRMBAmount: "70.07", Currency: "USD", NotifyURL: rs.URL, IsSync: &isSync})
	require.NoError(t, err)
	n := <-got
	assert.Equal(t, mapi.RefundStatusSuccess, n.RefundStatus)
	assert.Equal(t, "R-1", n.OutReturnNo)
	tr, _ = srv.Trade("R")
	assert.Equal(t, mapi.TradeStatusClosed, tr.Status)
}

func TestWriteFPTrade(t *testing.T) {
	srv, c, clk, notifyURL := setup(t, ok)
	order, err := c.AppOrderString(&mapi.AppOrder{OutTradeNo: "F-1", Subject: "奶茶", Currency: "GBP", TotalFee: "3.2", NotifyURL: notifyURL})
	require.NoError(t, err)
	_, err = srv.Pay(context.Background(), order)
	require.NoError(t, err)
	_, err = c.Refund(context.Background(), &mapi.RefundRequest{OutReturnNo: "F-1-r", OutTradeNo: "F-1", ReturnAmount: "1.2", Currency: "GBP"})
	require.NoError(t, err)

	var b bytes.Buffer
	require.NoError(t, srv.WriteFPTrade(&b, clk.Now()))
	assert.False(t, utf8.Valid(b.Bytes()), "the file is GBK")
	name := srv.FPTradeFileName(clk.Now())
	pid, day, err := mapi.ParseFPTradeFileName(name)
	require.NoError(t, err)
	assert.Equal(t, srv.PartnerID(), pid)
	assert.Equal(t, "20261121", day.Format("20060102"))

	var rows []mapi.FPTradeRow
	for r, err := range mapi.NewFPTradeReader(&b).All() {
		require.NoError(t, err)
		rows = append(rows, r)
	}
	require.Len(t, rows, 2)
	assert.Equal(t, "F-1", rows[0].PartnerTransactionID)
	assert.Equal(t, "3.20", rows[0].Amount)
	assert.Equal(t, "奶茶", rows[0].Remarks)
	assert.Equal(t, "-1.20", rows[1].Amount)
	assert.Equal(t, "F-1", rows[1].OriginalPartnerTransactionID)

	var empty bytes.Buffer
	require.NoError(t, srv.WriteFPTrade(&empty, clk.Now().AddDate(0, 0, 1)))
	n := 0
	for _, err := range mapi.NewFPTradeReader(&empty).All() {
		require.NoError(t, err)
		n++
	}
	assert.Zero(t, n)
}

func TestAppOverHTTP(t *testing.T) {
	srv := mapitest.NewServer()
	t.Cleanup(srv.Close)
	c := srv.Client()
	order, err := c.AppOrderString(&mapi.AppOrder{OutTradeNo: "H-1", Subject: "Tea", Currency: "GBP", TotalFee: "1.00"})
	require.NoError(t, err)
	base := strings.TrimSuffix(srv.URL, "/gateway.do")

	resp, err := http.PostForm(base+"/app/pay", url.Values{"order": {order}})
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.True(t, strings.HasPrefix(string(body), "resultStatus={9000}"), "%s", body)
	_, err = c.VerifyAppResult(strings.TrimSpace(string(body)))
	require.NoError(t, err)

	resp, err = http.PostForm(base+"/app/pay", url.Values{"order": {strings.Replace(order, "1.00", "9.00", 1)}})
	require.NoError(t, err)
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, string(body), "ALIN10070")
}

func TestLoadedMerchantKeys(t *testing.T) {
	merchant, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	alipayKey, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	srv := mapitest.NewServer(mapitest.WithMerchantPublicKey(&merchant.PublicKey), mapitest.WithAlipayKey(alipayKey))
	t.Cleanup(srv.Close)
	assert.Empty(t, srv.MerchantPrivateKeyPEM())
	der, err := x509.MarshalPKCS8PrivateKey(merchant)
	require.NoError(t, err)
	c := srv.Client(mapi.WithPrivateKey(base64.StdEncoding.EncodeToString(der)))
	_, err = c.QueryTrade(context.Background(), &mapi.QueryTradeRequest{OutTradeNo: "none"})
	assert.Equal(t, mapi.CodeTradeNotExist, mapi.ErrorCodeOf(err), "the merchant's own key signs, the server's loaded key answers")

	other := mapitest.NewServer() // its merchant key is not the one srv was given
	t.Cleanup(other.Close)
	stranger, err := mapi.NewClient(srv.PartnerID(), mapi.WithPrivateKey(other.MerchantPrivateKeyPEM()),
		mapi.WithAlipayPublicKey(srv.AlipayPublicKeyPEM()), mapi.WithGateway(srv.URL))
	require.NoError(t, err)
	_, err = stranger.QueryTrade(context.Background(), &mapi.QueryTradeRequest{OutTradeNo: "none"})
	assert.Equal(t, mapi.CodeIllegalSign, mapi.ErrorCodeOf(err), "a key the server was not given is refused")
}

// Alipay accepts only sign types the merchant registered a key for.
func TestRegisteredSignTypes(t *testing.T) {
	ctx := context.Background()
	srv := mapitest.NewServer(mapitest.WithSignTypes(mapi.SignTypeRSA))
	t.Cleanup(srv.Close)
	rsa2 := srv.Client(mapi.WithAppOrderSignType(mapi.SignTypeRSA2))
	order, err := rsa2.AppOrderString(&mapi.AppOrder{OutTradeNo: "S", Subject: "s", Currency: "USD", TotalFee: "1"})
	require.NoError(t, err)
	_, err = srv.Pay(ctx, order)
	var ae *mapitest.AppError
	require.True(t, errors.As(err, &ae))
	assert.Equal(t, "ALIN10070", ae.Code)
	_, err = rsa2.QueryTrade(ctx, &mapi.QueryTradeRequest{OutTradeNo: "S"})
	assert.Equal(t, mapi.CodeIllegalSign, mapi.ErrorCodeOf(err), "RSA2 gateway call")

	md5 := srv.Client(mapi.WithSignType(mapi.SignTypeMD5))
	_, err = md5.QueryTrade(ctx, &mapi.QueryTradeRequest{OutTradeNo: "S"})
	assert.Equal(t, mapi.CodeIllegalSign, mapi.ErrorCodeOf(err), "MD5 not registered")

	rsa := srv.Client()
	_, err = rsa.QueryTrade(ctx, &mapi.QueryTradeRequest{OutTradeNo: "S"})
	assert.Equal(t, mapi.CodeTradeNotExist, mapi.ErrorCodeOf(err), "the default, RSA, is registered")
	assert.False(t, mapi.IsUnknown(err), "a signed TRADE_NOT_EXIST is final")

	both := mapitest.NewServer(mapitest.WithSignTypes(mapi.SignTypeRSA, mapi.SignTypeRSA2))
	t.Cleanup(both.Close)
	rsa2 = both.Client(mapi.WithAppOrderSignType(mapi.SignTypeRSA2))
	order, err = rsa2.AppOrderString(&mapi.AppOrder{OutTradeNo: "S", Subject: "s", Currency: "USD", TotalFee: "1"})
	require.NoError(t, err)
	_, err = both.Pay(ctx, order)
	require.NoError(t, err)
	_, err = rsa2.QueryTrade(ctx, &mapi.QueryTradeRequest{OutTradeNo: "S"})
	require.NoError(t, err)
}

// A resend keeps the notify_id of the first delivery and its expiry.
func TestResendDoesNotRenewNotifyID(t *testing.T) {
	srv, c, clk, notifyURL := setup(t, func(context.Context, *mapi.TradeNotification) error { return errors.New("down") })
	order, err := c.AppOrderString(&mapi.AppOrder{OutTradeNo: "X", Subject: "s", Currency: "USD", TotalFee: "1", NotifyURL: notifyURL})
	require.NoError(t, err)
	pay, err := srv.Pay(context.Background(), order)
	require.NoError(t, err)
	clk.add(mapitest.NotifyIDTTL + time.Second)
	_, err = srv.Resend(context.Background(), "X")
	require.NoError(t, err)
	assert.ErrorIs(t, c.NotifyVerify(context.Background(), pay.Delivery.NotifyID), mapi.ErrNotifyNotGenuine)

	srv.ExpireNotifyIDs()
	clk.add(-mapitest.NotifyIDTTL - time.Second)
	assert.ErrorIs(t, c.NotifyVerify(context.Background(), pay.Delivery.NotifyID), mapi.ErrNotifyNotGenuine, "ExpireNotifyIDs")
}

// TestClientPanicsOnRefusedOptions: like httptest.Server.Client and
// alipaytest.Server.Client, Client has no error to return, so options
// mapi.NewClient refuses are a panic naming the cause.
func TestClientPanicsOnRefusedOptions(t *testing.T) {
	srv := mapitest.NewServer()
	t.Cleanup(srv.Close)
	assert.NotNil(t, srv.Client())
	defer func() {
		msg, _ := recover().(string)
		assert.True(t, strings.HasPrefix(msg, "mapitest: Server.Client: mapi: "), "got %q", msg)
		assert.Contains(t, msg, "ftp")
	}()
	srv.Client(mapi.WithGateway("ftp://example.com/gateway.do"))
	t.Error("Client accepted a gateway NewClient refuses")
}

// TestInjectFaultByService: a fault queued for one service waits for a
// call of that service; one queued for any service goes to the next call
// it can apply to, and notify_verify (unsigned) takes only transport
// faults.
func TestInjectFaultByService(t *testing.T) {
	ctx := context.Background()
	srv := mapitest.NewServer()
	t.Cleanup(srv.Close)
	c := srv.Client(mapi.WithRetry(alipay.NoRetry))
	order, err := c.AppOrderString(&mapi.AppOrder{OutTradeNo: "F-1", Subject: "Tea", Currency: "GBP", TotalFee: "1.00"})
	require.NoError(t, err)
	_, err = srv.Pay(ctx, order)
	require.NoError(t, err)

	srv.InjectFault("forex_refund", mapitest.Fault{Kind: mapitest.SystemError})
	_, err = c.QueryTrade(ctx, &mapi.QueryTradeRequest{OutTradeNo: "F-1"})
	require.NoError(t, err, "a fault for forex_refund is not played to single_trade_query")
	_, err = c.Refund(ctx, &mapi.RefundRequest{OutReturnNo: "R-1", OutTradeNo: "F-1", ReturnAmount: "0.10", Currency: "GBP"})
	assert.Equal(t, mapi.CodeSystemError, mapi.ErrorCodeOf(err))

	srv.InjectFault("", mapitest.Fault{Kind: mapitest.MissingSignature})
	verify := func() (int, string) {
		resp, err := http.PostForm(srv.URL, url.Values{"service": {"notify_verify"}, "partner": {mapitest.DefaultPartnerID}, "notify_id": {"none"}})
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(b)
	}
	status, body := verify()
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "false", body, "notify_verify answers as usual, leaving the hostile fault queued")
	_, err = c.QueryTrade(ctx, &mapi.QueryTradeRequest{OutTradeNo: "F-1"})
	assert.True(t, mapi.IsUnknown(err), "the next signed call gets the unsigned answer: %v", err)

	srv.InjectFault("", mapitest.Fault{Kind: mapitest.Status503})
	status, _ = verify()
	assert.Equal(t, http.StatusServiceUnavailable, status, "transport faults apply to notify_verify")
	_, err = c.QueryTrade(ctx, &mapi.QueryTradeRequest{OutTradeNo: "F-1"})
	assert.NoError(t, err, "each queued fault is played once")
}
