package alipay

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func openReport(t *testing.T, name string) *ReportReader {
	t.Helper()
	f, err := os.Open("testdata/reports/" + name)
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	return NewReportReader(f)
}

func readAllRows(rr *ReportReader) ([]ReportRow, error) {
	var rows []ReportRow
	for row, err := range rr.All() {
		if err != nil {
			return rows, err
		}
		rows = append(rows, row.Clone())
	}
	return rows, nil
}

func TestReportReaderTransactionDetailsFile(t *testing.T) {
	rr := openReport(t, "transaction_details.csv")
	kind, err := rr.Kind()
	require.NoError(t, err)
	assert.Equal(t, ReportTransactionDetails, kind)
	header, err := rr.Header()
	require.NoError(t, err)
	assert.Equal(t, "customerId", header[0], "BOM stripped")
	assert.Equal(t, "merchantRemark", header[len(header)-1])

	rows, err := readAllRows(rr)
	require.NoError(t, err)
	require.Len(t, rows, 5)

	// Cloned rows stay valid after the reader moves on.
	assert.Equal(t, "20261120114010800100188000000001", rows[0].Get("transactionId"))
	assert.Equal(t, "20261120114010800100188000000001", rows[0].Get("TRANSACTIONID"), "case-insensitive")
	assert.Equal(t, "PAYMENT", rows[0].Get("transactionType"), "header says TransactionType")
	assert.Equal(t, "first", rows[0].Get("merchantRemark"), "unknown column kept")
	assert.Equal(t, "Mug, large", rows[0].Get("orderDescription"))
	assert.Equal(t, `Tea "Oolong"`, rows[1].Get("orderDescription"))
	assert.Equal(t, "Two\nlines", rows[2].Get("orderDescription"))
	assert.Equal(t, "1022188000000000001", rows[2].Get("customerId"), "spaces trimmed")
	assert.Equal(t, "a, b", rows[2].Get("merchantRemark"))
	v, ok := rows[0].Lookup("noSuchColumn")
	assert.False(t, ok)
	assert.Empty(t, v)
	assert.Equal(t, []int{2, 3, 4, 6, 7}, []int{rows[0].Line(), rows[1].Line(), rows[2].Line(), rows[3].Line(), rows[4].Line()})
	assert.Len(t, rows[0].Values(), len(header))

	d, err := rows[0].TransactionDetail()
	require.NoError(t, err)
	assert.Equal(t, TransactionDetail{
		Line: 2, CustomerID: "1022188000000000001", Acquirer: "Antom",
		TransactionID: "20261120114010800100188000000001", TransactionRequestID: "pay-0001",
		ReferenceTransactionID: "order-0001", OrderDescription: "Mug, large",
		TransactionType: TransactionTypePayment, PaymentMethodType: "ALIPAY_HK", Status: "SUCCESS",
		TransactionTime:   time.Date(2026, 11, 20, 2, 30, 0, 0, time.UTC).In(time.FixedZone("", 8*3600)),
		TransactionAmount: Amount{"USD", "1025"},
		Fees:              []ReportFee{{Name: "processingFee", Amount: Amount{"USD", "-31"}}},
	}, d)

	d, err = rows[1].TransactionDetail()
	require.NoError(t, err)
	assert.Equal(t, Amount{"JPY", "1500"}, d.TransactionAmount)
	assert.Equal(t, time.Date(2026, 11, 20, 11, 0, 0, 0, time.UTC), d.TransactionTime, "zone-less time read in UTC")
	assert.Nil(t, d.Fees)

	d, err = rows[2].TransactionDetail()
	require.NoError(t, err)
	assert.Equal(t, Amount{"KWD", "1005"}, d.TransactionAmount)

	d, err = rows[3].TransactionDetail()
	require.NoError(t, err)
	assert.Equal(t, Amount{"USD", "-500"}, d.TransactionAmount)
	assert.Equal(t, TransactionTypeRefund, d.TransactionType)
	assert.Equal(t, "20261120114010800100188000000001", d.OriginalTransactionID)

	d, err = rows[4].TransactionDetail()
	require.NoError(t, err)
	assert.Equal(t, Amount{"IDR", "15000000"}, d.TransactionAmount)
}

