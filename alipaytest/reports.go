package alipaytest

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xborderpay/alipay"
)

// The reconciliation files are written with alipay.ReportWriter, in the
// layout package alipay reads (docs/protocol/ams.md §6: header line, one line per record,
// a final <END> line). What Antom's files hold beyond their leading columns
// is unconfirmed; see alipay.ReportKind.Columns.

// ProcessingFeeRate is the fee, in basis points of the amount, that the
// fake deducts from payments and captures in its reports (300 = 3%,
// rounded half up to the minor unit). Refunds and cancellations carry no
// fee.
const ProcessingFeeRate = 300

// ReportFiles holds the paths WriteReports wrote.
type ReportFiles struct {
	TransactionDetails string
	SettlementDetails  string
	SettlementSummary  string
}

// CustomerID returns the merchant ID the server puts in its reports: the
// client ID without its "SANDBOX_" prefix.
func (s *Server) CustomerID() string { return strings.TrimPrefix(s.clientID, "SANDBOX_") }

// SettlementBatchID returns the ID of the settlement batch holding the
// transactions of day (in the server's location).
func (s *Server) SettlementBatchID(day time.Time) string {
	return "SB" + s.CustomerID() + day.In(s.loc).Format("20060102")
}

// WriteReports writes the three reconciliation reports for the
// transactions the server processed on day (in the server's location) into
// dir, named TRANSACTION_DETAIL_<customerId>_<yyyyMMdd>.csv,
// SETTLEMENT_DETAIL_… and SETTLEMENT_SUMMARY_… (the naming is this
// package's choice, after the SETTLEMENT_DETAIL_<id>_<date> pattern seen in
// the wild). It returns the paths written.
func (s *Server) WriteReports(dir string, day time.Time) (ReportFiles, error) {
	date := day.In(s.loc).Format("20060102")
	name := func(kind string) string { return filepath.Join(dir, kind+"_"+s.CustomerID()+"_"+date+".csv") }
	files := ReportFiles{
		TransactionDetails: name("TRANSACTION_DETAIL"),
		SettlementDetails:  name("SETTLEMENT_DETAIL"),
		SettlementSummary:  name("SETTLEMENT_SUMMARY"),
	}
	for _, f := range []struct {
		path  string
		write func(io.Writer, time.Time) error
	}{
		{files.TransactionDetails, s.WriteTransactionDetails},
		{files.SettlementDetails, s.WriteSettlementDetails},
		{files.SettlementSummary, s.WriteSettlementSummary},
	} {
		if err := writeFile(f.path, day, f.write); err != nil {
			return ReportFiles{}, err
		}
	}
	return files, nil
}

func writeFile(path string, day time.Time, write func(io.Writer, time.Time) error) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("alipaytest: writing report: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("alipaytest: writing report %s: %w", path, cerr)
		}
	}()
	if err := write(f, day); err != nil {
		return fmt.Errorf("alipaytest: writing report %s: %w", path, err)
	}
	return nil
}

// reportLine is one transaction of the day.
type reportLine struct {
	id, originalID, requestID, orderID, description, method string
	typ                                                     alipay.TransactionType
	at                                                      time.Time
	amount                                                  int64 // signed minor units
	fee                                                     int64 // signed minor units, ≤ 0
	currency                                                string
	settles                                                 bool // moves money (not an authorization)
}

// linesFor lists the successful transactions of day: payments (or, for
// manual capture, authorizations and captures), refunds and cancellations
// of paid payments, in time order.
func (s *Server) linesFor(day time.Time) []reportLine {
	y, m, d := day.In(s.loc).Date()
	from := time.Date(y, m, d, 0, 0, 0, 0, s.loc)
	to := from.AddDate(0, 0, 1)
	on := func(t time.Time) bool { return !t.IsZero() && !t.Before(from) && t.Before(to) }

	s.mu.Lock()
	defer s.mu.Unlock()
	var lines []reportLine
	for _, p := range s.payments {
		if !p.paid {
			continue
		}
		base := reportLine{originalID: "", requestID: p.requestID, orderID: p.orderID, description: p.description, method: p.methodType, currency: p.amount.Currency}
		if on(p.paymentTime) {
			l := base
			l.id, l.at, l.amount = p.id, p.paymentTime, p.value
			if p.manualCapture {
				l.typ = alipay.TransactionTypeAuthorization
			} else {
				l.typ, l.fee, l.settles = alipay.TransactionTypePayment, -fee(p.value), true
			}
			lines = append(lines, l)
		}
		for _, c := range p.captures {
			if on(c.time) {
				l := base
				l.id, l.originalID, l.requestID, l.typ, l.at = c.id, p.id, c.requestID, alipay.TransactionTypeCapture, c.time
				l.amount, l.fee, l.settles = c.value, -fee(c.value), true
				l.orderID = ""
				lines = append(lines, l)
			}
		}
		for _, f := range p.refunds {
			if on(f.time) {
				l := base
				l.id, l.originalID, l.requestID, l.typ, l.at = f.id, p.id, f.requestID, alipay.TransactionTypeRefund, f.time
				l.amount, l.settles = -f.value, true
				lines = append(lines, l)
			}
		}
		if p.status == StatusCancelled && on(p.cancelTime) {
			l := base
			l.id, l.originalID, l.typ, l.at = p.id, p.id, alipay.TransactionTypeCancel, p.cancelTime
			l.amount, l.settles = -p.value, true
			l.orderID = ""
			if p.manualCapture {
				l.amount = -p.captured
			}
			if l.amount != 0 {
				lines = append(lines, l)
			}
		}
	}
	sort.SliceStable(lines, func(i, j int) bool {
		if !lines[i].at.Equal(lines[j].at) {
			return lines[i].at.Before(lines[j].at)
		}
		return lines[i].id < lines[j].id
	})
	return lines
}

