package xlsx

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xborderpay/alipay"
	"github.com/xuri/excelize/v2"
)

// cellSetter sets one cell of a test workbook the way a writer would:
// text (shared strings), a number, a raw stored value, a date.
type cellSetter func(f *excelize.File, sheet, ref string) error

func text(s string) cellSetter {
	return func(f *excelize.File, sheet, ref string) error { return f.SetCellStr(sheet, ref, s) }
}

func num(v float64) cellSetter {
	return func(f *excelize.File, sheet, ref string) error { return f.SetCellFloat(sheet, ref, v, -1, 64) }
}

// stored writes v as the cell's stored value with no type: a number as
// another writer may have put it, exponent form included.
func stored(v string) cellSetter {
	return func(f *excelize.File, sheet, ref string) error { return f.SetCellDefault(sheet, ref, v) }
}

func date(t time.Time) cellSetter {
	return func(f *excelize.File, sheet, ref string) error { return f.SetCellValue(sheet, ref, t) }
}

// workbook builds an XLSX file; rows are placed at sheet row i+1, and a
// nil cell is left out.
func workbook(t testing.TB, date1904 bool, rows ...[]cellSetter) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if date1904 {
		require.NoError(t, f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: ptr(true)}))
	}
	sheet := f.GetSheetName(0)
	for r, row := range rows {
		for c, set := range row {
			if set == nil {
				continue
			}
			ref, err := excelize.CoordinatesToCellName(c+1, r+1)
			require.NoError(t, err)
			require.NoError(t, set(f, sheet, ref))
		}
	}
	var b bytes.Buffer
	require.NoError(t, f.Write(&b))
	return b.Bytes()
}

func texts(ss ...string) []cellSetter {
	row := make([]cellSetter, len(ss))
	for i, s := range ss {
		row[i] = text(s)
	}
	return row
}

var end = texts("<END>")

// readRows reads every row through alipay.ReportReader, the way users do.
func readRows(t *testing.T, data []byte) ([][]string, []int, error) {
	t.Helper()
	rep, err := NewReport(bytes.NewReader(data))
	require.NoError(t, err)
	defer func() { assert.NoError(t, rep.Close()) }()
	var (
		values [][]string
		lines  []int
	)
	for row, err := range alipay.NewReportSourceReader(rep).All() {
		if err != nil {
			return values, lines, err
		}
		values = append(values, row.Values())
		lines = append(lines, row.Line())
	}
	return values, lines, nil
}

