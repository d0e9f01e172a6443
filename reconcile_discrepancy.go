package alipay

import (
	"fmt"
	"strings"
)

// DiscrepancyKind says how a report and the merchant's records disagree.
type DiscrepancyKind string

// Discrepancy kinds found by a Reconciler.
const (
	// DiscrepancyNotInRecords: a report line of an expected transaction type
	// (see Reconciler.ExpectRecords) matches no merchant record.
	DiscrepancyNotInRecords DiscrepancyKind = "NOT_IN_RECORDS"
	// DiscrepancyNotInReport: a record that succeeded appears in none of
	// the reports given.
	DiscrepancyNotInReport DiscrepancyKind = "NOT_IN_REPORT"
	// DiscrepancyAmountMismatch: same transaction, different amount.
	DiscrepancyAmountMismatch DiscrepancyKind = "AMOUNT_MISMATCH"
	// DiscrepancyCurrencyMismatch: same transaction, different currency.
	DiscrepancyCurrencyMismatch DiscrepancyKind = "CURRENCY_MISMATCH"
	// DiscrepancyTypeMismatch: same transaction, different type, such as a
	// refund recorded as a payment.
	DiscrepancyTypeMismatch DiscrepancyKind = "TYPE_MISMATCH"
	// DiscrepancyStatusMismatch: the report lists a transaction the records
	// say did not succeed (failed, cancelled, still pending).
	DiscrepancyStatusMismatch DiscrepancyKind = "STATUS_MISMATCH"
	// DiscrepancyRefundNotRecorded: the report refunds a recorded payment
	// but the records hold no such refund.
	DiscrepancyRefundNotRecorded DiscrepancyKind = "REFUND_NOT_RECORDED"
	// DiscrepancyDuplicate: a transaction appears twice in one report kind,
	// or twice in the records.
	DiscrepancyDuplicate DiscrepancyKind = "DUPLICATE"
	// DiscrepancyTotalMismatch: a settlement summary amount differs from
	// the sum of the settlement details of its batch and currency.
	DiscrepancyTotalMismatch DiscrepancyKind = "TOTAL_MISMATCH"
	// DiscrepancyCountMismatch: a settlement summary transaction count
	// differs from the number of settlement detail lines.
	DiscrepancyCountMismatch DiscrepancyKind = "COUNT_MISMATCH"
	// DiscrepancySummaryMissing: settlement details of a batch and currency
	// have no TOTAL line in the settlement summary.
	DiscrepancySummaryMissing DiscrepancyKind = "SUMMARY_MISSING"
	// DiscrepancyDetailsMissing: a settlement summary line has no
	// settlement details.
	DiscrepancyDetailsMissing DiscrepancyKind = "DETAILS_MISSING"
)

// Discrepancy is one disagreement found by a Reconciler. Fields that do not
// apply to its kind are empty.
type Discrepancy struct {
	Kind DiscrepancyKind

	Report ReportKind // the report the line is from; ReportUnknown for records only
	Line   int        // line in that report; 0 when there is none
	Record int        // index of the merchant record in the slice given; -1 when none

	TransactionID     string
	RequestID         string
	SettlementBatchID string
	SummaryType       string // for totals: "" for the whole batch, or a transaction type

	ReportType TransactionType // type on the report line
	RecordType TransactionType // type in the record

	// Reported is the amount on the report line (a summary's total for
	// totals). Expected is the record's amount, or for totals the sum of the
	// settlement details. Amounts compare by magnitude, so a report that
	// signs refunds negative matches positive records.
	Reported Amount
	Expected Amount

	ReportedCount, ExpectedCount int64 // for DiscrepancyCountMismatch

	Message string // what is wrong, in words
}

// String describes d on one line.
func (d Discrepancy) String() string {
	var b strings.Builder
	b.WriteString(string(d.Kind))
	if d.Report != ReportUnknown {
		fmt.Fprintf(&b, " %s", strings.ToLower(strings.ReplaceAll(string(d.Report), "_", " ")))
		if d.Line > 0 {
			fmt.Fprintf(&b, " line %d", d.Line)
		}
	}
	if d.Record >= 0 {
		fmt.Fprintf(&b, " record %d", d.Record)
	}
	if d.TransactionID != "" {
		fmt.Fprintf(&b, " transaction %s", d.TransactionID)
	} else if d.RequestID != "" {
		fmt.Fprintf(&b, " request %s", d.RequestID)
	}
	if d.SettlementBatchID != "" {
		fmt.Fprintf(&b, " batch %s", d.SettlementBatchID)
	}
	if d.Message != "" {
		b.WriteString(": ")
		b.WriteString(d.Message)
	}
	return b.String()
}
