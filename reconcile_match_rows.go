package alipay

// reportMatchColumns are the positions (-1: absent) of the columns a
// Reconciler reads from a details report, found once per header rather
// than by name on every line.
type reportMatchColumns struct {
	meta                                                      *reportMeta
	txnID, reqID, origID, typ, txnTime, txnValue, txnCurrency int
	batch, settleValue, settleCurrency, settleTime            int
	digits                                                    reportDigits
}

func newReportMatchColumns(m *reportMeta) *reportMatchColumns {
	return &reportMatchColumns{
		meta:           m,
		txnID:          m.index(columnTransactionID),
		reqID:          m.index(columnTransactionRequestID),
		origID:         m.index(columnOriginalTransactionID),
		typ:            m.index(columnTransactionType),
		txnTime:        m.index(columnTransactionTime),
		txnValue:       m.index(columnTransactionAmountValue),
		txnCurrency:    m.index(columnTransactionCurrency),
		batch:          m.index(columnSettlementBatchID),
		settleValue:    m.index(columnSettlementAmountValue),
		settleCurrency: m.index(columnSettlementCurrency),
		settleTime:     m.index(columnSettlementTime),
	}
}

// addDetailRow matches a row of a transaction or settlement details report
// as AddTransactionDetail(row.TransactionDetail()) or
// AddSettlementDetail(row.SettlementDetail()) would, with the same checks
// in the same order (so the same first error), but reading only the
// columns matching needs besides those checks: building the whole view
// costs more than reading the line.
func (r *Reconciler) addDetailRow(kind ReportKind, row ReportRow, c *reportMatchColumns) error {
	v := reportView{row: row, digits: &c.digits}
	l := reportLine{kind: kind, line: row.line}
	settlement := kind == ReportSettlementDetails
	if settlement {
		s, ok := v.at(c.batch)
		l.batch = v.requiredValue(columnSettlementBatchID, s, ok)
		s, ok = v.at(c.txnID)
		l.txnID = v.presentValue(columnTransactionID, s, ok)
	} else {
		s, ok := v.at(c.txnID)
		l.txnID = v.requiredValue(columnTransactionID, s, ok)
	}
	l.origID, _ = v.at(c.origID)
	l.reqID, _ = v.at(c.reqID)
	typ, _ := v.at(c.typ)
	l.typ = TransactionType(typ)
	s, _ := v.at(c.txnTime)
	v.readTime(columnTransactionTime, s)
	l.amount.Currency, l.minor = v.amountAt(columnTransactionAmountValue, c.txnValue, columnTransactionCurrency, c.txnCurrency)
	feeCurrency := l.amount.Currency
	var settleCurrency string
	var settleMinor int64
	if settlement {
		settleCurrency, settleMinor = v.amountAt(columnSettlementAmountValue, c.settleValue, columnSettlementCurrency, c.settleCurrency)
		s, _ := v.at(c.settleTime)
		v.readTime(columnSettlementTime, s)
		feeCurrency = settleCurrency
	}
	v.checkFees(feeCurrency)
	if v.err != nil {
		return v.err
	}
	r.match(&l)
	if settlement {
		r.addSettlement(l.batch, settleCurrency, l.typ, settleMinor)
	}
	return nil
}

// amountAt reads an amount as reportView.amount does, by column position,
// returning its currency and minor units.
func (v *reportView) amountAt(valueColumn string, vi int, currencyColumn string, ci int) (string, int64) {
	s, ok := v.at(vi)
	value := v.requiredValue(valueColumn, s, ok)
	s, ok = v.at(ci)
	currency := v.requiredValue(currencyColumn, s, ok)
	if v.err != nil {
		return "", 0
	}
	minor, _ := v.minor(value, currency, valueColumn, currencyColumn)
	return currency, minor
}
