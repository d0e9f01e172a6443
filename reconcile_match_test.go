package alipay

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	txn1 = "20261120114010800100188000000001"
	txn2 = "20261120114010800100188000000002"
	txn3 = "20261120114010800100188000000003"
	txn4 = "20261120114010800100188000000004"
	txn5 = "20261120114010800100188000000005"
)

// sampleRecords agree with every line of testdata/reports.
func sampleRecords() []MerchantRecord {
	return []MerchantRecord{
		{TransactionID: txn1, RequestID: "pay-0001", Type: TransactionTypePayment, Amount: Amount{"USD", "1025"}},
		{RequestID: "pay-0002", Type: TransactionTypePayment, Amount: Amount{"JPY", "1500"}}, // no paymentId stored
		{TransactionID: txn3, RequestID: "pay-0003", Type: TransactionTypePayment, Amount: Amount{"KWD", "1005"}},
		{TransactionID: txn4, RequestID: "refund-0001", OriginalTransactionID: txn1, Type: TransactionTypeRefund, Amount: Amount{"USD", "500"}},
		{TransactionID: txn5, RequestID: "pay-0005", Type: TransactionTypePayment, Amount: Amount{"IDR", "15000000"}},
		{RequestID: "pay-0006", Type: TransactionTypePayment, Amount: Amount{"USD", "100"}, Status: "FAIL"}, // not in any report: fine
	}
}

func reconcileFiles(t *testing.T, records []MerchantRecord, files ...string) []Discrepancy {
	t.Helper()
	r, err := NewReconciler(records)
	require.NoError(t, err)
	for _, f := range files {
		require.NoError(t, r.Add(openReport(t, f)), f)
	}
	return r.Discrepancies()
}

func discrepancyKinds(ds []Discrepancy) []DiscrepancyKind {
	var kinds []DiscrepancyKind
	for _, d := range ds {
		kinds = append(kinds, d.Kind)
	}
	return kinds
}

func TestReconcileSampleFilesAgree(t *testing.T) {
	ds := reconcileFiles(t, sampleRecords(), "transaction_details.csv", "settlement_details.csv", "settlement_summary.csv")
	assert.Empty(t, ds)

	r, err := NewReconciler(sampleRecords())
	require.NoError(t, err)
	require.NoError(t, r.Add(openReport(t, "settlement_details.csv")))
	assert.Equal(t, []SettlementTotal{{SettlementBatchID: "B20261121001", Count: 4, Amount: Amount{"USD", "1369"}}}, r.SettlementTotals())
}

