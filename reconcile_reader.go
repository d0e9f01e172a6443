package alipay

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"time"
)

// Errors of ReportReader, matched with errors.Is.
var (
	// ErrReportTruncated: the stream ended before the <END> line, so the
	// report is incomplete (a half-downloaded file, for instance).
	ErrReportTruncated = errors.New("alipay: report ends without the <END> line")
	// ErrReportAfterEnd: something other than blank lines follows <END>.
	ErrReportAfterEnd = errors.New("alipay: data after the <END> line")
)

// ReportError is an error in a reconciliation report. It wraps the cause:
// ErrReportTruncated, ErrReportAfterEnd, an encoding/csv error such as
// csv.ErrQuote, an amount error such as ErrExcessPrecision, or the error of
// the io.Reader the report is read from.
type ReportError struct {
	Line   int    // 1-based line of the file; for a row, the line it starts on
	Column string // the column at fault, when there is one
	Err    error
}

func (e *ReportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "alipay: report line %d", e.Line)
	if e.Column != "" {
		fmt.Fprintf(&b, ", column %s", e.Column)
	}
	b.WriteString(": ")
	b.WriteString(strings.TrimPrefix(e.Err.Error(), "alipay: "))
	return b.String()
}

// Unwrap returns the cause.
func (e *ReportError) Unwrap() error { return e.Err }

// ReportReader streams the rows of an Antom reconciliation report in CSV:
// transaction details, settlement details or settlement summary. It holds
// one row at a time, so memory does not grow with the file. Reports in
// another format (XLSX) are read by the same rules through
// NewReportSourceReader.
//
// The first line is the header; columns are found by name,
// case-insensitively, and columns the SDK does not know stay reachable
// through ReportRow.Get. The reader accepts UTF-8 with or without a byte
// order mark, CRLF or LF line ends, quoted fields with commas, quotes and
// line breaks, and trims spaces around fields. The <END> line ends the
// report: Next returns io.EOF after it, an error wrapping ErrReportTruncated
// if the stream stops before it, and one wrapping ErrReportAfterEnd if
// anything but blank lines follows it. Every error is a *ReportError with
// the line number. Errors are final: later calls return the same error.
//
// A row shares its storage with the reader and is valid until the next
// call to Next (or the next iteration of All); use ReportRow.Clone to keep
// one. Using a stale row panics rather than return another row's values.
// The typed views (TransactionDetail, ...) return independent values.
//
// Rows are handed out as they are read, so a cut file is only known to be
// cut when the stream ends: act on a report's rows (or commit what was
// derived from them) only after Next has returned io.EOF.
//
// A record (a line, or several when a quoted field holds line breaks)
// longer than 1 MiB is an error, so that a stray quote in a corrupt file
// cannot pull the rest of it into memory.
type ReportReader struct {
	br   *bufio.Reader
	src  *reportBoundedSource
	csv  *csv.Reader
	recs ReportSource // instead of br, src and csv when not reading CSV
	meta *reportMeta
	loc  *time.Location
	err  error
	line int    // line of the last record read
	gen  uint64 // rows handed out so far; a row from an earlier one is stale
}

// reportMaxRecord bounds the bytes of one record: encoding/csv holds a
// whole record in memory.
const reportMaxRecord = 1 << 20

var errReportRecordTooLong = fmt.Errorf("a record is longer than %d bytes (an unterminated quote?)", reportMaxRecord)

// reportBoundedSource fails a read that would take the record being
// parsed beyond reportMaxRecord.
type reportBoundedSource struct {
	r      io.Reader
	read   int64 // bytes read from r
	parsed int64 // bytes of the records encoding/csv returned so far
}

func (s *reportBoundedSource) Read(p []byte) (int, error) {
	if s.read-s.parsed > reportMaxRecord {
		return 0, errReportRecordTooLong
	}
	n, err := s.r.Read(p)
	s.read += int64(n)
	return n, err
}

