// Package xlsx reads and writes Antom's reconciliation reports in XLSX,
// the other format Antom delivers them in besides CSV
// (https://docs.antom.com/ac/marketplace/obtain_reports): the same header
// line, one row per record and a final <END> row, on the first sheet.
//
// A Report is an alipay.ReportSource, so the rows go through the same
// alipay.ReportReader as a CSV report's: the <END> rule, column lookup by
// name, typed views (TransactionDetail, SettlementDetail,
// SettlementSummary) and *alipay.ReportError with the sheet row as Line.
//
//	rep, err := xlsx.Open("SETTLEMENT_DETAIL_1022188000000000001_20261129.xlsx")
//	if err != nil {
//		return err
//	}
//	defer rep.Close()
//	rr := alipay.NewReportSourceReader(rep)
//	for row, err := range rr.All() { ... }
//
// The package lives in its own module so that the XLSX library
// (github.com/xuri/excelize/v2) stays out of the builds of services that
// only import github.com/xborderpay/alipay.
package xlsx

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xborderpay/alipay"
	"github.com/xuri/excelize/v2"
)

// ErrRowTooLong is returned for a row whose cells hold more than 1 MiB of
// text, the bound alipay.ReportReader puts on a CSV record.
var ErrRowTooLong = errors.New("xlsx: a row holds more than 1 MiB of text")

const maxRowBytes = 1 << 20

// DefaultMaxUnzippedSize bounds the uncompressed size of a workbook, so
// that a small file cannot unpack into gigabytes (a zip bomb). A report of
// a million lines is a few hundred megabytes unpacked.
const DefaultMaxUnzippedSize = 4 << 30

// Options tune Open and NewReport. The zero value is ready to use.
type Options struct {
	// Sheet is the sheet holding the report; the first sheet when empty.
	Sheet string
	// MaxUnzippedSize bounds the workbook's uncompressed size in bytes;
	// DefaultMaxUnzippedSize when 0.
	MaxUnzippedSize int64
}

// Report is a report in XLSX, open for reading one row at a time. It
// implements alipay.ReportSource; hand it to alipay.NewReportSourceReader.
//
// Rows are streamed from the sheet: excelize keeps the compressed file and
// the shared strings in memory, and spills parts larger than 16 MiB
// unpacked to temporary files, which Close removes.
//
// Cells are read as stored, not as displayed, so a number format cannot
// add thousands separators or round an amount. Two kinds of stored value
// are rewritten into the text form a CSV report has, by the column's name:
//   - in a column named like a time (ending in "Time" or "Date"), a number
//     is a spreadsheet date serial and becomes "2006-01-02 15:04:05",
//     without an offset, so the ReportReader reads it in its time zone
//     (alipay.ReportReader.SetTimeZone); an eight-digit whole number stays
//     as it is, being a compact yyyyMMdd date;
//   - in a column named like an amount or count (ending in "Value",
//     "Amount", "Fee" or "Count"), a number in exponent form such as
//     1.23456789E7 becomes the same number in plain digits, 12345678.9,
//     exactly.
//
// A sheet read this way cannot tell a number from text that looks like
// one, so the same holds for such text (where a CSV report would have an
// unreadable time or amount). Everything else, IDs stored as numbers
// included, is passed on as stored. A row ends at its last non-empty cell in XLSX, so rows shorter
// than the header are padded with empty cells; a row longer than the
// header stays longer and is an error of the ReportReader, as in CSV.
type Report struct {
	file   *excelize.File
	rows   *excelize.Rows
	date04 bool     // the workbook counts dates from 1904
	names  []string // the header's cells
	kinds  []column // how to read each column, from the header
	width  int      // cells of the header row; 0 until it is read
	row    int      // sheet row of the last row read
	err    error
}

// column says how a column's stored numbers are rewritten.
type column uint8

const (
	columnText column = iota
	columnTime
	columnNumber
)

