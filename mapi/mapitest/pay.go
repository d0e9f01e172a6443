package mapitest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/mapi"
)

// Trade is a trade the server keeps. Amounts are decimal strings.
type Trade struct {
	TradeNo     string
	OutTradeNo  string
	Subject     string
	Currency    string
	TotalFee    string // in Currency
	RMBFee      string // CNY
	PricedInRMB bool   // the order used rmb_fee
	ForexRate   string
	Status      mapi.TradeStatus
	NotifyURL   string
	Created     time.Time
	Paid        time.Time // zero while unpaid
	Expires     time.Time // when an unpaid trade closes (it_b_pay); zero for trades paid at once
	Refunded    string    // sum of refunds, in the priced currency
	order       string    // the parameters signed, for out_trade_no reuse checks
}

// Refund is a refund the server keeps.
type Refund struct {
	OutReturnNo string
	OutTradeNo  string
	Amount      string // in the trade's priced currency
	Currency    string
	Time        time.Time
}

// Delivery is one attempt to post a notification.
type Delivery struct {
	URL        string
	NotifyID   string
	OutTradeNo string
	Fields     map[string]string // as posted, sign included
	Status     int               // HTTP status, 0 on transport error
	Body       string            // the merchant's answer (at most 1 KiB)
	Acked      bool              // the answer was exactly "success"
	Err        error
}

// Payment is what Pay returns: the app SDK's synchronous result and the
// first notification delivery (zero when the order had no notify_url).
type Payment struct {
	TradeNo    string
	OutTradeNo string
	// AppResult is resultStatus={9000};memo={};result={...} as the app
	// SDK hands it to the merchant app.
	AppResult string
	Delivery  Delivery
}

// AppError is an order string the fake app refused (docs/protocol/mapi.md §7.4 codes such
// as ALIN10070 for a bad signature).
type AppError struct{ Code, Reason string }

func (e *AppError) Error() string {
	return "mapitest: app refused the order: " + e.Code + ": " + e.Reason
}

// Pay acts as the Alipay app: it verifies orderString (signature with the
// merchant's public key over the pairs before sign, partner, fixed
// values), records the trade as paid, posts the signed notification to
// notify_url and returns the signed synchronous result.
func (s *Server) Pay(ctx context.Context, orderString string) (*Payment, error) {
	p, content, err := s.verifyOrder(orderString)
	if err != nil {
		return nil, err
	}
	t, err := s.createPaidTrade(p, content)
	if err != nil {
		return nil, err
	}
	result := content + `&success="true"`
	rsig, err := sign(mapi.SignTypeRSA, result, s.keys.alipay, "")
	if err != nil {
		return nil, err
	}
	result += `&sign_type="RSA"&sign="` + rsig + `"`
	pay := &Payment{TradeNo: t.TradeNo, OutTradeNo: t.OutTradeNo, AppResult: "resultStatus={9000};memo={};result={" + result + "}"}
	if t.NotifyURL == "" { // no notify_url, no notification
		return pay, nil
	}
	pay.Delivery, err = s.notifyTrade(ctx, t)
	return pay, err
}

func (s *Server) createPaidTrade(p map[string]string, order string) (*Trade, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.trades[p["out_trade_no"]]; ok {
		if old.order != order {
			return nil, &AppError{"ALIN42282", "out_trade_no reused with different parameters"}
		}
		if old.Status == mapi.TradeStatusWaitBuyerPay || old.Status == mapi.TradeStatusClosed && old.Paid.IsZero() {
			return s.payOpen(old)
		}
		return nil, &AppError{"5000", "duplicate request: the order is already paid"}
	}
	return s.newTrade(p, order, s.now().In(mapi.Beijing).Truncate(time.Second))
}

