package alipay

// RecordCurrency returns the currency of the merchant record that the
// transaction details line d would be matched with (by transaction id,
// else by request id and type, as AddTransactionDetail matches), and
// false when no record would match. It changes nothing.
//
// It is for files that list each transaction in two currencies, such as
// the legacy MAPI fptrade file (the foreign amount and the CNY one): the
// reader presents the side the merchant recorded, so that an order priced
// in CNY is not reported as a currency mismatch.
func (r *Reconciler) RecordCurrency(d *TransactionDetail) (string, bool) {
	l := reportLine{
		kind: ReportTransactionDetails, line: d.Line, txnID: d.TransactionID, reqID: d.TransactionRequestID,
		origID: d.OriginalTransactionID, typ: d.TransactionType, amount: d.TransactionAmount,
	}
	e := int32(-1) // the id's entry, as match finds it
	if l.txnID != "" {
		if id, ok := r.txnIDs[l.txnID]; ok {
			e = id
		}
	}
	i := r.lookup(&l, e, r.typeCode(l.typ))
	if i < 0 {
		return "", false
	}
	return r.records[i].Amount.Currency, true
}
