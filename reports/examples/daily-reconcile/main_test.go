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
		payment1 = "20261120194010800100000000000001"
		refund3  = "20261120194010801300000000000004"
	)
	type found struct {
		kind          alipay.DiscrepancyKind
		report        alipay.ReportKind
		transactionID string
		record        int
	}
	var got []found
	for _, d := range ds {
		got = append(got, found{d.Kind, d.Report, d.TransactionID, d.Record})
	}
	// The settlement details came as XLSX, the transaction details as CSV:
	// both find the same mistakes.
	assert.ElementsMatch(t, []found{
		{alipay.DiscrepancyAmountMismatch, alipay.ReportTransactionDetails, payment1, 0},
		{alipay.DiscrepancyRefundNotRecorded, alipay.ReportTransactionDetails, refund3, 2},
		{alipay.DiscrepancyAmountMismatch, alipay.ReportSettlementDetails, payment1, 0},
		{alipay.DiscrepancyRefundNotRecorded, alipay.ReportSettlementDetails, refund3, 2},
	}, got)

	transcript := out.String()
	run1, run2, ok := strings.Cut(transcript, "job run 2:")
	require.True(t, ok, transcript)
	for _, name := range []string{
		"SETTLEMENT_DETAIL_5X00000000000042_20261120.xlsx",
		"SETTLEMENT_SUMMARY_5X00000000000042_20261120.csv",
		"TRANSACTION_DETAIL_5X00000000000042_20261120.csv",
	} {
		assert.Contains(t, run1, "downloaded "+name+", read")
		assert.Contains(t, run2, "skipped    "+name+", read", "the second run downloads nothing")
	}
	assert.Contains(t, run1, "4 discrepancies:")
	assert.Contains(t, run2, "4 discrepancies:")
	assert.NotContains(t, transcript, "TOTAL_MISMATCH", "the XLSX settlement details add up to the CSV summary")
}