func TestReconcileRecordSide(t *testing.T) {
	tests := []struct {
		name   string
		change func([]MerchantRecord) []MerchantRecord
		want   []Discrepancy // only Kind, Line, Record, TransactionID/RequestID and Message fragments are compared
	}{
		{
			name:   "payment missing from records",
			change: func(rs []MerchantRecord) []MerchantRecord { return rs[1:] },
			want:   []Discrepancy{{Kind: DiscrepancyNotInRecords, Line: 2, Record: -1, TransactionID: txn1, Message: "payment of 10.25 USD is not in the records"}},
		},
		{
			name:   "refund missing from records",
			change: func(rs []MerchantRecord) []MerchantRecord { return append(rs[:3:3], rs[4:]...) },
			want:   []Discrepancy{{Kind: DiscrepancyRefundNotRecorded, Line: 6, Record: 0, TransactionID: txn4, Message: "against recorded payment " + txn1}},
		},
		{
			name: "refund missing from records, payment recorded without its paymentId",
			change: func(rs []MerchantRecord) []MerchantRecord {
				rs[0].TransactionID = ""
				return append(rs[:3:3], rs[4:]...)
			},
			want: []Discrepancy{{Kind: DiscrepancyRefundNotRecorded, Line: 6, Record: 0, TransactionID: txn4, Message: "against recorded payment " + txn1}},
		},
		{
			name: "record missing from report",
			change: func(rs []MerchantRecord) []MerchantRecord {
				return append(rs, MerchantRecord{TransactionID: "x", Type: TransactionTypePayment, Amount: Amount{"USD", "1"}})
			},
			want: []Discrepancy{{Kind: DiscrepancyNotInReport, Record: 6, TransactionID: "x", Message: "0.01 USD"}},
		},
		{
			name:   "amount mismatch",
			change: func(rs []MerchantRecord) []MerchantRecord { rs[0].Amount.Value = "1026"; return rs },
			want:   []Discrepancy{{Kind: DiscrepancyAmountMismatch, Line: 2, Record: 0, TransactionID: txn1, Message: "the report says 10.25 USD, the record 10.26 USD"}},
		},
		{
			name:   "refund amount compared by magnitude",
			change: func(rs []MerchantRecord) []MerchantRecord { rs[3].Amount.Value = "501"; return rs },
			want:   []Discrepancy{{Kind: DiscrepancyAmountMismatch, Line: 6, Record: 3, TransactionID: txn4, Message: "the report says 5.00 USD, the record 5.01 USD"}},
		},
		{
			name:   "currency mismatch",
			change: func(rs []MerchantRecord) []MerchantRecord { rs[2].Amount = Amount{"BHD", "1005"}; return rs },
			want:   []Discrepancy{{Kind: DiscrepancyCurrencyMismatch, Line: 4, Record: 2, TransactionID: txn3}},
		},
		{
			name:   "refund recorded as a payment",
			change: func(rs []MerchantRecord) []MerchantRecord { rs[3].Type = TransactionTypePayment; return rs },
			want:   []Discrepancy{{Kind: DiscrepancyTypeMismatch, Line: 6, Record: 3, TransactionID: txn4, Message: "the report says REFUND, the record PAYMENT"}},
		},
		{
			name: "refund recorded as a payment, found by request id",
			change: func(rs []MerchantRecord) []MerchantRecord {
				rs[3].Type, rs[3].TransactionID = TransactionTypePayment, ""
				return rs
			},
			want: []Discrepancy{{Kind: DiscrepancyTypeMismatch, Line: 6, Record: 3, TransactionID: txn4}},
		},
		{
			name:   "payment the merchant thinks failed",
			change: func(rs []MerchantRecord) []MerchantRecord { rs[4].Status = "FAIL"; return rs },
			want:   []Discrepancy{{Kind: DiscrepancyStatusMismatch, Line: 7, Record: 4, TransactionID: txn5, Message: "record says FAIL"}},
		},
		{
			name: "duplicate records",
			change: func(rs []MerchantRecord) []MerchantRecord {
				return append(rs, rs[0], MerchantRecord{RequestID: "pay-0002", Type: TransactionTypePayment, Amount: Amount{"JPY", "1500"}})
			},
			want: []Discrepancy{
				{Kind: DiscrepancyDuplicate, Record: 6, TransactionID: txn1, Message: "record 0"},
				{Kind: DiscrepancyDuplicate, Record: 7, RequestID: "pay-0002", Message: "record 1"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := reconcileFiles(t, tt.change(sampleRecords()), "transaction_details.csv")
			require.Equal(t, discrepancyKinds(tt.want), discrepancyKinds(got), "%v", got)
			for i, w := range tt.want {
				g := got[i]
				assert.Equal(t, w.Line, g.Line, "line of %v", g)
				if w.Line > 0 {
					assert.Equal(t, ReportTransactionDetails, g.Report)
				}
				assert.Equal(t, w.Record, g.Record, "record of %v", g)
				assert.Equal(t, w.TransactionID, g.TransactionID)
				if w.RequestID != "" {
					assert.Equal(t, w.RequestID, g.RequestID)
				}
				assert.Contains(t, g.Message, w.Message)
				assert.Contains(t, g.String(), string(w.Kind))
			}
		})
	}
}

func TestReconcileReportSide(t *testing.T) {
	records := []MerchantRecord{
		{TransactionID: "p1", RequestID: "r1", Type: TransactionTypePayment, Amount: Amount{"USD", "1000"}},
		{TransactionID: "c1", RequestID: "r1", Type: TransactionTypeCapture, Amount: Amount{"USD", "1000"}},
	}
	r, err := NewReconciler(records)
	require.NoError(t, err)
	lines := []TransactionDetail{
		{Line: 2, TransactionID: "p1", TransactionRequestID: "r1", TransactionType: TransactionTypePayment, TransactionAmount: Amount{"USD", "1000"}},
		{Line: 3, TransactionID: "p1", TransactionRequestID: "r1", TransactionType: TransactionTypePayment, TransactionAmount: Amount{"USD", "1000"}},
		// A capture found by request id among records of its own type, not the payment.
		{Line: 4, TransactionRequestID: "r1", TransactionType: TransactionTypeCapture, TransactionAmount: Amount{"USD", "1000"}},
		// A cancel of the same request: not an expected type, no record: ignored.
		{Line: 5, TransactionID: "x1", TransactionRequestID: "r1", TransactionType: TransactionTypeCancel, TransactionAmount: Amount{"USD", "0"}},
		{Line: 6, TransactionID: "f1", TransactionType: "SETTLEMENT_FEE", TransactionAmount: Amount{"USD", "-100"}},
		{Line: 7, TransactionID: "p9", TransactionType: TransactionTypePayment, TransactionAmount: Amount{"USD", "100"}},
	}
	for i := range lines {
		r.AddTransactionDetail(&lines[i])
	}
	ds := r.Discrepancies()
	require.Equal(t, []DiscrepancyKind{DiscrepancyDuplicate, DiscrepancyNotInRecords}, discrepancyKinds(ds), "%v", ds)
	assert.Equal(t, 3, ds[0].Line)
	assert.Contains(t, ds[0].Message, "already on line 2")
	assert.Equal(t, 7, ds[1].Line)
	assert.Equal(t, "p9", ds[1].TransactionID)
	assert.Equal(t, -1, ds[1].Record)

	// The same transaction in another report kind is no duplicate.
	r.AddSettlementDetail(&SettlementDetail{Line: 2, SettlementBatchID: "b", TransactionID: "p1", TransactionType: TransactionTypePayment,
		TransactionAmount: Amount{"USD", "1000"}, SettlementAmount: Amount{"USD", "990"}})
	assert.Len(t, r.Discrepancies(), 2)

	r.ExpectRecords(TransactionTypePayment, "SETTLEMENT_FEE")
	r.AddTransactionDetail(&TransactionDetail{Line: 8, TransactionID: "f2", TransactionType: "SETTLEMENT_FEE", TransactionAmount: Amount{"USD", "-100"}})
	ds = r.Discrepancies()
	require.Len(t, ds, 3)
	assert.Equal(t, DiscrepancyNotInRecords, ds[2].Kind)
	assert.Contains(t, ds[2].Message, "settlement_fee of 1.00 USD")
}

func TestReconcileTotals(t *testing.T) {
	detail := func(line int, batch, typ, value, currency string) SettlementDetail {
		return SettlementDetail{Line: line, SettlementBatchID: batch, TransactionID: "t" + string(rune('a'+line)),
			TransactionType: TransactionType(typ), TransactionAmount: Amount{currency, strings.TrimPrefix(value, "-")},
			SettlementAmount: Amount{currency, value}}
	}
	details := []SettlementDetail{
		detail(2, "B1", "PAYMENT", "1000", "USD"),
		detail(3, "B1", "PAYMENT", "2000", "USD"),
		detail(4, "B1", "REFUND", "-500", "USD"),
		detail(5, "B1", "PAYMENT", "700", "EUR"),
		detail(6, "B2", "PAYMENT", "100", "USD"),
		detail(7, "B3", "PAYMENT", "100", "USD"),
	}
	summaries := []SettlementSummary{
		{Line: 2, SettlementBatchID: "B1", SummaryType: "TOTAL", TransactionCount: 3, SettlementAmount: Amount{"USD", "2500"}},   // agrees
		{Line: 3, SettlementBatchID: "B1", SummaryType: "PAYMENT", TransactionCount: 2, SettlementAmount: Amount{"USD", "3000"}}, // agrees
		{Line: 4, SettlementBatchID: "B1", SummaryType: "REFUND", TransactionCount: 2, SettlementAmount: Amount{"USD", "-500"}},  // count wrong
		{Line: 5, SettlementBatchID: "B1", SummaryType: "", SettlementAmount: Amount{"EUR", "701"}},                              // amount wrong, count absent
		{Line: 6, SettlementBatchID: "B2", SummaryType: "TOTAL", TransactionCount: 1, SettlementAmount: Amount{"USD", "100"}},    // agrees
		{Line: 7, SettlementBatchID: "B9", SummaryType: "TOTAL", TransactionCount: 1, SettlementAmount: Amount{"USD", "100"}},    // no details
		{Line: 8, SettlementBatchID: "B1", SummaryType: "DISPUTE", TransactionCount: 0, SettlementAmount: Amount{"USD", "-1"}},   // type without lines
		// B3 has no summary line.
	}
	r, err := NewReconciler(nil)
	require.NoError(t, err)
	r.ExpectRecords() // no records: only totals matter here
	for i := range details {
		r.AddSettlementDetail(&details[i])
	}
	for i := range summaries {
		r.AddSettlementSummary(&summaries[i])
	}
	ds := r.Discrepancies()
	require.Equal(t, []DiscrepancyKind{DiscrepancyCountMismatch, DiscrepancyTotalMismatch, DiscrepancyDetailsMissing,
		DiscrepancyTotalMismatch, DiscrepancySummaryMissing}, discrepancyKinds(ds), "%v", ds)

	assert.Equal(t, 4, ds[0].Line)
	assert.Equal(t, int64(2), ds[0].ReportedCount)
	assert.Equal(t, int64(1), ds[0].ExpectedCount)

	assert.Equal(t, 5, ds[1].Line)
	assert.Equal(t, Amount{"EUR", "701"}, ds[1].Reported)
	assert.Equal(t, Amount{"EUR", "700"}, ds[1].Expected)
	assert.Equal(t, "summary says 7.01 EUR, the details add up to 7.00 EUR", ds[1].Message)

	assert.Equal(t, "B9", ds[2].SettlementBatchID)
	assert.Equal(t, 8, ds[3].Line)
	assert.Equal(t, Amount{"USD", "0"}, ds[3].Expected)
	assert.Equal(t, "B3", ds[4].SettlementBatchID)
	assert.Equal(t, ReportSettlementDetails, ds[4].Report)
	assert.Equal(t, Amount{"USD", "100"}, ds[4].Expected)

	assert.Equal(t, []SettlementTotal{
		{"B1", 1, Amount{"EUR", "700"}}, {"B1", 3, Amount{"USD", "2500"}},
		{"B2", 1, Amount{"USD", "100"}}, {"B3", 1, Amount{"USD", "100"}},
	}, r.SettlementTotals())
}

func TestReconcileTotalsNeedBothSides(t *testing.T) {
	ds := reconcileFiles(t, sampleRecords(), "transaction_details.csv", "settlement_summary.csv")
	assert.Empty(t, ds, "a summary without details is not checked")
}

func TestReconcileSummaryFileDisagrees(t *testing.T) {
	summary := "settlementBatchId,summaryType,transactionCount,settlementAmountValue,settlementCurrency\n" +
		"B20261121001,TOTAL,4,13.70,USD\n<END>\n"
	r, err := NewReconciler(sampleRecords())
	require.NoError(t, err)
	require.NoError(t, r.Add(openReport(t, "settlement_details.csv")))
	require.NoError(t, r.Add(NewReportReader(strings.NewReader(summary))))
	ds := r.Discrepancies()
	// pay-0003 and pay-0005 are not in the settlement details.
	require.Equal(t, []DiscrepancyKind{DiscrepancyNotInReport, DiscrepancyNotInReport, DiscrepancyTotalMismatch}, discrepancyKinds(ds), "%v", ds)
	assert.Equal(t, "TOTAL_MISMATCH settlement summary line 2 batch B20261121001: summary says 13.70 USD, the details add up to 13.69 USD", ds[2].String())
}

func TestReconcileErrors(t *testing.T) {
	_, err := NewReconciler([]MerchantRecord{{TransactionID: "p1", Amount: Amount{"USD", "10.00"}}})
	assert.ErrorContains(t, err, "merchant record 0 (transaction p1)")
	var ve *ValidationError
	assert.ErrorAs(t, err, &ve)

	r, err := NewReconciler(sampleRecords())
	require.NoError(t, err)
	assert.ErrorIs(t, r.Add(openReport(t, "truncated.csv")), ErrReportTruncated)
	err = r.Add(openReport(t, "bad_amount.csv"))
	assert.ErrorIs(t, err, ErrExcessPrecision)
	var re *ReportError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 2, re.Line)
	assert.Equal(t, columnSettlementAmountValue, re.Column)
	assert.ErrorIs(t, r.Add(openReport(t, "after_end.csv")), ErrReportAfterEnd)
	assert.ErrorContains(t, r.Add(NewReportReader(strings.NewReader("foo,bar\n1,2\n<END>\n"))), "not that of a known report")
	assert.ErrorIs(t, r.Add(NewReportReader(strings.NewReader(""))), ErrReportTruncated)
}