func fee(v int64) int64 { return (v*ProcessingFeeRate + 5000) / 10000 }

func minor(v int64, currency string) alipay.Amount {
	return alipay.Amount{Currency: currency, Value: strconv.FormatInt(v, 10)}
}

func fees(l reportLine) []alipay.ReportFee {
	if l.fee == 0 {
		return nil
	}
	return []alipay.ReportFee{{Name: alipay.FeeProcessing, Amount: minor(l.fee, l.currency)}}
}

// WriteTransactionDetails writes the transaction details report of day:
// every successful transaction, with refunds and cancellations negative.
func (s *Server) WriteTransactionDetails(w io.Writer, day time.Time) error {
	rw := alipay.NewReportWriter(w, alipay.ReportTransactionDetails)
	for _, l := range s.linesFor(day) {
		if err := rw.WriteTransactionDetail(&alipay.TransactionDetail{
			CustomerID: s.CustomerID(), Acquirer: "Antom", TransactionID: l.id,
			OriginalTransactionID: l.originalID, TransactionRequestID: l.requestID,
			ReferenceTransactionID: l.orderID, OrderDescription: l.description,
			TransactionType: l.typ, PaymentMethodType: l.method, Status: StatusSuccess,
			TransactionTime: l.at, TransactionAmount: minor(l.amount, l.currency), Fees: fees(l),
		}); err != nil {
			return errors.Join(err, rw.Close())
		}
	}
	return rw.Close()
}

// WriteSettlementDetails writes the settlement details report of the batch
// of day: the money-moving transactions of the day, settled in their own
// currency, net of fees, initiated at midnight after the day.
func (s *Server) WriteSettlementDetails(w io.Writer, day time.Time) error {
	rw := alipay.NewReportWriter(w, alipay.ReportSettlementDetails)
	settled := s.settlementTime(day)
	for _, l := range s.linesFor(day) {
		if !l.settles {
			continue
		}
		if err := rw.WriteSettlementDetail(&alipay.SettlementDetail{
			SettlementBatchID: s.SettlementBatchID(day), CustomerID: s.CustomerID(), Acquirer: "Antom",
			TransactionID: l.id, OriginalTransactionID: l.originalID, TransactionRequestID: l.requestID,
			ReferenceTransactionID: l.orderID, TransactionType: l.typ, PaymentMethodType: l.method,
			TransactionTime: l.at, TransactionAmount: minor(l.amount, l.currency),
			SettlementAmount: minor(l.amount+l.fee, l.currency), Fees: fees(l), SettlementTime: settled,
		}); err != nil {
			return errors.Join(err, rw.Close())
		}
	}
	return rw.Close()
}

// WriteSettlementSummary writes the settlement summary of the batch of day:
// one TOTAL line per settlement currency with the number of settlement
// details and their net sum.
func (s *Server) WriteSettlementSummary(w io.Writer, day time.Time) error {
	type total struct {
		count int64
		sum   int64
	}
	totals := map[string]*total{}
	for _, l := range s.linesFor(day) {
		if !l.settles {
			continue
		}
		t := totals[l.currency]
		if t == nil {
			t = &total{}
			totals[l.currency] = t
		}
		t.count++
		t.sum += l.amount + l.fee
	}
	currencies := make([]string, 0, len(totals))
	for c := range totals {
		currencies = append(currencies, c)
	}
	sort.Strings(currencies)
	rw := alipay.NewReportWriter(w, alipay.ReportSettlementSummary)
	for _, c := range currencies {
		if err := rw.WriteSettlementSummary(&alipay.SettlementSummary{
			SettlementBatchID: s.SettlementBatchID(day), CustomerID: s.CustomerID(), Acquirer: "Antom",
			SummaryType: "TOTAL", SettlementTime: s.settlementTime(day),
			TransactionCount: totals[c].count, SettlementAmount: minor(totals[c].sum, c),
		}); err != nil {
			return errors.Join(err, rw.Close())
		}
	}
	return rw.Close()
}

func (s *Server) settlementTime(day time.Time) time.Time {
	y, m, d := day.In(s.loc).Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, s.loc)
}
