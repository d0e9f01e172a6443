package alipay

// This file keeps the Reconciler as it was before matching was rewritten
// for speed (a map per index, the full typed view of every line), so that
// TestReconcileMatchesReference can check the two agree on every input.

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// refReconciler matches Antom's reports against the merchant's records. Feed
// it reports with Add (or lines with the Add*Line methods), then call
// Discrepancies. Reports stream through it: it keeps the records, the ids
// of report lines seen (to find duplicates), the transaction ids of records
// matched by request id (so that a refund line naming its payment by
// paymentId finds a payment recorded without one), and one total per
// settlement batch, currency and transaction type.
//
// Give it the records of the period the reports cover: transaction details
// hold the successful transactions of one day, settlement details those of
// one settlement batch.
type refReconciler struct {
	records []MerchantRecord
	minor   []int64 // records' amounts in minor units
	matched []bool
	// byTxn maps transaction ids to records: the ids the records hold, and
	// those learned from report lines matched by request id.
	byTxn  map[string]int
	byReq  map[string][]int
	expect map[TransactionType]bool

	seen map[refSeenKey]int // first line of each transaction, per report kind

	details   map[reportTotalKey]*reportTotal
	summaries []SettlementSummary
	anyDetail bool

	found []Discrepancy // found while streaming; Discrepancies adds the rest
	// unlinked are the refunds in found whose payment was unknown when they
	// were read; Discrepancies links them to a payment learned since.
	unlinked []refUnlinkedRefund
}

// newRefReconciler returns a refReconciler for the given records. It fails if a
// record's amount is not a valid Amount. Records that share a transaction
// id (unless one is a cancel of the other's payment), or a request id and
// type, are reported as DiscrepancyDuplicate.
func newRefReconciler(records []MerchantRecord) (*refReconciler, error) {
	r := &refReconciler{
		records: records,
		minor:   make([]int64, len(records)),
		matched: make([]bool, len(records)),
		byTxn:   make(map[string]int, len(records)),
		byReq:   make(map[string][]int, len(records)),
		seen:    make(map[refSeenKey]int),
		details: make(map[reportTotalKey]*reportTotal),
	}
	r.ExpectRecords(TransactionTypePayment, TransactionTypeRefund, TransactionTypeCapture)
	for i := range records {
		rec := &records[i]
		if err := rec.Amount.validate("Amount"); err != nil {
			return nil, fmt.Errorf("alipay: merchant record %d (%s): %w", i, reportRecordName(rec), err)
		}
		r.minor[i], _ = rec.Amount.MinorUnits()
		if rec.TransactionID != "" {
			first, known := r.byTxn[rec.TransactionID]
			switch {
			case !known:
				r.byTxn[rec.TransactionID] = i
			case reportCompatibleTypes(records[first].Type, rec.Type):
				r.found = append(r.found, Discrepancy{Kind: DiscrepancyDuplicate, Record: i, TransactionID: rec.TransactionID,
					RecordType: rec.Type, Message: fmt.Sprintf("same transaction id as record %d", first)})
				r.matched[i] = true // reported once, as a duplicate
				continue
			}
			// Otherwise a cancel carrying its payment's paymentId: found by
			// request id.
		}
		if rec.RequestID != "" {
			for _, j := range r.byReq[rec.RequestID] {
				if records[j].Type == rec.Type && (rec.TransactionID == "" || records[j].TransactionID == "") {
					r.found = append(r.found, Discrepancy{Kind: DiscrepancyDuplicate, Record: i, RequestID: rec.RequestID,
						RecordType: rec.Type, Message: fmt.Sprintf("same request id and type as record %d", j)})
					r.matched[i] = true
				}
			}
			r.byReq[rec.RequestID] = append(r.byReq[rec.RequestID], i)
		}
	}
	return r, nil
}

// ExpectRecords sets the transaction types every report line of which must
// have a merchant record (default: PAYMENT, REFUND and CAPTURE). Lines of
// other types (fees, disputes, reserves, ...) are still checked against a
// record when one matches, but are not reported when none does.
func (r *refReconciler) ExpectRecords(types ...TransactionType) {
	r.expect = make(map[TransactionType]bool, len(types))
	for _, t := range types {
		r.expect[t] = true
	}
}

