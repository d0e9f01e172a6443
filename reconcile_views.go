package alipay

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
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
		CustomerID:             v.str(ColumnCustomerID),
		Acquirer:               v.str(ColumnAcquirer),
		AcquirerReferenceNo:    v.str(ColumnAcquirerReferenceNo),
		ReferenceMerchantID:    v.str(ColumnReferenceMerchantID),
		ReferenceStoreID:       v.str(ColumnReferenceStoreID),
		TransactionID:          v.required(ColumnTransactionID),
		OriginalTransactionID:  v.str(ColumnOriginalTransactionID),
		TransactionRequestID:   v.str(ColumnTransactionRequestID),
		ReferenceTransactionID: v.str(ColumnReferenceTransactionID),
		OrderDescription:       v.str(ColumnOrderDescription),
		TransactionType:        TransactionType(v.str(ColumnTransactionType)),
		PaymentMethodType:      v.str(ColumnPaymentMethodType),
		Status:                 v.str(ColumnStatus),
		TransactionTime:        v.time(ColumnTransactionTime),
		TransactionAmount:      v.amount(ColumnTransactionAmountValue, ColumnTransactionCurrency),
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
		SettlementBatchID:      v.required(ColumnSettlementBatchID),
		CustomerID:             v.str(ColumnCustomerID),
		Acquirer:               v.str(ColumnPSP),
		AcquirerReferenceNo:    v.str(ColumnAcquirerReferenceNo),
		ReferenceMerchantID:    v.str(ColumnReferenceMerchantID),
		ReferenceStoreID:       v.str(ColumnReferenceStoreID),
		TransactionID:          v.present(ColumnTransactionID),
		OriginalTransactionID:  v.str(ColumnOriginalTransactionID),
		TransactionRequestID:   v.str(ColumnTransactionRequestID),
		ReferenceTransactionID: v.str(ColumnReferenceTransactionID),
		TransactionType:        TransactionType(v.str(ColumnTransactionType)),
		PaymentMethodType:      v.str(ColumnPaymentMethodType),
		TransactionTime:        v.time(ColumnTransactionTime),
		TransactionAmount:      v.amount(ColumnTransactionAmountValue, ColumnTransactionCurrency),
		SettlementAmount:       v.amount(ColumnSettlementAmountValue, ColumnSettlementCurrency),
		SettlementTime:         v.time(ColumnSettlementTime),
	}
	if d.Acquirer == "" {
		d.Acquirer = v.str(ColumnAcquirer)
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
		SettlementBatchID: v.required(ColumnSettlementBatchID),
		CustomerID:        v.str(ColumnCustomerID),
		Acquirer:          v.str(ColumnAcquirer),
		SummaryType:       v.str(ColumnSummaryType),
		SettlementTime:    v.time(ColumnSettlementTime),
		TransactionCount:  v.count(ColumnTransactionCount),
		SettlementAmount:  v.amount(ColumnSettlementAmountValue, ColumnSettlementCurrency),
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

// reportTimeLayouts are the zone-less forms a report time may take, read
// in the reader's time zone; times with an offset are RFC 3339.
var reportTimeLayouts = []string{
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006/01/02 15:04:05",
}

func (v *reportView) time(column string) time.Time { return v.parseTime(column, v.str(column)) }

func (v *reportView) parseTime(column, s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	var t time.Time
	var err error
	switch {
	case len(s) == 10 && s[4] == '-': // a date
		t, err = time.ParseInLocation("2006-01-02", s, v.row.meta.loc)
	case len(s) == 8 && s[0] >= '0' && s[0] <= '9' && !strings.ContainsAny(s, "-/:"): // a compact date
		t, err = time.ParseInLocation("20060102", s, v.row.meta.loc)
	case len(s) > 19 && (s[len(s)-1] == 'Z' || strings.ContainsAny(s[19:], "+-")): // with an offset
		if t, err = time.Parse(time.RFC3339Nano, s); err != nil {
			for _, layout := range reportOffsetLayouts {
				if t, err = time.Parse(layout, s); err == nil {
					break
				}
			}
		}
	default:
		err = errReportTime
		for _, layout := range reportTimeLayouts {
			if t, err = time.ParseInLocation(layout, s, v.row.meta.loc); err == nil {
				break
			}
		}
	}
	if err != nil {
		v.fail(column, fmt.Errorf("%s is not a time (RFC 3339, 2006-01-02 15:04:05 or 2006-01-02)", amountQuote(s)))
		return time.Time{}
	}
	return t
}

// reportOffsetLayouts are forms with an offset other than RFC 3339.
var reportOffsetLayouts = []string{
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999Z0700",
}

var errReportTime = errors.New("not a time")
