package alipay_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/alipaytest"
)

// secretWatch collects everything the SDK says (log records, error strings,
// %v / %+v / %#v renderings) and the secrets it must never say.
type secretWatch struct {
	mu      sync.Mutex
	logs    bytes.Buffer
	said    []string
	secrets []string // base64 or text fragments that must not appear
}

func (w *secretWatch) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.logs.Write(p)
}

func (w *secretWatch) say(vs ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, v := range vs {
		if v == nil {
			continue
		}
		w.said = append(w.said, fmt.Sprintf("%v", v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v))
		if err, ok := v.(error); ok {
			w.said = append(w.said, err.Error())
		}
	}
}

// addSecret registers s and every 16-character window of it (after removing
// PEM armour and white space), so that any part of a key or signature that
// leaks is caught.
func (w *secretWatch) addSecret(s string) {
	var body strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(line, "-----") {
			continue
		}
		body.WriteString(strings.TrimSpace(line))
	}
	b := body.String()
	w.mu.Lock()
	defer w.mu.Unlock()
	for i := 0; i+16 <= len(b); i += 4 {
		w.secrets = append(w.secrets, b[i:i+16])
	}
}

func (w *secretWatch) check(t *testing.T) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	all := w.logs.String() + "\n" + strings.Join(w.said, "\n")
	require.NotEmpty(t, w.said)
	require.Contains(t, w.logs.String(), "alipay: retrying", "debug logging was exercised")
	for _, s := range w.secrets {
		if i := strings.Index(all, s); i >= 0 {
			start := max(0, i-80)
			t.Fatalf("secret fragment %q leaked in: …%s…", s, all[start:min(len(all), i+80)])
		}
	}
}

// signatureRecorder remembers every Signature header that crosses it, in
// both directions.
type signatureRecorder struct {
	next  http.RoundTripper
	watch *secretWatch
}

func (s signatureRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	s.record(r.Header.Get("Signature"))
	resp, err := s.next.RoundTrip(r)
	if resp != nil {
		s.record(resp.Header.Get("Signature"))
	}
	return resp, err
}

func (s signatureRecorder) record(h string) {
	_, v, ok := strings.Cut(h, "signature=")
	if !ok || v == "" {
		return
	}
	s.watch.addSecret(v)
	if raw, err := url.QueryUnescape(v); err == nil {
		s.watch.addSecret(raw)
	}
}

const testCard = "4111111111111111"

// TestNoSecretsInLogsErrorsOrFormatting drives every error path and log line
// of the client at debug level and checks that no private key, signature or
// card number shows up in any log record, error or formatted value.
func TestNoSecretsInLogsErrorsOrFormatting(t *testing.T) {
	w := &secretWatch{}
	logger := slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
	w.secrets = append(w.secrets, testCard, testCard[:6]+"******"+testCard[12:])

	srv := alipaytest.NewServer()
	defer srv.Close()
	w.addSecret(srv.MerchantPrivateKeyPEM())
	hc := &http.Client{Transport: signatureRecorder{next: http.DefaultTransport, watch: w}}
	opts := []alipay.Option{
		alipay.WithLogger(logger), alipay.WithHTTPClient(hc),
		alipay.WithAttemptTimeout(100 * time.Millisecond),
		alipay.WithRetry(alipay.RetryPolicy{MaxAttempts: 2, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}),
	}
	c := srv.Client(opts...)
	w.say(c, opts)
	ctx := context.Background()

	amount := alipay.Amount{Currency: "USD", Value: "1000"}
	pay := func(id string) *alipay.PayRequest {
		return &alipay.PayRequest{
			PaymentRequestID: id, PaymentAmount: amount,
			Order:              alipay.Order{ReferenceOrderID: id, OrderDescription: "hygiene", OrderAmount: amount},
			PaymentMethod:      alipay.PaymentMethod{PaymentMethodType: "CARD", PaymentMethodMetaData: map[string]any{"cardNo": testCard, "cvv": "123"}},
			PaymentRedirectURL: "https://shop.example/return",
			Env:                alipay.Env{TerminalType: alipay.TerminalTypeWeb},
		}
	}

	// Every fault the gateway can inject, on pay.
	for i, f := range []alipaytest.Fault{
		{Kind: alipaytest.DropResponse}, {Kind: alipaytest.Status500}, {Kind: alipaytest.Status502HTML},
		{Kind: alipaytest.UnknownException}, {Kind: alipaytest.Delay, Delay: 300 * time.Millisecond},
		{Kind: alipaytest.BadSignature}, {Kind: alipaytest.MissingSignature},
	} {
		srv.InjectFault(alipaytest.APIPay, f) // one attempt fails; a retry, if any, succeeds
		resp, err := c.Pay(ctx, pay(fmt.Sprintf("hyg-%d", i)))
		w.say(resp, err)
	}
	// A successful call, an F result, a validation error, an unknown ID.
	resp, err := c.Pay(ctx, pay("hyg-ok"))
	require.NoError(t, err)
	w.say(resp)
	_, err = c.Pay(ctx, &alipay.PayRequest{PaymentRequestID: "x"})
	w.say(err)
	_, err = c.InquiryPayment(ctx, &alipay.InquiryPaymentRequest{PaymentRequestID: "no-such"})
	w.say(err)
	_, err = c.Refund(ctx, &alipay.RefundRequest{RefundRequestID: "r", PaymentID: resp.PaymentID, RefundAmount: alipay.Amount{Currency: "USD", Value: "99999"}})
	w.say(err)

	// A client whose requests Antom refuses (wrong merchant key): unsigned F.
	bad, err := alipay.NewClient(srv.ClientID(), alipay.WithPrivateKey(mustReadFile(t, "testdata/merchant_private_pkcs8.pem")),
		alipay.WithAlipayPublicKey(srv.AlipayPublicKeyPEM()), alipay.WithEndpoint(srv.URL), alipay.WithLogger(logger), alipay.WithHTTPClient(hc))
	require.NoError(t, err)
	w.addSecret(mustReadFile(t, "testdata/merchant_private_pkcs8.pem"))
	_, err = bad.Pay(ctx, pay("hyg-badkey"))
	w.say(bad, err)

	// Key errors in NewClient.
	for _, k := range []string{mustReadFile(t, "testdata/antom_private_pkcs8.pem"), "garbage", srv.MerchantPrivateKeyPEM()[:200]} {
		_, err := alipay.NewClient("SANDBOX_X", alipay.WithPrivateKey(srv.AlipayPublicKeyPEM()), alipay.WithAlipayPublicKey(k))
		w.say(err)
		_, err = alipay.ParsePublicKey(k)
		w.say(err)
	}
	w.addSecret(mustReadFile(t, "testdata/antom_private_pkcs8.pem"))

	// Notifications carrying card data: accepted, rejected, failing.
	notifyCardNotifications(t, w, logger)
	w.check(t)
}

