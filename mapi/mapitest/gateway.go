package mapitest

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/mapi"
)

// gwError is a gateway failure answered as is_success=F.
type gwError string

func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	vals := r.URL.Query()
	if r.Method == http.MethodPost {
		vals = r.PostForm
	}
	p := make(map[string]string, len(vals))
	for k, v := range vals {
		p[k] = v[0]
	}
	service := p["service"]
	fault := s.nextFault(service).Kind
	if fault == Status503 {
		http.Error(w, "service unavailable", http.StatusServiceUnavailable)
		return
	}
	lost := fault == DropResponse
	if service == serviceNotifyVerify { // unsigned, text/plain
		s.lose(w, lost, func(w http.ResponseWriter) { writeText(w, s.notifyVerify(p)) })
		return
	}
	if fault == Redirect {
		http.Redirect(w, r, s.ts.URL+"/elsewhere", http.StatusTemporaryRedirect)
		return
	}
	// Access errors go unsigned: the caller's keys are what is in doubt.
	st := mapi.SignType(p["sign_type"])
	if p["partner"] != s.partner {
		s.writeEnvelope(w, "", nil, "", nil, "ILLEGAL_PARTNER")
		return
	}
	// Only a sign type the merchant registered a key for is accepted.
	if !s.registered[st] || !verify(st, mapi.PreSignString(p), p["sign"], s.keys.merchantPublic(), s.md5Key) {
		s.writeEnvelope(w, "", nil, "", nil, "ILLEGAL_SIGN")
		return
	}
	if fault == SystemError {
		s.writeEnvelope(w, st, p, "", nil, "SYSTEM_ERROR")
		return
	}
	if fault == MissingSignature || fault == ForgedFail {
		fw := newFaultWriter(w, fault)
		defer fw.flush()
		w = fw
	}
	s.lose(w, lost, func(w http.ResponseWriter) {
		switch service {
		case "single_trade_query":
			s.queryTrade(w, st, p, fault == ReplaySigned)
		case "forex_refund":
			s.refund(r.Context(), w, st, p)
		case "alipay.acquire.refund.query":
			s.queryRefund(w, st, p)
		case "forex_rate_file":
			s.rateFile(w)
		case "forex_compare_file", "forex_liquidation_file":
			s.downloadFile(w, p, service == "forex_liquidation_file")
		default:
			s.writeEnvelope(w, st, p, "", nil, "ILLEGAL_SERVICE")
		}
	})
}

// lose runs act and, when its response is to be lost (DropResponse),
// throws its answer away and answers 503 instead.
func (s *Server) lose(w http.ResponseWriter, lost bool, act func(http.ResponseWriter)) {
	if !lost {
		act(w)
		return
	}
	act(&discardWriter{h: http.Header{}})
	http.Error(w, "response lost", http.StatusServiceUnavailable)
}

type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}

func writeText(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprint(w, body)
}