// newTrade records a trade paid at now; s.mu is held.
func (s *Server) newTrade(p map[string]string, order string, now time.Time) (*Trade, error) {
	rate, ok := s.rates[p["currency"]]
	if !ok {
		return nil, &AppError{"ILLEGAL_CURRENCY", "currency not supported"}
	}
	t := &Trade{
		TradeNo: s.nextID("22001"), OutTradeNo: p["out_trade_no"], Subject: p["subject"],
		Currency: p["currency"], TotalFee: p["total_fee"], RMBFee: p["rmb_fee"], ForexRate: rate,
		Status: mapi.TradeStatusFinished, NotifyURL: p["notify_url"], Created: now, Paid: now, order: order,
	}
	var err error
	if t.TotalFee != "" {
		t.RMBFee, err = convert(t.TotalFee, rate, "CNY", false)
	} else {
		t.PricedInRMB = true
		t.TotalFee, err = convert(t.RMBFee, rate, t.Currency, true)
	}
	if err != nil {
		return nil, &AppError{"ALIN38173", err.Error()}
	}
	s.trades[t.OutTradeNo] = t
	s.byTradeNo[t.TradeNo] = t
	return t, nil
}

// convert multiplies (or divides) a decimal by rate, rounding half up to
// the target currency's decimals.
func convert(amount, rate, currency string, divide bool) (string, error) {
	a, ok1 := new(big.Rat).SetString(amount)
	r, ok2 := new(big.Rat).SetString(rate)
	if !ok1 || !ok2 || r.Sign() == 0 {
		return "", fmt.Errorf("bad amount %q or rate %q", amount, rate)
	}
	if divide {
		a.Quo(a, r)
	} else {
		a.Mul(a, r)
	}
	digits, err := alipay.CurrencyDigits(currency)
	if err != nil {
		return "", err
	}
	digits = min(digits, 2)
	return a.FloatString(digits), nil // FloatString rounds half away from zero
}

func (s *Server) notifyTrade(ctx context.Context, t *Trade) (Delivery, error) {
	s.mu.Lock()
	f := map[string]string{
		"notify_type":  "trade_status_sync",
		"notify_id":    s.nextID("nid"),
		"notify_time":  s.now().In(mapi.Beijing).Format("2006-01-02 15:04:05"),
		"out_trade_no": t.OutTradeNo,
		"trade_no":     t.TradeNo,
		"trade_status": string(t.Status),
		"currency":     t.Currency,
		"total_fee":    t.TotalFee,
		"rmb_fee":      t.RMBFee,
		"forex_rate":   t.ForexRate,
		"buyer_id":     "2088102000000001",
		"seller_id":    s.partner,
		"gmt_payment":  t.Paid.Format("2006-01-02 15:04:05"),
	}
	s.notifyIDs[f["notify_id"]] = s.now()
	s.mu.Unlock()
	return s.post(ctx, t.NotifyURL, t.OutTradeNo, f)
}

// post signs and posts fields to u.
func (s *Server) post(ctx context.Context, u, outTradeNo string, f map[string]string) (Delivery, error) {
	if err := s.encodeNotification(f); err != nil {
		return Delivery{}, err
	}
	sig, err := sign(s.notifyST, mapi.PreSignString(f), s.keys.alipay, s.md5Key)
	if err != nil {
		return Delivery{}, err
	}
	f["sign"] = sig
	f["sign_type"] = string(s.notifyST)
	return s.deliver(ctx, Delivery{URL: u, NotifyID: f["notify_id"], OutTradeNo: outTradeNo, Fields: f})
}

func (s *Server) deliver(ctx context.Context, d Delivery) (Delivery, error) {
	form := url.Values{}
	for k, v := range d.Fields {
		form.Set(k, v)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, strings.NewReader(form.Encode()))
	if err != nil {
		return d, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	resp, err := s.hc.Do(req)
	if err != nil {
		d.Err = err
	} else {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
		resp.Body.Close()
		d.Status, d.Body = resp.StatusCode, string(body)
		d.Acked = bytes.Equal(body, []byte("success"))
	}
	s.mu.Lock()
	s.deliveries = append(s.deliveries, d)
	s.track(d)
	s.mu.Unlock()
	return d, nil
}
