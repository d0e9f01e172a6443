package alipay

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// TransactionDetail reads the row as a line of a transaction details
// report. transactionId, transactionAmountValue and transactionCurrency
// are required; other missing columns are left empty. An amount with more
// decimal places than its currency has is an error, never rounded.
func (r ReportRow) TransactionDetail() (TransactionDetail, error) {
	v := reportView{row: r}
	d := TransactionDetail{
		Line:                   r.line,
		CustomerID:             v.str(columnCustomerID),
		Acquirer:               v.str(columnAcquirer),
		AcquirerReferenceNo:    v.str(columnAcquirerReferenceNo),
		ReferenceMerchantID:    v.str(columnReferenceMerchantID),
		ReferenceStoreID:       v.str(columnReferenceStoreID),
		TransactionID:          v.required(columnTransactionID),
		OriginalTransactionID:  v.str(columnOriginalTransactionID),
		TransactionRequestID:   v.str(columnTransactionRequestID),
		ReferenceTransactionID: v.str(columnReferenceTransactionID),
		OrderDescription:       v.str(columnOrderDescription),
		TransactionType:        TransactionType(v.str(columnTransactionType)),
		PaymentMethodType:      v.str(columnPaymentMethodType),
		Status:                 v.str(columnStatus),
		TransactionTime:        v.time(columnTransactionTime),
		TransactionAmount:      v.amount(columnTransactionAmountValue, columnTransactionCurrency),
	}
	d.Fees = v.fees(d.TransactionAmount.Currency)
	if v.err != nil {
		return TransactionDetail{}, v.err
	}
	return d, nil
}

// SettlementDetail reads the row as a line of a settlement details report.
// settlementBatchId and both amounts with their currencies are required;
// the transactionId column must exist but may be empty, as on fee and
// adjustment lines.
func (r ReportRow) SettlementDetail() (SettlementDetail, error) {
	v := reportView{row: r}
	d := SettlementDetail{
		Line:                   r.line,
		SettlementBatchID:      v.required(columnSettlementBatchID),
		CustomerID:             v.str(columnCustomerID),
		Acquirer:               v.str(columnPSP),
		AcquirerReferenceNo:    v.str(columnAcquirerReferenceNo),
		ReferenceMerchantID:    v.str(columnReferenceMerchantID),
		ReferenceStoreID:       v.str(columnReferenceStoreID),
		TransactionID:          v.present(columnTransactionID),
		OriginalTransactionID:  v.str(columnOriginalTransactionID),
		TransactionRequestID:   v.str(columnTransactionRequestID),
		ReferenceTransactionID: v.str(columnReferenceTransactionID),
		TransactionType:        TransactionType(v.str(columnTransactionType)),
		PaymentMethodType:      v.str(columnPaymentMethodType),
		TransactionTime:        v.time(columnTransactionTime),
		TransactionAmount:      v.amount(columnTransactionAmountValue, columnTransactionCurrency),
		SettlementAmount:       v.amount(columnSettlementAmountValue, columnSettlementCurrency),
		SettlementTime:         v.time(columnSettlementTime),
	}
	if d.Acquirer == "" {
		d.Acquirer = v.str(columnAcquirer)
	}
	d.Fees = v.fees(d.SettlementAmount.Currency)
	if v.err != nil {
		return SettlementDetail{}, v.err
	}
	return d, nil
}

// SettlementSummary reads the row as a line of a settlement summary
// report. settlementBatchId and the settlement amount with its currency are
// required; transactionCount may be absent (then it is 0).
func (r ReportRow) SettlementSummary() (SettlementSummary, error) {
	v := reportView{row: r}
	s := SettlementSummary{
		Line:              r.line,
		SettlementBatchID: v.required(columnSettlementBatchID),
		CustomerID:        v.str(columnCustomerID),
		Acquirer:          v.str(columnAcquirer),
		SummaryType:       v.str(columnSummaryType),
		SettlementTime:    v.time(columnSettlementTime),
		TransactionCount:  v.count(columnTransactionCount),
		SettlementAmount:  v.amount(columnSettlementAmountValue, columnSettlementCurrency),
	}
	if v.err != nil {
		return SettlementSummary{}, v.err
	}
	return s, nil
}

// reportView reads typed values from a row, keeping the first error.
type reportView struct {
	row    ReportRow
	err    error
	digits *reportDigits // optional
}

// reportDigits remembers the decimal places of the last currency
// converted: a report's amounts are mostly in one or two currencies, and
// looking the currency up costs as much as converting the amount.
type reportDigits struct {
	currency string
	digits   int
}

func (v *reportView) fail(column string, err error) {
	if v.err == nil {
		v.err = &ReportError{Line: v.row.line, Column: column, Err: err}
	}
}

func (v *reportView) str(column string) string { return v.row.Get(column) }

