package alipay_test

import (
	"fmt"
	"strings"

	"github.com/xborderpay/alipay"
)

func ExampleReportReader() {
	// A transaction details report as Antom delivers it (a file, in real code).
	report := strings.NewReader("transactionId,transactionRequestId,transactionType,transactionAmountValue,transactionCurrency,orderDescription\r\n" +
		"2026112011400001,order-1,PAYMENT,10.25,USD,\"Mug, large\"\r\n" +
		"2026112011400002,order-2,PAYMENT,1500,JPY,Tea\r\n" +
		"<END>\r\n")
	rr := alipay.NewReportReader(report)
	kind, _ := rr.Kind()
	fmt.Println(kind)
	for row, err := range rr.All() {
		if err != nil {
			fmt.Println(err) // a cut file ends here with alipay.ErrReportTruncated
			return
		}
		d, err := row.TransactionDetail()
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(d.TransactionID, d.TransactionAmount, row.Get("orderDescription"))
	}
	// Output:
	// TRANSACTION_DETAILS
	// 2026112011400001 10.25 USD Mug, large
	// 2026112011400002 1500 JPY Tea
}

func ExampleReconciler() {
	r, err := alipay.NewReconciler([]alipay.MerchantRecord{
		{RequestID: "order-1", Type: alipay.TransactionTypePayment, Amount: alipay.Amount{Currency: "USD", Value: "1025"}},
		{RequestID: "order-2", Type: alipay.TransactionTypePayment, Amount: alipay.Amount{Currency: "JPY", Value: "1000"}},
		{RequestID: "order-3", Type: alipay.TransactionTypePayment, Amount: alipay.Amount{Currency: "USD", Value: "500"}},
	})
	if err != nil {
		panic(err)
	}
	// A transaction details report as Antom delivers it (a file, in real code).
	report := strings.NewReader("transactionId,transactionRequestId,transactionType,transactionAmountValue,transactionCurrency,orderDescription\r\n" +
		"2026112011400001,order-1,PAYMENT,10.25,USD,\"Mug, large\"\r\n" +
		"2026112011400002,order-2,PAYMENT,1500,JPY,Tea\r\n" +
		"<END>\r\n")
	if err := r.Add(alipay.NewReportReader(report)); err != nil {
		panic(err)
	}
	for _, d := range r.Discrepancies() {
		fmt.Println(d)
	}
	// Output:
	// AMOUNT_MISMATCH transaction details line 3 record 1 transaction 2026112011400002: the report says 1500 JPY, the record 1000 JPY
	// NOT_IN_REPORT record 2 request order-3: payment of 5.00 USD is in no report
}

func ExampleNewReportWriter() {
	var b strings.Builder
	w := alipay.NewReportWriter(&b, alipay.ReportSettlementSummary)
	_ = w.WriteSettlementSummary(&alipay.SettlementSummary{
		SettlementBatchID: "B1", SummaryType: "TOTAL", TransactionCount: 2,
		SettlementAmount: alipay.Amount{Currency: "USD", Value: "2000"},
	})
	if err := w.Close(); err != nil {
		panic(err)
	}
	fmt.Print(b.String())
	// Output:
	// settlementBatchId,customerId,acquirer,summaryType,settlementInitiatedDate,transactionCount,settlementAmountValue,settlementCurrency
	// B1,,,TOTAL,,2,20.00,USD
	// <END>
}