func notifyCardNotifications(t *testing.T, w *secretWatch, logger *slog.Logger) {
	antomKey, err := alipay.ParsePrivateKey(mustReadFile(t, "testdata/antom_private_pkcs8.pem"))
	require.NoError(t, err)
	c, err := alipay.NewClient("SANDBOX_5YBZ1N2Q3R4S5T6U",
		alipay.WithPrivateKey(mustReadFile(t, "testdata/merchant_private_pkcs8.pem")),
		alipay.WithAlipayPublicKey(mustReadFile(t, "testdata/antom_public.pem")),
		alipay.WithLogger(logger))
	require.NoError(t, err)
	calls := 0
	h := c.NotificationHandler(func(_ context.Context, n *alipay.Notification) error {
		calls++
		w.say(n, n.Payment)
		switch calls {
		case 2:
			return errors.New("database down")
		case 3:
			panic("merchant bug")
		}
		return nil
	})
	body := `{"notifyType":"PAYMENT_RESULT","result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentRequestId":"hyg-card","paymentId":"P1","paymentAmount":{"currency":"USD","value":"1000"},"paymentCreateTime":"2020-01-01T12:01:00+08:30","cardInfo":{"cardNo":"` + testCard + `","cardBrand":"VISA"}}`
	send := func(body string, tamper bool) int {
		reqTime := time.Now().Format(time.RFC3339)
		sig, err := alipay.NewSigner(antomKey).Sign(context.Background(), alipay.SignContent("POST", "/notify", c.ClientID(), reqTime, []byte(body)))
		require.NoError(t, err)
		if tamper {
			body = strings.Replace(body, "1000", "9000", 1)
		}
		enc := alipay.SignatureHeader{Signature: sig}.Encode()
		w.addSecret(base64.StdEncoding.EncodeToString(sig))
		w.addSecret(enc[strings.Index(enc, "signature=")+len("signature="):])
		r := httptest.NewRequest("POST", "/notify", strings.NewReader(body))
		r.Header.Set("Signature", enc)
		r.Header.Set("Client-Id", c.ClientID())
		r.Header.Set("Request-Time", reqTime)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		w.say(rec.Body.String())
		return rec.Code
	}
	assert.Equal(t, 200, send(body, false))
	assert.Equal(t, 500, send(body, false))
	assert.Equal(t, 500, send(body, false))
	assert.Equal(t, 401, send(body, true))
	assert.Equal(t, 400, send(strings.Replace(body, `"paymentId":"P1"`, `"paymentId":1`, 1), false))
	n, err := c.VerifyNotification("POST", "/notify", http.Header{"Signature": {"algorithm=RSA256,signature=" + testCard}}, []byte(body))
	w.say(n, err)
}

func mustReadFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	return string(b)
}

// TestSlowDripServerCannotHoldACallPastItsContext: a server that sends its
// headers and then one byte at a time must not keep a call alive after the
// caller's context ends.
func TestSlowDripServerCannotHoldACallPastItsContext(t *testing.T) {
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Signature", "algorithm=RSA256,signature=AAAA")
		w.Header().Set("Response-Time", "2020-01-01T00:00:00Z")
		w.WriteHeader(200)
		for {
			select {
			case <-stop:
				return
			case <-r.Context().Done():
				return
			case <-time.After(20 * time.Millisecond):
				_, _ = w.Write([]byte(" "))
				w.(http.Flusher).Flush()
			}
		}
	}))
	defer srv.Close()
	defer close(stop)
	fake := alipaytest.NewServer()
	defer fake.Close()
	c, err := alipay.NewClient(fake.ClientID(), alipay.WithPrivateKey(fake.MerchantPrivateKeyPEM()),
		alipay.WithAlipayPublicKey(fake.AlipayPublicKeyPEM()), alipay.WithEndpoint(srv.URL), alipay.WithRetry(alipay.NoRetry))
	require.NoError(t, err)

	// Long enough for the request to reach the server on a loaded machine
	// (so the outcome is unknown), far shorter than the drip.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := c.InquiryPayment(ctx, &alipay.InquiryPaymentRequest{PaymentRequestID: "drip"})
		done <- err
	}()
	select {
	case err := <-done:
		require.Error(t, err)
		assert.True(t, alipay.IsUnknown(err))
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	case <-time.After(10 * time.Second):
		t.Fatal("a slow-drip server held the call long after its context ended")
	}
}