// TestReconcileRefundLinks pins an unrecorded refund on its payment
// record whichever way the report names the payment.
func TestReconcileRefundLinks(t *testing.T) {
	payment := TransactionDetail{Line: 2, TransactionID: "p1", TransactionRequestID: "pay-1", TransactionType: TransactionTypePayment, TransactionAmount: Amount{"USD", "1000"}}
	refund := TransactionDetail{Line: 3, TransactionID: "r1", OriginalTransactionID: "p1", TransactionRequestID: "refund-1", TransactionType: TransactionTypeRefund, TransactionAmount: Amount{"USD", "-400"}}
	byOrderNo := refund // as MAPI's fptrade file names it without Transaction_ID
	byOrderNo.TransactionID, byOrderNo.OriginalTransactionID = "", "pay-1"
	unknown := refund
	unknown.OriginalTransactionID = "p9"

	tests := []struct {
		name    string
		records []MerchantRecord
		lines   []TransactionDetail
		want    DiscrepancyKind
		record  int
		message string
	}{
		{"payment id recorded", []MerchantRecord{{TransactionID: "p1", RequestID: "pay-1", Type: TransactionTypePayment, Amount: Amount{"USD", "1000"}}},
			[]TransactionDetail{refund}, DiscrepancyRefundNotRecorded, 0, "refund of 4.00 USD against recorded payment p1 is not in the records"},
		{"payment id learned from the payment's line", []MerchantRecord{{RequestID: "pay-1", Type: TransactionTypePayment, Amount: Amount{"USD", "1000"}}},
			[]TransactionDetail{payment, refund}, DiscrepancyRefundNotRecorded, 0, "against recorded payment p1"},
		{"payment's line after the refund", []MerchantRecord{{RequestID: "pay-1", Type: TransactionTypePayment, Amount: Amount{"USD", "1000"}}},
			[]TransactionDetail{refund, payment}, DiscrepancyRefundNotRecorded, 0, "against recorded payment p1"},
		{"payment named by its request id", []MerchantRecord{{RequestID: "pay-1", Type: TransactionTypePayment, Amount: Amount{"USD", "1000"}}},
			[]TransactionDetail{byOrderNo}, DiscrepancyRefundNotRecorded, 0, "against recorded payment pay-1"},
		{"payment's line never seen", []MerchantRecord{{RequestID: "pay-1", Type: TransactionTypePayment, Amount: Amount{"USD", "1000"}}},
			[]TransactionDetail{refund}, DiscrepancyNotInRecords, -1, "refund of 4.00 USD is not in the records"},
		{"unknown payment", []MerchantRecord{{TransactionID: "p1", RequestID: "pay-1", Type: TransactionTypePayment, Amount: Amount{"USD", "1000"}}},
			[]TransactionDetail{unknown}, DiscrepancyNotInRecords, -1, "refund of 4.00 USD is not in the records"},
		{"named record is no payment", []MerchantRecord{{TransactionID: "p1", Type: TransactionTypeCapture, Amount: Amount{"USD", "1000"}}},
			[]TransactionDetail{refund}, DiscrepancyNotInRecords, -1, "is not in the records"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReconciler(tt.records)
			require.NoError(t, err)
			for i := range tt.lines {
				r.AddTransactionDetail(&tt.lines[i])
			}
			var refunds []Discrepancy
			for _, d := range r.Discrepancies() {
				if d.ReportType == TransactionTypeRefund {
					refunds = append(refunds, d)
				} else {
					assert.Equal(t, DiscrepancyNotInReport, d.Kind, "%v", d)
				}
			}
			require.Len(t, refunds, 1, "%v", refunds)
			d := refunds[0]
			assert.Equal(t, tt.want, d.Kind)
			assert.Equal(t, tt.record, d.Record)
			assert.Equal(t, 3, d.Line)
			assert.Contains(t, d.Message, tt.message)
		})
	}
}