func (s *Server) notifyVerify(p map[string]string) string {
	if p["partner"] != s.partner || p["notify_id"] == "" {
		return "invalid"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	at, ok := s.notifyIDs[p["notify_id"]]
	if !ok || s.now().Sub(at) > NotifyIDTTL {
		return "false"
	}
	return "true"
}

// writeEnvelope answers the XML envelope of docs/protocol/mapi.md §3.0. On success the
// element respName holds resp; the signature (the request's sign type;
// RSA2 for RSA; none when st is empty) covers resp's children, or the leaf
// children of <alipay>.
func (s *Server) writeEnvelope(w http.ResponseWriter, st mapi.SignType, req map[string]string, respName string, resp map[string]string, errCode gwError) {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n<alipay>")
	top := map[string]string{"is_success": "T"}
	if errCode != "" {
		top = map[string]string{"is_success": "F", "error": string(errCode)}
	}
	b.WriteString("<is_success>" + top["is_success"] + "</is_success>")
	if errCode != "" {
		b.WriteString("<error>" + esc(string(errCode)) + "</error>")
	}
	if req != nil {
		b.WriteString("<request>")
		for _, k := range sortedKeys(req) {
			if k != "sign" && k != "sign_type" {
				b.WriteString(`<param name="` + esc(k) + `">` + esc(req[k]) + "</param>")
			}
		}
		b.WriteString("</request>")
	}
	signed := top
	if errCode == "" && respName != "" {
		signed = resp
		b.WriteString("<response><" + respName + ">")
		for _, k := range sortedKeys(resp) {
			b.WriteString("<" + k + ">" + esc(resp[k]) + "</" + k + ">")
		}
		b.WriteString("</" + respName + "></response>")
	}
	rst := st
	if rst == mapi.SignTypeRSA {
		rst = mapi.SignTypeRSA2
	}
	if rst != "" {
		if sig, err := sign(rst, mapi.PreSignString(signed), s.keys.alipay, s.md5Key); err == nil {
			b.WriteString("<sign>" + esc(sig) + "</sign><sign_type>" + string(rst) + "</sign_type>")
		}
	}
	b.WriteString("</alipay>")
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	fmt.Fprint(w, b.String())
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func (s *Server) queryTrade(w http.ResponseWriter, st mapi.SignType, p map[string]string, replay bool) {
	s.mu.Lock()
	s.expireUnpaid()
	var t *Trade
	switch {
	case p["trade_no"] != "":
		t = s.byTradeNo[p["trade_no"]]
	case p["out_trade_no"] != "":
		t = s.trades[p["out_trade_no"]]
	default:
		s.mu.Unlock()
		s.writeEnvelope(w, st, p, "", nil, "ILLEGAL_ARGUMENT")
		return
	}
	if replay {
		t = s.otherTrade(t)
		p = nil // a replayed answer comes without the other call's <request>
	}
	var resp map[string]string
	if t != nil {
		resp = map[string]string{
			"trade_no": t.TradeNo, "out_trade_no": t.OutTradeNo, "subject": t.Subject,
			"trade_status": string(t.Status), "total_fee": t.RMBFee, "price": t.RMBFee, "quantity": "1",
			"payment_type": "100", "buyer_id": "2088102000000001", "buyer_email": "buy***@example.com",
			"seller_id": s.partner, "gmt_create": t.Created.Format("2006-01-02 15:04:05"),
			"gmt_payment": t.Paid.Format("2006-01-02 15:04:05"), "gmt_last_modified_time": t.Paid.Format("2006-01-02 15:04:05"),
			"is_total_fee_adjust": "F", "use_coupon": "F", "flag_trade_locked": "0",
		}
		if t.Paid.IsZero() { // unpaid: no payment time
			delete(resp, "gmt_payment")
			resp["gmt_last_modified_time"] = resp["gmt_create"]
		}
	}
	s.mu.Unlock()
	if t == nil {
		s.writeEnvelope(w, st, p, "", nil, "TRADE_NOT_EXIST")
		return
	}
	s.writeEnvelope(w, st, p, "trade", resp, "")
}

func (s *Server) refund(ctx context.Context, w http.ResponseWriter, st mapi.SignType, p map[string]string) {
	var rf *Refund
	var t *Trade
	code := func() gwError {
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, dup := s.refunds[p["out_return_no"]]; dup {
			return "REPEATED_REFUNDMENT_REQUEST"
		}
		t = s.trades[p["out_trade_no"]]
		if t == nil || p["out_return_no"] == "" {
			return "PURCHASE_TRADE_NOT_EXIST"
		}
		if !t.Status.Paid() {
			return "TRADE_HAS_CLOSE"
		}
		if p["currency"] != t.Currency {
			return "CURRENCY_NOT_SAME"
		}
		amount, cur, paid := p["return_amount"], t.Currency, t.TotalFee
		if t.PricedInRMB {
			amount, cur, paid = p["return_rmb_amount"], "CNY", t.RMBFee
		}
		if amount == "" {
			return "ILLEGAL_ARGUMENT"
		}
		want, err1 := alipay.DecimalToMinor(amount, cur)
		total, err2 := alipay.DecimalToMinor(paid, cur)
		done := int64(0)
		if t.Refunded != "" {
			done, _ = alipay.DecimalToMinor(t.Refunded, cur)
		}
		if err1 != nil || err2 != nil || want <= 0 {
			return "ILLEGAL_ARGUMENT"
		}
		if done+want > total {
			return "RETURN_AMOUNT_EXCEED"
		}
		t.Refunded, _ = alipay.MinorToDecimal(done+want, cur)
		if done+want == total {
			t.Status = mapi.TradeStatusClosed
		}
		rf = &Refund{OutReturnNo: p["out_return_no"], OutTradeNo: t.OutTradeNo, Amount: amount, Currency: cur, Time: s.now().In(mapi.Beijing)}
		s.refunds[rf.OutReturnNo] = rf
		return ""
	}()
	if code != "" {
		s.writeEnvelope(w, st, p, "", nil, code)
		return
	}
	if p["notify_url"] != "" && p["is_sync"] != "Y" {
		s.mu.Lock()
		f := map[string]string{
			"notify_type": "refund_status_sync", "notify_id": s.nextID("nid"),
			"notify_time":  s.now().In(mapi.Beijing).Format("2006-01-02 15:04:05"),
			"out_trade_no": rf.OutTradeNo, "out_return_no": rf.OutReturnNo, "refund_status": "REFUND_SUCCESS",
		}
		s.notifyIDs[f["notify_id"]] = s.now()
		s.mu.Unlock()
		_, _ = s.post(ctx, p["notify_url"], rf.OutTradeNo, f)
	}
	s.writeEnvelope(w, st, p, "", nil, "")
}

func (s *Server) queryRefund(w http.ResponseWriter, st mapi.SignType, p map[string]string) {
	s.mu.Lock()
	rf := s.refunds[p["out_return_no"]]
	t := s.trades[p["out_trade_no"]]
	s.mu.Unlock()
	resp := map[string]string{"out_trade_no": p["out_trade_no"], "out_return_no": p["out_return_no"]}
	switch {
	case t == nil:
		resp["response_code"] = "TRADE_NOT_EXIST"
	case rf == nil || rf.OutTradeNo != t.OutTradeNo:
		resp["response_code"] = "NOT_FOUND"
	default:
		resp["response_code"] = "SUCCESS"
		resp["refund_result_code"] = "SUCCESS"
		resp["trade_no"] = t.TradeNo
		resp["gmt_create"] = rf.Time.Format("2006-01-02 15:04:05")
	}
	s.writeEnvelope(w, st, p, "refund", resp, "")
}

func (s *Server) rateFile(w http.ResponseWriter) {
	s.mu.Lock()
	now := s.now().In(mapi.Beijing)
	var b strings.Builder
	for _, c := range sortedKeys(s.rates) {
		fmt.Fprintf(&b, "%s|%s|%s|%s|\n", now.Format("20060102"), now.Format("150405"), c, s.rates[c])
	}
	s.mu.Unlock()
	writeText(w, b.String())
}

// downloadFile answers forex_compare_file (every payment and refund) or
// forex_liquidation_file (the same, all settled at their own time).
func (s *Server) downloadFile(w http.ResponseWriter, p map[string]string, settled bool) {
	start, err1 := time.ParseInLocation("20060102", p["start_date"], mapi.Beijing)
	end, err2 := time.ParseInLocation("20060102", p["end_date"], mapi.Beijing)
	switch {
	case err1 != nil || err2 != nil:
		writeText(w, "File download failed:Date format incorrect YYYYMMDD")
		return
	case end.Before(start):
		writeText(w, "File download failed:Finish date ahead of begin date")
		return
	case end.Sub(start) > 10*24*time.Hour:
		writeText(w, "File download failed:Over 10 days to Date period")
		return
	case !end.Before(beijingToday(s.now())):
		writeText(w, "File download failed:Finish date not ahead of today")
		return
	}
	end = end.AddDate(0, 0, 1)
	in := func(t time.Time) bool { return !t.Before(start) && t.Before(end) }
	var b strings.Builder
	s.mu.Lock()
	for _, k := range sortedKeys(tradeKeys(s.trades)) {
		t := s.trades[k]
		if !in(t.Paid) {
			continue
		}
		amount, cur := t.TotalFee, t.Currency
		settle, status := "", "P"
		if settled {
			settle, status = t.Paid.Format("20060102150405"), "L"
		}
		fmt.Fprintf(&b, "%s|%s|%s|%s|%s|P|0.00|%s|%s\n", t.OutTradeNo, amount, cur, t.Paid.Format("20060102150405"), settle, status, t.Subject)
	}
	for _, k := range sortedKeys(refundKeys(s.refunds)) {
		r := s.refunds[k]
		if !in(r.Time) {
			continue
		}
		settle, status := "", "P"
		if settled {
			settle, status = r.Time.Format("20060102150405"), "L"
		}
		fmt.Fprintf(&b, "%s|%s|%s|%s|%s|R|0.00|%s|refund of %s\n", r.OutReturnNo, r.Amount, r.Currency, r.Time.Format("20060102150405"), settle, status, r.OutTradeNo)
	}
	s.mu.Unlock()
	if b.Len() == 0 {
		writeText(w, "No balance account data in the period")
		return
	}
	writeText(w, b.String())
}

func tradeKeys(m map[string]*Trade) map[string]string {
	out := make(map[string]string, len(m))
	for k := range m {
		out[k] = ""
	}
	return out
}

func refundKeys(m map[string]*Refund) map[string]string {
	out := make(map[string]string, len(m))
	for k := range m {
		out[k] = ""
	}
	return out
}

// otherTrade returns a trade other than t: the first one kept, or a made-up
// paid one.
func (s *Server) otherTrade(t *Trade) *Trade {
	for _, k := range sortedKeys(tradeKeys(s.trades)) {
		if o := s.trades[k]; o != t {
			return o
		}
	}
	now := s.now().In(mapi.Beijing).Truncate(time.Second)
	return &Trade{TradeNo: "2026000022001999999999999999", OutTradeNo: "REPLAYED-OTHER", Subject: "other", Currency: "USD",
		TotalFee: "999.00", RMBFee: "7116.07", Status: mapi.TradeStatusFinished, Created: now, Paid: now}
}
