package main

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
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
		"1. consult USD 25.00 on WEB: ALIPAY_CN",
		"2. pay APP/ANDROID pay-",
		"PAYMENT_IN_PROCESS; the app opens applinkUrl http://127.0.0.1:",
		"PAYMENT_IN_PROCESS; the browser opens http://127.0.0.1:",
		"4. the buyer presses Pay on the cashier page and is sent back to https://shop.example/orders/order-",
		"5. notification PAYMENT_RESULT S for pay-",
		"6. inquiryPayment: SUCCESS, paid USD 25.00",
		"7. refund USD 12.50: SUCCESS, refundId ",
		"notification REFUND_RESULT S: refund SUCCESS",
		"8. inquiryRefund: SUCCESS, USD 12.50 refunded",
	} {
		assert.Contains(t, got, want)
	}
}

// buyer is a transcript writer that, like a person reading it, opens the
// cashier URL the program asks for and pays.
type buyer struct {
	t   *testing.T
	mu  sync.Mutex
	buf bytes.Buffer
}

var openURL = regexp.MustCompile(`open (http://\S+/cashier/\S+) and pay`)

func (b *buyer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	if m := openURL.FindSubmatch(p); m != nil {
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).
			PostForm(string(m[1]), url.Values{"action": {"pay"}})
		if err == nil {
			resp.Body.Close()
		}
		assert.NoError(b.t, err)
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
		"ALIPAY_CLIENT_ID":   srv.ClientID(),
		"ALIPAY_PRIVATE_KEY": srv.MerchantPrivateKeyPEM(),
		"ALIPAY_PUBLIC_KEY":  srv.AlipayPublicKeyPEM(),
		"ALIPAY_ENDPOINT":    srv.URL,
	}
	out := &buyer{t: t}
	require.NoError(t, run(context.Background(), out, func(k string) string { return env[k] }))
	got := out.buf.String()
	assert.Contains(t, got, "Real Antom sandbox at "+srv.URL)
	assert.Contains(t, got, "the payment is SUCCESS")
	assert.Contains(t, got, "5. notification: sent by Antom to the notify URL of your Dashboard")
	assert.Contains(t, got, "8. inquiryRefund: SUCCESS, USD 12.50 refunded")
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
			assert.False(t, strings.Contains(err.Error(), "not a key"), "the key is not echoed")
			assert.Empty(t, out.String(), "nothing runs")
		})
	}
}
