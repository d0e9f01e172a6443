package alipay

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReportWriterTransactionDetails(t *testing.T) {
	var buf bytes.Buffer
	w := NewReportWriter(&buf, ReportTransactionDetails)
	at := time.Date(2026, 11, 20, 10, 30, 0, 0, time.FixedZone("", 8*3600))
	require.NoError(t, w.WriteTransactionDetail(&TransactionDetail{
		CustomerID: "1022188000000000001", Acquirer: "Antom", TransactionID: "2026112011400000001",
		TransactionRequestID: "pay-1", OrderDescription: `Mug, "large"`,
		TransactionType: TransactionTypePayment, PaymentMethodType: "ALIPAY_HK", Status: "SUCCESS",
		TransactionTime: at, TransactionAmount: Amount{"USD", "1025"},
		Fees: []ReportFee{{Name: FeeProcessing, Amount: Amount{"USD", "-31"}}},
	}))
	require.NoError(t, w.WriteTransactionDetail(&TransactionDetail{
		TransactionID: "r1", OriginalTransactionID: "2026112011400000001", TransactionType: TransactionTypeRefund,
		TransactionAmount: Amount{"JPY", "-500"},
	}))
	require.NoError(t, w.Close())
	require.NoError(t, w.Close(), "Close twice")
	want := "customerId,acquirer,acquirerReferenceNo,referenceMerchantId,referenceStoreId,transactionId," +
		"originalTransactionId,transactionRequestId,referenceTransactionId,orderDescription,transactionType," +
		"paymentMethodType,status,transactionTime,transactionAmountValue,transactionCurrency," +
		"processingFeeAmountValue,processingFeeCurrency,taxFeeAmountValue,taxFeeCurrency\n" +
		`1022188000000000001,Antom,,,,2026112011400000001,,pay-1,,"Mug, ""large""",PAYMENT,ALIPAY_HK,SUCCESS,2026-11-20T10:30:00+08:00,10.25,USD,-0.31,USD,,` + "\n" +
		",,,,,r1,2026112011400000001,,,,REFUND,,,,-500,JPY,,,,\n" +
		"<END>\n"
	assert.Equal(t, want, buf.String())
}

func TestReportWriterSettlement(t *testing.T) {
	var buf bytes.Buffer
	w := NewReportWriter(&buf, ReportSettlementSummary)
	require.NoError(t, w.WriteSettlementSummary(&SettlementSummary{
		SettlementBatchID: "B1", CustomerID: "C", Acquirer: "Antom", SummaryType: "TOTAL",
		TransactionCount: 2, SettlementAmount: Amount{"KWD", "1005"},
	}))
	require.NoError(t, w.Close())
	assert.Equal(t, "settlementBatchId,customerId,acquirer,summaryType,settlementInitiatedDate,transactionCount,settlementAmountValue,settlementCurrency\n"+
		"B1,C,Antom,TOTAL,,2,1.005,KWD\n<END>\n", buf.String())

	buf.Reset()
	w = NewReportWriter(&buf, ReportSettlementDetails)
	require.NoError(t, w.WriteSettlementDetail(&SettlementDetail{
		SettlementBatchID: "B1", TransactionID: "p1", TransactionType: TransactionTypePayment,
		TransactionAmount: Amount{"USD", "1000"}, SettlementAmount: Amount{"USD", "970"},
		Fees: []ReportFee{{FeeTax, Amount{"USD", "-5"}}, {FeeProcessing, Amount{"USD", "-25"}}},
	}))
	require.NoError(t, w.Close())
	assert.Equal(t, "settlementBatchId,customerId,PSP,acquirerReferenceNo,referenceMerchantId,referenceStoreId,"+
		"transactionId,originalTransactionId,transactionRequestId,referenceTransactionId,transactionType,"+
		"paymentMethodType,transactionTime,transactionAmountValue,transactionCurrency,settlementAmountValue,"+
		"settlementCurrency,processingFeeAmountValue,processingFeeCurrency,taxFeeAmountValue,taxFeeCurrency,"+
		"settlementInitiatedDate\n"+
		"B1,,,,,,p1,,,,PAYMENT,,,10.00,USD,9.70,USD,-0.25,USD,-0.05,USD,\n<END>\n", buf.String())
}

func TestReportWriterEmptyReport(t *testing.T) {
	var buf bytes.Buffer
	w := NewReportWriter(&buf, ReportSettlementSummary)
	require.NoError(t, w.Close())
	assert.Equal(t, "settlementBatchId,customerId,acquirer,summaryType,settlementInitiatedDate,transactionCount,settlementAmountValue,settlementCurrency\n<END>\n", buf.String())
}

type reportFailWriter struct{}

func (reportFailWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestReportWriterErrors(t *testing.T) {
	var buf bytes.Buffer
	w := NewReportWriter(&buf, ReportTransactionDetails)
	assert.ErrorContains(t, w.WriteSettlementSummary(&SettlementSummary{}), "cannot go into")
	assert.ErrorIs(t, w.WriteTransactionDetail(&TransactionDetail{TransactionAmount: Amount{"XAU", "1"}}), ErrNoMinorUnit)
	assert.ErrorIs(t, w.WriteTransactionDetail(&TransactionDetail{TransactionAmount: Amount{"USD", "1.5"}}), ErrMalformedDecimal)
	assert.ErrorContains(t, w.WriteTransactionDetail(&TransactionDetail{
		TransactionAmount: Amount{"USD", "1"}, Fees: []ReportFee{{"fxFee", Amount{"USD", "-1"}}},
	}), "fxFee")
	assert.ErrorContains(t, w.WriteTransactionDetail(&TransactionDetail{
		TransactionAmount: Amount{"USD", "1"}, Fees: []ReportFee{{FeeTax, Amount{"USD", "-1"}}, {FeeTax, Amount{"USD", "-1"}}},
	}), "twice")
	// Refused lines leave the report intact.
	require.NoError(t, w.Close())
	assert.Equal(t, 2, bytes.Count(buf.Bytes(), []byte("\n")))
	assert.Error(t, w.WriteTransactionDetail(&TransactionDetail{TransactionAmount: Amount{"USD", "1"}}), "write after Close")

	assert.ErrorContains(t, NewReportWriter(&buf, ReportUnknown).Close(), "unknown report kind")
	assert.ErrorContains(t, NewReportWriter(reportFailWriter{}, ReportSettlementSummary).Close(), "disk full")
	assert.ErrorContains(t, NewReportWriter(&buf, ReportSettlementSummary).WriteSettlementSummary(&SettlementSummary{TransactionCount: -1}), "negative")
}
