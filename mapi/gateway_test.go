package mapi_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/mapi"
	"github.com/xborderpay/alipay/mapi/mapitest"
)

const (
	sandboxPID    = "2088101122136241"
	sandboxMD5Key = "760bdzec6y9goq7ctyx96ezkz78287de"
)

// captureGateway records the form of each call and answers body.
func captureGateway(t *testing.T, body string) (*mapi.Client, *[]url.Values) {
	t.Helper()
	var forms []url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !assert.NoError(t, r.ParseForm()) { // require's FailNow belongs to the test goroutine
			return
		}
		if r.Method == http.MethodGet {
			forms = append(forms, r.URL.Query())
		} else {
			assert.Equal(t, http.MethodPost, r.Method)
			assert.Equal(t, r.PostForm.Get("_input_charset"), r.URL.Query().Get("_input_charset"))
			forms = append(forms, r.PostForm)
		}
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	c, err := mapi.NewClient(sandboxPID, mapi.WithMD5Key(sandboxMD5Key), mapi.WithSignType(mapi.SignTypeMD5), mapi.WithGateway(srv.URL+"/gateway.do"))
	require.NoError(t, err)
	return c, &forms
}

// Vectors M3-M6 (docs/protocol/mapi.md §2.6) come out of the client's own requests.
func TestClientRequestsReproduceVectors(t *testing.T) {
	ctx := context.Background()
	fail := `<alipay><is_success>F</is_success><error>PURCHASE_TRADE_NOT_EXIST</error></alipay>`

	c, forms := captureGateway(t, fail)
	_, err := c.Refund(ctx, &mapi.RefundRequest{
		OutReturnNo: "SAMPLE_REFUND_ID", OutTradeNo: "SAMPLE_TRANSACTION_ID", ReturnRMBAmount: "200.00",
		Currency: "USD", Reason: "hello", GmtReturn: time.Date(2015, 3, 20, 12, 0, 0, 0, mapi.Beijing),
	})
	assert.Equal(t, mapi.CodePurchaseTradeNotExist, mapi.ErrorCodeOf(err))
	require.Len(t, *forms, 1, "a business failure is not retried")
	assert.Equal(t, "a77e894e71491f41e73ebe40319cc300", (*forms)[0].Get("sign"), "M3")
	assert.Equal(t, "MD5", (*forms)[0].Get("sign_type"))

	c, forms = captureGateway(t, `<alipay><is_success>F</is_success><error>TRADE_NOT_EXIST</error></alipay>`)
	_, err = c.QueryTrade(ctx, &mapi.QueryTradeRequest{OutTradeNo: "SAMPLE_TRANSACTION_ID"})
	assert.Equal(t, mapi.CodeTradeNotExist, mapi.ErrorCodeOf(err))
	assert.Equal(t, "d4d3825356fd0799ee16829acffc1460", (*forms)[0].Get("sign"), "M4")

	c, forms = captureGateway(t, "20120330|112537|AUD|6.4485|\n")
	rates, err := c.ExchangeRates(ctx)
	require.NoError(t, err)
	assert.Equal(t, "4051af1716d522b47acff927d4fb9781", (*forms)[0].Get("sign"), "M5")
	assert.Equal(t, []mapi.Rate{{Time: time.Date(2012, 3, 30, 11, 25, 37, 0, mapi.Beijing), Currency: "AUD", Rate: "6.4485"}}, rates)

	c, forms = captureGateway(t, "No balance account data in the period")
	fr, err := c.CompareFile(ctx, mapi.NewDate(2012, 2, 2), mapi.NewDate(2012, 2, 5))
	require.NoError(t, err)
	_, err = fr.Next()
	assert.ErrorIs(t, err, io.EOF)
	require.NoError(t, fr.Close())
	assert.Equal(t, "3d09abe0980696bb39bb72c6137266ca", (*forms)[0].Get("sign"), "M6")
}

