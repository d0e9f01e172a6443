// Command reconcile matches a day of Antom reconciliation reports against a
// merchant's own records and prints every discrepancy.
//
// It runs offline: it writes a sample transaction details report, a
// settlement details report and a settlement summary into a temporary
// directory with alipay.ReportWriter, then reads them back as a merchant
// would read the files downloaded from Antom's SFTP server:
//
//	go run ./examples/reconcile
//
// The merchant ledger below disagrees with the reports on purpose, once for
// each common kind of discrepancy.
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/xborderpay/alipay"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "reconcile:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	dir, err := os.MkdirTemp("", "antom-reports-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := writeSampleReports(dir); err != nil {
		return err
	}

	r, err := alipay.NewReconciler(ledger())
	if err != nil {
		return err
	}
	for _, name := range []string{"transaction_details.csv", "settlement_details.csv", "settlement_summary.csv"} {
		if err := addReport(r, filepath.Join(dir, name)); err != nil {
			return err
		}
	}

	for _, t := range r.SettlementTotals() {
		d, err := t.Amount.Decimal()
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "batch %s: %d lines, net %s %s\n", t.SettlementBatchID, t.Count, d, t.Amount.Currency)
	}
	ds := r.Discrepancies()
	fmt.Fprintf(w, "%d discrepancies\n", len(ds))
	for _, d := range ds {
		fmt.Fprintln(w, d)
	}
	return nil
}

// addReport streams one report file into the reconciler. A file that was
// cut short (no <END> line) fails here instead of looking complete.
func addReport(r *alipay.Reconciler, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := r.Add(alipay.NewReportReader(f)); err != nil {
		return fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return nil
}

// ledger is what the merchant's database says about the day.
func ledger() []alipay.MerchantRecord {
	return []alipay.MerchantRecord{
		{TransactionID: "202611200001", RequestID: "order-1001", Type: alipay.TransactionTypePayment, Amount: alipay.Amount{Currency: "USD", Value: "2500"}},
		// The merchant recorded 12.00 USD; Antom captured 12.50.
		{TransactionID: "202611200002", RequestID: "order-1002", Type: alipay.TransactionTypePayment, Amount: alipay.Amount{Currency: "USD", Value: "1200"}},
		// Only the request id was stored (the pay call timed out), and the
		// order was marked failed, but Antom took the money.
		{RequestID: "order-1003", Type: alipay.TransactionTypePayment, Amount: alipay.Amount{Currency: "USD", Value: "800"}, Status: "FAIL"},
		// A payment Antom never reported.
		{TransactionID: "202611200009", RequestID: "order-1009", Type: alipay.TransactionTypePayment, Amount: alipay.Amount{Currency: "USD", Value: "4000"}},
		// The refund of order-1001 (202611200004) was made in Antom
		// Dashboard and never entered here.
	}
}

// writeSampleReports writes what Antom would deliver for the day.
func writeSampleReports(dir string) error {
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, time.FixedZone("UTC+8", 8*3600))
	type txn struct {
		id, orig, req string
		typ           alipay.TransactionType
		value, fee    int64 // minor units, signed as the report shows them
	}
	txns := []txn{
		{"202611200001", "", "order-1001", alipay.TransactionTypePayment, 2500, -75},
		{"202611200002", "", "order-1002", alipay.TransactionTypePayment, 1250, -38},
		{"202611200003", "", "order-1003", alipay.TransactionTypePayment, 800, -24},
		{"202611200004", "202611200001", "refund-1001", alipay.TransactionTypeRefund, -1000, 0},
	}
	usd := func(minor int64) alipay.Amount {
		return alipay.Amount{Currency: "USD", Value: strconv.FormatInt(minor, 10)}
	}

	td, err := create(dir, "transaction_details.csv", alipay.ReportTransactionDetails)
	if err != nil {
		return err
	}
	sd, err := create(dir, "settlement_details.csv", alipay.ReportSettlementDetails)
	if err != nil {
		return err
	}
	var net int64
	for i, t := range txns {
		amount, settled := usd(t.value), usd(t.value+t.fee)
		var fees []alipay.ReportFee
		if t.fee != 0 {
			fees = []alipay.ReportFee{{Name: alipay.FeeProcessing, Amount: usd(t.fee)}}
		}
		at := day.Add(time.Duration(9+i) * time.Hour)
		if err := td.w.WriteTransactionDetail(&alipay.TransactionDetail{
			CustomerID: "1022188000000000001", Acquirer: "Antom", TransactionID: t.id,
			OriginalTransactionID: t.orig, TransactionRequestID: t.req, TransactionType: t.typ,
			PaymentMethodType: "ALIPAY_HK", Status: "SUCCESS", TransactionTime: at,
			TransactionAmount: amount, Fees: fees,
		}); err != nil {
			return err
		}
		if err := sd.w.WriteSettlementDetail(&alipay.SettlementDetail{
			SettlementBatchID: "B20261121", CustomerID: "1022188000000000001", Acquirer: "Antom",
			TransactionID: t.id, OriginalTransactionID: t.orig, TransactionRequestID: t.req,
			TransactionType: t.typ, PaymentMethodType: "ALIPAY_HK", TransactionTime: at,
			TransactionAmount: amount, SettlementAmount: settled, Fees: fees, SettlementTime: day.AddDate(0, 0, 1),
		}); err != nil {
			return err
		}
		net += t.value + t.fee
	}
	if err := td.close(); err != nil {
		return err
	}
	if err := sd.close(); err != nil {
		return err
	}

	ss, err := create(dir, "settlement_summary.csv", alipay.ReportSettlementSummary)
	if err != nil {
		return err
	}
	if err := ss.w.WriteSettlementSummary(&alipay.SettlementSummary{
		SettlementBatchID: "B20261121", CustomerID: "1022188000000000001", Acquirer: "Antom",
		SummaryType: "TOTAL", SettlementTime: day.AddDate(0, 0, 1), TransactionCount: int64(len(txns)),
		SettlementAmount: usd(net),
	}); err != nil {
		return err
	}
	return ss.close()
}

type reportFile struct {
	f *os.File
	w *alipay.ReportWriter
}

func create(dir, name string, kind alipay.ReportKind) (*reportFile, error) {
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		return nil, err
	}
	return &reportFile{f: f, w: alipay.NewReportWriter(f, kind)}, nil
}

func (r *reportFile) close() error {
	if err := r.w.Close(); err != nil {
		r.f.Close()
		return err
	}
	return r.f.Close()
}
