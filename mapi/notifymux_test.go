package mapi

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func refundFields() map[string]string {
	return map[string]string{
		"notify_id": "nid2", "notify_type": "refund_status_sync", "notify_time": "2026-11-22 10:00:00",
		"out_trade_no": "ORDER-1", "out_return_no": "RET-1", "refund_status": "REFUND_SUCCESS",
	}
}

func TestNotificationMux(t *testing.T) {
	c := testKeysClient(t)
	trade := signedBody(t, c, SignTypeRSA, tradeFields())
	refund := signedBody(t, c, SignTypeRSA, refundFields())
	tradeWithRefundStatus := tradeFields() // as domestic notifications report a refunded trade
	tradeWithRefundStatus["refund_status"] = "REFUND_SUCCESS"
	refundWithTradeStatus := refundFields()
	refundWithTradeStatus["trade_status"] = "TRADE_CLOSED"
	neither := refundFields()
	delete(neither, "refund_status")
	delete(neither, "out_return_no")
	tests := []struct {
		name           string
		body           string
		funcs          string // which functions are set: "tr", "t", "r"
		fnErr          error
		status         int
		wantTrade      bool
		wantRefund     bool
		wantBadRequest bool
	}{
		{"trade", trade, "tr", nil, http.StatusOK, true, false, false},
		{"refund", refund, "tr", nil, http.StatusOK, false, true, false},
		{"refund function failed", refund, "tr", errors.New("db down"), http.StatusInternalServerError, false, true, false},
		{"trade with no trade function", trade, "r", nil, http.StatusBadRequest, false, false, true},
		{"refund with no refund function", refund, "t", nil, http.StatusBadRequest, false, false, true},
		{"trade carrying refund_status", signedBody(t, c, SignTypeRSA, tradeWithRefundStatus), "tr", nil, http.StatusOK, true, false, false},
		{"refund carrying trade_status", signedBody(t, c, SignTypeRSA, refundWithTradeStatus), "tr", nil, http.StatusOK, false, true, false},
		{"neither kind", signedBody(t, c, SignTypeRSA, neither), "tr", nil, http.StatusBadRequest, false, false, true},
		{"bad signature", strings.Replace(refund, "REFUND_SUCCESS", "REFUND_FAIL", 1), "tr", nil, http.StatusUnauthorized, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gotTrade *TradeNotification
			var gotRefund *RefundNotification
			var f NotificationFuncs
			if strings.Contains(tt.funcs, "t") {
				f.Trade = func(_ context.Context, n *TradeNotification) error { gotTrade = n; return tt.fnErr }
			}
			if strings.Contains(tt.funcs, "r") {
				f.Refund = func(_ context.Context, n *RefundNotification) error { gotRefund = n; return tt.fnErr }
			}
			rec := serve(c.NotificationMux(f), http.MethodPost, tt.body)
			assert.Equal(t, tt.status, rec.Code, rec.Body.String())
			assert.Equal(t, tt.status == http.StatusOK, rec.Body.String() == NotificationAck)
			if tt.wantBadRequest {
				assert.Equal(t, "fail", rec.Body.String(), "Alipay resends it")
			}
			assert.Equal(t, tt.wantTrade, gotTrade != nil)
			assert.Equal(t, tt.wantRefund, gotRefund != nil)
			if gotTrade != nil {
				assert.Equal(t, "ORDER-1", gotTrade.OutTradeNo)
				assert.Equal(t, TradeStatusFinished, gotTrade.TradeStatus)
			}
			if gotRefund != nil {
				assert.Equal(t, "RET-1", gotRefund.OutReturnNo)
				assert.Equal(t, RefundStatusSuccess, gotRefund.RefundStatus)
			}
		})
	}
}