func newFake(t *testing.T, opts ...mapitest.Option) (*mapitest.Server, *mapi.Client) {
	t.Helper()
	srv := mapitest.NewServer(opts...)
	t.Cleanup(srv.Close)
	c := srv.Client()
	return srv, c
}

// clockFunc lets a test drive the fake gateway and the client with a
// closure over its own time.
type clockFunc func() time.Time

func (f clockFunc) Now() time.Time { return f() }

// notifySink is a notify_url that records verified notifications.
func notifySink(t *testing.T, c *mapi.Client) (string, chan *mapi.TradeNotification) {
	t.Helper()
	got := make(chan *mapi.TradeNotification, 10)
	ts := httptest.NewServer(c.NotificationHandler(func(_ context.Context, n *mapi.TradeNotification) error {
		got <- n
		return nil
	}))
	t.Cleanup(ts.Close)
	return ts.URL + "/notify", got
}

func TestPayQueryRefundFlow(t *testing.T) {
	for _, st := range []mapi.SignType{mapi.SignTypeRSA, mapi.SignTypeRSA2, mapi.SignTypeMD5} {
		t.Run(string(st), func(t *testing.T) {
			ctx := context.Background()
			srv := mapitest.NewServer(mapitest.WithNotifySignType(st), mapitest.WithSignTypes(mapi.SignTypeRSA, st))
			t.Cleanup(srv.Close)
			c := srv.Client(mapi.WithSignType(st))
			notifyURL, got := notifySink(t, c)

			order, err := c.AppOrderString(&mapi.AppOrder{OutTradeNo: "O-1", Subject: "Tea", Currency: "USD", TotalFee: "10", NotifyURL: notifyURL})
			require.NoError(t, err)
			pay, err := srv.Pay(ctx, order)
			require.NoError(t, err)
			assert.True(t, pay.Delivery.Acked, "handler answered %d %q", pay.Delivery.Status, pay.Delivery.Body)
			n := <-got
			assert.Equal(t, "O-1", n.OutTradeNo)
			assert.Equal(t, "10.00", n.TotalFee)
			assert.Equal(t, mapi.TradeStatusFinished, n.TradeStatus)

			res, err := c.VerifyAppResult(pay.AppResult)
			require.NoError(t, err)
			assert.Equal(t, mapi.AppResultPaid, res.ResultStatus)
			assert.True(t, res.Success)
			assert.Equal(t, "O-1", res.Get("out_trade_no"))

			tr, err := c.QueryTrade(ctx, &mapi.QueryTradeRequest{TradeNo: pay.TradeNo})
			require.NoError(t, err)
			assert.Equal(t, "O-1", tr.OutTradeNo)
			assert.True(t, tr.TradeStatus.Paid())
			assert.Equal(t, "100", tr.PaymentType)
			assert.False(t, tr.GmtPayment.IsZero())

			r, err := c.Refund(ctx, &mapi.RefundRequest{OutReturnNo: "R-1", OutTradeNo: "O-1", ReturnAmount: "4", Currency: "USD", Reason: "broken cup"})
			require.NoError(t, err)
			assert.False(t, r.Replayed)

			_, err = c.Refund(ctx, &mapi.RefundRequest{OutReturnNo: "R-1", OutTradeNo: "O-1", ReturnAmount: "4", Currency: "USD"})
			assert.Equal(t, mapi.CodeRepeatedRefundRequest, mapi.ErrorCodeOf(err), "a reused out_return_no on a first attempt is an error")
			_, err = c.Refund(ctx, &mapi.RefundRequest{OutReturnNo: "R-2", OutTradeNo: "O-1", ReturnAmount: "6.01", Currency: "USD"})
			assert.Equal(t, mapi.CodeReturnAmountExceed, mapi.ErrorCodeOf(err))
			_, err = c.Refund(ctx, &mapi.RefundRequest{OutReturnNo: "R-3", OutTradeNo: "O-1", ReturnAmount: "1", Currency: "EUR"})
			assert.Equal(t, mapi.CodeCurrencyNotSame, mapi.ErrorCodeOf(err))
			_, err = c.Refund(ctx, &mapi.RefundRequest{OutReturnNo: "R-4", OutTradeNo: "O-1", ReturnAmount: "6", Currency: "USD"})
			require.NoError(t, err)
			tr, err = c.QueryTrade(ctx, &mapi.QueryTradeRequest{OutTradeNo: "O-1"})
			require.NoError(t, err)
			assert.Equal(t, mapi.TradeStatusClosed, tr.TradeStatus, "fully refunded")

			q, err := c.QueryRefund(ctx, &mapi.QueryRefundRequest{OutTradeNo: "O-1", OutReturnNo: "R-1"})
			require.NoError(t, err)
			assert.Equal(t, "SUCCESS", q.ResponseCode)
			assert.Equal(t, mapi.RefundResultSuccess, q.RefundResultCode)
			assert.Equal(t, pay.TradeNo, q.TradeNo)
			q, err = c.QueryRefund(ctx, &mapi.QueryRefundRequest{OutTradeNo: "O-1", OutReturnNo: "nope"})
			require.NoError(t, err)
			assert.Equal(t, "NOT_FOUND", q.ResponseCode)
		})
	}
}

