package alipay

import (
	"slices"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReconcileRecordStream checks that records given one by one, or half
// as a slice and half one by one, reconcile exactly as the same records
// given as one slice.
func TestReconcileRecordStream(t *testing.T) {
	files := []string{"transaction_details.csv", "settlement_details.csv", "settlement_summary.csv"}
	records := append(sampleRecords(), MerchantRecord{TransactionID: txn1, Type: TransactionTypePayment, Amount: Amount{"USD", "1025"}}) // a duplicate
	want := reconcileFiles(t, slices.Clone(records), files...)
	require.NotEmpty(t, want)

	add := func(t *testing.T, r *Reconciler) []Discrepancy {
		for _, f := range files {
			require.NoError(t, r.Add(openReport(t, f)))
		}
		return r.Discrepancies()
	}
	t.Run("NewReconcilerSeq", func(t *testing.T) {
		r, err := NewReconcilerSeq(slices.Values(records))
		require.NoError(t, err)
		assert.Equal(t, want, add(t, r))
	})
	t.Run("AddRecord", func(t *testing.T) {
		r, err := NewReconciler(nil)
		require.NoError(t, err)
		for _, rec := range records {
			require.NoError(t, r.AddRecord(rec))
		}
		assert.Equal(t, want, add(t, r))
	})
	t.Run("Grow, then AddRecord", func(t *testing.T) {
		r, err := NewReconciler(records[:2])
		require.NoError(t, err)
		r.Grow(len(records))
		for _, rec := range records[2:] {
			require.NoError(t, r.AddRecord(rec))
		}
		r.Grow(-1) // nothing to do
		assert.Equal(t, want, add(t, r))
		r.Grow(5) // after lines: nothing to do
		assert.Equal(t, want, r.Discrepancies())
	})
	t.Run("a slice, then AddRecord", func(t *testing.T) {
		for split := range len(records) + 1 {
			r, err := NewReconciler(slices.Clone(records[:split]))
			require.NoError(t, err)
			for _, rec := range records[split:] {
				require.NoError(t, r.AddRecord(rec))
			}
			assert.Equal(t, want, add(t, r), "split at %d", split)
		}
	})
}

// TestReconcileAddRecordDuplicates pins duplicates between records given
// in the slice and records added after it, by transaction id and by
// request id, including a record without a transaction id arriving after
// records that all had one (the request ids are indexed only then).
func TestReconcileAddRecordDuplicates(t *testing.T) {
	usd := Amount{"USD", "100"}
	r, err := NewReconciler([]MerchantRecord{
		{TransactionID: "p1", RequestID: "pay-1", Type: TransactionTypePayment, Amount: usd},
		{TransactionID: "p2", RequestID: "pay-2", Type: TransactionTypePayment, Amount: usd},
	})
	require.NoError(t, err)
	require.NoError(t, r.AddRecord(MerchantRecord{TransactionID: "p3", RequestID: "pay-2", Type: TransactionTypePayment, Amount: usd})) // both have ids: not a duplicate
	require.NoError(t, r.AddRecord(MerchantRecord{TransactionID: "p1", RequestID: "pay-9", Type: TransactionTypePayment, Amount: usd}))
	require.NoError(t, r.AddRecord(MerchantRecord{RequestID: "pay-2", Type: TransactionTypePayment, Amount: usd}))
	require.NoError(t, r.AddRecord(MerchantRecord{RequestID: "pay-2", Type: TransactionTypeRefund, Amount: usd})) // another type
	var got []string
	for _, d := range r.Discrepancies() {
		if d.Kind == DiscrepancyDuplicate {
			got = append(got, d.String())
		}
	}
	assert.Equal(t, []string{
		"DUPLICATE record 3 transaction p1: same transaction id as record 0",
		"DUPLICATE record 4 request pay-2: same request id and type as record 1",
		"DUPLICATE record 4 request pay-2: same request id and type as record 2",
	}, got)
}

// TestReconcileAddRecordRefused checks that a record with a bad amount is
// refused without being added, that records are refused once report lines
// were matched, and that AddRecord never writes into the array of the slice
// NewReconciler was given.
func TestReconcileAddRecordRefused(t *testing.T) {
	usd := Amount{"USD", "100"}
	backing := make([]MerchantRecord, 2, 3)
	backing[0] = MerchantRecord{TransactionID: "p1", Type: TransactionTypePayment, Amount: usd}
	backing[1] = MerchantRecord{TransactionID: "p2", Type: TransactionTypePayment, Amount: usd}
	r, err := NewReconciler(backing)
	require.NoError(t, err)

	err = r.AddRecord(MerchantRecord{TransactionID: "bad", Amount: Amount{"USD", "1.00"}})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.ErrorContains(t, err, "merchant record 2 (transaction bad)")
	require.NoError(t, r.AddRecord(MerchantRecord{TransactionID: "p3", Type: TransactionTypePayment, Amount: usd}))
	assert.Equal(t, MerchantRecord{}, backing[:3][2], "AddRecord wrote into the caller's array")

	r.AddTransactionDetail(&TransactionDetail{Line: 2, TransactionID: "p3", TransactionType: TransactionTypePayment, TransactionAmount: usd})
	assert.ErrorContains(t, r.AddRecord(MerchantRecord{TransactionID: "p4", Amount: usd}), "before the first report line")

	ds := r.Discrepancies()
	require.Len(t, ds, 2) // p1 and p2; p3 (record 2, after the refused one) matched
	assert.Equal(t, []int{0, 1}, []int{ds[0].Record, ds[1].Record})
	assert.Equal(t, DiscrepancyNotInReport, ds[0].Kind)

	_, err = NewReconcilerSeq(slices.Values([]MerchantRecord{{TransactionID: "p1", Amount: usd}, {TransactionID: "bad", Amount: Amount{"USD", "0"}}}))
	assert.ErrorContains(t, err, "merchant record 1 (transaction bad)")
}

// TestReconcileDoesNotRetainLines checks that a line's id, kept to find
// duplicates, does not keep the whole line's memory: encoding/csv hands
// out each line's fields as slices of one string.
func TestReconcileDoesNotRetainLines(t *testing.T) {
	r, err := NewReconciler(nil)
	require.NoError(t, err)
	line := "p1,pay-1,PAYMENT," + string(make([]byte, 1000))
	d := TransactionDetail{Line: 2, TransactionID: line[:2], TransactionRequestID: line[3:8], TransactionType: TransactionTypePayment,
		TransactionAmount: Amount{"USD", "100"}}
	r.AddTransactionDetail(&d)
	for id := range r.txnIDs {
		assert.NotSame(t, unsafe.StringData(line), unsafe.StringData(id))
	}
}
