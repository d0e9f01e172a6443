package alipaytest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConformanceAcceptsSignedRequests(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	c := newRawClient(t, srv)
	for _, tc := range []struct {
		name   string
		prefix string
		edit   func(*http.Request)
	}{
		{"production path", "/ams/api", nil},
		{"sandbox path", "/ams/sandbox/api", nil},
		{"lower-case header names", "/ams/api", func(r *http.Request) {
			for _, k := range []string{"Client-Id", "Request-Time", "Signature"} {
				v := r.Header.Get(k)
				r.Header.Del(k)
				r.Header[strings.ToLower(k)] = []string{v}
			}
		}},
		{"spaces after commas, as in Antom's docs", "/ams/api", func(r *http.Request) {
			r.Header.Set("Signature", strings.ReplaceAll(r.Header.Get("Signature"), ",", ", "))
		}},
		{"signature not url-escaped", "/ams/api", func(r *http.Request) {
			h := r.Header.Get("Signature")
			i := strings.Index(h, "signature=") + len("signature=")
			plain := strings.NewReplacer("%2B", "+", "%2F", "/", "%3D", "=").Replace(h[i:])
			r.Header.Set("Signature", h[:i]+plain)
		}},
		{"no keyVersion", "/ams/api", func(r *http.Request) {
			r.Header.Set("Signature", strings.Replace(r.Header.Get("Signature"), "keyVersion=1,", "", 1))
		}},
		{"plain application/json", "/ams/api", func(r *http.Request) { r.Header.Set("Content-Type", "application/json") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c.prefix = tc.prefix
			edits := []func(*http.Request){}
			if tc.edit != nil {
				edits = append(edits, tc.edit)
			}
			r := c.post("inquiryRefund", `{"refundRequestId":"nope"}`, edits...)
			r.expect(t, "F", "ORDER_NOT_EXIST")
			assert.Equal(t, http.StatusOK, r.Status)
			assert.Regexp(t, isoSeconds, r.Header.Get("Response-Time"))
			assert.Equal(t, srv.ClientID(), r.Header.Get("Client-Id"))
			assert.Equal(t, "application/json; charset=UTF-8", r.Header.Get("Content-Type"))
			assert.True(t, strings.HasPrefix(r.Header.Get("Signature"), "algorithm=RSA256,keyVersion=1,signature="), r.Header.Get("Signature"))
		})
	}
}

func TestConformanceRejectsBadSignatures(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	c := newRawClient(t, srv)
	otherKey, err := rsa.GenerateKey(rand.Reader, 1024) //nolint:gosec // a wrong key only needs to be different
	require.NoError(t, err)
	const body = `{"refundRequestId":"nope"}`
	for _, tc := range []struct {
		name string
		edit func(*http.Request)
	}{
		{"no Signature header", func(r *http.Request) { r.Header.Del("Signature") }},
		{"not key=value", func(r *http.Request) { r.Header.Set("Signature", "garbage") }},
		{"wrong algorithm", func(r *http.Request) {
			r.Header.Set("Signature", strings.Replace(r.Header.Get("Signature"), "RSA256", "RSA", 1))
		}},
		{"signed with another key", func(r *http.Request) {
			r.Header.Set("Signature", "algorithm=RSA256,keyVersion=1,signature="+handSign(t, otherKey, r.URL.Path, srv.ClientID(), r.Header.Get("Request-Time"), []byte(body)))
		}},
		{"body changed after signing", func(r *http.Request) {
			b := strings.Replace(body, "nope", "nop2", 1)
			r.Body = io.NopCloser(strings.NewReader(b))
			r.ContentLength = int64(len(b))
		}},
		{"Request-Time changed after signing", func(r *http.Request) { r.Header.Set("Request-Time", "1") }},
		{"signed the production path, called the sandbox path", func(r *http.Request) {
			r.URL.Path = strings.Replace(r.URL.Path, "/ams/api/", "/ams/sandbox/api/", 1)
		}},
		{"signature truncated", func(r *http.Request) {
			h := r.Header.Get("Signature")
			r.Header.Set("Signature", h[:len(h)-12])
		}},
		{"signature not base64", func(r *http.Request) {
			r.Header.Set("Signature", "algorithm=RSA256,keyVersion=1,signature=%%%%")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.post("inquiryRefund", body, tc.edit)
			assert.Equal(t, http.StatusOK, r.Status)
			assert.Equal(t, "unsigned", r.Invalid, "INVALID_SIGNATURE answers are unsigned, as Antom's")
			assert.Equal(t, map[string]string{"resultCode": "INVALID_SIGNATURE", "resultStatus": "F", "resultMessage": r.Result["resultMessage"]}, r.Result)
			assert.NotEmpty(t, r.Result["resultMessage"])
		})
	}
}

