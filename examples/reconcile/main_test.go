package main

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xborderpay/alipay"
)

func TestRun(t *testing.T) {
	var out strings.Builder
	ds, err := run(context.Background(), &out)
	require.NoError(t, err)

	const (
		payment2 = "20261120194010800100000000000002"
		payment4 = "20261120194010800100000000000004"
		refund4  = "20261120194010801300000000000005"
	)
	type found struct {
		kind          alipay.DiscrepancyKind
		report        alipay.ReportKind
		transactionID string
		requestID     string
		record        int
	}
	var got []found
	for _, d := range ds {
		got = append(got, found{d.Kind, d.Report, d.TransactionID, d.RequestID, d.Record})
	}
	assert.Equal(t, []found{
		{alipay.DiscrepancyAmountMismatch, alipay.ReportTransactionDetails, payment2, "order-1002", 1},
		{alipay.DiscrepancyRefundNotRecorded, alipay.ReportTransactionDetails, refund4, "refund-1004", 3},
		{alipay.DiscrepancyAmountMismatch, alipay.ReportSettlementDetails, payment2, "order-1002", 1},
		{alipay.DiscrepancyRefundNotRecorded, alipay.ReportSettlementDetails, refund4, "refund-1004", 3},
		{alipay.DiscrepancyNotInReport, alipay.ReportUnknown, "", "order-1005", 4},
	}, got)
	assert.Contains(t, ds[1].Message, "recorded payment "+payment4, "the refund is pinned on the payment it refunds (record 3)")

	// The fake's clock and client ID are fixed, so the transcript is too.
	want := `Fake Antom gateway, client ID SANDBOX_5X00000000000042, 2026-11-20.

09:10 pay order-1001 25.00 USD: SUCCESS, paymentId 20261120194010800100000000000001
09:20 pay order-1002 12.50 USD: SUCCESS, paymentId 20261120194010800100000000000002
09:30 pay order-1003 8.00 USD: FAIL, paymentId 20261120194010800100000000000003
09:40 pay order-1004 40.00 USD: SUCCESS, paymentId 20261120194010800100000000000004
09:50 refund refund-1004 of order-1004 15.00 USD: SUCCESS, refundId 20261120194010801300000000000005

ledger: 5 records; on purpose order-1002 says 12.00, refund-1004 is missing, order-1005 never reached Antom

read TRANSACTION_DETAIL_5X00000000000042_20261120.csv
read SETTLEMENT_DETAIL_5X00000000000042_20261120.csv
read SETTLEMENT_SUMMARY_5X00000000000042_20261120.csv
batch SB5X0000000000004220261120: 4 lines, net 60.17 USD

5 discrepancies against 5 ledger records:
AMOUNT_MISMATCH transaction details line 3 record 1 transaction 20261120194010800100000000000002: the report says 12.50 USD, the record 12.00 USD
REFUND_NOT_RECORDED transaction details line 5 record 3 transaction 20261120194010801300000000000005: refund of 15.00 USD against recorded payment 20261120194010800100000000000004 is not in the records
AMOUNT_MISMATCH settlement details line 3 record 1 transaction 20261120194010800100000000000002 batch SB5X0000000000004220261120: the report says 12.50 USD, the record 12.00 USD
REFUND_NOT_RECORDED settlement details line 5 record 3 transaction 20261120194010801300000000000005 batch SB5X0000000000004220261120: refund of 15.00 USD against recorded payment 20261120194010800100000000000004 is not in the records
NOT_IN_REPORT record 4 request order-1005: payment of 9.99 USD is in no report
`
	assert.Equal(t, want, out.String())
}
