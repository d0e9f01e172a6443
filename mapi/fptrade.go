package mapi

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"regexp"
	"strings"
	"time"
)

// FPTradeRow is one row of the daily SFTP transaction file
// <PID>_fptrade_<YYYYMMDD>.csv (spec §6). Amounts are decimal strings as in
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

// fptradeColumn says what to do with a column: set a string field, or
// parse a time into the field at returns. Unknown columns have neither.
type fptradeColumn struct {
	set  func(r *FPTradeRow, v string)
	time func(r *FPTradeRow) *time.Time
}

// fptradeColumns maps lower-case header names to their columns.
var fptradeColumns = map[string]fptradeColumn{
	"partner_transaction_id":          {set: func(r *FPTradeRow, v string) { r.PartnerTransactionID = v }},
	"amount":                          {set: func(r *FPTradeRow, v string) { r.Amount = v }},
	"rmb_amount":                      {set: func(r *FPTradeRow, v string) { r.RMBAmount = v }},
	"fee":                             {set: func(r *FPTradeRow, v string) { r.Fee = v }},
	"settlement":                      {set: func(r *FPTradeRow, v string) { r.Settlement = v }},
	"rmb_settlement":                  {set: func(r *FPTradeRow, v string) { r.RMBSettlement = v }},
	"currency":                        {set: func(r *FPTradeRow, v string) { r.Currency = v }},
	"rate":                            {set: func(r *FPTradeRow, v string) { r.Rate = v }},
	"type":                            {set: func(r *FPTradeRow, v string) { r.Type = v }},
	"status":                          {set: func(r *FPTradeRow, v string) { r.Status = v }},
	"remarks":                         {set: func(r *FPTradeRow, v string) { r.Remarks = v }},
	"original_partner_transaction_id": {set: func(r *FPTradeRow, v string) { r.OriginalPartnerTransactionID = v }},
	"transaction_id":                  {set: func(r *FPTradeRow, v string) { r.TransactionID = v }},
	"distribute_amount":               {set: func(r *FPTradeRow, v string) { r.DistributeAmount = v }},
	"distribute_rmb_amount":           {set: func(r *FPTradeRow, v string) { r.DistributeRMBAmount = v }},
	"payment_time":                    {time: func(r *FPTradeRow) *time.Time { return &r.PaymentTime }},
	"settlement_time":                 {time: func(r *FPTradeRow) *time.Time { return &r.SettlementTime }},
}

// fptradeTimeLayouts are the time forms Alipay's file families use (spec
// §6); the fptrade file's own is not documented.
var fptradeTimeLayouts = []string{layoutDateTime, layoutCompact, "2006/01/02 15:04:05", "01/02/2006 15:04:05", "2006-01-02"}

// FPTradeReader streams an fptrade CSV in constant memory: GBK or UTF-8,
// columns found by header name in any case, tabs and padding stripped
// from every field.
type FPTradeReader struct {
	cr     *csv.Reader
	lr     *lineReader
	header []string        // lower-case names
	raw    []string        // names as written
	cols   []fptradeColumn // per column, looked up once
	err    error
}

// NewFPTradeReader returns a reader for r. The header is read by the first
// call to Next or Header.
func NewFPTradeReader(r io.Reader) *FPTradeReader {
	lr := newLineReader(r, defaultMaxFileLineSize)
	cr := csv.NewReader(&lineStream{lr: lr})
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	return &FPTradeReader{cr: cr, lr: lr}
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
	rec, err := fr.cr.Read()
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
		name = cleanField(name)
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

// Next returns the next row, or io.EOF after the last.
func (fr *FPTradeReader) Next() (FPTradeRow, error) {
	if err := fr.readHeader(); err != nil {
		return FPTradeRow{}, err
	}
	for {
		rec, err := fr.cr.Read()
		if err != nil {
			if err != io.EOF {
				err = fmt.Errorf("mapi: fptrade: %w", err)
			}
			return FPTradeRow{}, err
		}
		line, _ := fr.cr.FieldPos(0)
		row := FPTradeRow{Line: line}
		empty := true
		for i, v := range rec {
			v = cleanField(v)
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

func (fr *FPTradeReader) set(row *FPTradeRow, i int, v string) error {
	col := fr.cols[i]
	switch {
	case col.set != nil:
		col.set(row, v)
	case col.time != nil:
		t, err := parseBeijing(fr.header[i], v, fptradeTimeLayouts...)
		if err != nil {
			return err
		}
		*col.time(row) = t
	case v != "":
		if row.Extra == nil {
			row.Extra = map[string]string{}
		}
		row.Extra[fr.raw[i]] = v
	}
	return nil
}

func (r *FPTradeRow) check() error {
	if r.PartnerTransactionID == "" {
		return errors.New("empty Partner_transaction_id")
	}
	if len(r.Currency) != 3 {
		return fmt.Errorf("currency %q is not a three-letter code", truncate(r.Currency, 10))
	}
	for _, a := range []struct{ name, v string }{
		{"amount", r.Amount}, {"rmb_amount", r.RMBAmount}, {"fee", r.Fee}, {"settlement", r.Settlement},
		{"rmb_settlement", r.RMBSettlement}, {"rate", r.Rate}, {"distribute_amount", r.DistributeAmount},
		{"distribute_rmb_amount", r.DistributeRMBAmount},
	} {
		if a.v != "" && !isDecimal(a.v, true) {
			return fmt.Errorf("%s %q is not a decimal", a.name, truncate(a.v, 20))
		}
	}
	if r.Amount == "" {
		return errors.New("empty amount")
	}
	return nil
}

// All iterates over the rows; it stops after the first error.
func (fr *FPTradeReader) All() iter.Seq2[FPTradeRow, error] {
	return func(yield func(FPTradeRow, error) bool) {
		for {
			row, err := fr.Next()
			if err == io.EOF {
				return
			}
			if !yield(row, err) || err != nil {
				return
			}
		}
	}
}

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

// lineStream turns a lineReader back into an io.Reader of UTF-8 lines for
// encoding/csv.
type lineStream struct {
	lr   *lineReader
	rest []byte // unread part of the current line
	nl   bool   // the current line's '\n' is still to be returned
}

func (s *lineStream) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if len(s.rest) == 0 && !s.nl {
		line, err := s.lr.next()
		if err != nil {
			return 0, err
		}
		s.rest, s.nl = line, true
	}
	n := copy(p, s.rest)
	s.rest = s.rest[n:]
	if len(s.rest) == 0 && s.nl && n < len(p) {
		p[n] = '\n'
		n++
		s.nl = false
	}
	return n, nil
}