// NewReportReader returns a reader of the report in r. Nothing is read
// until the first call to Header, Kind, Next or All.
func NewReportReader(r io.Reader) *ReportReader {
	src := &reportBoundedSource{r: r}
	br := bufio.NewReaderSize(src, 64<<10)
	c := csv.NewReader(br) // reads br directly: it is large enough
	c.FieldsPerRecord = -1 // the <END> line has one field; counts are checked here
	c.ReuseRecord = true
	// TrimLeadingSpace would accept spaces before an opening quote, but it
	// runs unicode.IsSpace over every field and costs a third of the
	// throughput; spaces are trimmed after parsing instead.
	return &ReportReader{br: br, src: src, csv: c, loc: time.UTC}
}

// ReportSource hands a report's records to a ReportReader when the report
// is not CSV: the rows of a spreadsheet, for instance. Package
// github.com/xborderpay/alipay/reports/xlsx provides one for Antom's XLSX
// reports, which carry the same header, rows and <END> line as the CSV ones
// (https://docs.antom.com/ac/marketplace/obtain_reports).
type ReportSource interface {
	// ReadRecord returns the next record's fields and the 1-based line (or
	// sheet row) it comes from, skipping blank records, and io.EOF after
	// the last record. Fields may be returned in storage reused by the
	// next call. A source whose records have no fixed width (a spreadsheet
	// row ends at its last non-empty cell) pads them to the header's.
	ReadRecord() (fields []string, line int, err error)
}

// NewReportSourceReader returns a reader of the report whose records src
// yields. It applies the same rules as NewReportReader's: header, column
// names, the <END> line, typed views and errors, with lines as src numbers
// them. Nothing is read until the first call to Header, Kind, Next or All.
func NewReportSourceReader(src ReportSource) *ReportReader {
	return &ReportReader{recs: src, loc: time.UTC}
}

// SetTimeZone sets the zone in which times without an offset are read.
// The default is UTC: Antom's reports do not say which zone their dates are
// in (docs/protocol/ams.md §8.10). Call it before reading rows.
func (rr *ReportReader) SetTimeZone(loc *time.Location) {
	if loc != nil {
		rr.loc = loc
		if rr.meta != nil {
			rr.meta.loc = loc
		}
	}
}

// Header returns the column names of the report as written in its first
// line, spaces trimmed. It reads the header if no row was read yet. A file
// made only of the <END> line has no header and no rows.
func (rr *ReportReader) Header() ([]string, error) {
	if err := rr.readHeader(); err != nil {
		return nil, err
	}
	return append([]string(nil), rr.meta.header...), nil
}

// Kind returns which report this is, recognised from the header (see
// DetectReportKind).
func (rr *ReportReader) Kind() (ReportKind, error) {
	if err := rr.readHeader(); err != nil {
		return ReportUnknown, err
	}
	return rr.meta.kind, nil
}

// Next returns the next row. It returns io.EOF after the <END> line.
func (rr *ReportReader) Next() (ReportRow, error) {
	if err := rr.readHeader(); err != nil {
		return ReportRow{}, err
	}
	rec, err := rr.read()
	if err != nil {
		return ReportRow{}, err
	}
	if len(rec) != len(rr.meta.header) {
		err := fmt.Errorf("%d fields, the header has %d", len(rec), len(rr.meta.header))
		line := rr.line
		if _, next := rr.record(); next == io.EOF {
			// A short last line with no <END> after it: the file was cut.
			err = fmt.Errorf("%w: the last line is incomplete (%v)", ErrReportTruncated, err)
		}
		rr.line = line
		return ReportRow{}, rr.fail(&ReportError{Line: line, Err: err})
	}
	rr.gen++ // values are trimmed when read, not here: most are never read
	return ReportRow{fields: rec, meta: rr.meta, line: rr.line, src: rr, gen: rr.gen}, nil
}

