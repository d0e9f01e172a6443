package alipay

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// refScenario is a random reconciliation: records, and reports as CSV text
// whose lines share ids, types and amounts with the records and with each
// other often enough to hit every discrepancy, duplicates and refund links;
// a few lines carry a bad value and a few headers lack a column, so that
// errors are compared too.
type refScenario struct {
	records []MerchantRecord
	reports []string
}

func newRefScenario(rng *rand.Rand) refScenario {
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	txnID := func() string { return pick("", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "q1") }
	reqID := func() string { return pick("", "q1", "q2", "q3", "q4", "q5", "t1") }
	typ := func() string { return pick("PAYMENT", "PAYMENT", "REFUND", "CAPTURE", "CANCEL", "", "FEE", "DISPUTE") }
	var sc refScenario
	allTxn := rng.IntN(3) == 0 // every record has a transaction id: request ids are indexed only when needed
	for range rng.IntN(12) {
		currency := pick("USD", "JPY", "EUR")
		id := txnID()
		if allTxn && id == "" {
			id = "t9"
		}
		sc.records = append(sc.records, MerchantRecord{
			TransactionID: id, RequestID: reqID(), OriginalTransactionID: txnID(),
			Type: TransactionType(typ()), Status: pick("", "", "SUCCESS", "FAIL", "PENDING"),
			Amount: Amount{Currency: currency, Value: pick("100", "250", "1000")},
		})
	}
	for range 1 + rng.IntN(3) {
		kind := []ReportKind{ReportTransactionDetails, ReportSettlementDetails, ReportSettlementSummary}[rng.IntN(3)]
		header := kind.Columns()
		if rng.IntN(12) == 0 { // a header without one of its columns
			drop := rng.IntN(len(header))
			header = append(header[:drop:drop], header[drop+1:]...)
		}
		var b strings.Builder
		w := csv.NewWriter(&b)
		_ = w.Write(header)
		for range rng.IntN(14) {
			values := map[string]string{
				columnTransactionID: txnID(), columnTransactionRequestID: reqID(), columnOriginalTransactionID: txnID(),
				columnTransactionType: typ(), columnTransactionAmountValue: pick("1.00", "2.50", "-1.00", "10.00", "0"),
				columnTransactionCurrency: pick("USD", "USD", "EUR"), columnTransactionTime: pick("", "2026-11-20T10:30:00+08:00", "2026-11-20 10:30:00"),
				columnSettlementBatchID: pick("B1", "B2"), columnSettlementAmountValue: pick("1.00", "-0.50", "2.00"),
				columnSettlementCurrency: pick("USD", "EUR"), columnSettlementTime: pick("", "2026-11-21"),
				columnProcessingFeeValue: pick("", "-0.01"), columnProcessingFeeCurrency: pick("USD", "USD", "USD", "USD", ""),
				columnTaxFeeValue: pick("", "", "-0.02"), columnTaxFeeCurrency: "USD",
				columnSummaryType: pick("TOTAL", "", "PAYMENT", "REFUND"), columnTransactionCount: pick("", "1", "2", "3"),
			}
			if kind == ReportTransactionDetails && values[columnTransactionID] == "" && rng.IntN(8) > 0 {
				values[columnTransactionID] = "t8" // required there: keep most reports going
			}
			if rng.IntN(25) == 0 { // a bad value
				values[pick(columnTransactionAmountValue, columnTransactionCurrency, columnTransactionTime, columnSettlementAmountValue,
					columnSettlementTime, columnProcessingFeeValue, columnTaxFeeValue, columnTransactionID, columnSettlementBatchID,
					columnTransactionCount)] = pick("", "1.234", "x", "XXX", "-0", "2026-13-45")
			}
			row := make([]string, len(header))
			for i, h := range header {
				row[i] = values[h]
			}
			_ = w.Write(row)
		}
		if rng.IntN(20) > 0 {
			_ = w.Write([]string{"<END>"})
		}
		w.Flush()
		sc.reports = append(sc.reports, b.String())
	}
	return sc
}