// Open opens the XLSX report in the named file.
func Open(name string, opts ...Options) (*Report, error) {
	o := options(opts)
	f, err := guard(func() (*excelize.File, error) {
		return excelize.OpenFile(name, excelize.Options{RawCellValue: true, UnzipSizeLimit: o.MaxUnzippedSize})
	})
	if err != nil {
		return nil, fmt.Errorf("xlsx: %s: %w", name, err)
	}
	return newReport(f, o)
}

// NewReport reads an XLSX report from r. An XLSX file is a zip archive,
// whose index is at its end, so r is read to the end before the first row
// is returned.
func NewReport(r io.Reader, opts ...Options) (*Report, error) {
	o := options(opts)
	f, err := guard(func() (*excelize.File, error) {
		return excelize.OpenReader(r, excelize.Options{RawCellValue: true, UnzipSizeLimit: o.MaxUnzippedSize})
	})
	if err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	return newReport(f, o)
}

func options(opts []Options) Options {
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.MaxUnzippedSize <= 0 {
		o.MaxUnzippedSize = DefaultMaxUnzippedSize
	}
	return o
}

func newReport(f *excelize.File, o Options) (rep *Report, err error) {
	defer func() {
		if err != nil {
			_ = f.Close()
		}
	}()
	sheet := o.Sheet
	if sheet == "" {
		list := f.GetSheetList()
		if len(list) == 0 {
			return nil, errors.New("xlsx: the workbook has no sheet")
		}
		sheet = list[0]
	}
	props, err := guard(f.GetWorkbookProps)
	if err != nil {
		return nil, fmt.Errorf("xlsx: workbook properties: %w", err)
	}
	rows, err := guard(func() (*excelize.Rows, error) { return f.Rows(sheet) })
	if err != nil {
		return nil, fmt.Errorf("xlsx: sheet %q: %w", sheet, err)
	}
	return &Report{file: f, rows: rows, date04: props.Date1904 != nil && *props.Date1904}, nil
}

// ReadRecord returns the cells of the next row that is not blank and its
// 1-based sheet row, and io.EOF after the last row. It implements
// alipay.ReportSource.
func (rep *Report) ReadRecord() (fields []string, line int, err error) {
	if rep.err != nil {
		return nil, 0, rep.err
	}
	defer func() {
		if p := recover(); p != nil { // excelize is a large parser: no input may crash the caller
			fields, line, err = nil, 0, rep.fail(fmt.Errorf("xlsx: row %d: unreadable (%v)", rep.row+1, p))
		}
	}()
	for rep.rows.Next() {
		rep.row++
		cells, err := rep.rows.Columns()
		if err != nil {
			return nil, 0, rep.fail(&alipay.ReportError{Line: rep.row, Err: fmt.Errorf("xlsx: %w", err)})
		}
		if blank(cells) {
			continue
		}
		size := 0
		for _, c := range cells {
			size += len(c)
		}
		if size > maxRowBytes {
			return nil, 0, rep.fail(&alipay.ReportError{Line: rep.row, Err: ErrRowTooLong})
		}
		if rep.width == 0 {
			rep.header(cells)
			return cells, rep.row, nil
		}
		if len(cells) < rep.width && !(len(cells) == 1 && strings.TrimSpace(cells[0]) == "<END>") {
			cells = append(cells, make([]string, rep.width-len(cells))...)
		}
		for i, c := range cells {
			if i < len(rep.kinds) && rep.kinds[i] != columnText {
				if cells[i], err = rep.convert(rep.kinds[i], c); err != nil {
					return nil, 0, rep.fail(&alipay.ReportError{Line: rep.row, Column: rep.name(i), Err: err})
				}
			}
		}
		return cells, rep.row, nil
	}
	if err := rep.rows.Error(); err != nil {
		return nil, 0, rep.fail(&alipay.ReportError{Line: rep.row + 1, Err: fmt.Errorf("xlsx: %w", err)})
	}
	return nil, 0, rep.fail(io.EOF)
}