// TestReconcileLinksRefundBetweenCalls: Discrepancies may be called
// before the payment's line arrives, and again after.
func TestReconcileLinksRefundBetweenCalls(t *testing.T) {
	r, err := NewReconciler([]MerchantRecord{{RequestID: "pay-1", Type: TransactionTypePayment, Amount: Amount{"USD", "1000"}}})
	require.NoError(t, err)
	r.AddSettlementDetail(&SettlementDetail{Line: 2, SettlementBatchID: "b", TransactionID: "r1", OriginalTransactionID: "p1",
		TransactionType: TransactionTypeRefund, TransactionAmount: Amount{"USD", "-400"}, SettlementAmount: Amount{"USD", "-400"}})
	assert.Equal(t, []DiscrepancyKind{DiscrepancyNotInRecords, DiscrepancyNotInReport}, discrepancyKinds(r.Discrepancies()))
	r.AddTransactionDetail(&TransactionDetail{Line: 2, TransactionID: "p1", TransactionRequestID: "pay-1",
		TransactionType: TransactionTypePayment, TransactionAmount: Amount{"USD", "1000"}})
	ds := r.Discrepancies()
	require.Equal(t, []DiscrepancyKind{DiscrepancyRefundNotRecorded}, discrepancyKinds(ds), "%v", ds)
	assert.Equal(t, ReportSettlementDetails, ds[0].Report)
	assert.Equal(t, 0, ds[0].Record)
}

