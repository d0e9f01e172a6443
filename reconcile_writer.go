package alipay

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
)

// ReportWriter writes one of Antom's reconciliation reports as CSV in the
// layout of docs/protocol/ams.md §6: UTF-8 without BOM, a header line with the
// columns of ReportKind.Columns, one line per record, and the final line
// <END>. Amounts are written as decimals in major units with exactly the
// currency's decimal places, times as RFC 3339 in their own location. Fields
// holding commas, quotes or line breaks are quoted.
//
// A ReportWriter is what alipaytest writes its reconciliation files with,
// and what tests can use to produce sample reports. Call Close to write the
// <END> line: a report without it reads as truncated.
type ReportWriter struct {
	kind   ReportKind
	csv    *csv.Writer
	header bool
	closed bool
	err    error
	rec    []string
}

// NewReportWriter returns a writer of a report of the given kind on w.
func NewReportWriter(w io.Writer, kind ReportKind) *ReportWriter {
	rw := &ReportWriter{kind: kind, csv: csv.NewWriter(w)}
	if kind.Columns() == nil {
		rw.err = fmt.Errorf("alipay: report writer: unknown report kind %q", string(kind))
	}
	return rw
}

// Kind returns the kind of report w writes.
func (w *ReportWriter) Kind() ReportKind { return w.kind }

// WriteTransactionDetail writes one line of a transaction details report.
func (w *ReportWriter) WriteTransactionDetail(d *TransactionDetail) error {
	if err := w.begin(ReportTransactionDetails); err != nil {
		return err
	}
	rec := append(w.rec[:0],
		d.CustomerID, d.Acquirer, d.AcquirerReferenceNo, d.ReferenceMerchantID,
		d.ReferenceStoreID, d.TransactionID, d.OriginalTransactionID,
		d.TransactionRequestID, d.ReferenceTransactionID, d.OrderDescription,
		string(d.TransactionType), d.PaymentMethodType, d.Status, reportFormatTime(d.TransactionTime))
	rec, err := reportAppendAmount(rec, d.TransactionAmount, "TransactionAmount")
	if err == nil {
		rec, err = reportAppendFees(rec, d.Fees)
	}
	return w.finish(rec, err)
}

// WriteSettlementDetail writes one line of a settlement details report.
func (w *ReportWriter) WriteSettlementDetail(d *SettlementDetail) error {
	if err := w.begin(ReportSettlementDetails); err != nil {
		return err
	}
	rec := append(w.rec[:0],
		d.SettlementBatchID, d.CustomerID, d.Acquirer, d.AcquirerReferenceNo,
		d.ReferenceMerchantID, d.ReferenceStoreID, d.TransactionID,
		d.OriginalTransactionID, d.TransactionRequestID, d.ReferenceTransactionID,
		string(d.TransactionType), d.PaymentMethodType, reportFormatTime(d.TransactionTime))
	rec, err := reportAppendAmount(rec, d.TransactionAmount, "TransactionAmount")
	if err == nil {
		rec, err = reportAppendAmount(rec, d.SettlementAmount, "SettlementAmount")
	}
	if err == nil {
		rec, err = reportAppendFees(rec, d.Fees)
	}
	rec = append(rec, reportFormatTime(d.SettlementTime))
	return w.finish(rec, err)
}

// WriteSettlementSummary writes one line of a settlement summary report.
func (w *ReportWriter) WriteSettlementSummary(s *SettlementSummary) error {
	if err := w.begin(ReportSettlementSummary); err != nil {
		return err
	}
	if s.TransactionCount < 0 {
		return fmt.Errorf("alipay: report writer: TransactionCount %d is negative", s.TransactionCount)
	}
	rec := append(w.rec[:0],
		s.SettlementBatchID, s.CustomerID, s.Acquirer, s.SummaryType,
		reportFormatTime(s.SettlementTime), strconv.FormatInt(s.TransactionCount, 10))
	rec, err := reportAppendAmount(rec, s.SettlementAmount, "SettlementAmount")
	return w.finish(rec, err)
}

// Close writes the header if nothing was written yet, then the <END> line,
// and flushes. It does not close the underlying writer.
func (w *ReportWriter) Close() error {
	if w.closed {
		return w.err
	}
	if w.err == nil {
		w.writeHeader()
	}
	if w.err == nil {
		w.err = w.csv.Write([]string{reportEndMarker})
	}
	w.closed = true
	if w.err == nil {
		w.csv.Flush()
		w.err = w.csv.Error()
	}
	return w.err
}

// begin checks that a record of kind may be written now.
func (w *ReportWriter) begin(kind ReportKind) error {
	switch {
	case w.err != nil:
		return w.err
	case w.closed:
		return errors.New("alipay: report writer: write after Close")
	case w.kind != kind:
		return fmt.Errorf("alipay: report writer: a %s line cannot go into a %s report", kind, w.kind)
	}
	w.writeHeader()
	return w.err
}

func (w *ReportWriter) writeHeader() {
	if !w.header {
		w.header = true
		w.err = w.csv.Write(w.kind.Columns())
	}
}

// finish writes a record. A record with a bad value is refused without
// breaking the report; a failing io.Writer is sticky.
func (w *ReportWriter) finish(rec []string, err error) error {
	w.rec = rec[:0]
	if err != nil {
		return fmt.Errorf("alipay: report writer: %w", err)
	}
	if err := w.csv.Write(rec); err != nil {
		w.err = err
		return err
	}
	return nil
}

// reportAppendAmount appends the decimal value and currency columns of a.
func reportAppendAmount(rec []string, a Amount, field string) ([]string, error) {
	d, err := a.Decimal()
	if err != nil {
		return rec, fmt.Errorf("%s: %w", field, err)
	}
	return append(rec, d, a.Currency), nil
}

// reportAppendFees appends the processing and tax fee column pairs.
func reportAppendFees(rec []string, fees []ReportFee) ([]string, error) {
	var processing, tax *Amount
	for i := range fees {
		f := &fees[i]
		var slot **Amount
		switch f.Name {
		case FeeProcessing:
			slot = &processing
		case FeeTax:
			slot = &tax
		default:
			return rec, fmt.Errorf("fee %q: the writer has columns for %s and %s only", f.Name, FeeProcessing, FeeTax)
		}
		if *slot != nil {
			return rec, fmt.Errorf("fee %q given twice", f.Name)
		}
		*slot = &f.Amount
	}
	for i, a := range []*Amount{processing, tax} {
		if a == nil {
			rec = append(rec, "", "")
			continue
		}
		var err error
		if rec, err = reportAppendAmount(rec, *a, []string{FeeProcessing, FeeTax}[i]); err != nil {
			return rec, err
		}
	}
	return rec, nil
}

func reportFormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}
