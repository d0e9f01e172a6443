package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xborderpay/alipay"
)

// syncBuffer is a bytes.Buffer that the sandbox's goroutines and the test
// can share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// sandbox is an "alipay sandbox" command running in process.
type sandbox struct {
	endpoint, clientID string
	keys               string // directory holding the keys the sandbox wrote
	out                *syncBuffer
	client             *alipay.Client
	stop               func() int // stops the command and returns its exit code
}

var endpointLine = regexp.MustCompile(`(?m)^  endpoint\s+(http://\S+)`)
var clientIDLine = regexp.MustCompile(`(?m)^  client ID\s+(\S+)`)

// startSandbox runs "alipay sandbox" on a free loopback port until the test
// ends, and returns an SDK client configured from what it printed.
func startSandbox(t *testing.T) *sandbox {
	t.Helper()
	keys := t.TempDir()
	out := &syncBuffer{}
	var stderr syncBuffer
	a := newApp(strings.NewReader(""), out, &stderr)
	a.now = func() time.Time { return testNow }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- a.run(ctx, []string{"sandbox", "-addr", "127.0.0.1:0", "-keys", keys}) }()
	s := &sandbox{out: out, keys: keys}
	var once sync.Once
	code := -1
	s.stop = func() int {
		once.Do(func() {
			cancel()
			select {
			case code = <-done:
			case <-time.After(10 * time.Second):
				t.Error("sandbox did not stop within 10 s of its context ending")
			}
		})
		return code
	}
	t.Cleanup(func() { s.stop() })

	require.Eventually(t, func() bool { return strings.Contains(out.String(), "\nLog:\n") }, 10*time.Second, 5*time.Millisecond,
		"sandbox did not start: %s%s", out.String(), stderr.String())
	m := endpointLine.FindStringSubmatch(out.String())
	require.NotNil(t, m, out.String())
	s.endpoint = m[1]
	s.clientID = clientIDLine.FindStringSubmatch(out.String())[1]

	s.client = s.clientWith(t, nil)
	return s
}

// clientWith returns an SDK client configured from what the sandbox
// printed and wrote; hc may be nil.
func (s *sandbox) clientWith(t *testing.T, hc *http.Client) *alipay.Client {
	t.Helper()
	priv, err := os.ReadFile(filepath.Join(s.keys, "merchant_private_key.pem"))
	require.NoError(t, err)
	pub, err := os.ReadFile(filepath.Join(s.keys, "antom_public_key.pem"))
	require.NoError(t, err)
	opts := []alipay.Option{alipay.WithPrivateKey(string(priv)), alipay.WithAlipayPublicKey(string(pub)),
		alipay.WithEndpoint(s.endpoint), alipay.WithRetry(alipay.NoRetry),
		alipay.WithClock(clockFunc(func() time.Time { return testNow }))} // the sandbox runs on testNow
	if hc != nil {
		opts = append(opts, alipay.WithHTTPClient(hc))
	}
	c, err := alipay.NewClient(s.clientID, opts...)
	require.NoError(t, err)
	return c
}

// merchantSite is the merchant's side of a checkout: a notification
// endpoint built with the SDK and a result page the cashier sends the
// buyer back to.
type merchantSite struct {
	*httptest.Server
	notified chan *alipay.Notification
}

