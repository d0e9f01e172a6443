package xlsx

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/xborderpay/alipay"
)

// benchCSV is a settlement details report of n lines, as alipay.ReportWriter
// lays one out.
func benchCSV(b *testing.B, n int) []byte {
	b.Helper()
	var buf bytes.Buffer
	w := alipay.NewReportWriter(&buf, alipay.ReportSettlementDetails)
	at := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	for i := range n {
		d := alipay.SettlementDetail{
			SettlementBatchID: "SB20261129", CustomerID: "1022188000000000001", Acquirer: "Antom",
			TransactionID:        fmt.Sprintf("2026112919401080010018%010d", i),
			TransactionRequestID: fmt.Sprintf("pay-%d", i), TransactionType: alipay.TransactionTypePayment,
			PaymentMethodType: "ALIPAY_CN", TransactionTime: at.Add(time.Duration(i) * time.Second),
			TransactionAmount: alipay.Amount{Currency: "USD", Value: fmt.Sprint(1000 + i%5000)},
			SettlementAmount:  alipay.Amount{Currency: "USD", Value: fmt.Sprint(970 + i%5000)},
			Fees:              []alipay.ReportFee{{Name: "processingFee", Amount: alipay.Amount{Currency: "USD", Value: "-30"}}},
			SettlementTime:    at,
		}
		if err := w.WriteSettlementDetail(&d); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkReportVsCSV alternates reading a 20,000-line report as XLSX
// (Report and alipay.ReportReader, with the typed view) and the same
// report as CSV with bare encoding/csv, and reports the XLSX read's
// throughput as a fraction of the raw CSV one (metric "ratio", fastest
// pass of each) and the peak heap of an XLSX pass.
func BenchmarkReportVsCSV(b *testing.B) {
	csvData := benchCSV(b, 20_000)
	var book bytes.Buffer
	if err := WriteReport(&book, bytes.NewReader(csvData)); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(csvData)))
	var bestRaw, bestXLSX time.Duration
	var peak uint64
	for range b.N {
		start := time.Now()
		r := csv.NewReader(bytes.NewReader(csvData))
		r.FieldsPerRecord, r.ReuseRecord = -1, true
		for {
			if _, err := r.Read(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
		raw := time.Since(start)

		start = time.Now()
		rep, err := NewReport(bytes.NewReader(book.Bytes()))
		if err != nil {
			b.Fatal(err)
		}
		rows := 0
		var ms runtime.MemStats
		for row, err := range alipay.NewReportSourceReader(rep).All() {
			if err != nil {
				b.Fatal(err)
			}
			if _, err := row.SettlementDetail(); err != nil {
				b.Fatal(err)
			}
			if rows++; rows%5000 == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
		}
		rep.Close()
		took := time.Since(start)
		if bestRaw == 0 || raw < bestRaw {
			bestRaw = raw
		}
		if bestXLSX == 0 || took < bestXLSX {
			bestXLSX = took
		}
	}
	b.ReportMetric(float64(bestRaw)/float64(bestXLSX), "ratio")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(book.Len())/(1<<20), "xlsx-MiB")
	b.ReportMetric(float64(len(csvData))/(1<<20), "csv-MiB")
}
