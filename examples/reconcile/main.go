// Command reconcile runs a day of payments through the fake Antom gateway,
// downloads that day's reconciliation reports, matches them against the
// merchant's own ledger and prints every discrepancy.
//
// It runs offline, against package alipaytest started in this process:
//
//	go run ./examples/reconcile
//
// Four buyers pay (one declines) and one payment is partly refunded, all
// through the SDK's client. The fake then writes the transaction details,
// settlement details and settlement summary files that Antom would deliver
// by SFTP the next morning, and the example reads them back as a merchant
// would. The ledger it builds from what the client saw holds three mistakes
// on purpose: a refund never entered, a wrong amount and a payment Antom
// never received.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/alipaytest"
)

func main() {
	if _, err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "reconcile:", err)
		os.Exit(1)
	}
}

// day is the business day reconciled. The fake's clock is stopped on it so
// that ids, times and the transcript come out the same on every run.
var day = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// run plays the day, reconciles it, writes a transcript to w and returns
// the discrepancies found.
func run(ctx context.Context, w io.Writer) ([]alipay.Discrepancy, error) {
	clock := alipaytest.NewFakeClock(day)
	srv := alipaytest.NewServer(alipaytest.WithClock(clock), alipaytest.WithClientID("SANDBOX_5X00000000000042"))
	defer srv.Close()
	c := srv.Client()
	fmt.Fprintf(w, "Fake Antom gateway, client ID %s, %s.\n\n", srv.ClientID(), day.Format("2006-01-02"))

	// 1. The day's business. The ledger records what the client was told.
	var ledger []alipay.MerchantRecord
	for _, o := range []struct {
		requestID string
		value     string // minor units
		pays      bool   // the buyer pays, or declines
	}{
		{"order-1001", "2500", true},
		{"order-1002", "1250", true},
		{"order-1003", "800", false},
		{"order-1004", "4000", true},
	} {
		clock.Advance(10 * time.Minute)
		rec, err := pay(ctx, w, srv, c, o.requestID, alipay.Amount{Currency: "USD", Value: o.value}, o.pays)
		if err != nil {
			return nil, err
		}
		ledger = append(ledger, rec)
	}
	clock.Advance(10 * time.Minute)
	refund, err := c.Refund(ctx, &alipay.RefundRequest{
		RefundRequestID: "refund-1004",
		PaymentID:       ledger[3].TransactionID,
		RefundAmount:    alipay.Amount{Currency: "USD", Value: "1500"},
		RefundReason:    "one item returned",
	})
	if err != nil {
		return nil, fmt.Errorf("refund: %w", err)
	}
	fmt.Fprintf(w, "%s refund %s of %s %s: %s, refundId %s\n", clock.Now().Format("15:04"),
		refund.RefundRequestID, ledger[3].RequestID, refund.RefundAmount, refund.Result.ResultCode, refund.RefundID)

	// 2. The bookkeeping mistakes reconciliation is there to catch.
	ledger[1].Amount.Value = "1200" // typed 12.00 instead of 12.50
	// The refund-1004 record was never entered.
	ledger = append(ledger, alipay.MerchantRecord{ // a payment that never reached Antom
		RequestID: "order-1005", Type: alipay.TransactionTypePayment, Amount: alipay.Amount{Currency: "USD", Value: "999"},
	})
	fmt.Fprintf(w, "\nledger: %d records; on purpose order-1002 says 12.00, refund-1004 is missing, order-1005 never reached Antom\n", len(ledger))

	// 3. The next morning's reports.
	dir, err := os.MkdirTemp("", "antom-reports-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	files, err := srv.WriteReports(dir, day)
	if err != nil {
		return nil, err
	}

	// 4. Reconcile.
	r, err := alipay.NewReconciler(ledger)
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(w)
	for _, path := range []string{files.TransactionDetails, files.SettlementDetails, files.SettlementSummary} {
		if err := addReport(r, path); err != nil {
			return nil, err
		}
		fmt.Fprintf(w, "read %s\n", filepath.Base(path))
	}
	for _, t := range r.SettlementTotals() {
		fmt.Fprintf(w, "batch %s: %d lines, net %s\n", t.SettlementBatchID, t.Count, t.Amount)
	}
	ds := r.Discrepancies()
	fmt.Fprintf(w, "\n%d discrepancies against %d ledger records:\n", len(ds), len(ledger))
	for _, d := range ds {
		fmt.Fprintln(w, d)
	}
	return ds, nil
}

// pay creates a payment, has the buyer pay or decline on the fake's side,
// and asks Antom for the outcome, which is what the merchant records.
func pay(ctx context.Context, w io.Writer, srv *alipaytest.Server, c *alipay.Client, requestID string, amount alipay.Amount, pays bool) (alipay.MerchantRecord, error) {
	web := alipay.Env{TerminalType: alipay.TerminalTypeWeb}
	if _, err := c.Pay(ctx, &alipay.PayRequest{
		PaymentRequestID:   requestID,
		Order:              alipay.Order{ReferenceOrderID: requestID, OrderDescription: "Ceramic mugs", OrderAmount: amount},
		PaymentAmount:      amount,
		PaymentMethod:      alipay.PaymentMethod{PaymentMethodType: "ALIPAY_CN"},
		PaymentRedirectURL: "https://shop.example/orders/" + requestID,
		Env:                web,
	}); err != nil {
		return alipay.MerchantRecord{}, fmt.Errorf("pay %s: %w", requestID, err)
	}
	buyer := srv.CompletePayment
	if !pays {
		buyer = srv.FailPayment
	}
	if err := buyer(requestID); err != nil {
		return alipay.MerchantRecord{}, err
	}
	inq, err := c.InquiryPayment(ctx, &alipay.InquiryPaymentRequest{PaymentRequestID: requestID})
	if err != nil {
		return alipay.MerchantRecord{}, fmt.Errorf("inquiryPayment %s: %w", requestID, err)
	}
	fmt.Fprintf(w, "%s pay %s %s: %s, paymentId %s\n", inq.PaymentCreateTime.UTC().Format("15:04"), requestID, amount, inq.PaymentStatus, inq.PaymentID)
	return alipay.MerchantRecord{
		TransactionID: inq.PaymentID,
		RequestID:     requestID,
		Type:          alipay.TransactionTypePayment,
		Amount:        amount,
		Status:        string(inq.PaymentStatus),
	}, nil
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
