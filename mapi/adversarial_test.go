package mapi_test

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xborderpay/alipay/internal/httpx"
	"github.com/xborderpay/alipay/mapi"
	"github.com/xborderpay/alipay/mapi/mapitest"
)

// paidTrade pays an order at srv and returns it.
func paidTrade(t *testing.T, srv *mapitest.Server, c *mapi.Client, outTradeNo, notifyURL string) *mapitest.Payment {
	t.Helper()
	order, err := c.AppOrderString(&mapi.AppOrder{OutTradeNo: outTradeNo, Subject: "Tea", Currency: "USD", TotalFee: "10", NotifyURL: notifyURL})
	require.NoError(t, err)
	pay, err := srv.Pay(context.Background(), order)
	require.NoError(t, err)
	return pay
}

// Each hostile or faulty answer mapitest can play, and exactly how the
// client classifies it.
func TestAdversarialAnswers(t *testing.T) {
	ctx := context.Background()
	type outcome struct {
		unknown bool
		code    mapi.ErrorCode
		is      error // errors.Is target, if any
	}
	query := func(c *mapi.Client, out string) error {
		_, err := c.QueryTrade(ctx, &mapi.QueryTradeRequest{OutTradeNo: out})
		return err
	}
	tests := []struct {
		name   string
		faults []mapitest.FaultKind
		call   func(srv *mapitest.Server, c *mapi.Client) error
		want   *outcome // nil: success
		check  func(t *testing.T, srv *mapitest.Server)
	}{
		{"unsigned success", []mapitest.FaultKind{mapitest.MissingSignature},
			func(_ *mapitest.Server, c *mapi.Client) error { return query(c, "P-1") }, &outcome{unknown: true, is: mapi.ErrUnsigned}, nil},
		{"unsigned failure is not final", []mapitest.FaultKind{mapitest.MissingSignature},
			func(_ *mapitest.Server, c *mapi.Client) error { return query(c, "NO-SUCH") },
			&outcome{unknown: true, code: mapi.CodeTradeNotExist, is: mapi.ErrUnsigned}, nil},
		{"unsigned refund success, refund made", []mapitest.FaultKind{mapitest.MissingSignature},
			func(_ *mapitest.Server, c *mapi.Client) error {
				_, err := c.Refund(ctx, &mapi.RefundRequest{OutReturnNo: "R-1", OutTradeNo: "P-1", ReturnAmount: "1", Currency: "USD"})
				return err
			}, &outcome{unknown: true, is: mapi.ErrUnsigned}, func(t *testing.T, srv *mapitest.Server) {
				tr, _ := srv.Trade("P-1")
				assert.Equal(t, "1.00", tr.Refunded, "the unknown refund did happen: unknown was right")
			}},
		{"unsigned refund failure", []mapitest.FaultKind{mapitest.MissingSignature},
			func(_ *mapitest.Server, c *mapi.Client) error {
				_, err := c.Refund(ctx, &mapi.RefundRequest{OutReturnNo: "R-2", OutTradeNo: "P-1", ReturnAmount: "11", Currency: "USD"})
				return err
			}, &outcome{unknown: true, code: mapi.CodeReturnAmountExceed, is: mapi.ErrUnsigned}, nil},
		{"signed trade under a flipped is_success", []mapitest.FaultKind{mapitest.ForgedFail},
			func(_ *mapitest.Server, c *mapi.Client) error { return query(c, "P-1") }, &outcome{unknown: true, code: mapi.CodeTradeNotExist}, nil},
		{"answer replayed from another trade", []mapitest.FaultKind{mapitest.ReplaySigned},
			func(_ *mapitest.Server, c *mapi.Client) error { return query(c, "P-2") }, &outcome{unknown: true, is: mapi.ErrUnboundAnswer}, nil},
		{"paid answer replayed for a trade that does not exist", []mapitest.FaultKind{mapitest.ReplaySigned},
			func(_ *mapitest.Server, c *mapi.Client) error { return query(c, "NO-SUCH") }, &outcome{unknown: true, is: mapi.ErrUnboundAnswer}, nil},
		{"redirect", []mapitest.FaultKind{mapitest.Redirect},
			func(_ *mapitest.Server, c *mapi.Client) error { return query(c, "P-1") }, &outcome{unknown: true, is: httpx.ErrRedirect},
			func(t *testing.T, srv *mapitest.Server) {
				assert.Zero(t, srv.StrayRequests(), "the redirect was followed")
			}},
		{"SYSTEM_ERROR then success", []mapitest.FaultKind{mapitest.SystemError},
			func(_ *mapitest.Server, c *mapi.Client) error { return query(c, "P-1") }, nil, nil},
		{"SYSTEM_ERROR on a refund, then success", []mapitest.FaultKind{mapitest.SystemError, mapitest.SystemError},
			func(_ *mapitest.Server, c *mapi.Client) error {
				_, err := c.Refund(ctx, &mapi.RefundRequest{OutReturnNo: "R-3", OutTradeNo: "P-1", ReturnAmount: "2", Currency: "USD"})
				return err
			}, nil, func(t *testing.T, srv *mapitest.Server) {
				tr, _ := srv.Trade("P-1")
				assert.Equal(t, "2.00", tr.Refunded, "refunded once, with the same out_return_no")
			}},
		{"SYSTEM_ERROR until retries run out", []mapitest.FaultKind{mapitest.SystemError, mapitest.SystemError, mapitest.SystemError},
			func(_ *mapitest.Server, c *mapi.Client) error { return query(c, "P-1") }, &outcome{unknown: true, code: mapi.CodeSystemError}, nil},
		{"sign type the merchant never registered", nil,
			func(srv *mapitest.Server, _ *mapi.Client) error {
				rsa2 := srv.Client(mapi.WithSignType(mapi.SignTypeRSA2))
				return query(rsa2, "P-1")
			}, &outcome{unknown: true, code: mapi.CodeIllegalSign}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := newFake(t)
			notifyURL, _ := notifySink(t, c)
			paidTrade(t, srv, c, "P-1", notifyURL)
			paidTrade(t, srv, c, "P-2", notifyURL)
			for _, k := range tt.faults {
				srv.InjectFault("", mapitest.Fault{Kind: k})
			}
			err := tt.call(srv, c)
			if tt.want == nil {
				require.NoError(t, err)
			} else {
				var e *mapi.Error
				require.True(t, errors.As(err, &e), "got %v", err)
				assert.Equal(t, tt.want.unknown, e.Unknown(), "unknown: %v", err)
				assert.Equal(t, tt.want.code, e.Code, "%v", err)
				if tt.want.is != nil {
					assert.ErrorIs(t, err, tt.want.is)
				}
				if tt.want.unknown {
					assert.Contains(t, err.Error(), httpx.UnknownAdvice)
				}
			}
			if tt.check != nil {
				tt.check(t, srv)
			}
		})
	}
}