func newMerchantSite(t *testing.T, c *alipay.Client) *merchantSite {
	t.Helper()
	m := &merchantSite{notified: make(chan *alipay.Notification, 8)}
	mux := http.NewServeMux()
	mux.Handle("/alipay/notify", c.NotificationHandler(func(_ context.Context, n *alipay.Notification) error {
		m.notified <- n
		return nil
	}))
	mux.HandleFunc("/result", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!DOCTYPE html><title>Thank you</title><h1 id="thanks">Thank you</h1>`)
	})
	m.Server = httptest.NewServer(mux)
	t.Cleanup(m.Close)
	return m
}

// pay starts a WEB cashier payment and returns its cashier page URL.
func (s *sandbox) pay(t *testing.T, site *merchantSite, requestID string) string {
	t.Helper()
	env := alipay.Env{TerminalType: alipay.TerminalTypeWeb}
	resp, err := s.client.Pay(context.Background(), &alipay.PayRequest{
		PaymentRequestID:   requestID,
		Order:              alipay.Order{ReferenceOrderID: "order-" + requestID, OrderDescription: "Tea set", OrderAmount: alipay.Amount{Currency: "USD", Value: "1025"}},
		PaymentAmount:      alipay.Amount{Currency: "USD", Value: "1025"},
		PaymentMethod:      alipay.PaymentMethod{PaymentMethodType: alipay.PaymentMethodTypeAlipayHK},
		PaymentRedirectURL: site.URL + "/result",
		PaymentNotifyURL:   site.URL + "/alipay/notify",
		Env:                env,
	})
	require.NoError(t, err)
	cashier := resp.RedirectURL(env)
	require.True(t, strings.HasPrefix(cashier, s.endpoint+"/cashier/"), "the cashier page goes through the logging front: %s", cashier)
	return cashier
}

func (s *sandbox) requireSuccess(t *testing.T, site *merchantSite, requestID string) {
	t.Helper()
	select {
	case n := <-site.notified:
		assert.Equal(t, alipay.NotifyTypePaymentResult, n.NotifyType)
		require.NotNil(t, n.Payment)
		assert.Equal(t, requestID, n.Payment.PaymentRequestID)
		assert.Equal(t, alipay.ResultStatusSuccess, n.Result.ResultStatus)
	case <-time.After(10 * time.Second):
		t.Fatalf("no notification reached the merchant; sandbox log:\n%s", s.out.String())
	}
	// The sandbox logs the delivery once the merchant's answer is back.
	require.Eventually(t, func() bool {
		return strings.Contains(s.out.String(), requestID+" → "+site.URL+"/alipay/notify: 200, acknowledged")
	},
		10*time.Second, 5*time.Millisecond)
	inq, err := s.client.InquiryPayment(context.Background(), &alipay.InquiryPaymentRequest{PaymentRequestID: requestID})
	require.NoError(t, err)
	assert.Equal(t, alipay.PaymentStatusSuccess, inq.PaymentStatus)
}

// TestSandbox_checkoutOverHTTP pays through the cashier page with plain
// HTTP, as a browser would without JavaScript, and checks the log.
func TestSandbox_checkoutOverHTTP(t *testing.T) {
	s := startSandbox(t)
	site := newMerchantSite(t, s.client)
	cashier := s.pay(t, site, "ORD-HTTP-1")

	page, err := http.Get(cashier)
	require.NoError(t, err)
	body, _ := io.ReadAll(page.Body)
	page.Body.Close()
	require.Equal(t, http.StatusOK, page.StatusCode)
	assert.Contains(t, string(body), `id="pay"`)

	resp, err := http.PostForm(cashier, url.Values{"action": {"pay"}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, site.URL+"/result", resp.Request.URL.String(), "paying leads back to paymentRedirectUrl")

	s.requireSuccess(t, site, "ORD-HTTP-1")
	require.Equal(t, exitOK, s.stop())

	log := s.out.String()
	for _, want := range []string{
		"08:30:00.123 API     pay            paymentRequestId=ORD-HTTP-1 10.25 USD → 200 U PAYMENT_IN_PROCESS\n",
		"CASHIER get page 2026112219401080",
		"CASHIER pay 2026112219401080",
		"NOTIFY  notifyType=PAYMENT_RESULT paymentRequestId=ORD-HTTP-1 → " + site.URL + "/alipay/notify: 200, acknowledged\n",
		"API     inquiryPayment paymentRequestId=ORD-HTTP-1 → 200 S SUCCESS\n",
		"08:30:00.123 sandbox stopped\n",
	} {
		assert.Contains(t, log, want)
	}
	normalized := strings.NewReplacer(s.endpoint, "$ENDPOINT", s.clientID, "$CLIENT_ID", site.URL, "$SITE").Replace(log)
	normalized = regexp.MustCompile(`/\S+/(\S+\.pem)`).ReplaceAllString(normalized, "$$KEYS/$1")
	normalized = regexp.MustCompile(` {2,}`).ReplaceAllString(normalized, "  ") // column widths follow the temporary paths
	// The notification races the cashier's redirect answer, so compare the
	// log lines as a set; the first and last are fixed.
	head, logLines, _ := strings.Cut(normalized, "\nLog:\n")
	lines := strings.Split(strings.TrimSuffix(logLines, "\n"), "\n")
	require.NotEmpty(t, lines)
	assert.Contains(t, lines[0], " API  pay ")
	assert.Contains(t, lines[len(lines)-1], " sandbox stopped")
	sort.Strings(lines)
	checkGolden(t, "sandbox_checkout", head+"\nLog (sorted):\n"+strings.Join(lines, "\n")+"\n")
}

func TestSandbox_usage(t *testing.T) {
	r := runApp(t, "", "sandbox", "-notify-url", "ftp://x")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, `-notify-url "ftp://x" is not an http:// or https:// URL`)

	busy, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	r = runApp(t, "", "sandbox", "-addr", busy.Addr().String())
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, "alipay sandbox: listening on "+busy.Addr().String())
}

// dumpingTransport keeps the raw bytes of every response, as curl -i would
// save them.
type dumpingTransport struct {
	mu    sync.Mutex
	dumps [][]byte
}

func (d *dumpingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	b, err := httputil.DumpResponse(resp, true)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	d.dumps = append(d.dumps, b)
	d.mu.Unlock()
	return resp, nil
}

