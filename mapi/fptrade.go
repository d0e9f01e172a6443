package mapi

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// FPTradeRow is one row of the daily SFTP transaction file
// <PID>_fptrade_<YYYYMMDD>.csv (docs/protocol/mapi.md §6). Amounts are decimal strings as in
// the file; absent columns are empty.
type FPTradeRow struct {
	PartnerTransactionID         string // out_trade_no of a payment, out_return_no of a refund
	Amount                       string // in Currency
	RMBAmount                    string
	Fee                          string // in Currency
	Settlement                   string // in Currency
	RMBSettlement                string
	Currency                     string
	Rate                         string
	PaymentTime                  time.Time // Beijing
	SettlementTime               time.Time // zero when not settled
	Type                         string    // P payment, R refund
	Status                       string    // P succeeded, L settled
	Remarks                      string
	OriginalPartnerTransactionID string // the payment's out_trade_no, for refunds (when enabled)
	TransactionID                string // Alipay's trade_no (when enabled)
	DistributeAmount             string
	DistributeRMBAmount          string
	// Extra holds columns this package does not know, by header name as
	// written; nil when there are none.
	Extra map[string]string
	Line  int // line number of the row in the file
}

// fptradeColumn is a column of the fptrade file: one of FPTradeRow's
// fields, or colExtra.
type fptradeColumn uint8

const (
	colExtra fptradeColumn = iota // unknown: kept in Extra
	colPartnerTransactionID
	colAmount
	colRMBAmount
	colFee
	colSettlement
	colRMBSettlement
	colCurrency
	colRate
	colType
	colStatus
	colRemarks
	colOriginalPartnerTransactionID
	colTransactionID
	colDistributeAmount
	colDistributeRMBAmount
	colPaymentTime
	colSettlementTime
)

// fptradeColumns maps lower-case header names to their columns.
var fptradeColumns = map[string]fptradeColumn{
	"partner_transaction_id":          colPartnerTransactionID,
	"amount":                          colAmount,
	"rmb_amount":                      colRMBAmount,
	"fee":                             colFee,
	"settlement":                      colSettlement,
	"rmb_settlement":                  colRMBSettlement,
	"currency":                        colCurrency,
	"rate":                            colRate,
	"type":                            colType,
	"status":                          colStatus,
	"remarks":                         colRemarks,
	"original_partner_transaction_id": colOriginalPartnerTransactionID,
	"transaction_id":                  colTransactionID,
	"distribute_amount":               colDistributeAmount,
	"distribute_rmb_amount":           colDistributeRMBAmount,
	"payment_time":                    colPaymentTime,
	"settlement_time":                 colSettlementTime,
}

// fptradeTimeLayouts are the time forms Alipay's file families use (docs/protocol/mapi.md
// §6); the fptrade file's own is not documented.
var fptradeTimeLayouts = []string{layoutDateTime, layoutCompact, "2006/01/02 15:04:05", "01/02/2006 15:04:05", "2006-01-02"}

// FPTradeReader streams an fptrade CSV in constant memory. It also reads
// the settlement detail file, whose columns are the same family
// (Partner_transaction_id, Amount, Rmb_amount, Fee, Settlement,
// Rmb_settlement, Currency, Rate, Payment_time, Settlement_time, ...);
// the settlement summary file has its own reader,
// SettlementSummaryReader. Files are GBK or UTF-8 (see Charset),
// columns found by header name in any case, tabs and padding stripped
// from every field, quoted fields (even over several lines) as in
// encoding/csv with LazyQuotes.
type FPTradeReader struct {
	// Charset is the encoding of the file: CharsetAuto (the default)
	// decides once, on a sample of the file; set it before the first read
	// to force one, e.g. CharsetGBK for files known to come from Alipay's
	// SFTP server in GBK.
	Charset Charset

	lr     *lineReader
	quoted *csv.Reader     // parses the records that contain a '"'; nil until one does
	ql     quotedLines     // feeds quoted its lines
	fields []string        // the current record, reused
	buf    []byte          // a line without its tabs, reused
	header []string        // lower-case names
	raw    []string        // names as written
	cols   []fptradeColumn // per column, looked up once
	err    error
}

// NewFPTradeReader returns a reader for r. The header is read by the first
// call to Next or Header.
func NewFPTradeReader(r io.Reader) *FPTradeReader {
	fr := &FPTradeReader{lr: newLineReader(r, defaultMaxFileLineSize)}
	fr.lr.cs = &fr.Charset
	return fr
}

// Header returns the column names as written in the file.
func (fr *FPTradeReader) Header() ([]string, error) {
	if err := fr.readHeader(); err != nil {
		return nil, err
	}
	return fr.raw, nil
}