func TestConformanceHeaderErrors(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	c := newRawClient(t, srv)
	for _, tc := range []struct {
		name, code string
		edit       func(*http.Request)
	}{
		{"no Client-Id", "PARAM_ILLEGAL", func(r *http.Request) { r.Header.Del("Client-Id") }},
		{"other Client-Id", "CLIENT_INVALID", func(r *http.Request) { r.Header.Set("Client-Id", "SANDBOX_OTHER") }},
		{"no Request-Time", "PARAM_ILLEGAL", func(r *http.Request) { r.Header.Del("Request-Time") }},
		{"form content type", "MEDIA_TYPE_NOT_ACCEPTABLE", func(r *http.Request) {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}},
		{"unknown API", "NO_INTERFACE_DEF", func(r *http.Request) { r.URL.Path += "X" }},
		{"GET", "METHOD_NOT_SUPPORTED", func(r *http.Request) { r.Method = http.MethodGet }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.post("inquiryPayment", `{"paymentRequestId":"x"}`, tc.edit)
			// Signed over whatever Client-Id the request carried.
			assert.Equal(t, tc.code, r.Result["resultCode"], "%s", r.Body)
			assert.Equal(t, "F", r.Result["resultStatus"])
			assert.Empty(t, r.Invalid)
		})
	}
}

func TestConformanceResponseSignatureCoversCalledURI(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	c := newRawClient(t, srv)
	c.prefix = "/ams/sandbox/api"
	r := c.post("pay", payBody("conf-1", "WEB")).expect(t, "U", "PAYMENT_IN_PROCESS")
	assert.Equal(t, "/ams/sandbox/api/v1/payments/pay", r.URI)
	// The same signature must not verify over the production path.
	assert.NotEmpty(t, handVerify(c.antomPub, r.Header.Get("Signature"), "/ams/api/v1/payments/pay", srv.ClientID(), r.Header.Get("Response-Time"), r.Body))
}

// notifySink records notifications and answers with ack.
type notifySink struct {
	mu   sync.Mutex
	got  []*http.Request
	body [][]byte
	ack  func(n int) (int, string)
}

func (s *notifySink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.got = append(s.got, r)
	s.body = append(s.body, b)
	n := len(s.got)
	s.mu.Unlock()
	status, body := http.StatusOK, Ack
	if s.ack != nil {
		status, body = s.ack(n)
	}
	w.WriteHeader(status)
	io.WriteString(w, body)
}

func (s *notifySink) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.got)
}

func TestConformanceNotificationSignature(t *testing.T) {
	sink := &notifySink{}
	merchant := httptest.NewServer(sink)
	defer merchant.Close()
	srv := NewServer(WithManualNotifications())
	defer srv.Close()
	c := newRawClient(t, srv)

	body := payBody("conf-notify", "WEB")
	body["paymentNotifyUrl"] = merchant.URL + "/alipay/notify?shop=1"
	c.post("pay", body).expect(t, "U", "PAYMENT_IN_PROCESS")
	require.NoError(t, srv.CompletePayment("conf-notify"))
	ds := srv.DeliverDue(context.Background())
	require.Len(t, ds, 1)
	require.True(t, ds[0].Acknowledged)
	require.Equal(t, 1, sink.count())

	r, raw := sink.got[0], sink.body[0]
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "application/json; charset=UTF-8", r.Header.Get("Content-Type"))
	assert.Equal(t, srv.ClientID(), r.Header.Get("Client-Id"))
	reqTime := r.Header.Get("Request-Time")
	assert.Regexp(t, isoSeconds, reqTime)
	assert.Empty(t, handVerify(c.antomPub, r.Header.Get("Signature"), "/alipay/notify?shop=1", srv.ClientID(), reqTime, raw), "signature over path and query")
	assert.NotEmpty(t, handVerify(c.antomPub, r.Header.Get("Signature"), "/alipay/notify", srv.ClientID(), reqTime, raw), "the query is part of the signed URI")
	assert.Contains(t, string(raw), `"notifyType":"PAYMENT_RESULT"`)
	assert.Contains(t, string(raw), `"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}`)
	assert.Contains(t, string(raw), `"paymentRequestId":"conf-notify"`)
}

func TestConformanceIgnoresEpochOrISORequestTime(t *testing.T) {
	// The Request-Time value is opaque input to the signature (docs/protocol/ams.md §1.4).
	srv := NewServer()
	defer srv.Close()
	c := newRawClient(t, srv)
	for _, tm := range []string{strconv.FormatInt(time.Now().UnixNano(), 10), "2024-05-01T10:00:00+0800"} {
		body := []byte(`{"paymentId":"none"}`)
		uri := "/ams/api/v1/payments/inquiryPayment"
		r := c.post("inquiryPayment", body, func(r *http.Request) {
			r.Header.Set("Request-Time", tm)
			r.Header.Set("Signature", "algorithm=RSA256,signature="+handSign(t, c.key, uri, srv.ClientID(), tm, body))
		})
		r.expect(t, "F", "ORDER_NOT_EXIST")
	}
}
