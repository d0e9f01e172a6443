package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xborderpay/alipay"
)

const testClientID = "SANDBOX_5YBZ1N2Q3R4S5T6U"

// merchantServer is a merchant's notification endpoint built with the SDK:
// it verifies with Antom's test public key and records what it received.
type merchantServer struct {
	*httptest.Server
	mu       sync.Mutex
	received []*alipay.Notification
}

func newMerchantServer(t *testing.T) *merchantServer {
	t.Helper()
	priv, err := os.ReadFile(merchantPrivateFile)
	require.NoError(t, err)
	pub, err := os.ReadFile(antomPublicFile)
	require.NoError(t, err)
	c, err := alipay.NewClient(testClientID, alipay.WithPrivateKey(string(priv)), alipay.WithAlipayPublicKey(string(pub)),
		alipay.WithClock(clockFunc(func() time.Time { return testNow }))) // the CLI signs at testNow
	require.NoError(t, err)
	m := &merchantServer{}
	mux := http.NewServeMux()
	mux.Handle("/alipay/notify", c.NotificationHandler(func(_ context.Context, n *alipay.Notification) error {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.received = append(m.received, n)
		return nil
	}))
	m.Server = httptest.NewServer(mux)
	t.Cleanup(m.Close)
	return m
}

func (m *merchantServer) notifications() []*alipay.Notification {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*alipay.Notification(nil), m.received...)
}

func TestNotify_acknowledgedBySDKHandler(t *testing.T) {
	require.Equal(t, `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}`, notifyAck)
	tests := []struct {
		name  string
		args  []string
		check func(t *testing.T, n *alipay.Notification)
	}{
		{"payment", nil, func(t *testing.T, n *alipay.Notification) {
			assert.Equal(t, alipay.NotifyTypePaymentResult, n.NotifyType)
			require.NotNil(t, n.Payment)
			assert.Equal(t, "TEST-20261122083000", n.Payment.PaymentRequestID)
			assert.Equal(t, alipay.Amount{Currency: "USD", Value: "100"}, n.Payment.PaymentAmount)
			assert.Equal(t, alipay.ResultStatusSuccess, n.Result.ResultStatus)
		}},
		{"payment_failed", []string{"-status", "fail", "-request-id", "ORD-1", "-amount", "500", "-currency", "JPY"}, func(t *testing.T, n *alipay.Notification) {
			require.NotNil(t, n.Payment)
			assert.Equal(t, "ORD-1", n.Payment.PaymentRequestID)
			assert.Equal(t, alipay.Amount{Currency: "JPY", Value: "500"}, n.Payment.PaymentAmount)
			assert.Equal(t, alipay.ResultStatusFail, n.Result.ResultStatus)
		}},
		{"refund", []string{"-type", "refund", "-id", "R-9"}, func(t *testing.T, n *alipay.Notification) {
			assert.Equal(t, alipay.NotifyTypeRefundResult, n.NotifyType)
			require.NotNil(t, n.Refund)
			assert.Equal(t, "R-9", n.Refund.RefundID)
			assert.Equal(t, "TEST-REFUND-20261122083000", n.Refund.RefundRequestID)
		}},
		{"capture", []string{"-type", "capture", "-payment-id", "P-1"}, func(t *testing.T, n *alipay.Notification) {
			assert.Equal(t, alipay.NotifyTypeCaptureResult, n.NotifyType)
			require.NotNil(t, n.Capture)
			assert.Equal(t, "P-1", n.Capture.PaymentID)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newMerchantServer(t)
			args := append([]string{"notify", "-url", srv.URL + "/alipay/notify", "-key", antomPrivateFile, "-client-id", testClientID}, tt.args...)
			r := runApp(t, "", args...)
			require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
			assert.Contains(t, r.stdout, "OK: acknowledged with status 200 and the exact acknowledgement body.\n")
			got := srv.notifications()
			require.Len(t, got, 1)
			tt.check(t, got[0])
			checkGolden(t, "notify_"+tt.name, strings.ReplaceAll(r.stdout, srv.URL, "$URL"))
		})
	}
}

func TestNotify_answers(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{"ack with spaces", func(w http.ResponseWriter, _ *http.Request) {
			w.Write([]byte(`{"result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"}}`))
		}, "The body has the right JSON but not the exact bytes"},
		{"ack with final line break", func(w http.ResponseWriter, _ *http.Request) {
			w.Write([]byte(notifyAck + "\n"))
		}, "The body has the right JSON but not the exact bytes"},
		{"wrong message", func(w http.ResponseWriter, _ *http.Request) {
			w.Write([]byte(`{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"Success"}}`))
		}, "The body is not the acknowledgement"},
		{"empty 200", func(w http.ResponseWriter, _ *http.Request) {}, "The body is empty"},
		{"server error", func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "boom", http.StatusInternalServerError)
		}, "The status is 500, not 200."},
		{"redirect", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "/elsewhere")
			w.WriteHeader(http.StatusFound)
		}, "Antom does not follow redirects"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			r := runApp(t, "", "notify", "-url", srv.URL+"/n", "-key", antomPrivateFile, "-client-id", testClientID)
			assert.Equal(t, exitFail, r.code, r.stdout+r.stderr)
			assert.Contains(t, r.stdout, "FAIL: Antom would not count this notification as received")
			assert.Contains(t, r.stdout, tt.want)
		})
	}
}

func TestNotify_wrongKeyIsRefused(t *testing.T) {
	srv := newMerchantServer(t)
	r := runApp(t, "", "notify", "-url", srv.URL+"/alipay/notify", "-key", merchantPrivateFile, "-client-id", testClientID)
	assert.Equal(t, exitFail, r.code)
	assert.Empty(t, srv.notifications())
	checkGolden(t, "notify_wrong_key", strings.ReplaceAll(r.stdout, srv.URL, "$URL"))
}

func TestNotify_errors(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	base := []string{"notify", "-key", antomPrivateFile, "-client-id", testClientID}
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no url", base, exitUsage, "flag -url is required"},
		{"not a url", append(base, "-url", "localhost:8080/n"), exitUsage, `-url "localhost:8080/n" is not an http:// or https:// URL`},
		{"bad type", append(base, "-url", closed.URL, "-type", "dispute"), exitUsage, `-type must be payment, refund or capture, not "dispute"`},
		{"bad status", append(base, "-url", closed.URL, "-status", "maybe"), exitUsage, `-status must be success or fail, not "maybe"`},
		{"unreachable", append(base, "-url", closed.URL+"/n"), exitError, "alipay notify: sending the notification: nothing is listening at " + closed.URL + "/n; start your server first"},
		{"public key", []string{"notify", "-key", antomPublicFile, "-client-id", "C", "-url", closed.URL}, exitError, "found a public key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runApp(t, "", tt.args...)
			assert.Equal(t, tt.code, r.code, r.stdout+r.stderr)
			assert.Contains(t, r.stderr, tt.stderr)
		})
	}
}
