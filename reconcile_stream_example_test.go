package alipay_test

import (
	"fmt"
	"strings"

	"github.com/xborderpay/alipay"
)

// ledgerCursor stands for a database/sql *Rows over the merchant's ledger:
// Next, Scan and Err, one row at a time.
type ledgerCursor struct {
	rows [][3]string // request id, currency, value in minor units
	at   int
}

func (c *ledgerCursor) Next() bool { c.at++; return c.at <= len(c.rows) }

func (c *ledgerCursor) Scan(requestID, currency, value *string) error {
	row := c.rows[c.at-1]
	*requestID, *currency, *value = row[0], row[1], row[2]
	return nil
}

func (c *ledgerCursor) Err() error { return nil }

// Records stream from the database into the Reconciler without a slice of
// all of them: only the Reconciler's own compact index grows.
func ExampleReconciler_AddRecord() {
	rows := &ledgerCursor{rows: [][3]string{{"order-1", "USD", "1025"}, {"order-2", "JPY", "1500"}, {"order-3", "USD", "500"}}}
	r, err := alipay.NewReconciler(nil)
	if err != nil {
		panic(err)
	}
	for rows.Next() {
		var rec alipay.MerchantRecord
		if err := rows.Scan(&rec.RequestID, &rec.Amount.Currency, &rec.Amount.Value); err != nil {
			panic(err)
		}
		rec.Type = alipay.TransactionTypePayment
		if err := r.AddRecord(rec); err != nil {
			panic(err) // a record with an invalid amount
		}
	}
	if err := rows.Err(); err != nil {
		panic(err)
	}
	if err := r.Add(alipay.NewReportReader(strings.NewReader(exampleReport))); err != nil {
		panic(err)
	}
	for _, d := range r.Discrepancies() {
		fmt.Println(d)
	}
	// Output:
	// NOT_IN_REPORT record 2 request order-3: payment of 5.00 USD is in no report
}

// A ledger that already yields records as an iterator goes straight in.
func ExampleNewReconcilerSeq() {
	ledger := func(yield func(alipay.MerchantRecord) bool) {
		for i, amount := range []string{"1025", "1500"} {
			currency := []string{"USD", "JPY"}[i]
			rec := alipay.MerchantRecord{RequestID: fmt.Sprintf("order-%d", i+1), Type: alipay.TransactionTypePayment,
				Amount: alipay.Amount{Currency: currency, Value: amount}}
			if !yield(rec) {
				return
			}
		}
	}
	r, err := alipay.NewReconcilerSeq(ledger)
	if err != nil {
		panic(err)
	}
	if err := r.Add(alipay.NewReportReader(strings.NewReader(exampleReport))); err != nil {
		panic(err)
	}
	fmt.Println(len(r.Discrepancies()), "discrepancies")
	// Output:
	// 0 discrepancies
}