// TestReconcileMatchesReference checks on thousands of random scenarios that
// the Reconciler finds exactly what the implementation before its rewrite
// for speed found (reconcile_reference_test.go): the same errors, the same
// discrepancies in the same order, the same totals, whether records come as
// a slice or a stream and lines through Add or the Add*Detail methods.
func TestReconcileMatchesReference(t *testing.T) {
	for seed := range uint64(reconcileRefSeeds) {
		rng := rand.New(rand.NewPCG(seed, 15))
		sc := newRefScenario(rng)
		name := fmt.Sprintf("seed %d", seed)

		ref, refErr := newRefReconciler(slices.Clone(sc.records))
		got, err := NewReconciler(slices.Clone(sc.records))
		require.Equal(t, refErr, err, name)
		if err != nil {
			continue
		}
		streamed, err := NewReconcilerSeq(slices.Values(sc.records))
		require.NoError(t, err, name)
		byLine, err := NewReconciler(slices.Clone(sc.records))
		require.NoError(t, err, name)
		if rng.IntN(4) == 0 {
			ref.ExpectRecords(TransactionTypePayment, "FEE")
			got.ExpectRecords(TransactionTypePayment, "FEE")
			streamed.ExpectRecords(TransactionTypePayment, "FEE")
			byLine.ExpectRecords(TransactionTypePayment, "FEE")
		}
		for i, report := range sc.reports {
			refErr := ref.Add(NewReportReader(strings.NewReader(report)))
			require.Equal(t, refErr, got.Add(NewReportReader(strings.NewReader(report))), "%s report %d:\n%s", name, i, report)
			require.Equal(t, refErr, streamed.Add(NewReportReader(strings.NewReader(report))), name)
			addLines(t, byLine, report)
		}
		want := ref.Discrepancies()
		require.Equal(t, want, got.Discrepancies(), name)
		require.Equal(t, want, streamed.Discrepancies(), name)
		require.Equal(t, want, got.Discrepancies(), "%s: a second call", name)
		require.Equal(t, refTotals(ref), got.SettlementTotals(), name)
		if !slices.ContainsFunc(sc.reports, func(r string) bool { return refAddErr(r) != nil }) {
			require.Equal(t, want, byLine.Discrepancies(), name)
		}
	}
}

// addLines adds a report's lines one by one through the typed views, up to
// its first bad line.
func addLines(t *testing.T, r *Reconciler, report string) {
	t.Helper()
	rr := NewReportReader(strings.NewReader(report))
	kind, _ := rr.Kind()
	for row, err := range rr.All() {
		if err != nil {
			return
		}
		switch kind {
		case ReportTransactionDetails:
			d, err := row.TransactionDetail()
			if err != nil {
				return
			}
			r.AddTransactionDetail(&d)
		case ReportSettlementDetails:
			d, err := row.SettlementDetail()
			if err != nil {
				return
			}
			r.AddSettlementDetail(&d)
		case ReportSettlementSummary:
			s, err := row.SettlementSummary()
			if err != nil {
				return
			}
			r.AddSettlementSummary(&s)
		}
	}
}

func refAddErr(report string) error {
	r, _ := newRefReconciler(nil)
	return r.Add(NewReportReader(strings.NewReader(report)))
}

// refTotals is SettlementTotals of the reference implementation.
func refTotals(r *refReconciler) []SettlementTotal {
	var out []SettlementTotal
	for k, t := range r.details {
		if k.typ == "" {
			out = append(out, SettlementTotal{SettlementBatchID: k.batch, Count: t.count,
				Amount: Amount{Currency: k.currency, Value: strconv.FormatInt(t.sum, 10)}})
		}
	}
	slices.SortFunc(out, func(a, b SettlementTotal) int {
		if c := strings.Compare(a.SettlementBatchID, b.SettlementBatchID); c != 0 {
			return c
		}
		return strings.Compare(a.Amount.Currency, b.Amount.Currency)
	})
	return out
}