// A notification whose notify_id expired (Alipay resends keep the id of
// the first delivery) is confirmed with a signed query instead of being
// refused forever.
func TestExpiredNotifyIDConfirmedByQuery(t *testing.T) {
	ctx := context.Background()
	srv, c := newFake(t)
	fail := true
	got := make(chan *mapi.TradeNotification, 4)
	ts := httptest.NewServer(c.NotificationHandler(func(_ context.Context, n *mapi.TradeNotification) error {
		if fail {
			return errors.New("database down")
		}
		got <- n
		return nil
	}))
	t.Cleanup(ts.Close)

	pay := paidTrade(t, srv, c, "E-1", ts.URL)
	require.False(t, pay.Delivery.Acked)
	fail = false
	srv.ExpireNotifyIDs()
	require.ErrorIs(t, c.NotifyVerify(ctx, pay.Delivery.NotifyID), mapi.ErrNotifyNotGenuine, "the id has expired")

	d, err := srv.Resend(ctx, "E-1")
	require.NoError(t, err)
	assert.True(t, d.Acked, "answered %d %q", d.Status, d.Body)
	require.Len(t, got, 1, "the handler runs before Resend returns")
	n := <-got
	assert.True(t, n.ConfirmedByQuery)
	assert.Equal(t, mapi.TradeStatusFinished, n.TradeStatus)

	// The trade has moved on (fully refunded, closed): the old
	// TRADE_FINISHED notification no longer matches and is refused.
	_, err = c.Refund(ctx, &mapi.RefundRequest{OutReturnNo: "E-1-r", OutTradeNo: "E-1", ReturnAmount: "10", Currency: "USD"})
	require.NoError(t, err)
	d, err = srv.Resend(ctx, "E-1")
	require.NoError(t, err)
	assert.False(t, d.Acked)
	assert.Equal(t, http.StatusUnauthorized, d.Status)

	// A query that cannot be trusted leaves the notification unanswered
	// (503), so Alipay sends it again, rather than refusing it for good.
	srv.InjectFault("single_trade_query", mapitest.Fault{Kind: mapitest.MissingSignature})
	d, err = srv.Resend(ctx, "E-1")
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, d.Status)
}

