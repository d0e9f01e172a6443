package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chromiumPath finds a Chromium or Chrome binary: $CHROMIUM_PATH, then the
// usual names on PATH (Debian's chromium package installs /usr/bin/chromium).
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

// TestSandbox_browserCheckout is the end-to-end test: "alipay sandbox"
// runs in process, a new WEB payment is opened in headless Chromium at its
// cashier page, the test clicks Pay, the browser lands on the merchant's
// result page, the notification reaches the merchant's SDK handler and
// inquiryPayment says SUCCESS.
func TestSandbox_browserCheckout(t *testing.T) {
	chrome := chromiumPath()
	if chrome == "" {
		t.Skip("no Chromium binary found (install Debian's chromium package: apt-get install -y chromium, or set CHROMIUM_PATH)")
	}
	s := startSandbox(t)
	site := newMerchantSite(t, s.client)
	cashier := s.pay(t, site, "ORD-BROWSER-1")
	browser := headlessChromium(t, chrome)

	var amount, status, landed, thanks string
	err := chromedp.Run(browser,
		chromedp.Navigate(cashier),
		chromedp.WaitVisible("#pay", chromedp.ByID),
		chromedp.Text("#amount", &amount, chromedp.ByID),
		chromedp.Text("#status", &status, chromedp.ByID),
		chromedp.Click("#pay", chromedp.ByID),
		chromedp.WaitVisible("#thanks", chromedp.ByID),
		chromedp.Text("#thanks", &thanks, chromedp.ByID),
		chromedp.Location(&landed),
	)
	require.NoError(t, err, "driving Chromium; sandbox log:\n%s", s.out.String())
	assert.Contains(t, amount, "10.25")
	assert.Equal(t, "PROCESSING", strings.TrimSpace(status))
	assert.Equal(t, site.URL+"/result", landed, "Pay leads back to paymentRedirectUrl")
	assert.Equal(t, "Thank you", thanks)

	s.requireSuccess(t, site, "ORD-BROWSER-1")
	log := s.out.String()
	assert.Contains(t, log, "CASHIER get page ")
	assert.Contains(t, log, "CASHIER pay ")
}

// headlessChromium starts a headless Chromium for the test, with a 30-second
// budget, and returns its chromedp context; everything stops when the test
// ends.
func headlessChromium(t *testing.T, chrome string) context.Context {
	t.Helper()
	// Chromium's helper processes may still write to the profile for a
	// moment after the browser exits, which t.TempDir's cleanup would
	// report as a failure: remove it ourselves, patiently.
	profile, err := os.MkdirTemp("", "alipay-chromium-")
	require.NoError(t, err)
	t.Cleanup(func() {
		for range 50 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Logf("could not remove the Chromium profile %s", profile)
	})

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chrome),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
	)
	t.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(alloc, chromedp.WithErrorf(func(format string, args ...any) {
		// A Chromium newer than the protocol tables of chromedp v0.13 sends
		// enum values those tables lack (IPAddressSpace "Loopback"); the
		// events are ones this test does not use.
		if msg := fmt.Sprintf(format, args...); !strings.Contains(msg, "could not unmarshal event") {
			log.Print(msg)
		}
	}))
	t.Cleanup(cancelBrowser)
	return browser
}
