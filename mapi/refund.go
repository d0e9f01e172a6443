package mapi

import (
	"context"
	"errors"
	"time"
)

// RefundRequest is a forex_refund (https://docs.antom.com/ac/global/forex_refund). Set exactly one of
// ReturnAmount (in Currency) and ReturnRMBAmount (CNY, for orders priced
// with rmb_fee); Currency is the settlement currency, never CNY.
type RefundRequest struct {
	OutReturnNo     string    // the merchant's unique refund id, ≤ 64; the idempotency key
	OutTradeNo      string    // the original payment's out_trade_no
	ReturnAmount    string    // decimal, e.g. "5.00"
	ReturnRMBAmount string    // decimal CNY
	Currency        string    // e.g. USD
	Reason          string    // ≤ 100 bytes; required by some accounts
	GmtReturn       time.Time // refund time; zero means now. Sent as yyyyMMddHHmmss in Beijing
	IsSync          *bool     // is_sync Y/N; nil leaves it to Alipay (N)
	NotifyURL       string    // for the asynchronous result when not synchronous
	ProductCode     string    // e.g. NEW_WAP_OVERSEAS_SELLER; optional
	SplitFundInfo   string    // JSON, as agreed with Alipay
}

// RefundResponse is an accepted forex_refund.
type RefundResponse struct {
	OutReturnNo string
	OutTradeNo  string
	// Replayed is true when the refund was found by a query after an
	// earlier attempt of the same call may already have created it (see
	// Refund).
	Replayed bool
	Fields   map[string]string // business fields of the answer, if any
}

func (r *RefundRequest) params(now time.Time) (map[string]string, error) {
	if r == nil {
		return nil, invalid("request", "is nil")
	}
	if r.OutReturnNo == "" {
		return nil, invalid("out_return_no", "is required")
	}
	if r.OutTradeNo == "" {
		return nil, invalid("out_trade_no", "is required")
	}
	for _, f := range []struct {
		name, v string
		n       int
	}{{"out_return_no", r.OutReturnNo, 64}, {"out_trade_no", r.OutTradeNo, 64}, {"reason", r.Reason, 100}, {"notify_url", r.NotifyURL, 200}} {
		if err := maxLen(f.name, f.v, f.n); err != nil {
			return nil, err
		}
	}
	if err := checkCurrency("currency", r.Currency); err != nil {
		return nil, err
	}
	if err := requireOne("return_amount", r.ReturnAmount, "return_rmb_amount", r.ReturnRMBAmount); err != nil {
		return nil, err
	}
	p := map[string]string{
		"out_return_no":   r.OutReturnNo,
		"out_trade_no":    r.OutTradeNo,
		"currency":        r.Currency,
		"reason":          r.Reason,
		"notify_url":      r.NotifyURL,
		"product_code":    r.ProductCode,
		"split_fund_info": r.SplitFundInfo,
	}
	var err error
	if r.ReturnAmount != "" {
		p["return_amount"], err = FormatFee("return_amount", r.ReturnAmount, r.Currency)
	} else {
		p["return_rmb_amount"], err = FormatFee("return_rmb_amount", r.ReturnRMBAmount, "CNY")
	}
	if err != nil {
		return nil, err
	}
	if r.NotifyURL != "" {
		if err := checkNotifyURL("notify_url", r.NotifyURL); err != nil {
			return nil, err
		}
	}
	if r.IsSync != nil {
		p["is_sync"] = "N"
		if *r.IsSync {
			p["is_sync"] = "Y"
		}
	}
	t := r.GmtReturn
	if t.IsZero() {
		t = now
	}
	p["gmt_return"] = t.In(Beijing).Format(layoutCompact)
	return p, nil
}

