// Command daily-reconcile plays a merchant's daily reconciliation job end
// to end, offline: the day's payments go through the fake Antom gateway,
// the next morning's reports appear on an SFTP server, the job fetches
// them, reads them whatever their format and lists every discrepancy with
// the merchant's ledger.
//
//	go run ./reports/examples/daily-reconcile
//
// Everything runs in this process: alipaytest is the gateway, sftptest the
// SFTP server (on loopback, with its own host key, which the job pins as it
// would pin the key Antom gives). The settlement details report is
// delivered as XLSX, the others as CSV, as a merchant may configure them.
// The job then runs a second time, as a scheduler would after a failure:
// it downloads nothing again.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/alipaytest"
	"github.com/xborderpay/alipay/reports/sftp"
	"github.com/xborderpay/alipay/reports/sftp/sftptest"
	"github.com/xborderpay/alipay/reports/xlsx"
)

func main() {
	if _, err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "daily-reconcile:", err)
		os.Exit(1)
	}
}

// day is the business day. The fake's clock is stopped on it so that IDs
// and the transcript are the same on every run.
var day = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// run plays the day and the job, writes a transcript to w and returns the
// discrepancies of the job's first run.
func run(ctx context.Context, w io.Writer) ([]alipay.Discrepancy, error) {
	work, err := os.MkdirTemp("", "daily-reconcile-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	remoteDir, localDir := filepath.Join(work, "antom-sftp"), filepath.Join(work, "reports")
	for _, d := range []string{remoteDir, localDir} {
		if err := os.Mkdir(d, 0o755); err != nil {
			return nil, err
		}
	}

	// 1. The day's business, and the ledger the shop keeps.
	clock := alipaytest.NewFakeClock(day)
	gateway := alipaytest.NewServer(alipaytest.WithClock(clock), alipaytest.WithClientID("SANDBOX_5X00000000000042"))
	defer gateway.Close()
	ledger, err := business(ctx, w, gateway, clock)
	if err != nil {
		return nil, err
	}

	// 2. Overnight, Antom puts the reports on its SFTP server.
	if err := publish(gateway, remoteDir); err != nil {
		return nil, err
	}
	server := sftptest.NewServer(remoteDir)
	defer server.Close()
	fmt.Fprintf(w, "\nreports published on the SFTP server (the settlement details as XLSX)\n")

	// 3. The job, run twice.
	hostKey := string(ssh.MarshalAuthorizedKey(server.HostKey)) // in production: the key Antom gives
	job := job{
		config: func(hk *sftp.HostKeys) sftp.Config {
			return sftp.Config{Addr: server.Addr, User: server.User, Password: server.Password, HostKeys: hk}
		},
		hostKey: hostKey,
		dir:     localDir,
		ledger:  ledger,
	}
	var first []alipay.Discrepancy
	for i := 1; i <= 2; i++ {
		fmt.Fprintf(w, "\njob run %d:\n", i)
		ds, err := job.run(ctx, w)
		if err != nil {
			return nil, err
		}
		if i == 1 {
			first = ds
		}
	}
	return first, nil
}

// business takes the day's payments and a refund through the SDK and
// returns the ledger, with the mistakes reconciliation is there to catch.
func business(ctx context.Context, w io.Writer, gateway *alipaytest.Server, clock *alipaytest.FakeClock) ([]alipay.MerchantRecord, error) {
	c := gateway.Client()
	var ledger []alipay.MerchantRecord
	for _, o := range []struct {
		requestID string
		value     string // minor units
	}{{"order-2001", "2500"}, {"order-2002", "1250"}, {"order-2003", "4000"}} {
		clock.Advance(10 * time.Minute)
		amount := alipay.Amount{Currency: "USD", Value: o.value}
		if _, err := c.Pay(ctx, &alipay.PayRequest{
			PaymentRequestID:   o.requestID,
			Order:              alipay.Order{ReferenceOrderID: o.requestID, OrderDescription: "Tea set", OrderAmount: amount},
			PaymentAmount:      amount,
			PaymentMethod:      alipay.PaymentMethod{PaymentMethodType: "ALIPAY_CN"},
			PaymentRedirectURL: "https://shop.example/orders/" + o.requestID,
			Env:                alipay.Env{TerminalType: alipay.TerminalTypeWeb},
		}); err != nil {
			return nil, fmt.Errorf("pay %s: %w", o.requestID, err)
		}
		if err := gateway.CompletePayment(o.requestID); err != nil {
			return nil, err
		}
		inq, err := c.InquiryPayment(ctx, &alipay.InquiryPaymentRequest{PaymentRequestID: o.requestID})
		if err != nil {
			return nil, fmt.Errorf("inquiryPayment %s: %w", o.requestID, err)
		}
		fmt.Fprintf(w, "%s pay %s %s: %s\n", clock.Now().Format("15:04"), o.requestID, amount, inq.PaymentStatus)
		ledger = append(ledger, alipay.MerchantRecord{
			TransactionID: inq.PaymentID, RequestID: o.requestID, Type: alipay.TransactionTypePayment,
			Amount: amount, Status: string(inq.PaymentStatus),
		})
	}
	clock.Advance(10 * time.Minute)
	refund, err := c.Refund(ctx, &alipay.RefundRequest{
		RefundRequestID: "refund-2003", PaymentID: ledger[2].TransactionID,
		RefundAmount: alipay.Amount{Currency: "USD", Value: "1000"}, RefundReason: "one cup broken",
	})
	if err != nil {
		return nil, fmt.Errorf("refund: %w", err)
	}
	fmt.Fprintf(w, "%s refund %s %s: %s\n", clock.Now().Format("15:04"), refund.RefundRequestID, refund.RefundAmount, refund.Result.ResultCode)

	ledger[0].Amount.Value = "2000" // typed 20.00 instead of 25.00
	// The refund was never entered.
	fmt.Fprintln(w, "ledger: order-2001 typed as 20.00 USD; refund-2003 never entered")
	return ledger, nil
}

// publish writes the day's reports into the SFTP server's directory, the
// settlement details as XLSX.
func publish(gateway *alipaytest.Server, dir string) error {
	files, err := gateway.WriteReports(dir, day)
	if err != nil {
		return err
	}
	csvPath := files.SettlementDetails
	src, err := os.Open(csvPath)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.Create(strings.TrimSuffix(csvPath, ".csv") + ".xlsx")
	if err != nil {
		return err
	}
	if err := xlsx.WriteReport(dst, src); err != nil {
		dst.Close()
		return err
	}
	if err := dst.Close(); err != nil {
		return err
	}
	return os.Remove(csvPath)
}

// job is the merchant's daily job: fetch, read, match.
type job struct {
	config  func(*sftp.HostKeys) sftp.Config
	hostKey string
	dir     string
	ledger  []alipay.MerchantRecord
}

func (j job) run(ctx context.Context, w io.Writer) ([]alipay.Discrepancy, error) {
	hk, err := sftp.PinnedKey(j.hostKey)
	if err != nil {
		return nil, err
	}
	fetcher, err := sftp.NewFetcher(j.config(hk))
	if err != nil {
		return nil, err
	}
	files, err := fetcher.FetchDay(ctx, day, j.dir, nil)
	if err != nil {
		// A file still being written, or a connection that failed for
		// good: the next run resumes. Reconciling now would report
		// everything in the missing file as missing.
		return nil, fmt.Errorf("fetching: %w", err)
	}
	rec, err := alipay.NewReconciler(j.ledger)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if err := addReport(rec, f.Path); err != nil {
			return nil, err
		}
		fmt.Fprintf(w, "  %-10s %s, read\n", f.Status, f.Name)
	}
	ds := rec.Discrepancies()
	fmt.Fprintf(w, "  %d discrepancies:\n", len(ds))
	for _, d := range ds {
		fmt.Fprintf(w, "  %s\n", d)
	}
	return ds, nil
}

// addReport streams one report file, CSV or XLSX, into the reconciler.
func addReport(rec *alipay.Reconciler, path string) error {
	var rr *alipay.ReportReader
	if strings.EqualFold(filepath.Ext(path), ".xlsx") {
		rep, err := xlsx.Open(path)
		if err != nil {
			return err
		}
		defer rep.Close()
		rr = alipay.NewReportSourceReader(rep)
	} else {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		rr = alipay.NewReportReader(f)
	}
	if err := rec.Add(rr); err != nil {
		return fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return nil
}