// "中文" in GBK is D6 D0 CE C4: not valid UTF-8. "瑗€" style pairs that are
// valid UTF-8 are covered by the file tests; here the point is that the
// signature is checked over the bytes sent and the handler sees UTF-8.
func TestNotificationCharset(t *testing.T) {
	c := testKeysClient(t)
	tests := []struct {
		name    string
		charset string // _input_charset, "" for none
		subject string // as sent (already encoded)
		want    string
		wantErr bool
	}{
		{"declared GBK", "gbk", gbk(t, "中文商品"), "中文商品", false},
		{"declared GB2312", "GB2312", gbk(t, "商品"), "商品", false},
		{"undeclared GBK", "", gbk(t, "中文商品"), "中文商品", false},
		{"UTF-8", "utf-8", "中文商品", "中文商品", false},
		{"declared UTF-8, GBK bytes", "utf-8", gbk(t, "中文商品"), "", true},
		{"unknown charset", "big5", "x", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tradeFields()
			f["subject"] = tt.subject
			if tt.charset != "" {
				f["_input_charset"] = tt.charset
			}
			n, err := c.VerifyNotification(context.Background(), []byte(signedBody(t, c, SignTypeRSA, f)))
			if tt.wantErr {
				assert.ErrorIs(t, err, ErrMalformedNotification)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, n.Get("subject"))
		})
	}
	// Decoding after verification, not before: a signature made over the
	// UTF-8 text does not verify GBK bytes.
	f := tradeFields()
	f["subject"] = "中文商品"
	body := signedBody(t, c, SignTypeRSA, f)
	body = strings.Replace(body, "%E4%B8%AD%E6%96%87%E5%95%86%E5%93%81", "%D6%D0%CE%C4%C9%CC%C6%B7", 1)
	_, err := c.VerifyNotification(context.Background(), []byte(body))
	assert.ErrorIs(t, err, ErrBadSignature)
}

func TestRejectedNotificationsLogToDefault(t *testing.T) {
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })

	c := testKeysClient(t) // no WithLogger
	body := signedBody(t, c, SignTypeRSA, tradeFields())
	forged := strings.Replace(body, "9.90", "0.01", 1)
	rec := serve(c.NotificationMux(NotificationFuncs{}), http.MethodPost, forged)
	require.Equal(t, http.StatusUnauthorized, rec.Code)
	assert.Contains(t, buf.String(), "level=WARN")
	assert.Contains(t, buf.String(), "rejected notification")
	fields, err := ParseForm(forged)
	require.NoError(t, err)
	assert.NotContains(t, buf.String(), fields["sign"][:16], "the signature is never logged")

	buf.Reset()
	var own bytes.Buffer
	c = testKeysClient(t, WithLogger(slog.New(slog.NewTextHandler(&own, nil))))
	serve(c.NotificationMux(NotificationFuncs{}), http.MethodPost, forged)
	assert.Empty(t, buf.String(), "WithLogger replaces slog.Default")
	assert.Contains(t, own.String(), "rejected notification")
}

func TestSignGatewayRequest(t *testing.T) {
	c := testKeysClient(t, WithSignType(SignTypeMD5))
	// The published single_trade_query vector M4, sandbox MD5 key.
	req, err := c.SignGatewayRequest(map[string]string{"service": "single_trade_query", "_input_charset": "utf-8", "out_trade_no": "SAMPLE_TRANSACTION_ID"})
	require.NoError(t, err)
	assert.Equal(t, "_input_charset=utf-8&out_trade_no=SAMPLE_TRANSACTION_ID&partner=2088101122136241&service=single_trade_query", req.PreSign)
	assert.Equal(t, "d4d3825356fd0799ee16829acffc1460", req.Params["sign"])
	assert.Equal(t, "MD5", req.Params["sign_type"])
	assert.Contains(t, req.URL, "sign=d4d3825356fd0799ee16829acffc1460")

	_, err = c.SignGatewayRequest(map[string]string{"service": "x", "partner": "2088000000000000"})
	assert.ErrorContains(t, err, "not the client's partner ID")
	_, err = c.SignGatewayRequest(map[string]string{"out_trade_no": "x"})
	assert.ErrorContains(t, err, "service")
}
