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

func TestRunOffline(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, func(string) string { return "" }))
	got := out.String()
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`Offline: fake Antom gateway \(alipaytest\)`),
		regexp.MustCompile(`1\. paid USD 40\.00: SUCCESS, paymentId \d+`),
		regexp.MustCompile(`2\. refund USD 15\.00 \(refund-\w+\): SUCCESS, refundId (\d+)`),
		regexp.MustCompile(`3\. the same refundRequestId again: SUCCESS, refundId \d+ \(same refund: true\)`),
		regexp.MustCompile(`4\. refund USD 20\.00 \(refund-\w+\): the answer is lost; outcome unknown: true`),
		regexp.MustCompile(`sent with the same refundRequestId: SUCCESS, refundId \d+`),
		regexp.MustCompile(`refunds the gateway made under refund-\w+: 1\n`),
		regexp.MustCompile(`5\. refund USD 10\.00 more: refused: F REFUND_AMOUNT_EXCEED`),
		regexp.MustCompile(`6\. inquiryRefund refund-\w+: SUCCESS, USD 15\.00\n\s+inquiryRefund refund-\w+: SUCCESS, USD 20\.00`),
		regexp.MustCompile(`7\. inquiryPayment: SUCCESS .*, 2 refunds listed`),
	} {
		assert.Regexp(t, want, got)
	}
}

// buyer pays at the cashier URL the transcript asks the reader to open.
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
	assert.Contains(t, got, "paid USD 40.00: SUCCESS")
	assert.NotContains(t, got, "the answer is lost", "no fault injection against a real gateway")
	assert.Contains(t, got, "5. refund USD 10.00 more: refused: F REFUND_AMOUNT_EXCEED")
}

func TestRunConfigErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		env  map[string]string
		want string
	}{
		"partial": {map[string]string{"ALIPAY_PUBLIC_KEY": "k"}, "missing: ALIPAY_CLIENT_ID, ALIPAY_PRIVATE_KEY"},
		"production client ID": {map[string]string{"ALIPAY_CLIENT_ID": "5X0", "ALIPAY_PRIVATE_KEY": "k", "ALIPAY_PUBLIC_KEY": "k"},
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
