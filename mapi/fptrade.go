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

// fptradeColumns maps lower-case header names to setters.
var fptradeColumns = map[string]func(r *FPTradeRow, v string){
	"partner_transaction_id":          func(r *FPTradeRow, v string) { r.PartnerTransactionID = v },
	"amount":                          func(r *FPTradeRow, v string) { r.Amount = v },
	"rmb_amount":                      func(r *FPTradeRow, v string) { r.RMBAmount = v },
	"fee":                             func(r *FPTradeRow, v string) { r.Fee = v },
	"settlement":                      func(r *FPTradeRow, v string) { r.Settlement = v },
	"rmb_settlement":                  func(r *FPTradeRow, v string) { r.RMBSettlement = v },
	"currency":                        func(r *FPTradeRow, v string) { r.Currency = v },
	"rate":                            func(r *FPTradeRow, v string) { r.Rate = v },
	"type":                            func(r *FPTradeRow, v string) { r.Type = v },
	"status":                          func(r *FPTradeRow, v string) { r.Status = v },
	"remarks":                         func(r *FPTradeRow, v string) { r.Remarks = v },
	"original_partner_transaction_id": func(r *FPTradeRow, v string) { r.OriginalPartnerTransactionID = v },
	"transaction_id":                  func(r *FPTradeRow, v string) { r.TransactionID = v },
	"distribute_amount":               func(r *FPTradeRow, v string) { r.DistributeAmount = v },
	"distribute_rmb_amount":           func(r *FPTradeRow, v string) { r.DistributeRMBAmount = v },
	"payment_time":                    nil, // parsed as times
	"settlement_time":                 nil,
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
	header []string // lower-case names
	raw    []string // names as written
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
	name := fr.header[i]
	setter, known := fptradeColumns[name]
	switch {
	case setter != nil:
		setter(row, v)
	case name == "payment_time" || name == "settlement_time":
		t, err := parseBeijing(name, v, fptradeTimeLayouts...)
		if err != nil {
			return err
		}
		if name == "payment_time" {
			row.PaymentTime = t
		} else {
			row.SettlementTime = t
		}
	case !known && v != "":
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
	lr  *lineReader
	buf []byte
}

func (s *lineStream) Read(p []byte) (int, error) {
	for len(s.buf) == 0 {
		line, err := s.lr.next()
		if err != nil {
			return 0, err
		}
		s.buf = append(append(s.buf[:0], line...), '\n')
	}
	n := copy(p, s.buf)
	s.buf = s.buf[n:]
	return n, nil
}
