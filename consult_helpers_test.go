package alipay

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const consultHelpersAnswer = `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},
"paymentOptions":[
 {"paymentMethodType":"ALIPAY_CN","paymentMethodCategory":"WALLET","enabled":true},
 {"paymentMethodType":"BLIK","paymentMethodCategory":"MOBILE_BANKING_APP","enabled":true},
 {"paymentMethodType":"GCASH","paymentMethodCategory":"WALLET","enabled":false,"disableReason":"CHANNEL_NOT_SUPPORT_CURRENCY"},
 {"paymentMethodType":"MYSTERY","enabled":true},
 {"paymentMethodType":"ALIPAY_HK","paymentMethodCategory":"WALLET","enabled":true}
]}`

func consultHelpersResponse(t *testing.T) *ConsultResponse {
	t.Helper()
	var r ConsultResponse
	require.NoError(t, json.Unmarshal([]byte(consultHelpersAnswer), &r))
	return &r
}

func optionTypes(opts []PaymentOption) []PaymentMethodType {
	var out []PaymentMethodType
	for _, o := range opts {
		out = append(out, o.PaymentMethodType)
	}
	return out
}

func TestConsultResponseFilters(t *testing.T) {
	r := consultHelpersResponse(t)
	assert.Equal(t, []PaymentMethodType{"ALIPAY_CN", "BLIK", "MYSTERY", "ALIPAY_HK"}, optionTypes(r.EnabledOptions()))
	disabled := r.DisabledOptions()
	assert.Equal(t, []PaymentMethodType{"GCASH"}, optionTypes(disabled))
	assert.Equal(t, DisableReasonChannelNotSupportCurrency, disabled[0].DisableReason)
}

func TestConsultResponseGroupsByCategory(t *testing.T) {
	groups := consultHelpersResponse(t).GroupsByCategory()
	require.Len(t, groups, 3)
	tests := []struct {
		category PaymentMethodCategory
		types    []PaymentMethodType
	}{
		// Categories in order of first appearance; a later WALLET joins the first group.
		{PaymentMethodCategoryWallet, []PaymentMethodType{"ALIPAY_CN", "GCASH", "ALIPAY_HK"}},
		{PaymentMethodCategoryMobileBankingApp, []PaymentMethodType{"BLIK"}},
		{"", []PaymentMethodType{"MYSTERY"}},
	}
	for i, tt := range tests {
		assert.Equal(t, tt.category, groups[i].Category, "group %d", i)
		assert.Equal(t, tt.types, optionTypes(groups[i].Options), "group %d", i)
	}
}

func TestGroupPaymentOptionsOfFilteredList(t *testing.T) {
	groups := GroupPaymentOptions(consultHelpersResponse(t).EnabledOptions())
	require.Len(t, groups, 3)
	assert.Equal(t, []PaymentMethodType{"ALIPAY_CN", "ALIPAY_HK"}, optionTypes(groups[0].Options))
}

func TestConsultHelpersEmpty(t *testing.T) {
	var nilResp *ConsultResponse
	assert.Nil(t, nilResp.EnabledOptions())
	assert.Nil(t, nilResp.DisabledOptions())
	assert.Nil(t, nilResp.GroupsByCategory())
	assert.Empty(t, (&ConsultResponse{}).GroupsByCategory())
	assert.Nil(t, GroupPaymentOptions(nil))
}