func (fr *FPTradeReader) readHeader() error {
	if fr.header != nil || fr.err != nil {
		return fr.err
	}
	rec, _, err := fr.record()
	if err == io.EOF {
		fr.err = errors.New("mapi: fptrade file is empty (no header)")
		return fr.err
	}
	if err != nil {
		fr.err = fmt.Errorf("mapi: fptrade header: %w", err)
		return fr.err
	}
	seen := map[string]bool{}
	for _, name := range rec {
		low := strings.ToLower(name)
		if low != "" && seen[low] {
			fr.err = fmt.Errorf("mapi: fptrade header: column %q appears twice", truncate(name, 40))
			return fr.err
		}
		seen[low] = true
		fr.raw = append(fr.raw, name)
		fr.header = append(fr.header, low)
		fr.cols = append(fr.cols, fptradeColumns[low])
	}
	for _, need := range []string{"partner_transaction_id", "amount", "currency"} {
		if !seen[need] {
			fr.err = fmt.Errorf("mapi: fptrade header has no %s column (found %d columns)", need, len(fr.raw))
			return fr.err
		}
	}
	return nil
}

// Next returns the next row, or io.EOF after the last. Every error names
// the line. A row that fails validation does not stop the reader: the
// next call reads on. An error reading the file (a line or quoted record
// over 64 KiB, a failed read) is returned by every later call.
func (fr *FPTradeReader) Next() (FPTradeRow, error) {
	if err := fr.readHeader(); err != nil {
		return FPTradeRow{}, err
	}
	for {
		rec, line, err := fr.record()
		if err != nil {
			if err != io.EOF {
				err = fmt.Errorf("mapi: fptrade: %w", err)
			}
			return FPTradeRow{}, err
		}
		row := FPTradeRow{Line: line}
		empty := true
		for i, v := range rec {
			if v != "" {
				empty = false
			}
			if i >= len(fr.header) {
				if v != "" {
					return FPTradeRow{}, fmt.Errorf("mapi: fptrade line %d: %d fields but the header has %d", line, len(rec), len(fr.header))
				}
				continue
			}
			if err := fr.set(&row, i, v); err != nil {
				return FPTradeRow{}, fmt.Errorf("mapi: fptrade line %d: %w", line, err)
			}
		}
		if empty {
			continue
		}
		if err := row.check(); err != nil {
			return FPTradeRow{}, fmt.Errorf("mapi: fptrade line %d: %w", line, err)
		}
		return row, nil
	}
}

// record returns the fields of the next non-empty record, tabs removed and
// spaces trimmed, and the line it starts on. The slice is reused.
//
// A line without '"' is split at its commas, which is all encoding/csv
// would do with it, at a fraction of the cost. A line with one goes to
// encoding/csv (LazyQuotes), which may read further lines for a quoted
// field that spans them.
func (fr *FPTradeReader) record() ([]string, int, error) {
	for {
		b, err := fr.lr.next()
		if err != nil {
			return nil, 0, err
		}
		if len(b) == 0 {
			continue
		}
		if bytes.IndexByte(b, '"') >= 0 {
			return fr.quotedRecord(b)
		}
		// Tabs go before splitting: they are never commas, and one pass
		// over the line beats one per field.
		if bytes.IndexByte(b, '\t') >= 0 {
			fr.buf = appendWithoutTabs(fr.buf[:0], b)
			b = fr.buf
		}
		s := string(b) // the one allocation a row needs: its fields share it
		fields, start := fr.fields[:0], 0
		for i := 0; i < len(s); i++ {
			if s[i] == ',' { // a loop beats strings.IndexByte on fields this short
				fields = append(fields, trimField(s[start:i]))
				start = i + 1
			}
		}
		fr.fields = append(fields, trimField(s[start:]))
		return fr.fields, fr.lr.line, nil
	}
}

// quotedRecord parses the record that starts with line b through
// encoding/csv.
func (fr *FPTradeReader) quotedRecord(b []byte) ([]string, int, error) {
	if fr.quoted == nil {
		fr.ql.lr = fr.lr
		fr.quoted = csv.NewReader(&fr.ql)
		fr.quoted.FieldsPerRecord = -1
		fr.quoted.LazyQuotes = true
		fr.quoted.ReuseRecord = true
	}
	line := fr.lr.line
	fr.ql.start(b)
	rec, err := fr.quoted.Read()
	if err != nil {
		return nil, 0, err
	}
	for i, v := range rec {
		rec[i] = cleanField(v)
	}
	return rec, line, nil
}

// trimField is strings.TrimSpace without the call for the usual field,
// which starts and ends with a printable ASCII byte (never space).
func trimField(s string) string {
	if s == "" || s[0] > ' ' && s[0] < utf8.RuneSelf && s[len(s)-1] > ' ' && s[len(s)-1] < utf8.RuneSelf {
		return s
	}
	return strings.TrimSpace(s)
}

func appendWithoutTabs(dst, b []byte) []byte {
	for {
		i := bytes.IndexByte(b, '\t')
		if i < 0 {
			return append(dst, b...)
		}
		dst = append(dst, b[:i]...)
		b = b[i+1:]
	}
}

