package alipay_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/xborderpay/alipay"
)

func TestReconcilerRecordCurrency(t *testing.T) {
	rec, err := alipay.NewReconciler([]alipay.MerchantRecord{
		{RequestID: "O-1", TransactionID: "T-1", Type: alipay.TransactionTypePayment, Amount: alipay.Amount{Currency: "CNY", Value: "100"}},
		{RequestID: "O-2", Type: alipay.TransactionTypePayment, Amount: alipay.Amount{Currency: "USD", Value: "100"}},
	})
	assert.NoError(t, err)
	tests := []struct {
		name string
		d    alipay.TransactionDetail
		want string
		ok   bool
	}{
		{"by transaction id", alipay.TransactionDetail{TransactionID: "T-1", TransactionType: alipay.TransactionTypePayment}, "CNY", true},
		{"by request id", alipay.TransactionDetail{TransactionRequestID: "O-2", TransactionType: alipay.TransactionTypePayment}, "USD", true},
		{"unknown", alipay.TransactionDetail{TransactionRequestID: "O-3", TransactionType: alipay.TransactionTypePayment}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := rec.RecordCurrency(&tt.d)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.ok, ok)
		})
	}
	assert.Len(t, rec.Discrepancies(), 2, "looking up matches nothing: both records are still missing from the reports")
}