func TestReportQuirks(t *testing.T) {
	header := texts("transactionId", "transactionTime", "transactionAmountValue", "transactionCurrency", "merchantRemark")
	at := time.Date(2026, 11, 29, 10, 30, 15, 0, time.UTC)
	tests := []struct {
		name     string
		date1904 bool
		rows     [][]cellSetter
		want     [][]string
		lines    []int
		wantErr  error
		errLine  int
		errInMsg string
	}{
		{
			name: "shared strings",
			rows: [][]cellSetter{header, texts("p1", "2026-11-29 10:30:15", "10.25", "USD", "Mug, \"large\""), end},
			want: [][]string{{"p1", "2026-11-29 10:30:15", "10.25", "USD", "Mug, \"large\""}},
		},
		{
			name: "numbers stored as numbers",
			rows: [][]cellSetter{header,
				{text("p1"), nil, num(10.25), text("USD")},
				{text("p2"), nil, stored("1.23456789E7"), text("USD")},
				{text("p3"), nil, stored("-5E-3"), text("KWD")},
				{text("p4"), nil, num(1500), text("JPY")},
				end},
			want: [][]string{
				{"p1", "", "10.25", "USD", ""},
				{"p2", "", "12345678.9", "USD", ""},
				{"p3", "", "-0.005", "KWD", ""},
				{"p4", "", "1500", "JPY", ""},
			},
		},
		{
			name: "an ID stored as a number stays as stored",
			rows: [][]cellSetter{header, {stored("20261129000000000001"), nil, num(1), text("USD")}, end},
			want: [][]string{{"20261129000000000001", "", "1", "USD", ""}},
		},
		{
			name: "dates as serials",
			rows: [][]cellSetter{header,
				{text("p1"), date(at), num(1), text("USD")},
				{text("p2"), stored("46355.4376736111"), num(1), text("USD")},
				{text("p3"), stored("20261129"), num(1), text("USD")},
				end},
			want: [][]string{
				{"p1", "2026-11-29 10:30:15", "1", "USD", ""},
				{"p2", "2026-11-29 10:30:15", "1", "USD", ""},
				{"p3", "20261129", "1", "USD", ""},
			},
		},
		{
			name:     "dates as serials in a 1904 workbook",
			date1904: true,
			rows:     [][]cellSetter{header, {text("p1"), stored("44893.4376736111"), num(1), text("USD")}, end},
			want:     [][]string{{"p1", "2026-11-29 10:30:15", "1", "USD", ""}},
		},
		{
			name: "empty cells, inside and at the end of a row",
			rows: [][]cellSetter{header, {text("p1"), nil, nil, text("USD")}, {text("p2")}, end},
			want: [][]string{{"p1", "", "", "USD", ""}, {"p2", "", "", "", ""}},
		},
		{
			name:  "blank rows are skipped, rows keep their sheet numbers",
			rows:  [][]cellSetter{header, nil, texts("p1", "", "1", "USD"), {text(" ")}, end, nil},
			want:  [][]string{{"p1", "", "1", "USD", ""}},
			lines: []int{3},
		},
		{
			name:    "missing <END>",
			rows:    [][]cellSetter{header, texts("p1", "", "1", "USD")},
			want:    [][]string{{"p1", "", "1", "USD", ""}},
			wantErr: alipay.ErrReportTruncated, errLine: 3,
		},
		{
			name:    "data after <END>",
			rows:    [][]cellSetter{header, end, texts("p1")},
			wantErr: alipay.ErrReportAfterEnd, errLine: 3,
		},
		{
			name:     "a row wider than the header",
			rows:     [][]cellSetter{header, texts("p1", "", "1", "USD", "", "extra"), end},
			errLine:  2,
			errInMsg: "6 fields, the header has 5",
		},
		{
			name:     "a serial out of range",
			rows:     [][]cellSetter{header, {text("p1"), stored("1e300")}, end},
			errLine:  2,
			errInMsg: "column transactionTime: 1e300 is not a date serial",
		},
		{
			name:     "an exponent out of range",
			rows:     [][]cellSetter{header, {text("p1"), nil, stored("1e999")}, end},
			errLine:  2,
			errInMsg: "number 1e999 is out of range",
		},
		{
			name: "only <END>",
			rows: [][]cellSetter{end},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values, lines, err := readRows(t, workbook(t, tt.date1904, tt.rows...))
			assert.Equal(t, tt.want, values)
			if tt.lines != nil {
				assert.Equal(t, tt.lines, lines)
			}
			if tt.wantErr == nil && tt.errInMsg == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
			}
			assert.Contains(t, err.Error(), tt.errInMsg)
			var re *alipay.ReportError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tt.errLine, re.Line)
		})
	}
}