// set stores v, the value of column i, in r, checking decimals and
// parsing times. (A switch rather than a table of setter funcs keeps r on
// the caller's stack.)
func (fr *FPTradeReader) set(r *FPTradeRow, i int, v string) error {
	var dec *string
	var tm *time.Time
	switch fr.cols[i] {
	case colPartnerTransactionID:
		r.PartnerTransactionID = v
	case colCurrency:
		r.Currency = v
	case colType:
		r.Type = v
	case colStatus:
		r.Status = v
	case colRemarks:
		r.Remarks = v
	case colOriginalPartnerTransactionID:
		r.OriginalPartnerTransactionID = v
	case colTransactionID:
		r.TransactionID = v
	case colAmount:
		dec = &r.Amount
	case colRMBAmount:
		dec = &r.RMBAmount
	case colFee:
		dec = &r.Fee
	case colSettlement:
		dec = &r.Settlement
	case colRMBSettlement:
		dec = &r.RMBSettlement
	case colRate:
		dec = &r.Rate
	case colDistributeAmount:
		dec = &r.DistributeAmount
	case colDistributeRMBAmount:
		dec = &r.DistributeRMBAmount
	case colPaymentTime:
		tm = &r.PaymentTime
	case colSettlementTime:
		tm = &r.SettlementTime
	default:
		if v != "" {
			if r.Extra == nil {
				r.Extra = map[string]string{}
			}
			r.Extra[fr.raw[i]] = v
		}
	}
	switch {
	case dec != nil:
		if v != "" && !isDecimal(v, true) {
			return fmt.Errorf("%s %q is not a decimal", fr.header[i], truncate(v, 20))
		}
		*dec = v
	case tm != nil:
		t, err := parseBeijing(fr.header[i], v, fptradeTimeLayouts...)
		if err != nil {
			return err
		}
		*tm = t
	}
	return nil
}

// check validates what set could not see column by column.
func (r *FPTradeRow) check() error {
	if r.PartnerTransactionID == "" {
		return errors.New("empty Partner_transaction_id")
	}
	if len(r.Currency) != 3 {
		return fmt.Errorf("currency %q is not a three-letter code", truncate(r.Currency, 10))
	}
	if r.Amount == "" {
		return errors.New("empty amount")
	}
	return nil
}

// All iterates over the rows; it stops after the first error.
func (fr *FPTradeReader) All() iter.Seq2[FPTradeRow, error] { return readAll(fr.Next) }

// cleanField strips the tabs Alipay's files carry inside values (Excel
// text markers) and surrounding spaces.
func cleanField(s string) string {
	if strings.IndexByte(s, '\t') >= 0 {
		s = strings.ReplaceAll(s, "\t", "")
	}
	return strings.TrimSpace(s)
}

var fptradeNameRE = regexp.MustCompile(`^(2088[0-9]{12})_fptrade_([0-9]{8})\.csv$`)

// ParseFPTradeFileName splits <PID>_fptrade_<YYYYMMDD>.csv into the partner
// ID and the (Beijing) day it covers.
func ParseFPTradeFileName(name string) (partnerID string, day time.Time, err error) {
	m := fptradeNameRE.FindStringSubmatch(name)
	if m == nil {
		return "", time.Time{}, fmt.Errorf("mapi: %q is not named <PID>_fptrade_<YYYYMMDD>.csv", truncate(name, 80))
	}
	day, err = time.ParseInLocation(layoutDate, m[2], Beijing)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("mapi: %q: bad date %s", truncate(name, 80), m[2])
	}
	return m[1], day, nil
}

// quotedLines is the io.Reader behind the csv.Reader of quoted records:
// it returns the record's first line, given by start, then further lines
// from lr while encoding/csv asks for them (a quoted field spanning lines),
// each followed by '\n' and never more than one line per Read, so that
// encoding/csv never reads past the record. The record as a whole stays
// within the line bound: an unclosed quote cannot pull a whole file into
// memory.
type quotedLines struct {
	lr    *lineReader
	rest  []byte // unread part of the current line
	nl    bool   // the current line's '\n' is still to be returned
	first int    // line the record starts on
	left  int    // bytes the record may still take
}

func (q *quotedLines) start(line []byte) {
	q.rest, q.nl = line, true
	q.first = q.lr.line
	q.left = q.lr.max - len(line)
}

func (q *quotedLines) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if len(q.rest) == 0 && !q.nl {
		line, err := q.lr.next()
		if err != nil {
			return 0, err
		}
		if q.left -= len(line) + 1; q.left < 0 {
			return 0, fmt.Errorf("%w: the quoted record starting on line %d is over %d bytes", ErrLineTooLong, q.first, q.lr.max)
		}
		q.rest, q.nl = line, true
	}
	n := copy(p, q.rest)
	q.rest = q.rest[n:]
	if len(q.rest) == 0 && q.nl && n < len(p) {
		p[n] = '\n'
		n++
		q.nl = false
	}
	return n, nil
}