func TestReportReaderSettlementFiles(t *testing.T) {
	rr := openReport(t, "settlement_details.csv")
	rr.SetTimeZone(time.FixedZone("SGT", 8*3600))
	rows, err := readAllRows(rr)
	require.NoError(t, err)
	require.Len(t, rows, 4)
	assert.Equal(t, ReportSettlementDetails, rows[0].Kind())
	d, err := rows[0].SettlementDetail()
	require.NoError(t, err)
	assert.Equal(t, "B20261121001", d.SettlementBatchID)
	assert.Equal(t, "Antom", d.Acquirer)
	assert.Equal(t, Amount{"USD", "1025"}, d.TransactionAmount)
	assert.Equal(t, Amount{"USD", "989"}, d.SettlementAmount)
	assert.Equal(t, []ReportFee{{"processingFee", Amount{"USD", "-31"}}, {"taxFee", Amount{"USD", "-5"}}}, d.Fees)
	assert.Equal(t, time.Date(2026, 11, 21, 0, 0, 0, 0, time.FixedZone("SGT", 8*3600)), d.SettlementTime)

	d, err = rows[2].SettlementDetail()
	require.NoError(t, err)
	assert.Equal(t, Amount{"JPY", "1500"}, d.TransactionAmount)
	assert.Equal(t, Amount{"USD", "980"}, d.SettlementAmount)

	rr = openReport(t, "settlement_summary.csv")
	rows, err = readAllRows(rr)
	require.NoError(t, err)
	require.Len(t, rows, 2)
	s, err := rows[0].SettlementSummary()
	require.NoError(t, err)
	assert.Equal(t, SettlementSummary{
		Line: 2, SettlementBatchID: "B20261121001", CustomerID: "1022188000000000001", Acquirer: "Antom",
		SummaryType: "TOTAL", SettlementTime: time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC),
		TransactionCount: 4, SettlementAmount: Amount{"USD", "1369"},
	}, s)
}

func TestReportReaderBrokenFiles(t *testing.T) {
	tests := []struct {
		file string
		rows int // rows read before the error
		line int
		err  error
	}{
		{"truncated.csv", 2, 4, ErrReportTruncated},
		{"truncated_mid_line.csv", 1, 3, ErrReportTruncated},
		{"after_end.csv", 2, 5, ErrReportAfterEnd},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rr := openReport(t, tt.file)
			rows, err := readAllRows(rr)
			assert.Len(t, rows, tt.rows)
			require.ErrorIs(t, err, tt.err)
			var re *ReportError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tt.line, re.Line)
			_, again := rr.Next()
			assert.Equal(t, err, again, "errors are sticky")
		})
	}
}

func TestReportReaderBadAmountFile(t *testing.T) {
	rows, err := readAllRows(openReport(t, "bad_amount.csv"))
	require.NoError(t, err)
	require.Len(t, rows, 1)
	_, err = rows[0].SettlementSummary()
	require.ErrorIs(t, err, ErrExcessPrecision)
	var re *ReportError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 2, re.Line)
	assert.Equal(t, columnSettlementAmountValue, re.Column)
	assert.Contains(t, err.Error(), "report line 2, column settlementAmountValue")
}