// TestSandbox_verifyAgreesWithGateway saves a real answer of the sandbox
// gateway and checks it with "alipay verify": the tool and the gateway
// agree on the signature, and a changed byte is caught.
func TestSandbox_verifyAgreesWithGateway(t *testing.T) {
	s := startSandbox(t)
	keys := t.TempDir()
	pub := filepath.Join(s.keys, "antom_public_key.pem")
	dumps := &dumpingTransport{}
	c := s.clientWith(t, &http.Client{Transport: dumps})
	_, err := c.InquiryPayment(context.Background(), &alipay.InquiryPaymentRequest{PaymentRequestID: "no-such-payment"})
	require.Error(t, err, "ORDER_NOT_EXIST is an F result")
	require.Len(t, dumps.dumps, 1)

	saved := filepath.Join(keys, "response.txt")
	require.NoError(t, os.WriteFile(saved, dumps.dumps[0], 0o600))
	r := runApp(t, "", "verify", "-key", pub, "-uri", "/ams/sandbox/api/v1/payments/inquiryPayment", saved)
	assert.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "OK: the signature verifies")

	r = runApp(t, "", "verify", "-key", pub, saved)
	assert.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "for URI /ams/sandbox/api/v1/payments/inquiryPayment.")

	r = runApp(t, "", "verify", "-key", pub, "-uri", "/ams/api/v1/payments/inquiryPayment", saved)
	assert.Equal(t, exitFail, r.code)
	assert.Contains(t, r.stdout, "Antom signed the sandbox path /ams/sandbox/api/v1/payments/inquiryPayment")

	tampered := bytes.Replace(dumps.dumps[0], []byte("ORDER_NOT_EXIST"), []byte("ORDER_NOT_EXISU"), 1)
	require.NoError(t, os.WriteFile(saved, tampered, 0o600))
	r = runApp(t, "", "verify", "-key", pub, "-uri", "/ams/sandbox/api/v1/payments/inquiryPayment", saved)
	assert.Equal(t, exitFail, r.code)
	assert.Contains(t, r.stdout, "Most likely wrong: the signed content (most likely the body).")
}

func TestSandbox_keysDirCreatedBeforeBanner(t *testing.T) {
	parent := t.TempDir()
	keys := filepath.Join(parent, "new", "keys")
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	a := newApp(strings.NewReader(""), out, io.Discard)
	done := make(chan int, 1)
	go func() { done <- a.run(ctx, []string{"sandbox", "-addr", "127.0.0.1:0", "-keys", keys}) }()
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "Log:") }, 10*time.Second, 10*time.Millisecond, out.String())
	cancel()
	require.Equal(t, exitOK, <-done)
	for _, name := range []string{"merchant_private_key.pem", "merchant_public_key.pem", "antom_public_key.pem"} {
		assert.FileExists(t, filepath.Join(keys, name))
	}

	// A path that cannot be a directory fails before anything is printed.
	file := filepath.Join(parent, "file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	r := runApp(t, "", "sandbox", "-addr", "127.0.0.1:0", "-keys", filepath.Join(file, "keys"))
	assert.Equal(t, exitError, r.code)
	assert.Empty(t, r.stdout, "the banner was printed before the failure")
	assert.Contains(t, r.stderr, "-keys:")
}

func TestPublicURL(t *testing.T) {
	ipnet := func(s string) net.Addr {
		ip, n, err := net.ParseCIDR(s)
		require.NoError(t, err)
		n.IP = ip
		return n
	}
	lan := []net.Addr{ipnet("127.0.0.1/8"), ipnet("fe80::1/64"), ipnet("2001:db8::7/64"), ipnet("192.168.1.23/24")}
	for _, tt := range []struct {
		addr   string
		ifaces []net.Addr
		want   string
	}{
		{"127.0.0.1:8080", lan, "http://127.0.0.1:8080"},
		{"0.0.0.0:8080", lan, "http://192.168.1.23:8080"},
		{"[::]:8080", []net.Addr{ipnet("::1/128"), ipnet("2001:db8::7/64")}, "http://[2001:db8::7]:8080"},
		{"0.0.0.0:8080", []net.Addr{ipnet("127.0.0.1/8")}, "http://localhost:8080"},
		{"0.0.0.0:8080", nil, "http://localhost:8080"},
	} {
		addr, err := net.ResolveTCPAddr("tcp", tt.addr)
		require.NoError(t, err)
		assert.Equal(t, tt.want, publicURL(addr, tt.ifaces), tt.addr)
	}
}

func TestSandbox_qrCode(t *testing.T) {
	run := func(args ...string) string {
		ctx, cancel := context.WithCancel(context.Background())
		out := &syncBuffer{}
		a := newApp(strings.NewReader(""), out, io.Discard)
		done := make(chan int, 1)
		go func() { done <- a.run(ctx, append([]string{"sandbox", "-keys", t.TempDir()}, args...)) }()
		require.Eventually(t, func() bool { return strings.Contains(out.String(), "Log:") }, 10*time.Second, 10*time.Millisecond)
		cancel()
		require.Equal(t, exitOK, <-done)
		return out.String()
	}
	assert.NotContains(t, run("-addr", "127.0.0.1:0"), "scan this", "a loopback sandbox printed a QR code")
	out := run("-addr", "127.0.0.1:0", "-qr")
	assert.Contains(t, out, "On a phone on the same network, scan this to open http://127.0.0.1:")
	assert.Contains(t, out, "█", "no QR code drawn")
	assert.Contains(t, run("-addr", "0.0.0.0:0"), "scan this", "a sandbox on every interface printed no QR code")
}
