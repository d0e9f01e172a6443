package main

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xborderpay/alipay/alipaytest"
)

func noEnv(string) string { return "" }

func TestRunOffline(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, noEnv))
	got := out.String()
	for _, want := range []string{
		"Offline: fake Antom gateway (alipaytest)",
		"Set ALIPAY_CLIENT_ID, ALIPAY_PRIVATE_KEY and ALIPAY_PUBLIC_KEY",
		"1. createPaymentSession pay-",
		"for HKD 100.00: SUCCESS, open until ",
		"2. the browser opens the Checkout Page http://127.0.0.1:",
		"3. the page offers ALIPAY_HK, ALIPAY_CN, CARD; the buyer chooses ALIPAY_HK, presses Pay and is sent back to https://shop.example/orders/order-",
		"4. notification PAYMENT_RESULT S for pay-",
		"paid with ALIPAY_HK: verified and acknowledged",
		"5. inquiryPayment: SUCCESS, paid HKD 100.00 with ALIPAY_HK, paymentId ",
		"6. refund HKD 50.00: SUCCESS, refundId ",
		"notification REFUND_RESULT S: refund SUCCESS",
	} {
		assert.Contains(t, got, want)
	}
}

// buyer is a transcript writer that, like a person reading it, opens the
// Checkout Page URL the program asks for, chooses a card and pays.
type buyer struct {
	t   *testing.T
	mu  sync.Mutex
	buf bytes.Buffer
}

var openURL = regexp.MustCompile(`open (http://\S+/checkout/\S+), choose`)

func (b *buyer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	if m := openURL.FindSubmatch(p); m != nil {
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).
			PostForm(string(m[1]), url.Values{"method": {"CARD"}, "action": {"pay"}})
		if assert.NoError(b.t, err) {
			resp.Body.Close()
			assert.Equal(b.t, http.StatusSeeOther, resp.StatusCode)
		}
	}
	return len(p), nil
}

// TestRunSandboxMode runs the real-sandbox branch against the fake, with
// the fake's credentials in the environment and a buyer who reads the
// transcript.
func TestRunSandboxMode(t *testing.T) {
	srv := alipaytest.NewServer()
	defer srv.Close()
	env := map[string]string{
		"ALIPAY_CLIENT_ID":           srv.ClientID(),
		"ALIPAY_PRIVATE_KEY":         srv.MerchantPrivateKeyPEM(),
		"ALIPAY_PUBLIC_KEY":          srv.AlipayPublicKeyPEM(),
		"ALIPAY_ENDPOINT":            srv.URL,
		"ALIPAY_SETTLEMENT_CURRENCY": "HKD",
	}
	out := &buyer{t: t}
	require.NoError(t, run(context.Background(), out, func(k string) string { return env[k] }))
	got := out.buf.String()
	assert.Contains(t, got, "Real Antom sandbox at "+srv.URL)
	assert.Contains(t, got, "the payment is SUCCESS")
	assert.Contains(t, got, "4. notification: sent by Antom to the notify URL of your Dashboard")
	assert.Contains(t, got, "5. inquiryPayment: SUCCESS, paid HKD 100.00 with CARD")
	assert.Contains(t, got, "6. refund HKD 50.00: SUCCESS")
	assert.NotContains(t, got, "Offline")
}

func TestRunConfigErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		env  map[string]string
		want string
	}{
		"partial": {map[string]string{"ALIPAY_CLIENT_ID": "SANDBOX_1"}, "missing: ALIPAY_PRIVATE_KEY, ALIPAY_PUBLIC_KEY"},
		"production client ID": {map[string]string{"ALIPAY_CLIENT_ID": "5X00000000000000", "ALIPAY_PRIVATE_KEY": "k", "ALIPAY_PUBLIC_KEY": "k"},
			"must be a SANDBOX_ client ID"},
		"bad key": {map[string]string{"ALIPAY_CLIENT_ID": "SANDBOX_1", "ALIPAY_PRIVATE_KEY": "not a key", "ALIPAY_PUBLIC_KEY": "k"},
			"WithPrivateKey"},
	} {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), &out, func(k string) string { return tc.env[k] })
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "not a key", "the key is not echoed")
			assert.Empty(t, out.String(), "nothing runs")
		})
	}
}
