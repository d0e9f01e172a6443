package alipay

import (
	"fmt"
	"io"
	"iter"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// MerchantRecord is one transaction as the merchant's own database knows
// it. Fill TransactionID with the paymentId, refundId or captureId Antom
// returned when you have it; otherwise RequestID (paymentRequestId or
// refundRequestId) is used to find the report line.
type MerchantRecord struct {
	TransactionID         string
	RequestID             string
	OriginalTransactionID string          // for a refund or capture: the paymentId (optional; matching does not use it)
	Type                  TransactionType // PAYMENT, REFUND, CAPTURE, ...
	Amount                Amount          // positive, minor units, as sent to Antom
	// Status is the outcome the merchant recorded. Empty or "SUCCESS" means
	// the transaction succeeded; anything else ("FAIL", "CANCELLED",
	// "PENDING", ...) means the merchant does not expect it in a report.
	Status string
}

func (m *MerchantRecord) succeeded() bool { return m.Status == "" || m.Status == "SUCCESS" }

// Reconciler matches Antom's reports against the merchant's records. Give
// it the records (NewReconciler for a slice, AddRecord or NewReconcilerSeq
// for a stream such as a database cursor), feed it reports with Add (or
// lines with the Add*Detail methods), then call Discrepancies. Reports
// stream through it: it keeps the records, an index of their transaction
// and request ids, the transaction ids of report lines seen (to find
// duplicates), and one total per settlement batch, currency and
// transaction type. It does not keep the lines themselves: beyond the
// records, it holds about 100 bytes per record and per transaction id only
// lines have (BENCHMARKS.md measures it).
//
// Give it the records of the period the reports cover: transaction details
// hold the successful transactions of one day, settlement details those of
// one settlement batch.
type Reconciler struct {
	records []MerchantRecord
	// ents holds one entry per record. A record's entry also holds its
	// transaction id's if it is the first record with that id; lineIDs hold
	// the ids only report lines have (see txn).
	ents    []reportEntry
	lineIDs []reportTxn
	// txnIDs maps transaction ids to their entry: the ids the records hold,
	// those learned from report lines matched by request id (so that a
	// refund line naming its payment by paymentId finds a payment recorded
	// without one), and those of every line seen, to find duplicates. One
	// probe per line finds all three, and a line matched by its record's id
	// finds what it needs of the record in the same entry.
	txnIDs map[string]int32
	// next is the record after the one the last line found: a line with
	// that record's id skips the map probe, as happens when the report
	// lists transactions in the records' order (a ledger read by date, the
	// report of one day).
	next       int
	seen       []reportSeen // the lines seen beyond an entry's first
	currencies []string     // the records' currencies, by reportEntry.currency
	currencyOf map[string]uint16
	// byReq maps request ids to the one record holding it, or (complemented)
	// to the list in reqMulti when several do.
	byReq    map[string]int32
	reqMulti [][]int32
	// reqPending are the records whose request id is not in byReq yet:
	// while every record has a transaction id, no two can be duplicates by
	// request id, and lines find their records by transaction id, so
	// byReq is only built when a record without one arrives or a line or
	// refund needs it (ensureRequests).
	reqPending []int32
	reqLazy    bool // byReq is built on demand from reqPending
	// seenReq holds the lines without a transaction id whose request id
	// identifies them (see reportLine.seenKey).
	seenReq map[reportSeenKey]int
	types   map[TransactionType]uint32 // codes of the types not in reportTypeCodes
	expect  map[TransactionType]bool
	started bool // a report line was added: records are complete

	details   map[reportTotalKey]*reportTotal
	summaries []SettlementSummary
	anyDetail bool

	found []Discrepancy // found while streaming; Discrepancies adds the rest
	// unlinked are the refunds in found whose payment was unknown when they
	// were read; Discrepancies links them to a payment learned since.
	unlinked []reportUnlinkedRefund
}

// reportTxn is what a Reconciler knows of a transaction id.
type reportTxn struct {
	line int    // line of the first report line with this id, if typ > 0
	rec  int32  // the record with this id, or -1
	typ  uint32 // type code of that first line (see Reconciler.typeCode); 0: none yet
	more int32  // index in Reconciler.seen of the next line kind and type with this id, or -1
	kind uint8  // report kind of that first line (see reportKindCode)
}

// reportEntry is what a Reconciler knows of a record, and of its
// transaction id if the record owns it: what matching reads on every line,
// packed in one place.
type reportEntry struct {
	reportTxn // for a record that owns its id
	matched   bool
	ownsID    bool // the entry is that of a transaction id: the record's own (it is the first record with it), or one learned from a line
	hasID     bool // the record has a transaction id
	succeeded bool
	recTyp    uint32 // the record's type code
	currency  uint16 // the record's currency, in Reconciler.currencies
	minor     int64  // the record's amount in minor units
}

// reportSeen is a further (kind, type) a transaction id was seen with.
type reportSeen struct {
	line int
	typ  uint32
	next int32
	kind uint8
}

// reportMaxRecords bounds the records: indexes are 32-bit to keep the
// index small. Records and ids only lines have share the index space; at
// this many, memory runs out first.
const reportMaxRecords = 1<<31 - 1

// NewReconciler returns a Reconciler for the given records. It fails if a
// record's amount is not a valid Amount. Records that share a transaction
// id (unless one is a cancel of the other's payment), or a request id and
// type, are reported as DiscrepancyDuplicate. The Reconciler reads the
// slice without copying it: do not change it until done.
func NewReconciler(records []MerchantRecord) (*Reconciler, error) {
	if len(records) > reportMaxRecords {
		return nil, fmt.Errorf("alipay: %d merchant records, at most %d", len(records), reportMaxRecords)
	}
	r := &Reconciler{
		records:    slices.Clip(records), // AddRecord appends to a copy, never into the caller's array
		ents:       make([]reportEntry, len(records)),
		txnIDs:     make(map[string]int32, len(records)),
		currencyOf: make(map[string]uint16),
		seenReq:    make(map[reportSeenKey]int),
		details:    make(map[reportTotalKey]*reportTotal),
		reqLazy:    true,
	}
	r.ExpectRecords(TransactionTypePayment, TransactionTypeRefund, TransactionTypeCapture)
	for i := range records {
		if err := r.index(i); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// NewReconcilerSeq is NewReconciler for records that arrive one by one,
// such as the rows of a database cursor, without building a slice first.
// Discrepancy.Record counts records in the order the sequence yields them.
func NewReconcilerSeq(records iter.Seq[MerchantRecord]) (*Reconciler, error) {
	r, err := NewReconciler(nil)
	if err != nil {
		return nil, err
	}
	for rec := range records {
		if err := r.AddRecord(rec); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// AddRecord adds one merchant record after those already given; its
// Discrepancy.Record index is the number of records before it. It fails if
// the record's amount is not a valid Amount (the record is then not
// added), or once a report line was added, since lines already matched
// could not see the record. Duplicates are found across all records, however
// they were given.
func (r *Reconciler) AddRecord(rec MerchantRecord) error {
	i := len(r.records)
	switch {
	case r.started:
		return fmt.Errorf("alipay: merchant record %d (%s): records must all be added before the first report line", i, reportRecordName(&rec))
	case i >= reportMaxRecords:
		return fmt.Errorf("alipay: merchant record %d (%s): at most %d records", i, reportRecordName(&rec), reportMaxRecords)
	}
	r.records = append(r.records, rec)
	r.ents = append(r.ents, reportEntry{})
	if err := r.index(i); err != nil { // index fails before indexing anything
		r.records, r.ents = r.records[:i], r.ents[:i]
		return err
	}
	return nil
}

// Grow makes room for n more records, so that records added one by one
// with AddRecord are indexed without the index growing step by step, as
// when the number of rows a cursor will return is known.
func (r *Reconciler) Grow(n int) {
	if n <= 0 || r.started {
		return
	}
	r.records = slices.Grow(r.records, n)
	r.ents = slices.Grow(r.ents, n)
	ids := make(map[string]int32, len(r.txnIDs)+n)
	for id, e := range r.txnIDs {
		ids[id] = e
	}
	r.txnIDs = ids
}

// index adds record i to the indexes, reporting the duplicates it makes.
func (r *Reconciler) index(i int) error {
	rec := &r.records[i]
	if err := rec.Amount.validate("Amount"); err != nil {
		return fmt.Errorf("alipay: merchant record %d (%s): %w", i, reportRecordName(rec), err)
	}
	minor, _ := rec.Amount.MinorUnits()
	ent := &r.ents[i]
	*ent = reportEntry{reportTxn: reportTxn{rec: -1, more: -1}, hasID: rec.TransactionID != "", succeeded: rec.succeeded(),
		recTyp: r.typeCode(rec.Type), currency: r.currencyCode(rec.Amount.Currency), minor: minor}
	if rec.TransactionID != "" {
		e, known := r.txnIDs[rec.TransactionID]
		switch {
		case !known:
			ent.rec, ent.ownsID = int32(i), true
			r.txnIDs[rec.TransactionID] = int32(i)
		case r.txn(e).rec < 0: // no line can have been seen yet; kept for safety
			r.txn(e).rec = int32(i)
		case reportCompatibleCodes(r.ents[r.txn(e).rec].recTyp, ent.recTyp):
			r.found = append(r.found, Discrepancy{Kind: DiscrepancyDuplicate, Record: i, TransactionID: rec.TransactionID,
				RecordType: rec.Type, Message: fmt.Sprintf("same transaction id as record %d", r.txn(e).rec)})
			ent.matched = true // reported once, as a duplicate
			return nil
		}
		// Otherwise a cancel carrying its payment's paymentId: found by
		// request id.
	}
	if rec.RequestID != "" {
		if r.reqLazy && rec.TransactionID != "" {
			r.reqPending = append(r.reqPending, int32(i))
			return nil
		}
		r.ensureRequests()
		var one [1]int32
		for _, j := range r.requestRecords(rec.RequestID, &one) {
			if r.records[j].Type == rec.Type && (rec.TransactionID == "" || r.records[j].TransactionID == "") {
				r.found = append(r.found, Discrepancy{Kind: DiscrepancyDuplicate, Record: i, RequestID: rec.RequestID,
					RecordType: rec.Type, Message: fmt.Sprintf("same request id and type as record %d", j)})
				r.ents[i].matched = true
			}
		}
		r.addRequest(rec.RequestID, int32(i))
	}
	return nil
}

// ensureRequests indexes the records' request ids, if that was put off.
func (r *Reconciler) ensureRequests() {
	if !r.reqLazy {
		return
	}
	r.reqLazy = false
	r.byReq = make(map[string]int32, len(r.reqPending))
	for _, i := range r.reqPending {
		// These records all have a transaction id: none is a duplicate of
		// another by request id.
		r.addRequest(r.records[i].RequestID, i)
	}
	r.reqPending = nil
}

// addRequest adds record i to the records holding request id id.
func (r *Reconciler) addRequest(id string, i int32) {
	switch v, ok := r.byReq[id]; {
	case !ok:
		r.byReq[id] = i
	case v >= 0:
		r.reqMulti = append(r.reqMulti, []int32{v, i})
		r.byReq[id] = ^int32(len(r.reqMulti) - 1)
	default:
		r.reqMulti[^v] = append(r.reqMulti[^v], i)
	}
}

// txn returns the transaction id entry e: a record's below len(records),
// else one only lines have.
func (r *Reconciler) txn(e int32) *reportTxn {
	if n := int32(len(r.records)); e >= n {
		return &r.lineIDs[e-n]
	}
	return &r.ents[e].reportTxn
}

// currencyCode returns the number of a record's currency.
func (r *Reconciler) currencyCode(c string) uint16 {
	n, ok := r.currencyOf[c]
	if !ok { // records' currencies are ISO 4217 codes: far fewer than 1<<16
		n = uint16(len(r.currencies))
		r.currencies = append(r.currencies, c)
		r.currencyOf[c] = n
	}
	return n
}

// requestRecords returns the records holding request id id, in record
// order; one is scratch space for the common case of a single record.
func (r *Reconciler) requestRecords(id string, one *[1]int32) []int32 {
	r.ensureRequests()
	v, ok := r.byReq[id]
	switch {
	case !ok:
		return nil
	case v >= 0:
		one[0] = v
		return one[:]
	}
	return r.reqMulti[^v]
}

// ExpectRecords sets the transaction types every report line of which must
// have a merchant record (default: PAYMENT, REFUND and CAPTURE). Lines of
// other types (fees, disputes, reserves, ...) are still checked against a
// record when one matches, but are not reported when none does.
func (r *Reconciler) ExpectRecords(types ...TransactionType) {
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
//
// Details lines are checked exactly as the typed views (TransactionDetail,
// SettlementDetail) check them, but without building the views.
func (r *Reconciler) Add(rr *ReportReader) error {
	kind, err := rr.Kind()
	if err != nil {
		return err
	}
	var cols *reportMatchColumns
	for {
		row, err := rr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch kind {
		case ReportTransactionDetails, ReportSettlementDetails:
			if cols == nil || cols.meta != row.meta {
				cols = newReportMatchColumns(row.meta)
			}
			if err := r.addDetailRow(kind, row, cols); err != nil {
				return err
			}
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
func (r *Reconciler) AddTransactionDetail(d *TransactionDetail) {
	l := reportLine{
		kind: ReportTransactionDetails, line: d.Line, txnID: d.TransactionID, reqID: d.TransactionRequestID,
		origID: d.OriginalTransactionID, typ: d.TransactionType, amount: d.TransactionAmount,
	}
	l.minor, l.minorErr = d.TransactionAmount.MinorUnits()
	r.match(&l)
}

// AddSettlementDetail matches one settlement details line and adds its
// settlement amount to its batch's totals.
func (r *Reconciler) AddSettlementDetail(d *SettlementDetail) {
	l := reportLine{
		kind: ReportSettlementDetails, line: d.Line, txnID: d.TransactionID, reqID: d.TransactionRequestID,
		origID: d.OriginalTransactionID, typ: d.TransactionType, amount: d.TransactionAmount, batch: d.SettlementBatchID,
	}
	l.minor, l.minorErr = d.TransactionAmount.MinorUnits()
	r.match(&l)
	minor, err := d.SettlementAmount.MinorUnits()
	if err != nil {
		r.anyDetail = true
		r.found = append(r.found, Discrepancy{Kind: DiscrepancyTotalMismatch, Report: ReportSettlementDetails, Line: d.Line,
			Record: -1, SettlementBatchID: d.SettlementBatchID, Message: "settlement amount unreadable: " + err.Error()})
		return
	}
	r.addSettlement(d.SettlementBatchID, d.SettlementAmount.Currency, d.TransactionType, minor)
}

// addSettlement adds a settlement details line's amount to its batch's
// totals.
func (r *Reconciler) addSettlement(batch, currency string, typ TransactionType, minor int64) {
	r.anyDetail = true
	r.total(reportTotalKey{batch: batch, currency: currency}).add(minor)
	if typ != "" {
		r.total(reportTotalKey{batch: batch, currency: currency, typ: string(typ)}).add(minor)
	}
}

func (r *Reconciler) total(k reportTotalKey) *reportTotal {
	t := r.details[k]
	if t == nil {
		t = &reportTotal{}
		// A line's strings share the memory of the whole line.
		k = reportTotalKey{batch: strings.Clone(k.batch), currency: strings.Clone(k.currency), typ: strings.Clone(k.typ)}
		r.details[k] = t
	}
	return t
}

// AddSettlementSummary records one settlement summary line, checked
// against the settlement details by Discrepancies.
func (r *Reconciler) AddSettlementSummary(s *SettlementSummary) {
	r.started = true
	r.summaries = append(r.summaries, *s)
}

// Discrepancies returns every discrepancy found: those of the lines added so
// far in the order met, then records missing from the reports in record
// order, then settlement totals by batch, currency and summary type. It may
// be called more than once.
func (r *Reconciler) Discrepancies() []Discrepancy {
	r.linkRefunds()
	out := append([]Discrepancy(nil), r.found...)
	for i := range r.records {
		rec := &r.records[i]
		if !r.ents[i].matched && rec.succeeded() {
			out = append(out, Discrepancy{Kind: DiscrepancyNotInReport, Record: i, TransactionID: rec.TransactionID,
				RequestID: rec.RequestID, RecordType: rec.Type, Expected: rec.Amount,
				Message: fmt.Sprintf("%s of %s is in no report", reportTypeName(rec.Type), rec.Amount)})
		}
	}
	return append(out, r.totalDiscrepancies()...)
}

// reportLine is what matching needs of a details line.
type reportLine struct {
	kind                 ReportKind
	line                 int
	txnID, reqID, origID string
	typ                  TransactionType
	// amount is the line's amount; when its Value is empty the amount is
	// minor in amount.Currency, formatted only if a discrepancy needs it.
	amount   Amount
	minor    int64
	minorErr error
	batch    string
}

// reported returns the line's amount.
func (l *reportLine) reported() Amount {
	if l.amount.Value == "" && l.minorErr == nil {
		return Amount{Currency: l.amount.Currency, Value: strconv.FormatInt(l.minor, 10)}
	}
	return l.amount
}

// discrepancy returns a discrepancy of kind about line l and record i (-1
// for none).
func (r *Reconciler) discrepancy(kind DiscrepancyKind, l *reportLine, i int, message string) Discrepancy {
	d := Discrepancy{Kind: kind, Report: l.kind, Line: l.line, Record: i, TransactionID: l.txnID, RequestID: l.reqID,
		SettlementBatchID: l.batch, ReportType: l.typ, Reported: l.reported(), Message: message}
	if i >= 0 {
		d.RecordType, d.Expected = r.records[i].Type, r.records[i].Amount
	}
	return d
}

func (r *Reconciler) match(l *reportLine) {
	r.started = true
	typ := r.typeCode(l.typ)
	e, newID := int32(-1), false
	if l.txnID != "" {
		var first int
		var dup bool
		if e, first, dup = r.seeTxn(l, typ); dup {
			r.found = append(r.found, r.discrepancy(DiscrepancyDuplicate, l, -1, fmt.Sprintf("transaction already on line %d", first)))
			return
		}
		newID = e < 0
	} else if key, ok := l.seenKey(); ok {
		if first, dup := r.seenReq[key]; dup {
			r.found = append(r.found, r.discrepancy(DiscrepancyDuplicate, l, -1, fmt.Sprintf("transaction already on line %d", first)))
			return
		}
		key.id = strings.Clone(key.id)
		r.seenReq[key] = l.line
	}
	i := r.lookup(l, e, typ)
	if newID {
		e = r.newID(l, typ, i)
	}
	if i < 0 {
		if !r.expect[l.typ] {
			return
		}
		d := r.discrepancy(DiscrepancyNotInRecords, l, -1, fmt.Sprintf("%s of %s is not in the records", reportTypeName(l.typ), reportAbs(l.reported())))
		if l.typ == TransactionTypeRefund && l.origID != "" && !r.linkRefund(&d, l.origID) {
			r.unlinked = append(r.unlinked, reportUnlinkedRefund{found: len(r.found), origID: strings.Clone(l.origID)})
		}
		r.found = append(r.found, d)
		return
	}
	ent := &r.ents[i]
	ent.matched = true
	if e >= 0 && !ent.hasID && ent.recTyp == typ && r.txn(e).rec < 0 {
		r.txn(e).rec = int32(i) // so that a refund line can name this payment by its paymentId
	}
	if !ent.succeeded {
		r.found = append(r.found, r.discrepancy(DiscrepancyStatusMismatch, l, i, fmt.Sprintf("the report lists it, the record says %s", r.records[i].Status)))
	}
	if ent.recTyp != reportCodeNoType && typ != reportCodeNoType && ent.recTyp != typ {
		r.found = append(r.found, r.discrepancy(DiscrepancyTypeMismatch, l, i, fmt.Sprintf("the report says %s, the record %s", l.typ, r.records[i].Type)))
	}
	switch {
	case l.amount.Currency != r.currencies[ent.currency]:
		r.found = append(r.found, r.discrepancy(DiscrepancyCurrencyMismatch, l, i, fmt.Sprintf("the report says %s, the record %s", reportAbs(l.reported()), r.records[i].Amount)))
	case l.minorErr != nil || reportAbsInt(l.minor) != ent.minor:
		r.found = append(r.found, r.discrepancy(DiscrepancyAmountMismatch, l, i, fmt.Sprintf("the report says %s, the record %s", reportAbs(l.reported()), r.records[i].Amount)))
	}
}

// seeTxn notes that line l, which has a transaction id and type code typ,
// was seen, and returns the id's entry, or -1 if the id is new (then
// newID notes it, once the line's record is known). If a line of the same report kind and
// type had the id before, it returns that line's number and true: l is a
// duplicate (a payment and its cancel share the paymentId, so the type is
// part of what identifies a line).
func (r *Reconciler) seeTxn(l *reportLine, typ uint32) (e int32, first int, dup bool) {
	kind := reportKindCode(l.kind)
	if n := r.next; n < len(r.records) && r.ents[n].ownsID && r.records[n].TransactionID == l.txnID {
		e = int32(n) // what the map holds for the id: record n owns it
	} else {
		var ok bool
		if e, ok = r.txnIDs[l.txnID]; !ok {
			return -1, 0, false // a new id: see newID
		}
	}
	t := r.txn(e)
	if t.rec >= 0 {
		r.next = int(t.rec) + 1
	}
	if t.typ == 0 {
		t.line, t.typ, t.kind = l.line, typ, kind
		return e, 0, false
	}
	if t.typ == typ && t.kind == kind {
		return e, t.line, true
	}
	last := int32(-1) // the last node of the list; -1: t itself
	for s := t.more; s >= 0; s = r.seen[s].next {
		if r.seen[s].typ == typ && r.seen[s].kind == kind {
			return e, r.seen[s].line, true
		}
		last = s
	}
	r.seen = append(r.seen, reportSeen{line: l.line, typ: typ, kind: kind, next: -1})
	if last < 0 {
		t.more = int32(len(r.seen) - 1)
	} else {
		r.seen[last].next = int32(len(r.seen) - 1)
	}
	return e, 0, false
}

// newID notes line l's transaction id, which no record or line had before,
// and returns its entry. If the line's record i has no transaction id of
// its own, the id is learned onto the record's entry (so that a refund
// line can name this payment by its paymentId) at no extra memory.
func (r *Reconciler) newID(l *reportLine, typ uint32, i int) int32 {
	var e int32
	if i >= 0 && !r.ents[i].hasID && r.ents[i].recTyp == typ && !r.ents[i].ownsID {
		ent := &r.ents[i]
		e, ent.ownsID, ent.rec = int32(i), true, int32(i)
	} else {
		r.lineIDs = append(r.lineIDs, reportTxn{rec: -1, more: -1})
		e = int32(len(r.records) + len(r.lineIDs) - 1)
	}
	t := r.txn(e)
	t.line, t.typ, t.kind = l.line, typ, reportKindCode(l.kind)
	r.txnIDs[strings.Clone(l.txnID)] = e // the id shares the memory of the whole line
	return e
}

func reportKindCode(k ReportKind) uint8 {
	switch k {
	case ReportTransactionDetails:
		return 1
	case ReportSettlementDetails:
		return 2
	}
	return 3
}

// reportTypeCodes are the transaction types known without a map lookup;
// type i has code i+1.
var reportTypeCodes = [...]TransactionType{"", TransactionTypePayment, TransactionTypeRefund, TransactionTypeCapture,
	TransactionTypeCancel, TransactionTypeAuthorization, TransactionTypeVoid, TransactionTypeIncremental}

// Codes of the types matching compares.
const (
	reportCodeNoType  = 1 // ""
	reportCodePayment = 2
	reportCodeRefund  = 3
)

// reportCompatibleCodes reports whether a record of type code a may be
// the transaction of a report line of type code b: the same type, a
// payment and a refund (one recorded as the other), or either unknown.
func reportCompatibleCodes(a, b uint32) bool {
	return a == reportCodeNoType || b == reportCodeNoType || a == b ||
		(a == reportCodePayment || a == reportCodeRefund) && (b == reportCodePayment || b == reportCodeRefund)
}

// typeCode returns a number ≥ 1 that stands for transaction type t.
func (r *Reconciler) typeCode(t TransactionType) uint32 {
	for i, known := range reportTypeCodes {
		if t == known {
			return uint32(i + 1)
		}
	}
	c, ok := r.types[t]
	if !ok {
		if r.types == nil {
			r.types = make(map[TransactionType]uint32)
		}
		c = uint32(len(reportTypeCodes) + len(r.types) + 1)
		r.types[TransactionType(strings.Clone(string(t)))] = c
	}
	return c
}

// reportSeenKey identifies a report line's transaction to find duplicates.
type reportSeenKey struct {
	kind      ReportKind
	typ       TransactionType
	id        string
	byRequest bool // id is the request id
}

// seenKey returns the key of l's transaction, which has no transaction
// id: for a payment or refund, such as a MAPI refund, its request id, which
// names exactly one payment or refund (captures and cancels repeat the
// payment's). Lines with neither, such as fees, have no key.
func (l *reportLine) seenKey() (reportSeenKey, bool) {
	if l.reqID != "" && reportPaymentOrRefund(l.typ) {
		typ := TransactionTypePayment // the constant, not the line's memory
		if l.typ == TransactionTypeRefund {
			typ = TransactionTypeRefund
		}
		return reportSeenKey{kind: l.kind, typ: typ, id: l.reqID, byRequest: true}, true
	}
	return reportSeenKey{}, false
}

// reportUnlinkedRefund is a NOT_IN_RECORDS refund line, found[found],
// whose original payment was not known yet.
type reportUnlinkedRefund struct {
	found  int
	origID string
}

// linkRefund turns d, a refund line in no record, into
// DiscrepancyRefundNotRecorded if origID names a recorded payment.
func (r *Reconciler) linkRefund(d *Discrepancy, origID string) bool {
	p := r.paymentRecord(origID)
	if p < 0 {
		return false
	}
	d.Kind, d.Record = DiscrepancyRefundNotRecorded, p
	d.Message = fmt.Sprintf("refund of %s against recorded payment %s is not in the records", reportAbs(d.Reported), origID)
	return true
}

// linkRefunds links the refunds read before their payment's line.
func (r *Reconciler) linkRefunds() {
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
func (r *Reconciler) paymentRecord(origID string) int {
	if e, ok := r.txnIDs[origID]; ok {
		if p := r.txn(e).rec; p >= 0 && r.records[p].Type == TransactionTypePayment {
			return int(p)
		}
	}
	var one [1]int32
	for _, p := range r.requestRecords(origID, &one) {
		if r.records[p].Type == TransactionTypePayment {
			return int(p)
		}
	}
	return -1
}

// lookup finds the record of a report line of type code typ, whose
// transaction id has entry e (-1 if it has none): by transaction id, else by request id
// among records of the same type (a payment and a refund may also pair up,
// so that a refund recorded as a payment is found; captures and cancels
// share the payment's request id, so they need their own type).
func (r *Reconciler) lookup(l *reportLine, e int32, typ uint32) int {
	// A cancel carries its payment's paymentId: an id match counts only
	// between compatible types.
	if e >= 0 {
		if i := r.txn(e).rec; i >= 0 && reportCompatibleCodes(r.ents[i].recTyp, typ) {
			return int(i)
		}
	}
	if l.reqID == "" {
		return -1
	}
	best := -1
	var one [1]int32
	for _, i := range r.requestRecords(l.reqID, &one) {
		rec := &r.records[i]
		if rec.TransactionID != "" && l.txnID != "" && rec.TransactionID != l.txnID {
			continue // a different transaction with the same request id
		}
		same := rec.Type == l.typ
		paired := reportPaymentOrRefund(rec.Type) && reportPaymentOrRefund(l.typ)
		switch {
		case same && !r.ents[i].matched:
			return int(i)
		case (same || paired) && best < 0:
			best = int(i)
		}
	}
	return best
}

func reportPaymentOrRefund(t TransactionType) bool {
	return t == TransactionTypePayment || t == TransactionTypeRefund
}

// reportTotalKey identifies a settlement total: typ is "" for the whole
// batch or a transaction type.
type reportTotalKey struct{ batch, currency, typ string }

type reportTotal struct {
	count    int64
	sum      int64
	overflow bool
}

func (t *reportTotal) add(minor int64) {
	t.count++
	s := t.sum + minor
	if (minor > 0 && s < t.sum) || (minor < 0 && s > t.sum) {
		t.overflow = true
	}
	t.sum = s
}

func (r *Reconciler) totalDiscrepancies() []Discrepancy {
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
// settlement currency.
type SettlementTotal struct {
	SettlementBatchID string
	Count             int64
	Amount            Amount // net settlement amount, minor units
}

// SettlementTotals returns the totals of the settlement details added so
// far, by batch and currency, sorted.
func (r *Reconciler) SettlementTotals() []SettlementTotal {
	var out []SettlementTotal
	for k, t := range r.details {
		if k.typ == "" {
			out = append(out, SettlementTotal{SettlementBatchID: k.batch, Count: t.count,
				Amount: Amount{Currency: k.currency, Value: strconv.FormatInt(t.sum, 10)}})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].SettlementBatchID != out[j].SettlementBatchID {
			return out[i].SettlementBatchID < out[j].SettlementBatchID
		}
		return out[i].Amount.Currency < out[j].Amount.Currency
	})
	return out
}

// reportAbs returns a with its sign dropped.
func reportAbs(a Amount) Amount {
	a.Value = strings.TrimPrefix(a.Value, "-")
	return a
}

func reportAbsInt(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

func reportTypeName(t TransactionType) string {
	if t == "" {
		return "transaction"
	}
	return strings.ToLower(string(t))
}

func reportRecordName(rec *MerchantRecord) string {
	switch {
	case rec.TransactionID != "":
		return "transaction " + rec.TransactionID
	case rec.RequestID != "":
		return "request " + rec.RequestID
	}
	return "no id"
}