// Close releases the workbook and removes its temporary files.
func (rep *Report) Close() error {
	err := rep.rows.Close()
	if cerr := rep.file.Close(); err == nil {
		err = cerr
	}
	return err
}

func (rep *Report) fail(err error) error {
	rep.err = err
	return err
}

// header notes the width of the report and how each column's numbers are
// read. A file made only of <END> has no header: its one row is <END>.
func (rep *Report) header(cells []string) {
	rep.width = len(cells)
	rep.names = append([]string(nil), cells...)
	rep.kinds = make([]column, len(cells))
	for i, h := range cells {
		rep.kinds[i] = kindOf(strings.TrimSpace(h))
	}
}

func (rep *Report) name(i int) string { return strings.TrimSpace(rep.names[i]) }

func kindOf(name string) column {
	lower := strings.ToLower(name)
	for _, s := range []string{"time", "date"} {
		if strings.HasSuffix(lower, s) {
			return columnTime
		}
	}
	for _, s := range []string{"value", "amount", "fee", "count"} {
		if strings.HasSuffix(lower, s) {
			return columnNumber
		}
	}
	return columnText
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// number matches a number as a spreadsheet stores it.
var number = regexp.MustCompile(`^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$`)

// maxExponent bounds the exponent of a number rewritten in plain digits:
// a double cannot exceed 1e308, and a corrupt file must not ask for a
// million zeros.
const maxExponent = 400

func (rep *Report) convert(kind column, v string) (string, error) {
	s := strings.TrimSpace(v)
	if !number.MatchString(s) {
		return v, nil // text, or empty: the typed views judge it
	}
	switch kind {
	case columnTime:
		if len(s) == 8 && !strings.ContainsAny(s, ".eE+-") {
			return v, nil // yyyyMMdd
		}
		serial, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return "", fmt.Errorf("date serial %s: %w", s, err)
		}
		// 2958465 is 9999-12-31, the last day a spreadsheet can hold.
		if serial < 0 || serial >= 2958466 {
			return "", fmt.Errorf("%s is not a date serial", s)
		}
		t, err := excelize.ExcelDateToTime(serial, rep.date04)
		if err != nil || t.Year() < 1900 || t.Year() > 9999 {
			return "", fmt.Errorf("%s is not a date serial", s)
		}
		return t.Round(time.Second).Format("2006-01-02 15:04:05"), nil
	default:
		i := strings.IndexAny(s, "eE")
		if i < 0 {
			return v, nil
		}
		exp, err := strconv.Atoi(s[i+1:])
		if err != nil || exp > maxExponent || exp < -maxExponent {
			return "", fmt.Errorf("number %s is out of range", s)
		}
		return plainDecimal(s[:i], exp), nil
	}
}

// plainDecimal writes mantissa × 10^exp in plain digits, exactly: it only
// moves the decimal point.
func plainDecimal(mantissa string, exp int) string {
	sign := ""
	switch mantissa[0] {
	case '-':
		sign = "-"
		mantissa = mantissa[1:]
	case '+':
		mantissa = mantissa[1:]
	}
	whole, frac, _ := strings.Cut(mantissa, ".")
	digits := whole + frac
	point := len(whole) + exp
	switch {
	case point <= 0:
		digits = strings.Repeat("0", 1-point) + digits
		point = 1
	case point > len(digits):
		digits += strings.Repeat("0", point-len(digits))
	}
	whole = strings.TrimLeft(digits[:point], "0")
	if whole == "" {
		whole = "0"
	}
	if frac = strings.TrimRight(digits[point:], "0"); frac != "" {
		return sign + whole + "." + frac
	}
	return sign + whole
}

// guard turns a panic of the XLSX library into an error: no file may
// crash the program reading it.
func guard[T any](fn func() (T, error)) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("unreadable workbook (%v)", p)
		}
	}()
	return fn()
}