func TestRetries(t *testing.T) {
	ctx := context.Background()
	srv, c := newFake(t)
	notifyURL, _ := notifySink(t, c)
	order, err := c.AppOrderString(&mapi.AppOrder{OutTradeNo: "O-2", Subject: "Tea", Currency: "JPY", TotalFee: "1500", NotifyURL: notifyURL})
	require.NoError(t, err)
	_, err = srv.Pay(ctx, order)
	require.NoError(t, err)

	for range 2 {
		srv.InjectFault("", mapitest.Fault{Kind: mapitest.Status503})
	}
	tr, err := c.QueryTrade(ctx, &mapi.QueryTradeRequest{OutTradeNo: "O-2"})
	require.NoError(t, err, "two 503s are retried within three attempts")
	assert.Equal(t, "O-2", tr.OutTradeNo)

	for range 3 {
		srv.InjectFault("", mapitest.Fault{Kind: mapitest.Status503})
	}
	_, err = c.QueryTrade(ctx, &mapi.QueryTradeRequest{OutTradeNo: "O-2"})
	var e *mapi.Error
	require.True(t, errors.As(err, &e))
	assert.True(t, e.Unknown())
	assert.Equal(t, 3, e.Attempts)
	assert.Equal(t, http.StatusServiceUnavailable, e.HTTPStatus)

	// The refund is made, its answer lost; the retry sends the same
	// out_return_no, Alipay says REPEATED_REFUNDMENT_REQUEST, and the client
	// confirms the refund by query instead of failing.
	srv.InjectFault("forex_refund", mapitest.Fault{Kind: mapitest.DropResponse})
	r, err := c.Refund(ctx, &mapi.RefundRequest{OutReturnNo: "R-9", OutTradeNo: "O-2", ReturnAmount: "500", Currency: "JPY"})
	require.NoError(t, err)
	assert.True(t, r.Replayed)
	got, _ := srv.Trade("O-2")
	assert.Equal(t, "500", got.Refunded, "refunded once, not twice")

	ctx2, cancel := context.WithCancel(ctx)
	cancel()
	_, err = c.QueryTrade(ctx2, &mapi.QueryTradeRequest{OutTradeNo: "O-2"})
	assert.ErrorIs(t, err, context.Canceled)
}

func TestNoRetryPolicy(t *testing.T) {
	srv := mapitest.NewServer()
	t.Cleanup(srv.Close)
	c := srv.Client(mapi.WithRetry(alipay.NoRetry))
	srv.InjectFault("", mapitest.Fault{Kind: mapitest.Status503})
	_, err := c.QueryTrade(context.Background(), &mapi.QueryTradeRequest{OutTradeNo: "x"})
	assert.True(t, mapi.IsUnknown(err))
}