// Add reads a whole report and matches its lines: transaction and
// settlement details against the records (settlement details also count
// toward the batch totals), settlement summary lines against those totals.
// It returns the first error reading the report or converting a line (a
// *ReportError); the lines before it have been taken into account.
func (r *refReconciler) Add(rr *ReportReader) error {
	kind, err := rr.Kind()
	if err != nil {
		return err
	}
	for {
		row, err := rr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch kind {
		case ReportTransactionDetails:
			d, err := row.TransactionDetail()
			if err != nil {
				return err
			}
			r.AddTransactionDetail(&d)
		case ReportSettlementDetails:
			d, err := row.SettlementDetail()
			if err != nil {
				return err
			}
			r.AddSettlementDetail(&d)
		case ReportSettlementSummary:
			s, err := row.SettlementSummary()
			if err != nil {
				return err
			}
			r.AddSettlementSummary(&s)
		default:
			return &ReportError{Line: 1, Err: fmt.Errorf("header is not that of a known report (need %s, and %s for settlement reports)", columnTransactionID, columnSettlementBatchID)}
		}
	}
}

// AddTransactionDetail matches one transaction details line.
func (r *refReconciler) AddTransactionDetail(d *TransactionDetail) {
	r.match(refLine{
		kind: ReportTransactionDetails, line: d.Line, txnID: d.TransactionID, reqID: d.TransactionRequestID,
		origID: d.OriginalTransactionID, typ: d.TransactionType, amount: d.TransactionAmount,
	})
}

// AddSettlementDetail matches one settlement details line and adds its
// settlement amount to its batch's totals.
func (r *refReconciler) AddSettlementDetail(d *SettlementDetail) {
	r.match(refLine{
		kind: ReportSettlementDetails, line: d.Line, txnID: d.TransactionID, reqID: d.TransactionRequestID,
		origID: d.OriginalTransactionID, typ: d.TransactionType, amount: d.TransactionAmount, batch: d.SettlementBatchID,
	})
	r.anyDetail = true
	minor, err := d.SettlementAmount.MinorUnits()
	if err != nil {
		r.found = append(r.found, Discrepancy{Kind: DiscrepancyTotalMismatch, Report: ReportSettlementDetails, Line: d.Line,
			Record: -1, SettlementBatchID: d.SettlementBatchID, Message: "settlement amount unreadable: " + err.Error()})
		return
	}
	r.total(reportTotalKey{batch: d.SettlementBatchID, currency: d.SettlementAmount.Currency}).add(minor)
	if d.TransactionType != "" {
		r.total(reportTotalKey{batch: d.SettlementBatchID, currency: d.SettlementAmount.Currency, typ: string(d.TransactionType)}).add(minor)
	}
}

func (r *refReconciler) total(k reportTotalKey) *reportTotal {
	t := r.details[k]
	if t == nil {
		t = &reportTotal{}
		r.details[k] = t
	}
	return t
}

// AddSettlementSummary records one settlement summary line, checked
// against the settlement details by Discrepancies.
func (r *refReconciler) AddSettlementSummary(s *SettlementSummary) {
	r.summaries = append(r.summaries, *s)
}

// Discrepancies returns every discrepancy found: those of the lines added so
// far in the order met, then records missing from the reports in record
// order, then settlement totals by batch, currency and summary type. It may
// be called more than once.
func (r *refReconciler) Discrepancies() []Discrepancy {
	r.linkRefunds()
	out := append([]Discrepancy(nil), r.found...)
	for i := range r.records {
		rec := &r.records[i]
		if !r.matched[i] && rec.succeeded() {
			out = append(out, Discrepancy{Kind: DiscrepancyNotInReport, Record: i, TransactionID: rec.TransactionID,
				RequestID: rec.RequestID, RecordType: rec.Type, Expected: rec.Amount,
				Message: fmt.Sprintf("%s of %s is in no report", reportTypeName(rec.Type), rec.Amount)})
		}
	}
	return append(out, r.totalDiscrepancies()...)
}

// refLine is what matching needs of a details line.
type refLine struct {
	kind                 ReportKind
	line                 int
	txnID, reqID, origID string
	typ                  TransactionType
	amount               Amount
	batch                string
}