// A refund notification whose notify_id has expired is confirmed with
// alipay.acquire.refund.query like a trade notification with
// single_trade_query: accepted when the query agrees, refused when it
// reports another outcome than the one notified.
func TestExpiredNotifyIDConfirmsRefundByQuery(t *testing.T) {
	ctx := context.Background()
	raw, err := os.ReadFile("testdata/chloerei_rsa1024_private_pkcs8.pem")
	require.NoError(t, err)
	block, _ := pem.Decode(raw)
	require.NotNil(t, block)
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	require.NoError(t, err)
	alipayKey := k.(*rsa.PrivateKey)
	srv := mapitest.NewServer(mapitest.WithAlipayKey(alipayKey)) // so that the test can sign as Alipay
	t.Cleanup(srv.Close)
	c := srv.Client()
	fail := true
	got := make(chan *mapi.RefundNotification, 4)
	ts := httptest.NewServer(c.RefundNotificationHandler(func(_ context.Context, n *mapi.RefundNotification) error {
		if fail {
			return errors.New("database down")
		}
		got <- n
		return nil
	}))
	t.Cleanup(ts.Close)
	notifyURL, _ := notifySink(t, c)
	paidTrade(t, srv, c, "ER-1", notifyURL)
	_, err = c.Refund(ctx, &mapi.RefundRequest{OutReturnNo: "ER-1-r", OutTradeNo: "ER-1", ReturnAmount: "10", Currency: "USD", NotifyURL: ts.URL})
	require.NoError(t, err)
	first := srv.Deliveries()[len(srv.Deliveries())-1]
	require.Equal(t, "refund_status_sync", first.Fields["notify_type"])
	require.False(t, first.Acked)

	fail = false
	srv.ExpireNotifyIDs()
	d, err := srv.Resend(ctx, "ER-1")
	require.NoError(t, err)
	assert.True(t, d.Acked, "answered %d %q", d.Status, d.Body)
	require.Len(t, got, 1, "the handler runs before Resend returns")
	n := <-got
	assert.True(t, n.ConfirmedByQuery)
	assert.Equal(t, mapi.RefundStatusSuccess, n.RefundStatus)

	// A notification signed by Alipay whose outcome the query contradicts
	// (say an old one about an attempt that failed) is refused.
	f := map[string]string{}
	for k, v := range first.Fields {
		f[k] = v
	}
	delete(f, "sign")
	delete(f, "sign_type")
	f["refund_status"] = string(mapi.RefundStatusFail)
	h := sha1.Sum([]byte(mapi.PreSignString(f)))
	sig, err := rsa.SignPKCS1v15(nil, alipayKey, crypto.SHA1, h[:])
	require.NoError(t, err)
	f["sign"], f["sign_type"] = base64.StdEncoding.EncodeToString(sig), string(mapi.SignTypeRSA)
	form := url.Values{}
	for k, v := range f {
		form.Set(k, v)
	}
	resp, err := http.PostForm(ts.URL, form)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "%s", body)
	assert.Empty(t, got, "the contradicted notification reached the handler")
}
