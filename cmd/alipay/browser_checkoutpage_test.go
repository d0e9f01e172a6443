package main

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xborderpay/alipay"
)

// TestSandbox_browserCheckoutPage clicks through the hosted Checkout Page in
// headless Chromium: the page lists the session's methods, the test picks
// CARD (not the preselected first one) and clicks Pay, the browser lands on
// the merchant's result page, and the notification and inquiry say the
// payment succeeded with a card.
func TestSandbox_browserCheckoutPage(t *testing.T) {
	chrome := chromiumPath()
	if chrome == "" {
		t.Skip("no Chromium binary found (install Debian's chromium package: apt-get install -y chromium, or set CHROMIUM_PATH)")
	}
	s := startSandbox(t)
	site := newMerchantSite(t, s.client)
	page := s.session(t, site, "ORD-BROWSER-CKP-1")
	browser := headlessChromium(t, chrome)

	var amount, status, methods, landed, thanks string
	err := chromedp.Run(browser,
		chromedp.Navigate(page),
		chromedp.WaitVisible("#pay", chromedp.ByID),
		chromedp.Text("#amount", &amount, chromedp.ByID),
		chromedp.Text("#status", &status, chromedp.ByID),
		chromedp.Text("#checkout fieldset", &methods, chromedp.ByQuery),
		chromedp.Click("#method-CARD", chromedp.ByID),
		chromedp.Click("#pay", chromedp.ByID),
		chromedp.WaitVisible("#thanks", chromedp.ByID),
		chromedp.Text("#thanks", &thanks, chromedp.ByID),
		chromedp.Location(&landed),
	)
	require.NoError(t, err, "driving Chromium; sandbox log:\n%s", s.out.String())
	assert.Contains(t, amount, "HKD 100.00")
	assert.Equal(t, "PROCESSING", strings.TrimSpace(status))
	assert.Less(t, strings.Index(methods, "ALIPAY_HK"), strings.Index(methods, "CARD"), "in paymentMethodOrder: %q", methods)
	assert.NotContains(t, methods, "ALIPAY_CN", "only the session's methods")
	assert.Equal(t, site.URL+"/result", landed, "Pay leads back to paymentRedirectUrl")
	assert.Equal(t, "Thank you", thanks)

	s.requireSuccess(t, site, "ORD-BROWSER-CKP-1")
	inq, err := s.client.InquiryPayment(context.Background(), &alipay.InquiryPaymentRequest{PaymentRequestID: "ORD-BROWSER-CKP-1"})
	require.NoError(t, err)
	assert.Equal(t, alipay.PaymentMethodTypeCard, inq.PaymentMethodType, "the method the buyer clicked")
	log := s.out.String()
	assert.Contains(t, log, "CHECKOUT get page ")
	assert.Contains(t, log, "CHECKOUT pay CARD session ")
}