var (
	errReportColumnMissing = errors.New("column missing from the header")
	errReportValueEmpty    = errors.New("value is empty")
)

// present returns a column's value, which may be empty, failing if the
// header lacks the column.
func (v *reportView) present(column string) string {
	s, ok := v.row.Lookup(column)
	return v.presentValue(column, s, ok)
}

func (v *reportView) presentValue(column, s string, ok bool) string {
	if !ok {
		v.fail(column, errReportColumnMissing)
	}
	return s
}

func (v *reportView) required(column string) string {
	s, ok := v.row.Lookup(column)
	return v.requiredValue(column, s, ok)
}

func (v *reportView) requiredValue(column, s string, ok bool) string {
	switch {
	case !ok:
		v.fail(column, errReportColumnMissing)
	case s == "":
		v.fail(column, errReportValueEmpty)
	}
	return s
}

// at returns the value of the column at position i (-1: the header lacks
// it), as Lookup does by name.
func (v *reportView) at(i int) (string, bool) {
	if i < 0 {
		return "", false
	}
	return reportTrim(v.row.fields[i]), true
}

// amount converts a major-unit decimal and its currency to an Amount in
// minor units, exactly.
func (v *reportView) amount(valueColumn, currencyColumn string) Amount {
	value, currency := v.required(valueColumn), v.required(currencyColumn)
	if v.err != nil {
		return Amount{}
	}
	return v.convert(value, currency, valueColumn, currencyColumn)
}

func (v *reportView) convert(value, currency, valueColumn, currencyColumn string) Amount {
	minor, ok := v.minor(value, currency, valueColumn, currencyColumn)
	if !ok {
		return Amount{}
	}
	return Amount{Currency: currency, Value: strconv.FormatInt(minor, 10)}
}

// minor converts a major-unit decimal to minor units of currency.
func (v *reportView) minor(value, currency, valueColumn, currencyColumn string) (int64, bool) {
	var minor int64
	var err error
	if c := v.digits; c != nil && c.currency == currency && currency != "" {
		minor, err = amountDecimalToMinor(value, c.digits)
	} else {
		var digits int
		if digits, err = CurrencyDigits(currency); err == nil {
			if c != nil {
				c.currency, c.digits = currency, digits
			}
			minor, err = amountDecimalToMinor(value, digits)
		}
	}
	if err != nil {
		column := valueColumn
		if errors.Is(err, ErrMalformedCurrency) || errors.Is(err, ErrUnknownCurrency) || errors.Is(err, ErrNoMinorUnit) {
			column = currencyColumn
		}
		v.fail(column, err)
		return 0, false
	}
	return minor, true
}

// fees reads every fee column pair with a value; a fee without a currency
// column is in fallback, the currency of the line's main amount.
func (v *reportView) fees(fallback string) []ReportFee {
	if v.err != nil {
		return nil // the line is refused anyway; a zero ReportRow has no header
	}
	var fees []ReportFee
	for _, f := range v.row.meta.fees {
		currency, minor, present := v.fee(f, fallback)
		if v.err != nil {
			return nil
		}
		if present {
			fees = append(fees, ReportFee{Name: f.name, Amount: Amount{Currency: currency, Value: strconv.FormatInt(minor, 10)}})
		}
	}
	return fees
}

// checkFees checks the fees as fees does, without keeping them.
func (v *reportView) checkFees(fallback string) {
	for _, f := range v.row.meta.fees {
		if v.err != nil {
			return
		}
		v.fee(f, fallback)
	}
}

// fee converts fee column f, if it has a value (present).
func (v *reportView) fee(f reportFeeColumn, fallback string) (currency string, minor int64, present bool) {
	value := reportTrim(v.row.fields[f.value])
	if value == "" {
		return "", 0, false
	}
	currency, currencyColumn := fallback, ""
	if f.curren >= 0 {
		currency, currencyColumn = reportTrim(v.row.fields[f.curren]), v.row.meta.header[f.curren]
	}
	minor, _ = v.minor(value, currency, v.row.meta.header[f.value], currencyColumn)
	return currency, minor, true
}

func (v *reportView) count(column string) int64 {
	s := v.str(column)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || s[0] == '+' {
		v.fail(column, fmt.Errorf("%s is not a count", amountQuote(s)))
		return 0
	}
	return n
}

func (v *reportView) time(column string) time.Time { return v.readTime(column, v.str(column)) }

// readTime reads a time column's value s with the package's one time
// reader (see parseTime): RFC 3339 and the other offset forms Antom
// writes, and, since report times often carry no zone, the same without an
// offset and plain dates, read in the reader's time zone.
func (v *reportView) readTime(column, s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := parseTime(s, v.row.meta.loc)
	if err != nil {
		v.fail(column, err)
		return time.Time{}
	}
	return t
}
