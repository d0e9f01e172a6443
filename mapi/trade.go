package mapi

import (
	"context"
	"fmt"
	"time"
)

// QueryTradeRequest identifies a trade for single_trade_query: TradeNo
// (Alipay's, preferred and faster) or OutTradeNo (the merchant's), or both.
type QueryTradeRequest struct {
	TradeNo    string
	OutTradeNo string
}

// Trade is a trade as single_trade_query returns it (https://docs.antom.com/ac/global/single_trade_query). Amounts
// are Alipay's decimal strings; in the observed sandbox answer total_fee
// and price are CNY amounts (docs/protocol/mapi.md §9.13). Fields holds every element.
type Trade struct {
	TradeNo         string
	OutTradeNo      string
	TradeStatus     TradeStatus
	Subject         string
	TotalFee        string
	Price           string
	Quantity        string
	PaymentType     string // 100 for forex trades
	BuyerID         string
	BuyerEmail      string // masked by Alipay
	SellerID        string
	SellerEmail     string
	GmtCreate       time.Time
	GmtPayment      time.Time
	GmtLastModified time.Time
	GmtClose        time.Time
	Fields          map[string]string
}

// QueryTrade calls single_trade_query. An unknown trade is an *Error with
// Code TRADE_NOT_EXIST. The answer must be signed and its <trade> must name
// the trade_no and out_trade_no asked for; an unsigned answer (even a
// TRADE_NOT_EXIST), one about another trade, or one that cannot be read is
// an *Error for which IsUnknown is true.
func (c *Client) QueryTrade(ctx context.Context, req *QueryTradeRequest) (*Trade, error) {
	if req == nil {
		return nil, invalid("request", "is nil")
	}
	if req.TradeNo == "" && req.OutTradeNo == "" {
		return nil, invalid("out_trade_no", "set trade_no or out_trade_no")
	}
	if err := maxLen("trade_no", req.TradeNo, 64); err != nil {
		return nil, err
	}
	if err := maxLen("out_trade_no", req.OutTradeNo, 64); err != nil {
		return nil, err
	}
	ids := map[string]string{"trade_no": req.TradeNo, "out_trade_no": req.OutTradeNo}
	env, err := c.callXML(ctx, "single_trade_query", ids, ids)
	if err != nil {
		return nil, err
	}
	return decodeTrade(env.Response)
}

func decodeTrade(f map[string]string) (*Trade, error) {
	t := &Trade{
		TradeNo:     f["trade_no"],
		OutTradeNo:  f["out_trade_no"],
		TradeStatus: TradeStatus(f["trade_status"]),
		Subject:     f["subject"],
		TotalFee:    f["total_fee"],
		Price:       f["price"],
		Quantity:    f["quantity"],
		PaymentType: f["payment_type"],
		BuyerID:     f["buyer_id"],
		BuyerEmail:  f["buyer_email"],
		SellerID:    f["seller_id"],
		SellerEmail: f["seller_email"],
		Fields:      f,
	}
	if t.TradeStatus == "" || (t.TradeNo == "" && t.OutTradeNo == "") {
		return nil, &Error{Service: "single_trade_query", Err: fmt.Errorf("response has no <trade> with trade_status and trade_no"), unknown: true}
	}
	for _, tf := range []struct {
		name string
		dst  *time.Time
	}{
		{"gmt_create", &t.GmtCreate}, {"gmt_payment", &t.GmtPayment},
		{"gmt_last_modified_time", &t.GmtLastModified}, {"gmt_close", &t.GmtClose},
	} {
		v, err := parseBeijing(tf.name, f[tf.name], layoutDateTime)
		if err != nil {
			return nil, &Error{Service: "single_trade_query", Err: err, unknown: true}
		}
		*tf.dst = v
	}
	return t, nil
}