// TestReconcileTypeCodes checks that comparing type codes says what
// comparing the types said.
func TestReconcileTypeCodes(t *testing.T) {
	r, err := NewReconciler(nil)
	require.NoError(t, err)
	types := append(reportTypeCodes[:], "FEE", "DISPUTE")
	for _, a := range types {
		for _, b := range types {
			ca, cb := r.typeCode(a), r.typeCode(b)
			require.Equal(t, a == b, ca == cb, "%q %q", a, b)
			require.Equal(t, reportCompatibleTypes(a, b), reportCompatibleCodes(ca, cb), "%q %q", a, b)
		}
	}
	require.Equal(t, uint32(reportCodeNoType), r.typeCode(""))
	require.Equal(t, uint32(reportCodePayment), r.typeCode(TransactionTypePayment))
	require.Equal(t, uint32(reportCodeRefund), r.typeCode(TransactionTypeRefund))
}

// TestReconcileLearnsSeveralIDs pins a record without a transaction id
// that two lines with different ids both find by request id: each id is
// learned (a refund naming either links to the payment) and each keeps its
// own first line for duplicates.
func TestReconcileLearnsSeveralIDs(t *testing.T) {
	usd := Amount{"USD", "1000"}
	records := []MerchantRecord{{RequestID: "pay-1", Type: TransactionTypePayment, Amount: usd}}
	lines := []TransactionDetail{
		{Line: 2, TransactionID: "t1", TransactionRequestID: "pay-1", TransactionType: TransactionTypePayment, TransactionAmount: usd},
		{Line: 3, TransactionID: "t2", TransactionRequestID: "pay-1", TransactionType: TransactionTypePayment, TransactionAmount: usd},
		{Line: 4, TransactionID: "t1", TransactionRequestID: "pay-1", TransactionType: TransactionTypePayment, TransactionAmount: usd},
		{Line: 5, TransactionID: "t2", TransactionRequestID: "pay-1", TransactionType: TransactionTypePayment, TransactionAmount: usd},
		{Line: 6, TransactionID: "r1", OriginalTransactionID: "t1", TransactionType: TransactionTypeRefund, TransactionAmount: Amount{"USD", "-100"}},
		{Line: 7, TransactionID: "r2", OriginalTransactionID: "t2", TransactionType: TransactionTypeRefund, TransactionAmount: Amount{"USD", "-100"}},
	}
	ref, err := newRefReconciler(records)
	require.NoError(t, err)
	got, err := NewReconciler(records)
	require.NoError(t, err)
	for i := range lines {
		ref.AddTransactionDetail(&lines[i])
		got.AddTransactionDetail(&lines[i])
	}
	want := ref.Discrepancies()
	require.Equal(t, want, got.Discrepancies())
	var msgs []string
	for _, d := range want {
		msgs = append(msgs, d.String())
	}
	require.Equal(t, []string{
		"DUPLICATE transaction details line 4 transaction t1: transaction already on line 2",
		"DUPLICATE transaction details line 5 transaction t2: transaction already on line 3",
		"REFUND_NOT_RECORDED transaction details line 6 record 0 transaction r1: refund of 1.00 USD against recorded payment t1 is not in the records",
		"REFUND_NOT_RECORDED transaction details line 7 record 0 transaction r2: refund of 1.00 USD against recorded payment t2 is not in the records",
	}, msgs)
}

// FuzzReconcileAdd feeds any file to Reconciler.Add, which checks details
// lines itself rather than through the typed views, and requires exactly
// the error and discrepancies of the implementation before the rewrite.
func FuzzReconcileAdd(f *testing.F) {
	for _, name := range []string{"transaction_details.csv", "settlement_details.csv", "settlement_summary.csv", "bad_amount.csv"} {
		data, err := os.ReadFile("testdata/reports/" + name)
		require.NoError(f, err)
		f.Add(data)
	}
	for seed := range uint64(8) {
		for _, report := range newRefScenario(rand.New(rand.NewPCG(seed, 15))).reports {
			f.Add([]byte(report))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ref, err := newRefReconciler(sampleRecords())
		require.NoError(t, err)
		got, err := NewReconciler(sampleRecords())
		require.NoError(t, err)
		require.Equal(t, ref.Add(NewReportReader(bytes.NewReader(data))), got.Add(NewReportReader(bytes.NewReader(data))))
		require.Equal(t, ref.Discrepancies(), got.Discrepancies())
	})
}