// All returns an iterator over the remaining rows. It stops after the
// <END> line, or after yielding the first error.
//
//	for row, err := range rr.All() {
//		if err != nil {
//			return err
//		}
//		id := row.Get("transactionId")
//	}
func (rr *ReportReader) All() iter.Seq2[ReportRow, error] {
	return func(yield func(ReportRow, error) bool) {
		for {
			row, err := rr.Next()
			if err == io.EOF {
				return
			}
			if !yield(row, err) || err != nil {
				return
			}
		}
	}
}

// read returns the next record that is not the <END> line, or io.EOF after
// it.
func (rr *ReportReader) read() ([]string, error) {
	if rr.err != nil {
		return nil, rr.err
	}
	rec, err := rr.record()
	if err != nil {
		return nil, rr.fail(rr.wrapCSV(err))
	}
	if len(rec) != 1 || reportTrim(rec[0]) != reportEndMarker {
		return rec, nil
	}
	endLine := rr.line
	switch _, err := rr.record(); {
	case err == io.EOF:
		return nil, rr.fail(io.EOF)
	case err == nil:
		return nil, rr.fail(&ReportError{Line: rr.line, Err: fmt.Errorf("%w (<END> is on line %d)", ErrReportAfterEnd, endLine)})
	default:
		var pe *csv.ParseError
		line := endLine + 1
		if errors.As(err, &pe) {
			line = pe.StartLine
		}
		return nil, rr.fail(&ReportError{Line: line, Err: fmt.Errorf("%w (<END> is on line %d)", ErrReportAfterEnd, endLine)})
	}
}

// record reads the next record from the CSV parser or the ReportSource
// and sets rr.line to the line it starts on.
func (rr *ReportReader) record() ([]string, error) {
	if rr.recs != nil {
		rec, line, err := rr.recs.ReadRecord()
		if err == nil {
			rr.line = line
		}
		return rec, err
	}
	rec, err := rr.csv.Read()
	if err != nil {
		return nil, err
	}
	rr.src.parsed = rr.csv.InputOffset()
	rr.line, _ = rr.csv.FieldPos(0)
	return rec, nil
}

func (rr *ReportReader) wrapCSV(err error) error {
	if err == io.EOF {
		return &ReportError{Line: rr.line + 1, Err: ErrReportTruncated}
	}
	var (
		pe *csv.ParseError
		re *ReportError
	)
	switch {
	case errors.As(err, &pe):
		return &ReportError{Line: pe.StartLine, Err: fmt.Errorf("%w (line %d, column %d)", pe.Err, pe.Line, pe.Column)}
	case errors.As(err, &re):
		return err // a ReportSource that knows the line
	}
	return &ReportError{Line: rr.line + 1, Err: err} // the io.Reader or ReportSource failed
}

func (rr *ReportReader) fail(err error) error {
	rr.err = err
	return err
}

// readHeader reads and checks the header line once.
func (rr *ReportReader) readHeader() error {
	if rr.meta != nil {
		return nil
	}
	if rr.err != nil {
		return rr.err
	}
	if rr.br != nil {
		if bom, _ := rr.br.Peek(3); string(bom) == "\ufeff" {
			_, _ = rr.br.Discard(3)
		}
	}
	rec, err := rr.read()
	if err == io.EOF { // the file is just <END>
		rr.meta = newReportMeta(nil, rr.loc)
		return nil
	}
	if err != nil {
		return err
	}
	header := make([]string, len(rec))
	for i, h := range rec {
		header[i] = reportTrim(h)
		if header[i] == "" {
			return rr.fail(&ReportError{Line: rr.line, Err: fmt.Errorf("header: column %d has no name", i+1)})
		}
		for _, prev := range header[:i] {
			if reportEqualFold(prev, header[i]) {
				return rr.fail(&ReportError{Line: rr.line, Column: header[i], Err: errors.New("header: column name appears twice")})
			}
		}
	}
	rr.meta = newReportMeta(header, rr.loc)
	return nil
}

// reportTrim removes ASCII spaces and tabs around a field without
// allocating.
func reportTrim(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}
