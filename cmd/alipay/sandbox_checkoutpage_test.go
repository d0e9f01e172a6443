package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xborderpay/alipay"
)

// session creates a hosted Checkout Page session for HKD 100.00 offering
// ALIPAY_HK and CARD, and returns its page URL.
func (s *sandbox) session(t *testing.T, site *merchantSite, requestID string) string {
	t.Helper()
	amount := alipay.Amount{Currency: "HKD", Value: "10000"}
	rank := func(n int) *int { return &n }
	resp, err := s.client.CreatePaymentSession(context.Background(), &alipay.PaymentSessionRequest{
		ProductScene:       alipay.ProductSceneCheckoutPayment,
		PaymentRequestID:   requestID,
		Order:              alipay.Order{ReferenceOrderID: "order-" + requestID, OrderDescription: "Tea set", OrderAmount: amount},
		PaymentAmount:      amount,
		SettlementStrategy: &alipay.SettlementStrategy{SettlementCurrency: "USD"},
		PaymentRedirectURL: site.URL + "/result",
		PaymentNotifyURL:   site.URL + "/alipay/notify",
		AvailablePaymentMethod: &alipay.AvailablePaymentMethod{PaymentMethodTypeList: []alipay.PaymentMethodTypeItem{
			{PaymentMethodType: alipay.PaymentMethodTypeCard, PaymentMethodOrder: rank(2)},
			{PaymentMethodType: alipay.PaymentMethodTypeAlipayHK, PaymentMethodOrder: rank(1)},
		}},
	})
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(resp.NormalURL, s.endpoint+"/checkout/"), "the checkout page goes through the logging front: %s", resp.NormalURL)
	return resp.NormalURL
}

// TestSandbox_checkoutPageOverHTTP pays on the Checkout Page with plain
// HTTP, as a browser would without JavaScript, and checks the log.
func TestSandbox_checkoutPageOverHTTP(t *testing.T) {
	s := startSandbox(t)
	site := newMerchantSite(t, s.client)
	page := s.session(t, site, "ORD-CKP-HTTP-1")

	get, err := http.Get(page)
	require.NoError(t, err)
	body, _ := io.ReadAll(get.Body)
	get.Body.Close()
	require.Equal(t, http.StatusOK, get.StatusCode)
	assert.Contains(t, string(body), `id="method-ALIPAY_HK"`)
	assert.Contains(t, string(body), `id="method-CARD"`)
	assert.Less(t, strings.Index(string(body), "method-ALIPAY_HK"), strings.Index(string(body), "method-CARD"), "in paymentMethodOrder")

	resp, err := http.PostForm(page, url.Values{"method": {"ALIPAY_HK"}, "action": {"pay"}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, site.URL+"/result", resp.Request.URL.String(), "paying leads back to paymentRedirectUrl")

	s.requireSuccess(t, site, "ORD-CKP-HTTP-1")
	require.Equal(t, exitOK, s.stop())
	log := s.out.String()
	for _, want := range []string{
		"API     createPaymentSession paymentRequestId=ORD-CKP-HTTP-1 100.00 HKD → 200 S SUCCESS\n",
		"CHECKOUT get page ",
		"CHECKOUT pay ALIPAY_HK session ",
		"NOTIFY  notifyType=PAYMENT_RESULT paymentRequestId=ORD-CKP-HTTP-1 → " + site.URL + "/alipay/notify: 200, acknowledged\n",
	} {
		assert.Contains(t, log, want)
	}
}

// A value the buyer's browser made up never reaches the log as typed.
func TestCheckoutToken(t *testing.T) {
	for in, want := range map[string]string{
		"pay": "pay", "ALIPAY_HK": "ALIPAY_HK", "": "?",
		"pay\x1b[2J": "?", "a b": "?", strings.Repeat("A", 33): "?",
	} {
		assert.Equal(t, want, checkoutToken(in), "%q", in)
	}
}
