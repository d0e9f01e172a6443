package main

import (
	"context"
	"fmt"
	"log"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xborderpay/alipay"
)

// chromiumPath finds Chromium: $CHROMIUM_PATH, then the usual names on
// PATH (Debian's chromium package installs /usr/bin/chromium).
func chromiumPath() string {
	if p := os.Getenv("CHROMIUM_PATH"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome-stable", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// A person's checkout in headless Chromium: buy, choose a method in the
// menu, press Pay (the button greys out), see the QR code page, open the
// payment page, pay on the fake's cashier, land on the shop's result page.
func TestBrowserCheckout(t *testing.T) {
	chrome := chromiumPath()
	if chrome == "" {
		t.Skip("no Chromium found (apt-get install -y chromium, or set CHROMIUM_PATH)")
	}
	fake := newFake(t)
	lb := newBalancer(t)
	in := startInstance(t, sqliteDSN(t), fake.Client(), lb, testConfig("a", lb.srv.URL))
	in.reports = fake

	browser := newBrowser(t, chrome)

	var checkoutURL, qrSrc, cashierURL, status, resultURL string
	require.NoError(t, chromedp.Run(browser,
		chromedp.Navigate(lb.srv.URL+"/"),
		chromedp.Click("#buy-mug", chromedp.ByID),
		chromedp.WaitVisible("#pay", chromedp.ByID),
		chromedp.Location(&checkoutURL),
		chromedp.Click("#method-ALIPAY_CN", chromedp.ByID),
		chromedp.Click("#pay", chromedp.ByID),
		chromedp.WaitVisible("#qr", chromedp.ByID),
		chromedp.AttributeValue("#qr", "src", &qrSrc, nil, chromedp.ByID),
		chromedp.AttributeValue("#open", "href", &cashierURL, nil, chromedp.ByID),
		chromedp.Click("#open", chromedp.ByID),
		chromedp.WaitVisible("#pay", chromedp.ByID), // the fake cashier's Pay button
		chromedp.Click("#pay", chromedp.ByID),
		chromedp.WaitVisible("#order-status", chromedp.ByID),
		chromedp.Location(&resultURL),
		chromedp.Text("#order-status", &status, chromedp.ByID),
	))
	assert.Contains(t, checkoutURL, "/orders/order-")
	assert.True(t, strings.HasPrefix(qrSrc, "data:image/png;base64,"), qrSrc)
	assert.True(t, strings.HasPrefix(cashierURL, fake.URL+"/cashier/"), cashierURL)
	assert.True(t, strings.HasPrefix(resultURL, lb.srv.URL+"/orders/"), resultURL)
	assert.Contains(t, waitPaid(t, browser, status), "Paid. Thank you!")
	eventually(t, 10*time.Second, func() bool { return settled(t, in.db, fake) }, "settled")
	checkAgainstAntom(t, in.Shop, fake)
}

// waitPaid reloads the result page until it says the order is paid and
// returns what it says in the end. The result page never trusts the return
// URL: it shows "waiting" until the notification or its own inquiry (at
// most one every few seconds) has confirmed the payment, and refreshes
// itself. Reload it as that refresh would, until it says so.
func waitPaid(t *testing.T, browser context.Context, status string) string {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(status, "Paid. Thank you!") && time.Now().Before(deadline); {
		time.Sleep(500 * time.Millisecond)
		require.NoError(t, chromedp.Run(browser,
			chromedp.Reload(),
			chromedp.WaitVisible("#order-status", chromedp.ByID),
			chromedp.Text("#order-status", &status, chromedp.ByID),
		))
	}
	return status
}

// Paying with BLIK in headless Chromium: buy the candle (priced in PLN, so
// consult offers BLIK), choose BLIK, type a bad code (the browser's own
// check stops it; a browser that does not check gets the shop's message
// and Antom is not called), then a good one; the code goes to Antom in
// pay, so the fake's cashier does not ask for it again; pay there and land
// on the result page, which says paid.
func TestBrowserBLIKCheckout(t *testing.T) {
	chrome := chromiumPath()
	if chrome == "" {
		t.Skip("no Chromium found (apt-get install -y chromium, or set CHROMIUM_PATH)")
	}
	fake := newFake(t)
	lb := newBalancer(t)
	in := startInstance(t, sqliteDSN(t), fake.Client(), lb, testConfig("a", lb.srv.URL))
	in.reports = fake
	browser := newBrowser(t, chrome)

	var checkoutURL, afterBad string
	var mismatch bool
	require.NoError(t, chromedp.Run(browser,
		chromedp.Navigate(lb.srv.URL+"/"),
		chromedp.Click("#buy-candle", chromedp.ByID),
		chromedp.WaitVisible("#pay", chromedp.ByID),
		chromedp.Location(&checkoutURL),
		chromedp.Click("#method-BLIK", chromedp.ByID),
		chromedp.WaitVisible("#extra-blikCode", chromedp.ByID),
		chromedp.SendKeys("#extra-blikCode", "12a45", chromedp.ByID),
		chromedp.Click("#pay", chromedp.ByID),
		chromedp.Evaluate(`document.getElementById('extra-blikCode').validity.patternMismatch`, &mismatch),
		chromedp.Location(&afterBad),
	))
	assert.True(t, mismatch, "the pattern attribute flags the code")
	assert.Equal(t, checkoutURL, afterBad, "the browser did not submit")

	// A browser that does not check patterns (or a buyer who edits the
	// page) posts the bad code: the shop answers with its own message.
	var errText string
	require.NoError(t, chromedp.Run(browser,
		chromedp.Evaluate(`document.querySelector('form[action$="/pay"]').noValidate = true`, nil),
		chromedp.Click("#pay", chromedp.ByID),
		chromedp.WaitVisible("#error", chromedp.ByID),
		chromedp.Text("#error", &errText, chromedp.ByID),
	))
	assert.Equal(t, "a BLIK code is exactly 6 digits", errText)
	assert.Zero(t, count(t, in.db, `SELECT COUNT(*) FROM payment_attempts`), "nothing was sent to Antom")

	var cashierURL, status, resultURL string
	var cashierAsks bool
	require.NoError(t, chromedp.Run(browser,
		chromedp.WaitVisible("#extra-blikCode", chromedp.ByID), // BLIK is still chosen
		chromedp.SendKeys("#extra-blikCode", "777123", chromedp.ByID),
		chromedp.Click("#pay", chromedp.ByID),
		chromedp.WaitVisible("#open", chromedp.ByID), // no QR code for BLIK: a link to the payment page
		chromedp.AttributeValue("#open", "href", &cashierURL, nil, chromedp.ByID),
		chromedp.Click("#open", chromedp.ByID),
		chromedp.WaitVisible("#pay", chromedp.ByID), // the fake cashier's Pay button
		chromedp.Evaluate(`document.getElementById('extra') !== null`, &cashierAsks),
	))
	assert.True(t, strings.HasPrefix(cashierURL, fake.URL+"/cashier/"), cashierURL)
	require.False(t, cashierAsks, "the code came with pay, so Antom's page does not ask for it")
	require.NoError(t, chromedp.Run(browser,
		chromedp.Click("#pay", chromedp.ByID),
		chromedp.WaitVisible("#order-status", chromedp.ByID),
		chromedp.Location(&resultURL),
		chromedp.Text("#order-status", &status, chromedp.ByID),
	))
	require.True(t, strings.HasPrefix(resultURL, lb.srv.URL+"/orders/"), resultURL)
	assert.Contains(t, waitPaid(t, browser, status), "Paid. Thank you!")

	u, err := url.Parse(resultURL)
	require.NoError(t, err)
	rid := u.Query().Get("attempt")
	meta, fromPay := fake.PaymentMethodMetaData(rid)
	assert.Equal(t, map[string]string{"blikCode": "777123"}, meta, "paymentRequestId %q", rid)
	assert.True(t, fromPay, "the blikCode reached pay")
	assert.Equal(t, 1, fake.Charges(rid))
	eventually(t, 10*time.Second, func() bool { return settled(t, in.db, fake) }, "settled")
	checkAgainstAntom(t, in.Shop, fake)
}

// newBrowser starts headless Chromium with a throwaway profile; it is
// stopped when the test ends (or after a minute, a guard against a hang).
func newBrowser(t *testing.T, chrome string) context.Context {
	profile, err := os.MkdirTemp("", "shop-chromium-")
	require.NoError(t, err)
	t.Cleanup(func() {
		for range 50 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chrome), chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile))
	t.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(alloc, chromedp.WithErrorf(func(format string, args ...any) {
		// A Chromium newer than chromedp's protocol tables sends event
		// values they lack; this test uses none of those events.
		if msg := fmt.Sprintf(format, args...); !strings.Contains(msg, "could not unmarshal event") {
			log.Print(msg)
		}
	}))
	t.Cleanup(cancelBrowser)

	return browser
}

// A bad BLIK code typed in the browser comes back with the shop's own
// message, the method still chosen, and nothing sent to Antom; every
// extra field renders as the guide asks (a menu with all three methods,
// which no single currency gets from consult).
func TestCheckoutPageExtraFields(t *testing.T) {
	p, err := loadPages()
	require.NoError(t, err)
	var b strings.Builder
	o := &Order{ID: "order-1", Description: "T-shirt", ExpiresAt: time.Now()}
	blik := optionOf("BLIK")
	blik.PromoNames = []string{"5% off with BLIK"}
	groups := []MenuGroup{{Category: "Mobile banking apps", Options: []MenuOption{menuOption(blik), menuOption(optionOf("IDEAL"))}},
		{Category: "Online banking", Options: []MenuOption{menuOption(optionOf("P24"))}}}
	require.NoError(t, p.t.ExecuteTemplate(&b, "checkout", pageData{"Title": "Checkout", "Order": o, "Price": "25.00 EUR",
		"Groups": groups, "Device": DeviceWeb, "Devices": []Device{DeviceWeb}, "Method": "BLIK", "Error": "a BLIK code is exactly 6 digits"}))
	page := b.String()
	assert.Contains(t, page, `<input name="blikCode" id="extra-blikCode" type="text" inputmode="numeric" maxlength="6" pattern="[0-9]{6}">`)
	assert.Contains(t, page, `<input name="payerEmail" id="extra-payerEmail" type="email" >`)
	assert.Contains(t, page, `<option value="ABNANL2A">ABN AMRO</option>`)
	assert.Contains(t, page, `id="method-BLIK" checked`)
	assert.Contains(t, page, `<span class="promo">5% off with BLIK</span>`)
	assert.Contains(t, page, `<p class="error" id="error">a BLIK code is exactly 6 digits</p>`)
}

func optionOf(t string) alipay.PaymentOption {
	return alipay.PaymentOption{PaymentMethodType: alipay.PaymentMethodType(t), Enabled: true}
}
