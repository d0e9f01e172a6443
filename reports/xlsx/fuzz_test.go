package xlsx

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/xborderpay/alipay"
)

// FuzzReport reads arbitrary bytes as an XLSX report: nothing may panic,
// and every error after opening is a *alipay.ReportError.
func FuzzReport(f *testing.F) {
	at := time.Date(2026, 11, 29, 10, 30, 15, 0, time.UTC)
	f.Add(workbook(f, false,
		texts("transactionId", "transactionTime", "transactionAmountValue", "transactionCurrency"),
		[]cellSetter{text("p1"), date(at), num(10.25), text("USD")},
		[]cellSetter{text("p2"), stored("46355.5"), stored("1E3"), text("JPY")},
		end))
	f.Add(workbook(f, true, texts("settlementBatchId", "settlementAmountValue", "settlementCurrency"), texts("b1", "1", "USD")))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := NewReport(bytes.NewReader(data), Options{MaxUnzippedSize: 1 << 20})
		if err != nil {
			return
		}
		defer rep.Close()
		rr := alipay.NewReportSourceReader(rep)
		for row, err := range rr.All() {
			if err != nil {
				var re *alipay.ReportError
				if !errors.As(err, &re) {
					t.Fatalf("error is not a *ReportError: %v", err)
				}
				return
			}
			_, _ = row.TransactionDetail()
			_, _ = row.SettlementDetail()
			_, _ = row.SettlementSummary()
		}
	})
}

// FuzzWriteReportRoundTrip writes a one-line CSV report with fuzzed
// values as XLSX, the way a spreadsheet stores them (numbers, date
// serials), and reads it back: the typed view must be the CSV one's, or
// both must fail.
func FuzzWriteReportRoundTrip(f *testing.F) {
	f.Add("p1", "2026-11-29T10:30:15Z", "10.25", "USD", "-0.31")
	f.Add("20261129000000000001", "2026-11-29 10:30:15", "1500", "JPY", "")
	f.Add("p3", "20261129", "200000000000010.23", "USD", "1e3")
	f.Add("p4", "1899-12-31T00:00:00Z", "0.000", "KWD", "-0")
	f.Fuzz(func(t *testing.T, id, when, amount, currency, fee string) {
		// Where the formats differ by design: a sheet cannot tell a
		// number typed as text from a stored number, so in XLSX a number
		// in a time column is a date serial, and one in exponent form in
		// an amount column is that amount. In CSV both are errors.
		if number.MatchString(when) && len(when) != 8 || exponent(amount) || exponent(fee) {
			return
		}
		var src bytes.Buffer
		w := csv.NewWriter(&src)
		_ = w.Write([]string{"transactionId", "transactionType", "transactionTime", "transactionAmountValue", "transactionCurrency", "processingFeeAmountValue", "processingFeeCurrency"})
		_ = w.Write([]string{id, "PAYMENT", when, amount, currency, fee, currency})
		_ = w.Write([]string{"<END>"})
		w.Flush()

		want, wantErr := firstView(alipay.NewReportReader(bytes.NewReader(src.Bytes())))
		var book bytes.Buffer
		if err := WriteReport(&book, bytes.NewReader(src.Bytes())); err != nil {
			if wantErr == nil && !errors.Is(err, errCellTooLong) && !errors.Is(err, errUnstorable) {
				t.Fatalf("the CSV reads but does not convert: %v", err)
			}
			return
		}
		rep, err := NewReport(&book)
		if err != nil {
			t.Fatalf("reading what WriteReport wrote: %v", err)
		}
		defer rep.Close()
		got, gotErr := firstView(alipay.NewReportSourceReader(rep))
		if (wantErr == nil) != (gotErr == nil) {
			t.Fatalf("CSV error %v, XLSX error %v", wantErr, gotErr)
		}
		if wantErr != nil {
			return
		}
		want.Line, got.Line = 0, 0
		if !want.TransactionTime.Equal(got.TransactionTime) {
			t.Fatalf("time: CSV %v, XLSX %v", want.TransactionTime, got.TransactionTime)
		}
		want.TransactionTime, got.TransactionTime = time.Time{}, time.Time{}
		if !equalDetail(want, got) {
			t.Fatalf("CSV %+v\nXLSX %+v", want, got)
		}
	})
}

// firstView reads the first row's transaction detail and checks the
// report ends where it should.
func firstView(rr *alipay.ReportReader) (alipay.TransactionDetail, error) {
	row, err := rr.Next()
	if err != nil {
		return alipay.TransactionDetail{}, err
	}
	d, err := row.TransactionDetail()
	if err != nil {
		return d, err
	}
	if _, err := rr.Next(); err != io.EOF {
		return d, errors.Join(errors.New("more than one row"), err)
	}
	return d, nil
}

func equalDetail(a, b alipay.TransactionDetail) bool {
	if len(a.Fees) != len(b.Fees) {
		return false
	}
	for i := range a.Fees {
		if a.Fees[i] != b.Fees[i] {
			return false
		}
	}
	a.Fees, b.Fees = nil, nil
	return a.TransactionID == b.TransactionID && a.TransactionAmount == b.TransactionAmount &&
		a.TransactionType == b.TransactionType && a.OrderDescription == b.OrderDescription
}

func exponent(s string) bool { return number.MatchString(s) && bytes.ContainsAny([]byte(s), "eE") }

// FuzzReportStoredValues puts arbitrary stored values into a time and an
// amount column: reading never panics, and a number the reader rewrites
// comes out as plain digits or a zone-less time.
func FuzzReportStoredValues(f *testing.F) {
	f.Add("46355.4376736111", "1.23456789E7")
	f.Add("20261129", "-5E-3")
	f.Add("1e300", "1e999")
	f.Add("-1", ".5e+2")
	f.Fuzz(func(t *testing.T, when, amount string) {
		if !storable(when) || !storable(amount) || len(when) > 1000 || len(amount) > 1000 {
			return
		}
		data := workbook(t, false,
			texts("transactionId", "transactionTime", "transactionAmountValue", "transactionCurrency"),
			[]cellSetter{text("p1"), stored(when), stored(amount), text("USD")},
			end)
		rep, err := NewReport(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("opening a workbook excelize wrote: %v", err)
		}
		defer rep.Close()
		fields, _, err := rep.ReadRecord()
		if err != nil {
			t.Fatalf("header: %v", err)
		}
		if len(fields) != 4 {
			t.Fatalf("header: %q", fields)
		}
		fields, _, err = rep.ReadRecord()
		if err != nil {
			var re *alipay.ReportError
			if !errors.As(err, &re) {
				t.Fatalf("error is not a *ReportError: %v", err)
			}
			return
		}
		if number.MatchString(fields[2]) && bytes.ContainsAny([]byte(fields[2]), "eE") {
			t.Fatalf("amount %q still in exponent form (stored %q)", fields[2], amount)
		}
		if s := fields[1]; number.MatchString(when) && len(when) != 8 && s != "" {
			if _, err := time.Parse("2006-01-02 15:04:05", s); err != nil {
				t.Fatalf("time %q from stored %q: %v", s, when, err)
			}
		}
	})
}
