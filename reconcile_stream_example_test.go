package alipay_test

import (
	"fmt"
	"strings"

	"github.com/xborderpay/alipay"
)

// Records stream from the database into the Reconciler without a slice of
// all of them: only the Reconciler's own compact index grows. With
// database/sql the loop is
//
//	for rows.Next() {
//		var rec alipay.MerchantRecord
//		if err := rows.Scan(&rec.RequestID, &rec.Amount.Currency, &rec.Amount.Value); err != nil { ... }
//		rec.Type = alipay.TransactionTypePayment
//		if err := r.AddRecord(rec); err != nil { ... }
//	}
func ExampleReconciler_AddRecord() {
	ledger := [][3]string{{"order-1", "USD", "1025"}, {"order-2", "JPY", "1500"}, {"order-3", "USD", "500"}} // rows of a query
	r, err := alipay.NewReconciler(nil)
	if err != nil {
		panic(err)
	}
	r.Grow(len(ledger)) // when the count is known (SELECT COUNT(*)), room is made once
	for _, row := range ledger {
		rec := alipay.MerchantRecord{RequestID: row[0], Type: alipay.TransactionTypePayment,
			Amount: alipay.Amount{Currency: row[1], Value: row[2]}}
		if err := r.AddRecord(rec); err != nil {
			panic(err) // a record with an invalid amount
		}
	}
	// A transaction details report as Antom delivers it (a file, in real code).
	report := strings.NewReader("transactionId,transactionRequestId,transactionType,transactionAmountValue,transactionCurrency\r\n" +
		"2026112011400001,order-1,PAYMENT,10.25,USD\r\n" +
		"2026112011400002,order-2,PAYMENT,1500,JPY\r\n" +
		"<END>\r\n")
	if err := r.Add(alipay.NewReportReader(report)); err != nil {
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
	report := strings.NewReader("transactionId,transactionRequestId,transactionType,transactionAmountValue,transactionCurrency\r\n" +
		"2026112011400001,order-1,PAYMENT,10.25,USD\r\n" +
		"2026112011400002,order-2,PAYMENT,1500,JPY\r\n" +
		"<END>\r\n")
	if err := r.Add(alipay.NewReportReader(report)); err != nil {
		panic(err)
	}
	fmt.Println(len(r.Discrepancies()), "discrepancies")
	// Output:
	// 0 discrepancies
}