func (r *refReconciler) match(l refLine) {
	base := Discrepancy{Report: l.kind, Line: l.line, Record: -1, TransactionID: l.txnID, RequestID: l.reqID,
		SettlementBatchID: l.batch, ReportType: l.typ, Reported: l.amount}
	if key, ok := l.seenKey(); ok {
		if first, dup := r.seen[key]; dup {
			d := base
			d.Kind, d.Message = DiscrepancyDuplicate, fmt.Sprintf("transaction already on line %d", first)
			r.found = append(r.found, d)
			return
		}
		r.seen[key] = l.line
	}
	i := r.lookup(l)
	if i < 0 {
		if !r.expect[l.typ] {
			return
		}
		d := base
		d.Kind, d.Message = DiscrepancyNotInRecords, fmt.Sprintf("%s of %s is not in the records", reportTypeName(l.typ), reportAbs(l.amount))
		if l.typ == TransactionTypeRefund && l.origID != "" && !r.linkRefund(&d, l.origID) {
			r.unlinked = append(r.unlinked, refUnlinkedRefund{found: len(r.found), origID: l.origID})
		}
		r.found = append(r.found, d)
		return
	}
	rec := &r.records[i]
	r.matched[i] = true
	if rec.TransactionID == "" && l.txnID != "" && rec.Type == l.typ {
		if _, known := r.byTxn[l.txnID]; !known {
			r.byTxn[l.txnID] = i // so that a refund line can name this payment by its paymentId
		}
	}
	base.Record, base.RecordType, base.Expected = i, rec.Type, rec.Amount
	if !rec.succeeded() {
		d := base
		d.Kind, d.Message = DiscrepancyStatusMismatch, fmt.Sprintf("the report lists it, the record says %s", rec.Status)
		r.found = append(r.found, d)
	}
	if rec.Type != "" && l.typ != "" && rec.Type != l.typ {
		d := base
		d.Kind, d.Message = DiscrepancyTypeMismatch, fmt.Sprintf("the report says %s, the record %s", l.typ, rec.Type)
		r.found = append(r.found, d)
	}
	reported, err := l.amount.MinorUnits()
	switch {
	case l.amount.Currency != rec.Amount.Currency:
		d := base
		d.Kind, d.Message = DiscrepancyCurrencyMismatch, fmt.Sprintf("the report says %s, the record %s", reportAbs(l.amount), rec.Amount)
		r.found = append(r.found, d)
	case err != nil || reportAbsInt(reported) != r.minor[i]:
		d := base
		d.Kind, d.Message = DiscrepancyAmountMismatch, fmt.Sprintf("the report says %s, the record %s", reportAbs(l.amount), rec.Amount)
		r.found = append(r.found, d)
	}
}

// refSeenKey identifies a report line's transaction to find duplicates.
type refSeenKey struct {
	kind      ReportKind
	typ       TransactionType
	id        string
	byRequest bool // id is the request id
}

// seenKey returns the key of l's transaction: its transaction id and type
// (a payment and its cancel share the paymentId), or for a payment or
// refund without one, such as a MAPI refund, its request id, which names
// exactly one payment or refund (captures and cancels repeat the
// payment's). Lines with neither, such as fees, have no key.
func (l *refLine) seenKey() (refSeenKey, bool) {
	switch {
	case l.txnID != "":
		return refSeenKey{kind: l.kind, typ: l.typ, id: l.txnID}, true
	case l.reqID != "" && reportPaymentOrRefund(l.typ):
		return refSeenKey{kind: l.kind, typ: l.typ, id: l.reqID, byRequest: true}, true
	}
	return refSeenKey{}, false
}

// refUnlinkedRefund is a NOT_IN_RECORDS refund line, found[found],
// whose original payment was not known yet.
type refUnlinkedRefund struct {
	found  int
	origID string
}

// linkRefund turns d, a refund line in no record, into
// DiscrepancyRefundNotRecorded if origID names a recorded payment.
func (r *refReconciler) linkRefund(d *Discrepancy, origID string) bool {
	p := r.paymentRecord(origID)
	if p < 0 {
		return false
	}
	d.Kind, d.Record = DiscrepancyRefundNotRecorded, p
	d.Message = fmt.Sprintf("refund of %s against recorded payment %s is not in the records", reportAbs(d.Reported), origID)
	return true
}

// linkRefunds links the refunds read before their payment's line.
func (r *refReconciler) linkRefunds() {
	still := r.unlinked[:0]
	for _, u := range r.unlinked {
		if !r.linkRefund(&r.found[u.found], u.origID) {
			still = append(still, u)
		}
	}
	r.unlinked = still
}

// paymentRecord finds the payment record a refund line's original
// transaction id names: by the payment's transaction id (recorded, or
// learned from the payment's own report line), else by its request id, as
// files that name the payment by the merchant's order number do. It
// returns -1 if there is none.
func (r *refReconciler) paymentRecord(origID string) int {
	if p, ok := r.byTxn[origID]; ok && r.records[p].Type == TransactionTypePayment {
		return p
	}
	for _, p := range r.byReq[origID] {
		if r.records[p].Type == TransactionTypePayment {
			return p
		}
	}
	return -1
}