// TestReconcileReportDuplicates finds a transaction listed twice in one
// report by its transaction id, or by its request id when it has none.
func TestReconcileReportDuplicates(t *testing.T) {
	usd := func(v string) Amount { return Amount{"USD", v} }
	records := []MerchantRecord{
		{RequestID: "pay-1", Type: TransactionTypePayment, Amount: usd("1000")},
		{RequestID: "refund-1", Type: TransactionTypeRefund, Amount: usd("400")},
		{RequestID: "pay-2", Type: TransactionTypePayment, Amount: usd("500")},
		{TransactionID: "c1", RequestID: "pay-2", Type: TransactionTypeCapture, Amount: usd("200")},
		{TransactionID: "c2", RequestID: "pay-2", Type: TransactionTypeCapture, Amount: usd("300")},
	}
	tests := []struct {
		name  string
		lines []TransactionDetail
		want  []int // lines reported as duplicates
	}{
		{"payment without transaction id", []TransactionDetail{
			{TransactionRequestID: "pay-1", TransactionType: TransactionTypePayment, TransactionAmount: usd("1000")},
			{TransactionRequestID: "pay-1", TransactionType: TransactionTypePayment, TransactionAmount: usd("1000")},
		}, []int{3}},
		{"refund without transaction id", []TransactionDetail{
			{TransactionRequestID: "refund-1", OriginalTransactionID: "pay-1", TransactionType: TransactionTypeRefund, TransactionAmount: usd("-400")},
			{TransactionRequestID: "refund-1", OriginalTransactionID: "pay-1", TransactionType: TransactionTypeRefund, TransactionAmount: usd("-400")},
		}, []int{3}},
		{"payment with transaction id", []TransactionDetail{
			{TransactionID: "p1", TransactionRequestID: "pay-1", TransactionType: TransactionTypePayment, TransactionAmount: usd("1000")},
			{TransactionID: "p1", TransactionRequestID: "pay-1", TransactionType: TransactionTypePayment, TransactionAmount: usd("1000")},
		}, []int{3}},
		{"a payment and its cancel share the paymentId", []TransactionDetail{
			{TransactionID: "p1", TransactionRequestID: "pay-1", TransactionType: TransactionTypePayment, TransactionAmount: usd("1000")},
			{TransactionID: "p1", TransactionRequestID: "pay-1", TransactionType: TransactionTypeCancel, TransactionAmount: usd("-1000")},
		}, nil},
		{"two captures share the payment's request id", []TransactionDetail{
			{TransactionID: "c1", TransactionRequestID: "pay-2", TransactionType: TransactionTypeCapture, TransactionAmount: usd("200")},
			{TransactionID: "c2", TransactionRequestID: "pay-2", TransactionType: TransactionTypeCapture, TransactionAmount: usd("300")},
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReconciler(records)
			require.NoError(t, err)
			for i := range tt.lines {
				tt.lines[i].Line = i + 2
				r.AddTransactionDetail(&tt.lines[i])
			}
			var dups []int
			for _, d := range r.Discrepancies() {
				switch d.Kind {
				case DiscrepancyDuplicate:
					dups = append(dups, d.Line)
					assert.Contains(t, d.Message, "already on line 2")
				case DiscrepancyNotInReport: // the records the case does not use
				default:
					t.Errorf("unexpected %v", d)
				}
			}
			assert.Equal(t, tt.want, dups)
		})
	}
}

