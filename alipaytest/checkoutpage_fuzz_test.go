package alipaytest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzCheckoutPage posts arbitrary forms to a session's checkout page (the
// buyer's browser is untrusted input): the server must never panic, must
// answer only 303 (paid or declined), 400 or 409, and must never record a
// payment with a method the session does not offer.
func FuzzCheckoutPage(f *testing.F) {
	for _, s := range []string{
		"method=ALIPAY_HK&action=pay", "method=CARD&action=decline", "action=decline", "action=pay",
		"method=GCASH&action=pay", "method=ALIPAY_HK&action=refund", "method=%ff&action=%00", "method=ALIPAY_HK&method=CARD&action=pay",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, form string) {
		srv := NewUnstartedServer(WithManualNotifications())
		srv.URL = "http://127.0.0.1:1"
		body := `{"productCode":"CASHIER_PAYMENT","productScene":"CHECKOUT_PAYMENT","paymentRequestId":"fuzz-1",
			"order":{"referenceOrderId":"o","orderDescription":"d"},"paymentAmount":{"currency":"HKD","value":"100"},
			"settlementStrategy":{"settlementCurrency":"USD"},"paymentRedirectUrl":"https://merchant.example/",
			"availablePaymentMethod":{"paymentMethodTypeList":[{"paymentMethodType":"ALIPAY_HK"},{"paymentMethodType":"CARD"}]}}`
		answer, e := srv.createPaymentSession([]byte(body))
		if e != nil {
			t.Fatal(e)
		}
		page := strings.TrimPrefix(answer.(sessionResponse).NormalURL, srv.URL)

		req := httptest.NewRequest(http.MethodPost, page, strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		srv.routes().ServeHTTP(w, req)
		switch w.Code {
		case http.StatusSeeOther, http.StatusBadRequest, http.StatusConflict:
		default:
			t.Fatalf("HTTP %d for %q", w.Code, form)
		}
		p := srv.payments["fuzz-1"]
		switch p.methodType {
		case "", "ALIPAY_HK", "CARD":
		default:
			t.Fatalf("payment recorded with method %q, which the session does not offer", p.methodType)
		}
		if w.Code == http.StatusSeeOther && p.status == StatusProcessing {
			t.Fatalf("redirected the buyer but the payment is still %s", p.status)
		}
	})
}
