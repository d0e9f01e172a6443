package mapi

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRefundRequestParams(t *testing.T) {
	now := time.Date(2026, 11, 22, 1, 2, 3, 0, time.UTC)
	yes := true
	p, err := (&RefundRequest{OutReturnNo: "R", OutTradeNo: "O", ReturnAmount: "5", Currency: "USD", IsSync: &yes, NotifyURL: "https://m.example/refund"}).params(now)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{
		"out_return_no": "R", "out_trade_no": "O", "return_amount": "5.00", "currency": "USD", "is_sync": "Y",
		"notify_url": "https://m.example/refund", "gmt_return": "20261122090203", "reason": "", "product_code": "", "split_fund_info": "",
	}, p, "gmt_return defaults to now, in Beijing")

	valid := func() *RefundRequest {
		return &RefundRequest{OutReturnNo: "R", OutTradeNo: "O", ReturnAmount: "5", Currency: "USD"}
	}
	tests := []struct {
		name   string
		modify func(r *RefundRequest)
		field  string
	}{
		{"no out_return_no", func(r *RefundRequest) { r.OutReturnNo = "" }, "out_return_no"},
		{"long out_return_no", func(r *RefundRequest) { r.OutReturnNo = strings.Repeat("r", 65) }, "out_return_no"},
		{"no out_trade_no", func(r *RefundRequest) { r.OutTradeNo = "" }, "out_trade_no"},
		{"long reason", func(r *RefundRequest) { r.Reason = strings.Repeat("x", 101) }, "reason"},
		{"reason with newline", func(r *RefundRequest) { r.Reason = "a\nb" }, "reason"},
		{"CNY currency", func(r *RefundRequest) { r.Currency = "CNY" }, "currency"},
		{"no amount", func(r *RefundRequest) { r.ReturnAmount = "" }, "return_amount"},
		{"both amounts", func(r *RefundRequest) { r.ReturnRMBAmount = "1" }, "return_rmb_amount"},
		{"bad amount", func(r *RefundRequest) { r.ReturnAmount = "5.001" }, "return_amount"},
		{"bad RMB amount", func(r *RefundRequest) { r.ReturnAmount, r.ReturnRMBAmount = "", "-1" }, "return_rmb_amount"},
		{"notify_url with query", func(r *RefundRequest) { r.NotifyURL = "https://m.example/?a=1" }, "notify_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := valid()
			tt.modify(r)
			_, err := r.params(now)
			var ve *ValidationError
			require.True(t, errors.As(err, &ve), "got %v", err)
			assert.Equal(t, tt.field, ve.Field)
		})
	}
	_, err = (*RefundRequest)(nil).params(now)
	assert.Error(t, err)
}

// Requests refused before anything is sent (the test client's gateway is
// unreachable, so reaching it would be a different error).
func TestGatewayRequestValidation(t *testing.T) {
	c := testKeysClient(t)
	ctx := context.Background()
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, Beijing)
	calls := []struct {
		name  string
		call  func() error
		field string
	}{
		{"query nil", func() error { _, err := c.QueryTrade(ctx, nil); return err }, "request"},
		{"query no id", func() error { _, err := c.QueryTrade(ctx, &QueryTradeRequest{}); return err }, "out_trade_no"},
		{"query long id", func() error {
			_, err := c.QueryTrade(ctx, &QueryTradeRequest{TradeNo: strings.Repeat("1", 65)})
			return err
		}, "trade_no"},
		{"refund query nil", func() error { _, err := c.QueryRefund(ctx, nil); return err }, "request"},
		{"refund query no trade", func() error {
			_, err := c.QueryRefund(ctx, &QueryRefundRequest{OutReturnNo: "R"})
			return err
		}, "out_trade_no"},
		{"refund query no refund", func() error {
			_, err := c.QueryRefund(ctx, &QueryRefundRequest{OutTradeNo: "O"})
			return err
		}, "out_return_no"},
		{"refund query long refund id", func() error {
			_, err := c.QueryRefund(ctx, &QueryRefundRequest{OutTradeNo: "O", OutReturnNo: strings.Repeat("r", 129)})
			return err
		}, "out_return_no"},
		{"refund", func() error { _, err := c.Refund(ctx, &RefundRequest{}); return err }, "out_return_no"},
		{"file no dates", func() error { _, err := c.CompareFile(ctx, Date{}, DateOf(day)); return err }, "start_date"},
		{"file reversed", func() error { _, err := c.LiquidationFile(ctx, DateOf(day), DateOf(day).AddDays(-1)); return err }, "end_date"},
		{"file too long", func() error { _, err := c.CompareFile(ctx, DateOf(day), DateOf(day).AddDays(11)); return err }, "end_date"},
	}
	for _, tt := range calls {
		t.Run(tt.name, func(t *testing.T) {
			var ve *ValidationError
			err := tt.call()
			require.True(t, errors.As(err, &ve), "got %v", err)
			assert.Equal(t, tt.field, ve.Field)
		})
	}
	_, err := c.CompareFile(ctx, DateOf(day), DateOf(day).AddDays(10))
	var e *Error
	require.True(t, errors.As(err, &e), "a 10-day range is allowed and goes to the (unreachable) gateway: %v", err)
	assert.False(t, e.Unknown(), "a refused connection cannot have reached Alipay")
}