func TestGatewayRejectsBadCredentials(t *testing.T) {
	srv := mapitest.NewServer()
	t.Cleanup(srv.Close)
	c, err := mapi.NewClient(srv.PartnerID(), mapi.WithMD5Key("wrong"), mapi.WithSignType(mapi.SignTypeMD5), mapi.WithGateway(srv.URL))
	require.NoError(t, err)
	_, err = c.QueryTrade(context.Background(), &mapi.QueryTradeRequest{OutTradeNo: "x"})
	assert.Equal(t, mapi.CodeIllegalSign, mapi.ErrorCodeOf(err))
	assert.True(t, mapi.IsUnknown(err), "access errors come unsigned, so they are not final")

	c, err = mapi.NewClient("2088000000000000", mapi.WithMD5Key(srv.MD5Key()), mapi.WithSignType(mapi.SignTypeMD5), mapi.WithGateway(srv.URL))
	require.NoError(t, err)
	_, err = c.QueryTrade(context.Background(), &mapi.QueryTradeRequest{OutTradeNo: "x"})
	assert.Equal(t, mapi.CodeIllegalPartner, mapi.ErrorCodeOf(err))
}

func TestFilesFromFake(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 21, 15, 0, 0, 0, mapi.Beijing)
	srv, c := newFake(t, mapitest.WithClock(clockFunc(func() time.Time { return now })))
	notifyURL, _ := notifySink(t, c)
	for i, fee := range []string{"10", "20.5"} {
		order, err := c.AppOrderString(&mapi.AppOrder{OutTradeNo: "F-" + string(rune('a'+i)), Subject: "商品", Currency: "EUR", TotalFee: fee, NotifyURL: notifyURL})
		require.NoError(t, err)
		_, err = srv.Pay(ctx, order)
		require.NoError(t, err)
	}
	_, err := c.Refund(ctx, &mapi.RefundRequest{OutReturnNo: "F-r", OutTradeNo: "F-a", ReturnAmount: "1", Currency: "EUR"})
	require.NoError(t, err)

	paidOn := mapi.DateOf(now)
	now = now.Add(24 * time.Hour) // the gateway serves a day once it has ended in Beijing
	for _, settled := range []bool{false, true} {
		get := c.CompareFile
		if settled {
			get = c.LiquidationFile
		}
		fr, err := get(ctx, paidOn.AddDays(-1), paidOn)
		require.NoError(t, err)
		var recs []mapi.FileRecord
		for r, err := range fr.All() {
			require.NoError(t, err)
			recs = append(recs, r)
		}
		require.NoError(t, fr.Close())
		require.Len(t, recs, 3)
		assert.Equal(t, "F-a", recs[0].PartnerTransactionID)
		assert.Equal(t, "10.00", recs[0].Amount)
		assert.Equal(t, "商品", recs[0].Remarks)
		assert.Equal(t, mapi.RecordTypeRefund, recs[2].Type)
		assert.Equal(t, settled, !recs[0].SettlementTime.IsZero())
	}

	_, err = c.CompareFile(ctx, paidOn, paidOn.AddDays(-1))
	var ve *mapi.ValidationError
	assert.True(t, errors.As(err, &ve))
	_, err = c.CompareFile(ctx, paidOn.AddDays(-11), paidOn)
	assert.True(t, errors.As(err, &ve))

	rates, err := c.ExchangeRates(ctx)
	require.NoError(t, err)
	assert.NotEmpty(t, rates)
	for _, r := range rates {
		assert.Equal(t, now, r.Time)
	}
}