func TestReportReaderCases(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		values [][]string
		err    error  // nil: the report is complete
		msg    string // part of the error message
		line   int
	}{
		{name: "LF", in: "a,b\n1,2\n<END>\n", values: [][]string{{"1", "2"}}},
		{name: "CRLF", in: "a,b\r\n1,2\r\n<END>\r\n", values: [][]string{{"1", "2"}}},
		{name: "no final newline", in: "a,b\n1,2\n<END>", values: [][]string{{"1", "2"}}},
		{name: "BOM", in: "\ufeffa,b\n1,2\n<END>\n", values: [][]string{{"1", "2"}}},
		{name: "blank lines after END", in: "a,b\n1,2\n<END>\n\n\r\n", values: [][]string{{"1", "2"}}},
		{name: "END with spaces", in: "a,b\n1,2\n <END> \n", values: [][]string{{"1", "2"}}},
		{name: "empty report", in: "a,b\n<END>\n"},
		{name: "only END", in: "<END>\n"},
		{name: "quoted", in: "a,b\n\"x,\"\"y\"\"\",\"l1\r\nl2\"\n<END>\n", values: [][]string{{`x,"y"`, "l1\nl2"}}},
		{name: "spaces inside quotes", in: "a,b\n\"  x, y \",  z  \n<END>\n", values: [][]string{{"x, y", "z"}}},
		{name: "space before quote", in: "a,b\n1, \"x\"\n<END>\n", err: csv.ErrBareQuote, line: 2},
		{name: "empty input", in: "", err: ErrReportTruncated, line: 1},
		{name: "header only", in: "a,b\n", err: ErrReportTruncated, line: 2},
		{name: "no END", in: "a,b\n1,2\n", err: ErrReportTruncated, line: 3},
		{name: "row after END", in: "a,b\n<END>\n1,2\n", err: ErrReportAfterEnd, line: 3},
		{name: "second END", in: "a,b\n<END>\n<END>\n", err: ErrReportAfterEnd, line: 3},
		{name: "spaces after END", in: "a,b\n<END>\n  \n", err: ErrReportAfterEnd, line: 3},
		{name: "broken quote after END", in: "a,b\n<END>\n\n\"x\n", err: ErrReportAfterEnd, line: 4},
		{name: "field count", in: "a,b\n1,2,3\n<END>\n", msg: "3 fields, the header has 2", line: 2},
		{name: "bare quote", in: "a,b\n1,x\"y\n<END>\n", err: csv.ErrBareQuote, line: 2},
		{name: "unterminated quote", in: "a,b\n1,\"y\n<END>\n", err: csv.ErrQuote, line: 2},
		{name: "duplicate column", in: "a,A\n<END>\n", msg: "appears twice", line: 1},
		{name: "empty column name", in: "a,\n<END>\n", msg: "column 2 has no name", line: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rr := NewReportReader(strings.NewReader(tt.in))
			var got [][]string
			var err error
			for {
				var row ReportRow
				row, err = rr.Next()
				if err != nil {
					break
				}
				got = append(got, row.Values())
			}
			if tt.err == nil && tt.msg == "" {
				require.Equal(t, io.EOF, err)
				assert.Equal(t, tt.values, got)
				return
			}
			var re *ReportError
			require.ErrorAs(t, err, &re)
			if tt.err != nil {
				assert.ErrorIs(t, err, tt.err)
			}
			assert.Contains(t, err.Error(), tt.msg)
			assert.Equal(t, tt.line, re.Line, err.Error())
		})
	}
}

func TestReportReaderAllStopsEarly(t *testing.T) {
	rr := NewReportReader(strings.NewReader("a\n1\n2\n3\n<END>\n"))
	var n int
	for row, err := range rr.All() {
		require.NoError(t, err)
		n++
		if row.Get("a") == "2" {
			break
		}
	}
	assert.Equal(t, 2, n)
	row, err := rr.Next()
	require.NoError(t, err)
	assert.Equal(t, "3", row.Get("a"))
}

func TestReportReaderFailingSource(t *testing.T) {
	rr := NewReportReader(io.MultiReader(strings.NewReader("a,b\n1,2\n"), iotestErrReader{}))
	_, err := rr.Next()
	require.NoError(t, err)
	_, err = rr.Next()
	assert.ErrorContains(t, err, "connection reset")
	assert.NotErrorIs(t, err, ErrReportTruncated)
}