func TestReportTypedView(t *testing.T) {
	at := time.Date(2026, 11, 29, 10, 30, 15, 0, time.UTC)
	data := workbook(t, false,
		texts("customerId", "transactionId", "transactionType", "transactionTime", "transactionAmountValue", "transactionCurrency", "processingFeeAmountValue", "processingFeeCurrency"),
		[]cellSetter{text("1022188000000000001"), text("20261129000000000001"), text("PAYMENT"), date(at), num(10.25), text("USD"), num(-0.31), text("USD")},
		end)
	rep, err := NewReport(bytes.NewReader(data))
	require.NoError(t, err)
	defer rep.Close()
	rr := alipay.NewReportSourceReader(rep)
	kind, err := rr.Kind()
	require.NoError(t, err)
	assert.Equal(t, alipay.ReportTransactionDetails, kind)
	row, err := rr.Next()
	require.NoError(t, err)
	d, err := row.TransactionDetail()
	require.NoError(t, err)
	assert.Equal(t, 2, d.Line)
	assert.Equal(t, "20261129000000000001", d.TransactionID)
	assert.True(t, at.Equal(d.TransactionTime), "%v", d.TransactionTime)
	assert.Equal(t, alipay.Amount{Currency: "USD", Value: "1025"}, d.TransactionAmount)
	require.Len(t, d.Fees, 1)
	assert.Equal(t, alipay.Amount{Currency: "USD", Value: "-31"}, d.Fees[0].Amount)

	// A serial has no zone: it is read in the reader's.
	rep2, err := NewReport(bytes.NewReader(data))
	require.NoError(t, err)
	defer rep2.Close()
	rr = alipay.NewReportSourceReader(rep2)
	tokyo := time.FixedZone("JST", 9*3600)
	rr.SetTimeZone(tokyo)
	row, err = rr.Next()
	require.NoError(t, err)
	d, err = row.TransactionDetail()
	require.NoError(t, err)
	assert.True(t, time.Date(2026, 11, 29, 10, 30, 15, 0, tokyo).Equal(d.TransactionTime))
}

func TestReportBadFiles(t *testing.T) {
	good := workbook(t, false, texts("transactionId"), texts("p1"), end)
	t.Run("not a workbook", func(t *testing.T) {
		_, err := NewReport(strings.NewReader("transactionId\n<END>\n"))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "xlsx: ")
	})
	t.Run("cut workbook", func(t *testing.T) {
		_, err := NewReport(bytes.NewReader(good[:len(good)/2]))
		require.Error(t, err)
	})
	t.Run("unpacks beyond the limit", func(t *testing.T) {
		_, err := NewReport(bytes.NewReader(good), Options{MaxUnzippedSize: 100})
		require.Error(t, err)
	})
	t.Run("no such sheet", func(t *testing.T) {
		_, err := NewReport(bytes.NewReader(good), Options{Sheet: "Report"})
		require.Error(t, err)
		assert.Contains(t, err.Error(), `sheet "Report"`)
	})
	t.Run("a row over 1 MiB", func(t *testing.T) {
		long := strings.Repeat("x", 30000)
		row := make([]cellSetter, 40)
		for i := range row {
			row[i] = text(long)
		}
		header := make([]string, 40)
		for i := range header {
			header[i] = "c" + strings.Repeat("x", i)
		}
		_, _, err := readRows(t, workbook(t, false, texts(header...), row, end))
		require.ErrorIs(t, err, ErrRowTooLong)
	})
	t.Run("missing file", func(t *testing.T) {
		_, err := Open(filepath.Join(t.TempDir(), "nope.xlsx"))
		require.ErrorIs(t, err, os.ErrNotExist)
	})
}

// TestWriteReportRoundTrip writes the CSV reports of the root package's
// test data as XLSX and reads them back: every row's typed view must equal
// the CSV row's (a UTC time comes back as a serial, without its Z, which
// the reader reads in UTC by default).
func TestWriteReportRoundTrip(t *testing.T) {
	for _, name := range []string{"transaction_details", "settlement_details", "settlement_summary"} {
		t.Run(name, func(t *testing.T) {
			csvData, err := os.ReadFile("../../testdata/reports/" + name + ".csv")
			require.NoError(t, err)
			want := views(t, alipay.NewReportReader(bytes.NewReader(csvData)))
			require.NotEmpty(t, want)

			path := filepath.Join(t.TempDir(), name+".xlsx")
			out, err := os.Create(path)
			require.NoError(t, err)
			require.NoError(t, WriteReport(out, bytes.NewReader(csvData)))
			require.NoError(t, out.Close())

			rep, err := Open(path)
			require.NoError(t, err)
			defer rep.Close()
			assert.Equal(t, want, views(t, alipay.NewReportSourceReader(rep)))
		})
	}
}