func TestTextServiceErrors(t *testing.T) {
	ctx := context.Background()
	day := mapi.NewDate(2026, 11, 1)
	envelope := `<?xml version="1.0" encoding="GBK"?>` + "\n<alipay><is_success>F</is_success><error>ILLEGAL_PARTNER</error></alipay>"

	c, _ := captureGateway(t, "File empty")
	_, err := c.ExchangeRates(ctx)
	var e *mapi.Error
	require.True(t, errors.As(err, &e))
	assert.Equal(t, "File empty", e.Message)
	assert.False(t, e.Unknown())

	c, _ = captureGateway(t, envelope)
	_, err = c.ExchangeRates(ctx)
	assert.Equal(t, mapi.CodeIllegalPartner, mapi.ErrorCodeOf(err))
	_, err = c.CompareFile(ctx, day, day)
	assert.Equal(t, mapi.CodeIllegalPartner, mapi.ErrorCodeOf(err))

	c, _ = captureGateway(t, "<alipay><is_success>T</is_success></alipay>")
	_, err = c.ExchangeRates(ctx)
	assert.ErrorIs(t, err, mapi.ErrUnsigned)
	_, err = c.LiquidationFile(ctx, day, day)
	assert.ErrorIs(t, err, mapi.ErrUnsigned)

	c, _ = captureGateway(t, "20120330|112537|AUD|x|")
	_, err = c.ExchangeRates(ctx)
	assert.ErrorContains(t, err, "not a decimal")

	c, _ = captureGateway(t, "File download failed:Finish date not ahead of today")
	fr, err := c.LiquidationFile(ctx, day, day)
	require.NoError(t, err)
	_, err = fr.Next()
	require.True(t, errors.As(err, &e))
	assert.Equal(t, "forex_liquidation_file", e.Service)
	assert.Contains(t, e.Message, "Finish date not ahead of today")
	require.NoError(t, fr.Close())
}

// The answers the docs pair with "try later" are retried with the same
// request, for the rate file and the downloads alike; any other message is
// final at once.
func TestRetryableAnswers(t *testing.T) {
	ctx := context.Background()
	day := mapi.NewDate(2026, 11, 1)
	const (
		rateLine = "20120330|112537|AUD|6.4485|\n"
		fileLine = "T-1|1.00|EUR|20261101101010||P|0.00|P|x\n"
	)
	rates := func(c *mapi.Client) error { _, err := c.ExchangeRates(ctx); return err }
	compare := func(c *mapi.Client) error {
		fr, err := c.CompareFile(ctx, day, day)
		if err != nil {
			return err
		}
		defer fr.Close()
		_, err = fr.Next()
		return err
	}
	tests := []struct {
		name     string
		first    string // the first answer; the second is good
		good     string
		call     func(*mapi.Client) error
		requests int
	}{
		{"SYSTEM_ERROR envelope", "<alipay><is_success>F</is_success><error>SYSTEM_ERROR</error></alipay>", rateLine, rates, 2},
		{"SYSTEM_EXCEPTION envelope", "<alipay><is_success>F</is_success><error>SYSTEM_EXCEPTION</error></alipay>", rateLine, rates, 2},
		{"System exception text", "System exception", rateLine, rates, 2},
		{"download failed: System exception", "File download failed:System exception", fileLine, compare, 2},
		{"Internet connected exception", "Internet connected exception", fileLine, compare, 2},
		{"a final message", "File empty", rateLine, rates, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				if n.Add(1) == 1 {
					_, _ = io.WriteString(w, tt.first)
					return
				}
				_, _ = io.WriteString(w, tt.good)
			}))
			t.Cleanup(srv.Close)
			c, err := mapi.NewClient(sandboxPID, mapi.WithMD5Key(sandboxMD5Key), mapi.WithSignType(mapi.SignTypeMD5), mapi.WithGateway(srv.URL+"/gateway.do"),
				mapi.WithRetry(alipay.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}))
			require.NoError(t, err)
			err = tt.call(c)
			if tt.requests == 1 {
				assert.Error(t, err)
			} else {
				assert.NoError(t, err)
			}
			assert.Equal(t, int32(tt.requests), n.Load())
		})
	}
}