// lookup finds the record of a report line: by transaction id, else by
// request id among records of the same type (a payment and a refund may
// also pair up, so that a refund recorded as a payment is found; captures
// and cancels share the payment's request id, so they need their own type).
func (r *refReconciler) lookup(l refLine) int {
	if l.txnID != "" {
		// A cancel carries its payment's paymentId: an id match counts only
		// between compatible types.
		if i, ok := r.byTxn[l.txnID]; ok && reportCompatibleTypes(r.records[i].Type, l.typ) {
			return i
		}
	}
	if l.reqID == "" {
		return -1
	}
	best := -1
	for _, i := range r.byReq[l.reqID] {
		rec := &r.records[i]
		if rec.TransactionID != "" && l.txnID != "" && rec.TransactionID != l.txnID {
			continue // a different transaction with the same request id
		}
		same := rec.Type == l.typ
		paired := reportPaymentOrRefund(rec.Type) && reportPaymentOrRefund(l.typ)
		switch {
		case same && !r.matched[i]:
			return i
		case (same || paired) && best < 0:
			best = i
		}
	}
	return best
}

func (r *refReconciler) totalDiscrepancies() []Discrepancy {
	var out []Discrepancy
	if !r.anyDetail || len(r.summaries) == 0 {
		return nil // nothing to compare with
	}
	covered := make(map[reportTotalKey]bool)
	batches := make(map[string]bool)
	for k := range r.details {
		batches[k.batch] = true
	}
	for _, s := range r.summaries {
		typ := s.SummaryType
		if strings.EqualFold(typ, "TOTAL") {
			typ = ""
		}
		k := reportTotalKey{batch: s.SettlementBatchID, currency: s.SettlementAmount.Currency, typ: typ}
		covered[k] = true
		base := Discrepancy{Report: ReportSettlementSummary, Line: s.Line, Record: -1, SettlementBatchID: s.SettlementBatchID,
			SummaryType: s.SummaryType, Reported: s.SettlementAmount}
		t := r.details[k]
		if t == nil {
			if !batches[s.SettlementBatchID] || typ == "" {
				d := base
				d.Kind, d.Message = DiscrepancyDetailsMissing, fmt.Sprintf("summary of %s has no settlement details", s.SettlementAmount)
				out = append(out, d)
				continue
			}
			t = &reportTotal{} // a type with no lines: its total is zero
		}
		expected := Amount{Currency: k.currency, Value: strconv.FormatInt(t.sum, 10)}
		reported, err := s.SettlementAmount.MinorUnits()
		if t.overflow || err != nil || reported != t.sum {
			d := base
			d.Kind, d.Expected = DiscrepancyTotalMismatch, expected
			d.Message = fmt.Sprintf("summary says %s, the details add up to %s", s.SettlementAmount, expected)
			if t.overflow {
				d.Message = "the details' total overflows 64 bits"
			}
			out = append(out, d)
		}
		if s.TransactionCount > 0 && s.TransactionCount != t.count {
			d := base
			d.Kind, d.Expected, d.ReportedCount, d.ExpectedCount = DiscrepancyCountMismatch, expected, s.TransactionCount, t.count
			d.Message = fmt.Sprintf("summary counts %d transactions, the details have %d", s.TransactionCount, t.count)
			out = append(out, d)
		}
	}
	var missing []reportTotalKey
	for k := range r.details {
		if k.typ == "" && !covered[k] {
			missing = append(missing, k)
		}
	}
	sort.Slice(missing, func(i, j int) bool {
		if missing[i].batch != missing[j].batch {
			return missing[i].batch < missing[j].batch
		}
		return missing[i].currency < missing[j].currency
	})
	for _, k := range missing {
		t := r.details[k]
		expected := Amount{Currency: k.currency, Value: strconv.FormatInt(t.sum, 10)}
		out = append(out, Discrepancy{Kind: DiscrepancySummaryMissing, Report: ReportSettlementDetails, Record: -1,
			SettlementBatchID: k.batch, Expected: expected, ExpectedCount: t.count,
			Message: fmt.Sprintf("%d settlement details totalling %s have no summary line", t.count, expected)})
	}
	return out
}

// SettlementTotal is the sum of the settlement details of one batch in one

// reportCompatibleTypes reports whether a record of type a may be the
// transaction of a report line of type b: the same type, a payment and a
// refund (one recorded as the other), or either unknown.
func reportCompatibleTypes(a, b TransactionType) bool {
	return a == "" || b == "" || a == b || reportPaymentOrRefund(a) && reportPaymentOrRefund(b)
}