func TestReconcileTotalsEdgeCases(t *testing.T) {
	r, err := NewReconciler(nil)
	require.NoError(t, err)
	r.ExpectRecords()
	// A line without a transaction type counts once toward its batch.
	r.AddSettlementDetail(&SettlementDetail{Line: 2, SettlementBatchID: "B1", TransactionAmount: Amount{"USD", "100"}, SettlementAmount: Amount{"USD", "100"}})
	r.AddSettlementSummary(&SettlementSummary{Line: 2, SettlementBatchID: "B1", SummaryType: "TOTAL", TransactionCount: 1, SettlementAmount: Amount{"USD", "100"}})
	assert.Empty(t, r.Discrepancies())
	assert.Equal(t, []SettlementTotal{{"B1", 1, Amount{"USD", "100"}}}, r.SettlementTotals())

	// An unreadable settlement amount (only possible when lines are built
	// by hand) is reported, not summed.
	r.AddSettlementDetail(&SettlementDetail{Line: 3, SettlementBatchID: "B1", SettlementAmount: Amount{"USD", "1.00"}})
	ds := r.Discrepancies()
	require.Equal(t, []DiscrepancyKind{DiscrepancyTotalMismatch}, discrepancyKinds(ds), "%v", ds)
	assert.Equal(t, 3, ds[0].Line)
	assert.Contains(t, ds[0].Message, "settlement amount unreadable")

	// A total beyond 64 bits is reported as such.
	r, err = NewReconciler(nil)
	require.NoError(t, err)
	const huge = "9000000000000000"
	for i := range 1100 {
		r.AddSettlementDetail(&SettlementDetail{Line: i + 2, SettlementBatchID: "B2", SettlementAmount: Amount{"USD", huge}})
	}
	r.AddSettlementSummary(&SettlementSummary{Line: 2, SettlementBatchID: "B2", SummaryType: "TOTAL", SettlementAmount: Amount{"USD", huge}})
	ds = r.Discrepancies()
	require.Equal(t, []DiscrepancyKind{DiscrepancyTotalMismatch}, discrepancyKinds(ds), "%v", ds)
	assert.Equal(t, "the details' total overflows 64 bits", ds[0].Message)
}

