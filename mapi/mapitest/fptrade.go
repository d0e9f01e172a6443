package mapitest

import (
	"encoding/csv"
	"fmt"
	"io"
	"time"

	"github.com/xborderpay/alipay/mapi"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// FPTradeFileName returns <PID>_fptrade_<YYYYMMDD>.csv for day.
func (s *Server) FPTradeFileName(day time.Time) string {
	return fmt.Sprintf("%s_fptrade_%s.csv", s.partner, day.In(mapi.Beijing).Format("20060102"))
}

// WriteFPTrade writes the SFTP transaction file of day (Beijing) as Alipay
// does (docs/protocol/mapi.md §6): GBK, a header in Alipay's inconsistent case, ids with a
// stray tab, every payment and refund of the day.
func (s *Server) WriteFPTrade(w io.Writer, day time.Time) error {
	d := day.In(mapi.Beijing)
	start := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, mapi.Beijing)
	end := start.AddDate(0, 0, 1)
	in := func(t time.Time) bool { return !t.Before(start) && t.Before(end) }

	gw := transform.NewWriter(w, simplifiedchinese.GBK.NewEncoder())
	cw := csv.NewWriter(gw)
	rows := [][]string{{"Partner_transaction_id", "amount", "Rmb_amount", "fee", "settlement", "Rmb_settlement",
		"currency", "rate", "Payment_time", "Settlement_time", "type", "status", "remarks", "Original_partner_transaction_ID"}}
	s.mu.Lock()
	for _, k := range sortedKeys(tradeKeys(s.trades)) {
		t := s.trades[k]
		if in(t.Paid) {
			rows = append(rows, []string{"\t" + t.OutTradeNo, t.TotalFee, t.RMBFee, "0.00", t.TotalFee, t.RMBFee,
				t.Currency, t.ForexRate, t.Paid.Format("2006-01-02 15:04:05"), "", "P", "P", t.Subject, ""})
		}
	}
	for _, k := range sortedKeys(refundKeys(s.refunds)) {
		r := s.refunds[k]
		t := s.trades[r.OutTradeNo]
		if t == nil || !in(r.Time) {
			continue
		}
		foreign, cny := r.Amount, ""
		if r.Currency == "CNY" {
			cny = r.Amount
			foreign, _ = convert(r.Amount, t.ForexRate, t.Currency, true)
		} else {
			cny, _ = convert(r.Amount, t.ForexRate, "CNY", false)
		}
		amount, rmb := "-"+foreign, "-"+cny
		rows = append(rows, []string{"\t" + r.OutReturnNo, amount, rmb, "0.00", amount, rmb,
			t.Currency, t.ForexRate, r.Time.Format("2006-01-02 15:04:05"), "", "R", "P", "退款", "\t" + r.OutTradeNo})
	}
	s.mu.Unlock()
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return gw.Close()
}
