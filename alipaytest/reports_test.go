package alipaytest

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xborderpay/alipay"
)

func TestReports(t *testing.T) {
	srv, clock, c := newFakeServer(t)
	paid := c.post("pay", payBody("rep-paid", "WEB")).expect(t, "U", "PAYMENT_IN_PROCESS").str("paymentId")
	c.post("pay", payBody("rep-unpaid", "WEB")).expect(t, "U", "PAYMENT_IN_PROCESS")
	cancelled := c.post("pay", payBody("rep-cancelled", "WEB")).expect(t, "U", "PAYMENT_IN_PROCESS").str("paymentId")
	clock.Advance(time.Minute)
	require.NoError(t, srv.CompletePayment("rep-paid"))
	require.NoError(t, srv.CompletePayment("rep-cancelled"))
	clock.Advance(time.Minute)
	refundID := c.post("refund", refundBody("rep-r1", paid, "250")).expect(t, "S", "SUCCESS").str("refundId")
	clock.Advance(time.Minute)
	c.post("cancel", map[string]any{"paymentId": cancelled}).expect(t, "S", "SUCCESS")
	clock.Advance(24 * time.Hour)
	c.post("refund", refundBody("rep-r2", paid, "100")).expect(t, "S", "SUCCESS") // the next day

	var buf bytes.Buffer
	require.NoError(t, srv.WriteTransactionDetails(&buf, epoch))
	rr := alipay.NewReportReader(bytes.NewReader(buf.Bytes()))
	var got []alipay.TransactionDetail
	for row, err := range rr.All() {
		require.NoError(t, err)
		d, err := row.TransactionDetail()
		require.NoError(t, err)
		got = append(got, d)
	}
	require.Len(t, got, 4, "%s", buf.String())
	assert.Equal(t, alipay.TransactionTypePayment, got[0].TransactionType)
	assert.Equal(t, paid, got[0].TransactionID)
	assert.Equal(t, "rep-paid", got[0].TransactionRequestID)
	assert.Equal(t, alipay.Amount{Currency: "USD", Value: "1000"}, got[0].TransactionAmount)
	assert.Equal(t, []alipay.ReportFee{{Name: alipay.FeeProcessing, Amount: alipay.Amount{Currency: "USD", Value: "-30"}}}, got[0].Fees)
	assert.True(t, got[0].TransactionTime.Equal(epoch.Add(time.Minute)))
	assert.Equal(t, alipay.TransactionTypePayment, got[1].TransactionType)
	assert.Equal(t, cancelled, got[1].TransactionID)
	assert.Equal(t, alipay.TransactionTypeRefund, got[2].TransactionType)
	assert.Equal(t, refundID, got[2].TransactionID)
	assert.Equal(t, paid, got[2].OriginalTransactionID)
	assert.Equal(t, alipay.Amount{Currency: "USD", Value: "-250"}, got[2].TransactionAmount)
	assert.Equal(t, alipay.TransactionTypeCancel, got[3].TransactionType)
	assert.Equal(t, cancelled, got[3].OriginalTransactionID)
	assert.Equal(t, alipay.Amount{Currency: "USD", Value: "-1000"}, got[3].TransactionAmount)

	dir := t.TempDir()
	files, err := srv.WriteReports(dir, epoch)
	require.NoError(t, err)
	assert.Contains(t, files.SettlementDetails, "SETTLEMENT_DETAIL_"+srv.CustomerID()+"_20260310.csv")
	raw, err := os.ReadFile(files.TransactionDetails)
	require.NoError(t, err)
	assert.Equal(t, buf.String(), string(raw))
	assert.True(t, bytes.HasSuffix(raw, []byte("\n<END>\n")))

	f, err := os.Open(files.SettlementDetails)
	require.NoError(t, err)
	defer f.Close()
	var net int64
	for row, err := range alipay.NewReportReader(f).All() {
		require.NoError(t, err)
		d, err := row.SettlementDetail()
		require.NoError(t, err)
		assert.Equal(t, srv.SettlementBatchID(epoch), d.SettlementBatchID)
		net += mustMinor(t, d.SettlementAmount)
	}
	assert.Equal(t, int64(970+970-250-1000), net)

	s, err := os.Open(files.SettlementSummary)
	require.NoError(t, err)
	defer s.Close()
	var sums []alipay.SettlementSummary
	for row, err := range alipay.NewReportReader(s).All() {
		require.NoError(t, err)
		sum, err := row.SettlementSummary()
		require.NoError(t, err)
		sums = append(sums, sum)
	}
	require.Len(t, sums, 1)
	assert.Equal(t, int64(4), sums[0].TransactionCount)
	assert.Equal(t, alipay.Amount{Currency: "USD", Value: "690"}, sums[0].SettlementAmount)

	buf.Reset()
	require.NoError(t, srv.WriteTransactionDetails(&buf, epoch.AddDate(0, 0, 1)))
	assert.Contains(t, buf.String(), "rep-r2")
	assert.NotContains(t, buf.String(), "rep-r1")

	_, err = srv.WriteReports(dir+"/missing/dir", epoch)
	assert.Error(t, err)
}

func mustMinor(t *testing.T, a alipay.Amount) int64 {
	t.Helper()
	v, err := a.MinorUnits()
	require.NoError(t, err)
	return v
}