type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestReportViewsErrors(t *testing.T) {
	tests := []struct {
		name, in string
		view     func(ReportRow) error
		column   string
		err      error
		msg      string
	}{
		{"excess precision", "transactionId,transactionAmountValue,transactionCurrency\nt,1.001,USD\n<END>\n", tdView, columnTransactionAmountValue, ErrExcessPrecision, ""},
		{"JPY with cents", "transactionId,transactionAmountValue,transactionCurrency\nt,1.5,JPY\n<END>\n", tdView, columnTransactionAmountValue, ErrExcessPrecision, ""},
		{"grouping", "transactionId,transactionAmountValue,transactionCurrency\nt,\"1,000.00\",USD\n<END>\n", tdView, columnTransactionAmountValue, ErrMalformedDecimal, ""},
		{"unknown currency", "transactionId,transactionAmountValue,transactionCurrency\nt,1.00,ABC\n<END>\n", tdView, columnTransactionCurrency, ErrUnknownCurrency, ""},
		{"lower-case currency", "transactionId,transactionAmountValue,transactionCurrency\nt,1.00,usd\n<END>\n", tdView, columnTransactionCurrency, ErrMalformedCurrency, ""},
		{"empty amount", "transactionId,transactionAmountValue,transactionCurrency\nt,,USD\n<END>\n", tdView, columnTransactionAmountValue, nil, "value is empty"},
		{"missing amount column", "transactionId,transactionCurrency\nt,USD\n<END>\n", tdView, columnTransactionAmountValue, nil, "column missing"},
		{"missing transaction id", "transactionAmountValue,transactionCurrency\n1,USD\n<END>\n", tdView, columnTransactionID, nil, "column missing"},
		{"bad fee", "transactionId,transactionAmountValue,transactionCurrency,taxFeeAmountValue,taxFeeCurrency\nt,1,USD,0.001,USD\n<END>\n", tdView, "taxFeeAmountValue", ErrExcessPrecision, ""},
		{"bad time", "transactionId,transactionAmountValue,transactionCurrency,transactionTime\nt,1,USD,yesterday\n<END>\n", tdView, columnTransactionTime, nil, "not a time"},
		{"bad count", "settlementBatchId,transactionCount,settlementAmountValue,settlementCurrency\nb,-1,1,USD\n<END>\n", ssView, columnTransactionCount, nil, "not a count"},
		{"settlement currency", "settlementBatchId,transactionId,transactionAmountValue,transactionCurrency,settlementAmountValue,settlementCurrency\nb,t,1,USD,1,XAU\n<END>\n", sdView, columnSettlementCurrency, ErrNoMinorUnit, ""},
		{"too many digits", "settlementBatchId,settlementAmountValue,settlementCurrency\nb,100000000000000000,JPY\n<END>\n", ssView, columnSettlementAmountValue, ErrAmountTooLarge, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rr := NewReportReader(strings.NewReader(tt.in))
			row, err := rr.Next()
			require.NoError(t, err)
			err = tt.view(row)
			var re *ReportError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, 2, re.Line)
			assert.Equal(t, tt.column, re.Column)
			if tt.err != nil {
				assert.ErrorIs(t, err, tt.err)
			}
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

func tdView(r ReportRow) error { _, err := r.TransactionDetail(); return err }
func sdView(r ReportRow) error { _, err := r.SettlementDetail(); return err }
func ssView(r ReportRow) error { _, err := r.SettlementSummary(); return err }

func TestDetectReportKind(t *testing.T) {
	assert.Equal(t, ReportTransactionDetails, DetectReportKind(ReportTransactionDetails.Columns()))
	assert.Equal(t, ReportSettlementDetails, DetectReportKind(ReportSettlementDetails.Columns()))
	assert.Equal(t, ReportSettlementSummary, DetectReportKind(ReportSettlementSummary.Columns()))
	assert.Equal(t, ReportSettlementDetails, DetectReportKind([]string{"SETTLEMENTBATCHID", "TransactionID"}))
	assert.Equal(t, ReportUnknown, DetectReportKind([]string{"foo", "bar"}))
	assert.Equal(t, ReportUnknown, DetectReportKind(nil))
	assert.Nil(t, ReportUnknown.Columns())
}

// TestReportWriterReaderRoundTrip writes each report kind and reads it back
// through the typed views.
func TestReportWriterReaderRoundTrip(t *testing.T) {
	at := time.Date(2026, 11, 20, 10, 30, 5, 0, time.FixedZone("", 8*3600))
	td := TransactionDetail{
		Line: 2, CustomerID: "c", Acquirer: "Antom", AcquirerReferenceNo: "arn", ReferenceMerchantID: "rm",
		ReferenceStoreID: "rs", TransactionID: "t1", OriginalTransactionID: "o1", TransactionRequestID: "r1",
		ReferenceTransactionID: "ref", OrderDescription: "a, \"b\"\nc", TransactionType: TransactionTypeRefund,
		PaymentMethodType: "CARD", Status: "SUCCESS", TransactionTime: at, TransactionAmount: Amount{"BHD", "-1005"},
		Fees: []ReportFee{{FeeProcessing, Amount{"BHD", "-10"}}, {FeeTax, Amount{"BHD", "-1"}}},
	}
	sd := SettlementDetail{
		Line: 2, SettlementBatchID: "b", CustomerID: "c", Acquirer: "Antom", TransactionID: "t1",
		TransactionType: TransactionTypePayment, TransactionTime: at, TransactionAmount: Amount{"CLF", "12345"},
		SettlementAmount: Amount{"USD", "999"}, Fees: []ReportFee{{FeeProcessing, Amount{"USD", "-1"}}}, SettlementTime: at,
	}
	ss := SettlementSummary{Line: 2, SettlementBatchID: "b", SummaryType: "TOTAL", TransactionCount: 7, SettlementAmount: Amount{"VND", "25000"}, SettlementTime: at}

	var buf strings.Builder
	w := NewReportWriter(&buf, ReportTransactionDetails)
	require.NoError(t, w.WriteTransactionDetail(&td))
	require.NoError(t, w.Close())
	row, err := NewReportReader(strings.NewReader(buf.String())).Next()
	require.NoError(t, err)
	gotTD, err := row.TransactionDetail()
	require.NoError(t, err)
	assert.Equal(t, td, gotTD)

	buf.Reset()
	w = NewReportWriter(&buf, ReportSettlementDetails)
	require.NoError(t, w.WriteSettlementDetail(&sd))
	require.NoError(t, w.Close())
	row, err = NewReportReader(strings.NewReader(buf.String())).Next()
	require.NoError(t, err)
	gotSD, err := row.SettlementDetail()
	require.NoError(t, err)
	assert.Equal(t, sd, gotSD)

	buf.Reset()
	w = NewReportWriter(&buf, ReportSettlementSummary)
	require.NoError(t, w.WriteSettlementSummary(&ss))
	require.NoError(t, w.Close())
	rr := NewReportReader(strings.NewReader(buf.String()))
	row, err = rr.Next()
	require.NoError(t, err)
	gotSS, err := row.SettlementSummary()
	require.NoError(t, err)
	assert.Equal(t, ss, gotSS)
	_, err = rr.Next()
	assert.Equal(t, io.EOF, err)
}

func TestReportRowStaleUse(t *testing.T) {
	rr := NewReportReader(strings.NewReader("a\n1\n2\n<END>\n"))
	first, err := rr.Next()
	require.NoError(t, err)
	kept := first.Clone()
	assert.Equal(t, "1", first.Get("a"))
	second, err := rr.Next()
	require.NoError(t, err)
	assert.Equal(t, "2", second.Get("a"))
	assert.Equal(t, "1", kept.Get("a"))
	assert.PanicsWithValue(t, "alipay: ReportRow used after its ReportReader read another row; use ReportRow.Clone to keep rows",
		func() { first.Get("a") })
	assert.Panics(t, func() { _, _ = first.TransactionDetail() })
	assert.Equal(t, "", ReportRow{}.Get("a"), "zero row")
	for _, view := range []func(ReportRow) error{tdView, sdView, ssView} {
		assert.ErrorContains(t, view(ReportRow{}), "column missing", "zero row")
	}
}

func FuzzReportReader(f *testing.F) {
	for _, name := range []string{"transaction_details.csv", "settlement_details.csv", "settlement_summary.csv", "truncated.csv", "after_end.csv", "bad_amount.csv"} {
		data, err := os.ReadFile("testdata/reports/" + name)
		require.NoError(f, err)
		f.Add(data)
	}
	f.Add([]byte("a,b\n\"x\"\"\",\"l1\r\nl2\"\n<END>\n"))
	f.Add([]byte("\ufeff<END>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rr := NewReportReader(bytes.NewReader(data))
		kind, err := rr.Kind()
		header, herr := rr.Header()
		if (err == nil) != (herr == nil) {
			t.Fatalf("Kind error %v, Header error %v", err, herr)
		}
		if err == nil && kind != DetectReportKind(header) {
			t.Fatalf("kind %q for header %q", kind, header)
		}
		for i := 0; ; i++ {
			row, err := rr.Next()
			if err == io.EOF {
				if !bytes.Contains(data, []byte(reportEndMarker)) {
					t.Fatal("complete report without <END>")
				}
				return
			}
			if err != nil {
				var re *ReportError
				if !errors.As(err, &re) || re.Line < 1 {
					t.Fatalf("error %v is not a *ReportError with a line", err)
				}
				return
			}
			if len(row.Values()) != len(header) {
				t.Fatalf("row %d has %d values, header %d", i, len(row.Values()), len(header))
			}
			for _, view := range []func(ReportRow) error{tdView, sdView, ssView} {
				if err := view(row); err != nil {
					var re *ReportError
					if !errors.As(err, &re) || re.Line != row.Line() {
						t.Fatalf("view error %v does not carry the row's line %d", err, row.Line())
					}
				}
			}
		}
	})
}

func TestReportTimes(t *testing.T) {
	sgt := time.FixedZone("SGT", 8*3600)
	tests := []struct {
		in   string
		want time.Time // zero: an error
	}{
		{"2026-11-20T10:30:00+08:00", time.Date(2026, 11, 20, 2, 30, 0, 0, time.UTC)},
		{"2026-11-20T10:30:00.250-07:00", time.Date(2026, 11, 20, 17, 30, 0, 250e6, time.UTC)},
		{"2026-11-20T10:30:00Z", time.Date(2026, 11, 20, 10, 30, 0, 0, time.UTC)},
		{"2026-11-20T10:30:00+0830", time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)},
		{"2026-11-20 10:30:00+08:00", time.Date(2026, 11, 20, 2, 30, 0, 0, time.UTC)},
		{"2026-11-20 10:30:00", time.Date(2026, 11, 20, 10, 30, 0, 0, sgt)},
		{"2026-11-20T10:30:00", time.Date(2026, 11, 20, 10, 30, 0, 0, sgt)},
		{"2026-11-20 10:30:00.5", time.Date(2026, 11, 20, 10, 30, 0, 5e8, sgt)},
		{"2026/11/20 10:30:00", time.Date(2026, 11, 20, 10, 30, 0, 0, sgt)},
		{"2026-11-20", time.Date(2026, 11, 20, 0, 0, 0, 0, sgt)},
		{"20261120", time.Date(2026, 11, 20, 0, 0, 0, 0, sgt)},
		{"2026-13-20", time.Time{}},
		{"20-11-2026", time.Time{}},
		{"1700000000", time.Time{}},
		{"2026-11-20T10:30:00+25:00", time.Time{}},
		{"today", time.Time{}},
	}
	for _, tt := range tests {
		rr := NewReportReader(strings.NewReader("t\n\"" + tt.in + "\"\n<END>\n"))
		rr.SetTimeZone(sgt)
		row, err := rr.Next()
		require.NoError(t, err)
		v := reportView{row: row}
		got := v.time("t")
		if tt.want.IsZero() {
			assert.Error(t, v.err, tt.in)
			continue
		}
		require.NoError(t, v.err, tt.in)
		assert.True(t, tt.want.Equal(got), "%s: got %v, want %v", tt.in, got, tt.want)
	}
}

// TestReportReaderBoundsRecords: an unterminated quote in a large file
// fails after about reportMaxRecord bytes instead of reading the rest of
// the file into one record.
func TestReportReaderBoundsRecords(t *testing.T) {
	body := "a,b\n1,2\n3,\"" + strings.Repeat("more text\n", 4*reportMaxRecord/10) + "<END>\n"
	src := &reportCountingReader{r: strings.NewReader(body)}
	rr := NewReportReader(src)
	row, err := rr.Next()
	require.NoError(t, err)
	assert.Equal(t, "2", row.Get("b"))
	_, err = rr.Next()
	require.ErrorIs(t, err, errReportRecordTooLong)
	var re *ReportError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 3, re.Line)
	assert.Less(t, src.n, int64(2*reportMaxRecord), "stopped reading early")

	// A long record within the bound is fine.
	long := strings.Repeat("x", reportMaxRecord-100)
	rows, err := readAllRows(NewReportReader(strings.NewReader("a\n\"" + long + "\"\n<END>\n")))
	require.NoError(t, err)
	require.Len(t, rows, 1)
	assert.Equal(t, long, rows[0].Get("a"))
}

type reportCountingReader struct {
	r io.Reader
	n int64
}

func (c *reportCountingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