// Refund calls forex_refund. Transport errors and 5xx are retried with the
// same signed parameters, so the same out_return_no: a refund is created
// at most once. If a retried call ends in REPEATED_REFUNDMENT_REQUEST, an
// earlier attempt may have created it; Refund then asks
// alipay.acquire.refund.query and returns the refund with Replayed set
// when it exists. A first attempt answered REPEATED_REFUNDMENT_REQUEST is
// an *Error: the out_return_no was used before.
//
// is_success=T means Alipay accepted the request; with IsSync false the
// result arrives as a RefundNotification.
//
// Only a signed answer is an outcome. When IsUnknown(err) is true — an
// unsigned failure (its Code is shown), SYSTEM_ERROR until the retries ran
// out, a lost answer — the refund may have been made: confirm it with
// QueryRefund using the same OutTradeNo and OutReturnNo, and retry only
// with the same OutReturnNo, never a new one.
func (c *Client) Refund(ctx context.Context, req *RefundRequest) (*RefundResponse, error) {
	p, err := req.params(c.now())
	if err != nil {
		return nil, err
	}
	env, err := c.callXML(ctx, "forex_refund", p, map[string]string{"out_trade_no": req.OutTradeNo, "out_return_no": req.OutReturnNo})
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.Code == CodeRepeatedRefundRequest && e.Attempts > 1 {
			q, qerr := c.QueryRefund(ctx, &QueryRefundRequest{OutTradeNo: req.OutTradeNo, OutReturnNo: req.OutReturnNo})
			if qerr == nil && q.ResponseCode == "SUCCESS" && q.RefundResultCode != RefundResultFailed && q.RefundResultCode != RefundResultCanceled {
				return &RefundResponse{OutReturnNo: req.OutReturnNo, OutTradeNo: req.OutTradeNo, Replayed: true, Fields: q.Fields}, nil
			}
		}
		return nil, err
	}
	return &RefundResponse{OutReturnNo: req.OutReturnNo, OutTradeNo: req.OutTradeNo, Fields: env.signed}, nil
}

// RefundResultCode is refund_result_code of alipay.acquire.refund.query.
type RefundResultCode string

// Refund result codes (docs/protocol/mapi.md §3.4).
const (
	RefundResultSuccess    RefundResultCode = "SUCCESS"
	RefundResultFailed     RefundResultCode = "FAILED"
	RefundResultCanceled   RefundResultCode = "CANCELED"
	RefundResultProcessing RefundResultCode = "PROCESSING"
)

// QueryRefundRequest identifies a refund.
type QueryRefundRequest struct {
	OutTradeNo  string // ≤ 64
	OutReturnNo string // ≤ 128
}

// RefundQueryResult is the answer of alipay.acquire.refund.query (docs/protocol/mapi.md
// §3.4). ResponseCode is SUCCESS, NOT_FOUND (no such refund),
// TRADE_NOT_EXIST, ACCESS_FORBIDDEN or QUERY_FAILED; is_success=T does not
// by itself mean the refund exists.
type RefundQueryResult struct {
	ResponseCode     string
	RefundResultCode RefundResultCode
	RefundErrorCode  string // with FAILED or PROCESSING, e.g. MERCHANT_BALANCE_NOT_ENOUGH
	OutTradeNo       string
	OutReturnNo      string
	TradeNo          string
	GmtCreate        time.Time // when Alipay accepted the refund
	Fields           map[string]string
}

// QueryRefund calls alipay.acquire.refund.query. The answer must be signed
// and name the same out_trade_no and out_return_no; otherwise the error is
// unknown (IsUnknown), as it is for a query that could not be completed.
func (c *Client) QueryRefund(ctx context.Context, req *QueryRefundRequest) (*RefundQueryResult, error) {
	if req == nil {
		return nil, invalid("request", "is nil")
	}
	if req.OutTradeNo == "" {
		return nil, invalid("out_trade_no", "is required")
	}
	if req.OutReturnNo == "" {
		return nil, invalid("out_return_no", "is required")
	}
	if err := maxLen("out_trade_no", req.OutTradeNo, 64); err != nil {
		return nil, err
	}
	if err := maxLen("out_return_no", req.OutReturnNo, 128); err != nil {
		return nil, err
	}
	const service = "alipay.acquire.refund.query"
	ids := map[string]string{"out_trade_no": req.OutTradeNo, "out_return_no": req.OutReturnNo}
	env, err := c.callXML(ctx, service, ids, ids)
	if err != nil {
		return nil, err
	}
	r := &RefundQueryResult{
		ResponseCode:     env.signed["response_code"],
		RefundResultCode: RefundResultCode(env.signed["refund_result_code"]),
		RefundErrorCode:  env.signed["refund_error_code"],
		OutTradeNo:       env.signed["out_trade_no"],
		OutReturnNo:      env.signed["out_return_no"],
		TradeNo:          env.signed["trade_no"],
		Fields:           env.signed,
	}
	if r.ResponseCode == "" {
		return nil, &Error{Service: service, Err: errors.New("answer has no response_code"), unknown: true}
	}
	if r.GmtCreate, err = parseBeijing("gmt_create", env.signed["gmt_create"], layoutDateTime); err != nil {
		return nil, &Error{Service: service, Err: err, unknown: true}
	}
	return r, nil
}
