package mapi

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"time"
)

// SettlementSummaryRow is one line of the settlement summary file, the
// file Alipay puts beside the settlement files ("a summary file of the
// settlement is also available", https://docs.antom.com/ac/web/recon_files):
// one line per settlement batch. Its layout is documented only for
// AlipayHK (PID_settlebatch_YYYYMMDD.csv, https://docs.antom.com/ac/app_hk/sftp
// and https://docs.antom.com/ac/wap_hk/settlemtfile):
//
//	Settle_batch_no,Settle_date,Amount,Fee,Settlement,Currency
//	50002017051900000000000000000000 ,2017-05-23 15:36:00,852.40 ,8.52 ,843.88 ,HKD
//
// so columns are found by header name in any case, padding is trimmed and
// columns not listed here are kept in Extra. Amounts are decimal strings
// as in the file.
//
// The settlement detail file (one line per settled payment or refund,
// with Partner_transaction_id, Amount, Rmb_amount, Fee, Settlement,
// Rmb_settlement, Currency, Rate, Payment_time, Settlement_time, ...) has
// the columns of the fptrade transaction file: read it with
// FPTradeReader.
type SettlementSummaryRow struct {
	SettleBatchNo string
	SettleDate    time.Time // Beijing
	Amount        string    // gross, in Currency
	Fee           string    // in Currency
	Settlement    string    // net: Amount less Fee, in Currency
	Currency      string
	// Extra holds columns this package does not know, by header name as
	// written; nil when there are none.
	Extra map[string]string
	Line  int // line number of the row in the file
}

// SettlementSummaryReader streams a settlement summary file: GBK or UTF-8
// (see Charset), quoted fields as in encoding/csv.
type SettlementSummaryReader struct {
	// Charset is the encoding of the file; CharsetAuto decides once, on a
	// sample. Set it before the first read to force one.
	Charset Charset

	csv    *FPTradeReader // its CSV reading only: records, lines, charset
	header []string       // lower-case names
	raw    []string
	err    error
}

// NewSettlementSummaryReader returns a reader for r. The header is read by
// the first call to Next.
func NewSettlementSummaryReader(r io.Reader) *SettlementSummaryReader {
	sr := &SettlementSummaryReader{csv: NewFPTradeReader(r)}
	sr.csv.lr.cs = &sr.Charset
	return sr
}

func (sr *SettlementSummaryReader) readHeader() error {
	if sr.header != nil || sr.err != nil {
		return sr.err
	}
	rec, _, err := sr.csv.record()
	switch {
	case err == io.EOF:
		sr.err = errors.New("mapi: settlement summary file is empty (no header)")
		return sr.err
	case err != nil:
		sr.err = fmt.Errorf("mapi: settlement summary header: %w", err)
		return sr.err
	}
	seen := map[string]bool{}
	for _, name := range rec {
		low := strings.ToLower(name)
		if low != "" && seen[low] {
			sr.err = fmt.Errorf("mapi: settlement summary header: column %q appears twice", truncate(name, 40))
			return sr.err
		}
		seen[low] = true
		sr.raw = append(sr.raw, name)
		sr.header = append(sr.header, low)
	}
	for _, need := range []string{"settle_batch_no", "amount", "currency"} {
		if !seen[need] {
			sr.err = fmt.Errorf("mapi: settlement summary header has no %s column (found %d columns)", need, len(sr.raw))
			return sr.err
		}
	}
	return nil
}

// Next returns the next row, or io.EOF after the last. A row that fails
// validation does not stop the reader; an error reading the file does,
// and is returned by every later call. Every error names the line.
func (sr *SettlementSummaryReader) Next() (SettlementSummaryRow, error) {
	if err := sr.readHeader(); err != nil {
		return SettlementSummaryRow{}, err
	}
	for {
		rec, line, err := sr.csv.record()
		if err != nil {
			if err != io.EOF {
				err = fmt.Errorf("mapi: settlement summary: %w", err)
			}
			return SettlementSummaryRow{}, err
		}
		row := SettlementSummaryRow{Line: line}
		empty := true
		for i, v := range rec {
			if v == "" {
				continue
			}
			empty = false
			if i >= len(sr.header) {
				return SettlementSummaryRow{}, fmt.Errorf("mapi: settlement summary line %d: %d fields but the header has %d", line, len(rec), len(sr.header))
			}
			if err := sr.set(&row, i, v); err != nil {
				return SettlementSummaryRow{}, fmt.Errorf("mapi: settlement summary line %d: %w", line, err)
			}
		}
		if empty {
			continue
		}
		switch {
		case row.SettleBatchNo == "":
			return SettlementSummaryRow{}, fmt.Errorf("mapi: settlement summary line %d: empty Settle_batch_no", line)
		case row.Amount == "":
			return SettlementSummaryRow{}, fmt.Errorf("mapi: settlement summary line %d: empty Amount", line)
		case len(row.Currency) != 3:
			return SettlementSummaryRow{}, fmt.Errorf("mapi: settlement summary line %d: currency %q is not a three-letter code", line, truncate(row.Currency, 10))
		}
		return row, nil
	}
}

func (sr *SettlementSummaryReader) set(r *SettlementSummaryRow, i int, v string) error {
	var dec *string
	switch sr.header[i] {
	case "settle_batch_no":
		r.SettleBatchNo = v
	case "currency":
		r.Currency = v
	case "settle_date":
		t, err := parseBeijing("settle_date", v, fptradeTimeLayouts...)
		if err != nil {
			return err
		}
		r.SettleDate = t
	case "amount":
		dec = &r.Amount
	case "fee":
		dec = &r.Fee
	case "settlement":
		dec = &r.Settlement
	default:
		if r.Extra == nil {
			r.Extra = map[string]string{}
		}
		r.Extra[sr.raw[i]] = v
	}
	if dec != nil {
		if !isDecimal(v, true) {
			return fmt.Errorf("%s %q is not a decimal", sr.header[i], truncate(v, 20))
		}
		*dec = v
	}
	return nil
}

// All iterates over the rows; it stops after the first error.
func (sr *SettlementSummaryReader) All() iter.Seq2[SettlementSummaryRow, error] {
	return readAll(sr.Next)
}