// TestReconcileCancelSharesPaymentID: Antom gives a cancel its payment's
// paymentId, in the cancel response and as the cancel line's
// transactionId; neither side is a duplicate or a type mismatch.
func TestReconcileCancelSharesPaymentID(t *testing.T) {
	for _, order := range []string{"payment first", "cancel first"} {
		t.Run(order, func(t *testing.T) {
			records := []MerchantRecord{
				{TransactionID: "p1", RequestID: "pay-1", Type: TransactionTypePayment, Amount: Amount{"USD", "1000"}},
				{TransactionID: "p1", RequestID: "pay-1", Type: TransactionTypeCancel, Amount: Amount{"USD", "1000"}},
			}
			if order == "cancel first" {
				records[0], records[1] = records[1], records[0]
			}
			r, err := NewReconciler(records)
			require.NoError(t, err)
			r.ExpectRecords(TransactionTypePayment, TransactionTypeCancel)
			r.AddTransactionDetail(&TransactionDetail{Line: 2, TransactionID: "p1", TransactionRequestID: "pay-1",
				TransactionType: TransactionTypePayment, TransactionAmount: Amount{"USD", "1000"}})
			r.AddTransactionDetail(&TransactionDetail{Line: 3, TransactionID: "p1", TransactionRequestID: "pay-1",
				TransactionType: TransactionTypeCancel, TransactionAmount: Amount{"USD", "-1000"}})
			assert.Empty(t, r.Discrepancies())

			r.AddTransactionDetail(&TransactionDetail{Line: 4, TransactionID: "p1", TransactionRequestID: "pay-1",
				TransactionType: TransactionTypeCancel, TransactionAmount: Amount{"USD", "-1000"}})
			ds := r.Discrepancies()
			require.Equal(t, []DiscrepancyKind{DiscrepancyDuplicate}, discrepancyKinds(ds), "%v", ds)
			assert.Equal(t, 4, ds[0].Line)
		})
	}
}
