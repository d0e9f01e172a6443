package mapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xborderpay/alipay"
)

func serve(h http.Handler, method, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "/notify", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestNotificationHandler(t *testing.T) {
	c := testKeysClient(t)
	good := signedBody(t, c, SignTypeRSA, tradeFields())
	refundBody := signedBody(t, c, SignTypeRSA, map[string]string{"notify_id": "n", "out_return_no": "R", "refund_status": "REFUND_SUCCESS"})
	// A full refund's notification may also carry the trade's new status;
	// it is still a refund notification (Notification.Kind).
	refundWithStatus := signedBody(t, c, SignTypeRSA, withField(withField(tradeFields(), "out_return_no", "R"), "refund_status", "REFUND_SUCCESS"))
	tests := []struct {
		name   string
		method string
		body   string
		fnErr  error
		panics bool
		status int
		ack    bool
		called bool
	}{
		{"acknowledged", http.MethodPost, good, nil, false, http.StatusOK, true, true},
		{"function failed", http.MethodPost, good, errors.New("db down"), false, http.StatusInternalServerError, false, true},
		{"function panicked", http.MethodPost, good, nil, true, http.StatusInternalServerError, false, true},
		{"GET", http.MethodGet, good, nil, false, http.StatusMethodNotAllowed, false, false},
		{"bad signature", http.MethodPost, strings.Replace(good, "9.90", "0.01", 1), nil, false, http.StatusUnauthorized, false, false},
		{"unsigned", http.MethodPost, "notify_id=1&out_trade_no=x", nil, false, http.StatusUnauthorized, false, false},
		{"malformed", http.MethodPost, "a=%zz", nil, false, http.StatusBadRequest, false, false},
		{"not a trade notification", http.MethodPost, refundBody, nil, false, http.StatusBadRequest, false, false},
		{"refund notification with a trade_status", http.MethodPost, refundWithStatus, nil, false, http.StatusBadRequest, false, false},
		{"too large", http.MethodPost, strings.Repeat("x", 65<<10), nil, false, http.StatusRequestEntityTooLarge, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			called := false
			h := c.NotificationHandler(func(ctx context.Context, n *TradeNotification) error {
				called = true
				assert.Equal(t, "ORDER-1", n.OutTradeNo)
				if tt.panics {
					panic("boom")
				}
				return tt.fnErr
			})
			rec := serve(h, tt.method, tt.body)
			assert.Equal(t, tt.status, rec.Code)
			assert.Equal(t, "text/plain; charset=utf-8", rec.Header().Get("Content-Type"))
			if tt.ack {
				assert.Equal(t, "success", rec.Body.String(), "exactly success, nothing else")
			} else {
				assert.Equal(t, "fail", rec.Body.String())
			}
			assert.Equal(t, tt.called, called)
		})
	}
}

func TestRefundNotificationHandler(t *testing.T) {
	c := testKeysClient(t)
	body := signedBody(t, c, SignTypeRSA2, map[string]string{"notify_id": "n", "out_trade_no": "O", "out_return_no": "R", "refund_status": "REFUND_SUCCESS"})
	var got *RefundNotification
	h := c.RefundNotificationHandler(func(_ context.Context, n *RefundNotification) error { got = n; return nil })
	rec := serve(h, http.MethodPost, body)
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, NotificationAck, rec.Body.String())
	require.NotNil(t, got)
	assert.Equal(t, RefundStatusSuccess, got.RefundStatus)
	rec = serve(h, http.MethodPost, signedBody(t, c, SignTypeRSA2, tradeFields()))
	assert.Equal(t, http.StatusBadRequest, rec.Code)
}

// fakeVerifyGateway answers notify_verify with body (or status when ≠ 200).
func fakeVerifyGateway(t *testing.T, status int, body string) (*Client, *int) {
	t.Helper()
	calls := 0
	var c *Client
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if r.Method == http.MethodPost { // the query that confirms a notify_verify "false"
			assert.Equal(t, "single_trade_query", r.PostFormValue("service"))
			sig, err := c.keys.sign(SignTypeRSA, "error=TRADE_NOT_EXIST&is_success=F")
			assert.NoError(t, err)
			_, _ = io.WriteString(w, "<alipay><is_success>F</is_success><error>TRADE_NOT_EXIST</error><sign>"+sig+"</sign><sign_type>RSA</sign_type></alipay>")
			return
		}
		q := r.URL.Query()
		assert.Equal(t, http.MethodGet, r.Method)
		assert.Equal(t, "notify_verify", q.Get("service"))
		assert.Equal(t, sandboxPID, q.Get("partner"))
		assert.Equal(t, "nid1", q.Get("notify_id"))
		assert.Empty(t, q.Get("sign"), "notify_verify is unsigned, as in Alipay's demo")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	c = testKeysClient(t, WithNotifyVerify(true), WithGateway(srv.URL+"/gateway.do"),
		WithRetry(alipay.RetryPolicy{MaxAttempts: 2, MinBackoff: 0, MaxBackoff: 0}))
	return c, &calls
}

func TestHandlerNotifyVerify(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		code   int
		calls  int
	}{
		{"true", 200, "true", http.StatusOK, 1},
		{"true with newline", 200, "true\n", http.StatusOK, 1},
		{"false, and the query knows no such trade", 200, "false", http.StatusUnauthorized, 2},
		{"invalid", 200, "invalid", http.StatusUnauthorized, 1},
		{"TRUE is not true", 200, "TRUE", http.StatusServiceUnavailable, 1},
		{"gateway down, retried", 503, "", http.StatusServiceUnavailable, 2},
		{"XML failure", 200, `<?xml version="1.0" encoding="GBK"?><alipay><is_success>F</is_success><error>ILLEGAL_PARTNER</error></alipay>`, http.StatusServiceUnavailable, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, calls := fakeVerifyGateway(t, tt.status, tt.body)
			h := c.NotificationHandler(func(context.Context, *TradeNotification) error { return nil })
			rec := serve(h, http.MethodPost, signedBody(t, c, SignTypeRSA, tradeFields()))
			assert.Equal(t, tt.code, rec.Code)
			assert.Equal(t, tt.calls, *calls)
		})
	}
}

func TestNotifyVerifyErrors(t *testing.T) {
	c, _ := fakeVerifyGateway(t, 200, "false")
	err := c.NotifyVerify(context.Background(), "nid1")
	assert.ErrorIs(t, err, ErrNotifyNotGenuine)
	assert.False(t, IsUnknown(err))
	var ve *ValidationError
	assert.True(t, errors.As(c.NotifyVerify(context.Background(), ""), &ve))

	c, _ = fakeVerifyGateway(t, 500, "")
	err = c.NotifyVerify(context.Background(), "nid1")
	assert.True(t, IsUnknown(err))
	var e *Error
	require.True(t, errors.As(err, &e))
	assert.Equal(t, 2, e.Attempts)
	assert.Equal(t, 500, e.HTTPStatus)
}
