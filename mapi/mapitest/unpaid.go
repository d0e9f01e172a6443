package mapitest

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xborderpay/alipay/mapi"
)

// verifyOrder checks an order string as the Alipay app does: the
// signature with the merchant's public key over the pairs before sign,
// the partner, the fixed values. It returns the parameters and the signed
// content.
func (s *Server) verifyOrder(orderString string) (map[string]string, string, error) {
	pairs, err := mapi.ParseQuotedParams(orderString)
	if err != nil {
		return nil, "", &AppError{"ALIN38173", err.Error()}
	}
	var content []string
	p := map[string]string{}
	for _, kv := range pairs {
		p[kv.Name] = kv.Value
		if kv.Name != "sign" && kv.Name != "sign_type" {
			content = append(content, kv.Name+`="`+kv.Value+`"`)
		}
	}
	signed := strings.Join(content, "&")
	sig, err := url.QueryUnescape(p["sign"])
	st := mapi.SignType(p["sign_type"])
	if err != nil || (st != mapi.SignTypeRSA && st != mapi.SignTypeRSA2) || !s.registered[st] ||
		!verify(st, signed, sig, s.keys.merchantPublic(), "") {
		return nil, "", &AppError{"ALIN10070", "signature incorrect"}
	}
	if p["partner"] != s.partner {
		return nil, "", &AppError{"ALIN10129", "partner does not match this environment"}
	}
	if p["service"] != mapi.ServiceAppPay || p["forex_biz"] != "FP" || p["product_code"] != mapi.ProductCodeApp {
		return nil, "", &AppError{"ALIN38173", "service, forex_biz or product_code incorrect"}
	}
	return p, signed, nil
}

// Open acts as the Alipay app when the buyer opens the cashier and leaves
// without paying: it verifies orderString as Pay does and records the
// trade as WAIT_BUYER_PAY, which single_trade_query reports until the
// order's it_b_pay (default 30m) has passed on the server's clock; the
// trade is TRADE_CLOSED after that. Alipay sends no notification for
// either. Pay with the same order string pays an open trade; it is refused
// once the trade has closed.
func (s *Server) Open(ctx context.Context, orderString string) (Trade, error) {
	if err := ctx.Err(); err != nil {
		return Trade{}, err
	}
	p, content, err := s.verifyOrder(orderString)
	if err != nil {
		return Trade{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.trades[p["out_trade_no"]]; ok {
		return Trade{}, &AppError{"ALIN42282", "out_trade_no already used"}
	}
	now := s.now().In(mapi.Beijing).Truncate(time.Second)
	expires, err := expiry(p["it_b_pay"], now)
	if err != nil {
		return Trade{}, &AppError{"ALIN38173", err.Error()}
	}
	t, err := s.newTrade(p, content, now)
	if err != nil {
		return Trade{}, err
	}
	t.Status, t.Paid, t.Expires = mapi.TradeStatusWaitBuyerPay, time.Time{}, expires
	return *t, nil
}

// payOpen pays an open trade, or refuses one whose it_b_pay has passed;
// s.mu is held.
func (s *Server) payOpen(t *Trade) (*Trade, error) {
	s.expireUnpaid()
	if t.Status != mapi.TradeStatusWaitBuyerPay {
		return nil, &AppError{"TRADE_HAS_CLOSE", "the order was not paid within it_b_pay and is closed"}
	}
	t.Status, t.Paid = mapi.TradeStatusFinished, s.now().In(mapi.Beijing).Truncate(time.Second)
	return t, nil
}

// expireUnpaid closes the open trades whose it_b_pay has passed; s.mu is
// held.
func (s *Server) expireUnpaid() {
	now := s.now()
	for _, t := range s.trades {
		if t.Status == mapi.TradeStatusWaitBuyerPay && !t.Expires.IsZero() && !now.Before(t.Expires) {
			t.Status = mapi.TradeStatusClosed
		}
	}
}

var itBPayRE = regexp.MustCompile(`^([0-9]+)([mhdc])$`)

// expiry returns when an order opened at now closes unpaid: it_b_pay is
// 1m to 15d in minutes (m), hours (h) or days (d), or 1c, the coming
// midnight in Beijing; the default is 30m.
func expiry(itBPay string, now time.Time) (time.Time, error) {
	if itBPay == "" {
		itBPay = "30m"
	}
	m := itBPayRE.FindStringSubmatch(itBPay)
	if m == nil {
		return time.Time{}, fmt.Errorf("it_b_pay %q is not <n>m, <n>h, <n>d or 1c", itBPay)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n < 1 {
		return time.Time{}, fmt.Errorf("it_b_pay %q is out of range", itBPay)
	}
	var d time.Duration
	switch m[2] {
	case "m":
		d = time.Duration(n) * time.Minute
	case "h":
		d = time.Duration(n) * time.Hour
	case "d":
		d = time.Duration(n) * 24 * time.Hour
	case "c":
		if n != 1 {
			return time.Time{}, fmt.Errorf("it_b_pay %q: only 1c exists", itBPay)
		}
		bj := now.In(mapi.Beijing)
		return time.Date(bj.Year(), bj.Month(), bj.Day()+1, 0, 0, 0, 0, mapi.Beijing), nil
	}
	if d > 15*24*time.Hour {
		return time.Time{}, fmt.Errorf("it_b_pay %q is over 15d", itBPay)
	}
	return now.Add(d), nil
}