// views returns the typed view of every row, without line numbers (a
// CSV record may span lines, a sheet row cannot).
func views(t *testing.T, rr *alipay.ReportReader) []any {
	t.Helper()
	var out []any
	for row, err := range rr.All() {
		require.NoError(t, err)
		switch row.Kind() {
		case alipay.ReportTransactionDetails:
			d, err := row.TransactionDetail()
			require.NoError(t, err)
			d.Line = 0
			out = append(out, d)
		case alipay.ReportSettlementDetails:
			d, err := row.SettlementDetail()
			require.NoError(t, err)
			d.Line = 0
			out = append(out, d)
		case alipay.ReportSettlementSummary:
			s, err := row.SettlementSummary()
			require.NoError(t, err)
			s.Line = 0
			out = append(out, s)
		default:
			t.Fatalf("unknown report kind")
		}
	}
	return out
}

func TestWriteReportStoresNumbersAndDates(t *testing.T) {
	csvData := "transactionId,transactionTime,transactionAmountValue,transactionCurrency\n" +
		"p1,2026-11-29T10:30:15Z,10.25,USD\n" +
		"p2,2026-11-29T10:30:15+08:00,200000000000010.23,USD\n" +
		"<END>\n"
	var b bytes.Buffer
	require.NoError(t, WriteReport(&b, strings.NewReader(csvData)))
	f, err := excelize.OpenReader(&b, excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	defer f.Close()
	sheet := f.GetSheetName(0)
	stored := func(ref string) (excelize.CellType, string) {
		typ, err := f.GetCellType(sheet, ref)
		require.NoError(t, err)
		v, err := f.GetCellValue(sheet, ref)
		require.NoError(t, err)
		return typ, v
	}
	typ, v := stored("C2")
	assert.Equal(t, excelize.CellTypeUnset, typ, "an exact amount is a number (no type attribute)")
	assert.Equal(t, "10.25", v)
	typ, v = stored("B2")
	assert.Equal(t, excelize.CellTypeUnset, typ, "a UTC time is a date serial")
	assert.Regexp(t, `^46355\.43767\d*$`, v)
	typ, v = stored("B3")
	assert.Equal(t, excelize.CellTypeInlineString, typ, "a time with an offset stays text: a serial has no zone")
	assert.Equal(t, "2026-11-29T10:30:15+08:00", v)
	typ, _ = stored("C3")
	assert.Equal(t, excelize.CellTypeInlineString, typ, "17 digits do not survive a double")
	_, v = stored("A4")
	assert.Equal(t, "<END>", v)
}

func TestWriteReportErrors(t *testing.T) {
	tests := []struct {
		name, csv string
		want      error
	}{
		{"cut CSV", "transactionId\np1\n", alipay.ErrReportTruncated},
		{"after <END>", "transactionId\np1\n<END>\np2\n", alipay.ErrReportAfterEnd},
		{"cell too long", "transactionId,merchantRemark\np1," + strings.Repeat("x", 40000) + "\n<END>\n", errCellTooLong},
		{"NUL", "transactionId\np\x001\n<END>\n", errUnstorable},
		{"invalid UTF-8", "transactionId\np\xff1\n<END>\n", errUnstorable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := WriteReport(io.Discard, strings.NewReader(tt.csv))
			require.ErrorIs(t, err, tt.want)
		})
	}
	require.NoError(t, WriteReport(io.Discard, strings.NewReader("<END>\n")))
}

func TestPlainDecimal(t *testing.T) {
	tests := []struct {
		mantissa string
		exp      int
		want     string
	}{
		{"1.23456789", 7, "12345678.9"}, {"1", 3, "1000"}, {"-5", -3, "-0.005"}, {"+1.5", -3, "0.0015"},
		{"12.5", 0, "12.5"}, {"0.000", 2, "0"}, {"1.", 1, "10"}, {".5", 1, "5"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, plainDecimal(tt.mantissa, tt.exp), "%sE%d", tt.mantissa, tt.exp)
	}
}
