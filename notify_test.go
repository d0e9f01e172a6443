package alipay

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const notifyTestClientID = "SANDBOX_5YBZ1N2Q3R4S5T6U"

// notifyTestClient is the merchant's client: it verifies with Antom's
// public key from testdata.
func notifyTestClient(t testing.TB, opts ...Option) *Client {
	t.Helper()
	opts = append([]Option{
		WithPrivateKey(readKey(t, "merchant_private_pkcs8.pem")),
		WithAlipayPublicKey(readKey(t, "antom_public.pem")),
		// The golden vectors were signed years ago: no replay window,
		// unless a test of the window sets one (later options win).
		WithNotificationTolerance(-1),
	}, opts...)
	c, err := NewClient(notifyTestClientID, opts...)
	require.NoError(t, err)
	return c
}

// notifyVector returns one antom_signed vector by name.
func notifyVector(t testing.TB, name string) signatureVector {
	t.Helper()
	for _, v := range loadVectors(t).AntomSigned {
		if v.Name == name {
			return v
		}
	}
	t.Fatalf("no vector %q", name)
	return signatureVector{}
}

// notifyHeaders builds the headers Antom sends, with sigValue as the
// already URL-escaped base64 signature.
func notifyHeaders(clientID, reqTime, sigValue string) http.Header {
	h := http.Header{}
	h.Set("Content-Type", "application/json; charset=UTF-8")
	h.Set("Client-Id", clientID)
	h.Set("Request-Time", reqTime)
	h.Set("Signature", "algorithm=RSA256,keyVersion=1,signature="+sigValue)
	return h
}

// notifyVectorRequest builds the HTTP request that the vector describes.
func notifyVectorRequest(v signatureVector) *http.Request {
	r := httptest.NewRequest(v.Method, v.URI, strings.NewReader(v.Body))
	r.Header = notifyHeaders(v.ClientID, v.Time, v.Signature)
	return r
}

// notifySigner signs as Antom does, with the Antom test key.
type notifySigner struct {
	t      testing.TB
	signer Signer
}

func newNotifySigner(t testing.TB, keyFile string) notifySigner {
	t.Helper()
	k, err := ParsePrivateKey(readKey(t, keyFile))
	require.NoError(t, err)
	return notifySigner{t: t, signer: NewSigner(k)}
}

// request returns a POST to uri carrying body, signed over signURI.
func (s notifySigner) request(signURI, uri, reqTime, body string) *http.Request {
	s.t.Helper()
	r := httptest.NewRequest(http.MethodPost, uri, strings.NewReader(body))
	r.Header = notifyHeaders(notifyTestClientID, reqTime, s.sign(signURI, reqTime, body))
	return r
}

func (s notifySigner) sign(uri, reqTime, body string) string {
	s.t.Helper()
	sig, err := s.signer.Sign(context.Background(), SignContent(http.MethodPost, uri, notifyTestClientID, reqTime, []byte(body)))
	require.NoError(s.t, err)
	return url.QueryEscape(base64.StdEncoding.EncodeToString(sig))
}

const notifyCaptureBody = `{"captureAmount":{"currency":"BRL","value":"50000"},"notifyType":"CAPTURE_RESULT","captureId":"2022XXXXXXX","captureRequestId":"Merchant_Request_ID_XXXXXX","captureTime":"2022-11-10T00:34:52-08:00","paymentId":"2022PAYXXXX","result":{"resultCode":"SUCCESS","resultMessage":"success.","resultStatus":"S"}}`

func TestParseNotificationPaymentVector(t *testing.T) {
	v := notifyVector(t, "notify-payment")
	n, err := notifyTestClient(t).ParseNotification(notifyVectorRequest(v))
	require.NoError(t, err)

	zone := time.FixedZone("", 8*3600+30*60)
	assert.Equal(t, NotifyTypePaymentResult, n.NotifyType)
	assert.Equal(t, Result{ResultCode: ResultCodeSuccess, ResultStatus: ResultStatusSuccess, ResultMessage: "success"}, n.Result)
	assert.Equal(t, v.Time, n.RequestTime)
	assert.Equal(t, []byte(v.Body), n.Raw)
	require.NotNil(t, n.Payment)
	assert.Nil(t, n.Refund)
	assert.Nil(t, n.Capture)
	p := n.Payment
	assert.Equal(t, "ORD-7781-A", p.PaymentRequestID)
	assert.Equal(t, "2020010123456789XXXX", p.PaymentID)
	assert.Equal(t, Amount{Currency: "USD", Value: "1025"}, p.PaymentAmount)
	assert.True(t, p.PaymentCreateTime.Equal(time.Date(2020, 1, 1, 12, 1, 0, 0, zone)), "%s", p.PaymentCreateTime)
	assert.True(t, p.PaymentTime.Equal(time.Date(2020, 1, 1, 12, 1, 1, 0, zone)), "%s", p.PaymentTime)
	_, off := p.PaymentTime.Zone()
	assert.Equal(t, 8*3600+30*60, off, "offset kept")
	assert.True(t, p.AuthExpiryTime.IsZero())
	assert.Equal(t, "PAYMENT_RESULT/ORD-7781-A/2020010123456789XXXX/S/SUCCESS", n.DedupeKey())
}

func TestParseNotificationRefundVector(t *testing.T) {
	v := notifyVector(t, "notify-refund")
	n, err := notifyTestClient(t).ParseNotification(notifyVectorRequest(v))
	require.NoError(t, err)

	assert.Equal(t, NotifyTypeRefundResult, n.NotifyType)
	assert.Equal(t, Result{ResultCode: ResultCodeSuccess, ResultStatus: ResultStatusSuccess, ResultMessage: "Success"}, n.Result)
	require.NotNil(t, n.Refund)
	assert.Nil(t, n.Payment)
	r := n.Refund
	assert.Equal(t, "REFUND-ORD-7781-1", r.RefundRequestID)
	assert.Equal(t, "2021080419401080130018866020092XXXX", r.RefundID)
	assert.Equal(t, Amount{Currency: "HKD", Value: "10000"}, r.RefundAmount)
	assert.Equal(t, RefundStatusSuccess, r.RefundStatus)
	assert.True(t, r.RefundTime.Equal(time.Date(2021, 8, 4, 8, 52, 37, 0, time.UTC)), "%s", r.RefundTime)
	assert.Equal(t, "REFUND_RESULT/REFUND-ORD-7781-1/2021080419401080130018866020092XXXX/SUCCESS/S/SUCCESS", n.DedupeKey())
}

func TestVerifyNotificationRejectsEveryOneByteChange(t *testing.T) {
	c := notifyTestClient(t)
	flip := func(s string, i int) string { b := []byte(s); b[i] ^= 0x01; return string(b) }
	for _, name := range []string{"notify-payment", "notify-refund"} {
		v := notifyVector(t, name)
		t.Run(name, func(t *testing.T) {
			verify := func(uri, reqTime, body, sig string) error {
				_, err := c.VerifyNotification(http.MethodPost, uri, notifyHeaders(v.ClientID, reqTime, sig), []byte(body))
				return err
			}
			require.NoError(t, verify(v.URI, v.Time, v.Body, v.Signature))

			for i := range len(v.Body) {
				// ErrBadSignature, never ErrMalformedNotification: the
				// signature is checked before the body is decoded.
				assert.ErrorIs(t, verify(v.URI, v.Time, flip(v.Body, i), v.Signature), ErrBadSignature, "body byte %d", i)
			}
			for i := range len(v.Time) {
				assert.ErrorIs(t, verify(v.URI, flip(v.Time, i), v.Body, v.Signature), ErrBadSignature, "time byte %d", i)
			}
			for i := range len(v.URI) {
				assert.ErrorIs(t, verify(flip(v.URI, i), v.Time, v.Body, v.Signature), ErrBadSignature, "uri byte %d", i)
			}
			raw, err := ParseSignatureHeader("algorithm=RSA256,signature=" + v.Signature)
			require.NoError(t, err)
			for i := range len(raw.Signature) {
				sig := []byte(string(raw.Signature))
				sig[i] ^= 0x01
				enc := url.QueryEscape(base64.StdEncoding.EncodeToString(sig))
				assert.ErrorIs(t, verify(v.URI, v.Time, v.Body, enc), ErrBadSignature, "signature byte %d", i)
			}
			assert.ErrorIs(t, verify(v.URI, v.Time, v.Body+" ", v.Signature), ErrBadSignature, "appended byte")
			assert.ErrorIs(t, verify(v.URI, v.Time, v.Body[:len(v.Body)-1], v.Signature), ErrBadSignature, "removed byte")
			assert.ErrorIs(t, verify(v.URI+"/", v.Time, v.Body, v.Signature), ErrBadSignature, "uri with trailing slash")
		})
	}
}

func TestVerifyNotificationHeaders(t *testing.T) {
	v := notifyVector(t, "notify-payment")
	merchantSigned := newNotifySigner(t, "merchant_private_pkcs8.pem").sign(v.URI, v.Time, v.Body)
	tests := []struct {
		name    string
		edit    func(h http.Header)
		method  string
		wantErr error
		wantMsg string
	}{
		{name: "valid"},
		{name: "doc style spaces", edit: func(h http.Header) {
			h.Set("Signature", "algorithm=RSA256, keyVersion=1, signature="+v.Signature)
		}},
		{name: "lower-case header keys from another framework", edit: func(h http.Header) {
			for k, vs := range h {
				delete(h, k)
				h[strings.ToLower(k)] = vs
			}
		}},
		{name: "no Signature", edit: func(h http.Header) { h.Del("Signature") }, wantErr: ErrMalformedSignature, wantMsg: "no Signature header"},
		{name: "Signature without algorithm", edit: func(h http.Header) { h.Set("Signature", "signature="+v.Signature) }, wantErr: ErrMalformedSignature},
		{name: "Signature not base64", edit: func(h http.Header) { h.Set("Signature", "algorithm=RSA256,signature=%%%") }, wantErr: ErrMalformedSignature},
		{name: "signed with the merchant key", edit: func(h http.Header) {
			h.Set("Signature", "algorithm=RSA256,keyVersion=1,signature="+merchantSigned)
		}, wantErr: ErrBadSignature, wantMsg: "Antom's public key"},
		{name: "no Client-Id", edit: func(h http.Header) { h.Del("Client-Id") }, wantErr: ErrBadSignature, wantMsg: "no Client-Id"},
		{name: "other Client-Id", edit: func(h http.Header) { h.Set("Client-Id", "SANDBOX_OTHER") }, wantErr: ErrBadSignature, wantMsg: `Client-Id "SANDBOX_OTHER" is not this client's`},
		{name: "no Request-Time", edit: func(h http.Header) { h.Del("Request-Time") }, wantErr: ErrBadSignature, wantMsg: "no Request-Time"},
		{name: "GET", method: http.MethodGet, wantErr: ErrBadSignature},
	}
	c := notifyTestClient(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := notifyHeaders(v.ClientID, v.Time, v.Signature)
			if tt.edit != nil {
				tt.edit(h)
			}
			method := http.MethodPost
			if tt.method != "" {
				method = tt.method
			}
			n, err := c.VerifyNotification(method, v.URI, h, []byte(v.Body))
			if tt.wantErr == nil {
				require.NoError(t, err)
				assert.Equal(t, "ORD-7781-A", n.Payment.PaymentRequestID)
				return
			}
			assert.Nil(t, n)
			require.ErrorIs(t, err, tt.wantErr)
			assert.Contains(t, err.Error(), tt.wantMsg)
			assert.NotContains(t, err.Error(), v.Body, "errors never carry the body")
		})
	}
}

func TestVerifyNotificationArguments(t *testing.T) {
	c := notifyTestClient(t)
	v := notifyVector(t, "notify-payment")
	h := notifyHeaders(v.ClientID, v.Time, v.Signature)
	_, err := c.VerifyNotification("", v.URI, h, []byte(v.Body))
	assert.ErrorContains(t, err, "empty HTTP method")
	_, err = c.VerifyNotification(http.MethodPost, "", h, []byte(v.Body))
	assert.ErrorContains(t, err, "empty URI")
	_, err = c.ParseNotification(nil)
	assert.ErrorContains(t, err, "nil request")
}

func TestParseNotificationWrongClient(t *testing.T) {
	c, err := NewClient("SANDBOX_OTHERCLIENT0000",
		WithPrivateKey(readKey(t, "merchant_private_pkcs8.pem")),
		WithAlipayPublicKey(readKey(t, "antom_public.pem")))
	require.NoError(t, err)
	_, err = c.ParseNotification(notifyVectorRequest(notifyVector(t, "notify-payment")))
	require.ErrorIs(t, err, ErrBadSignature)
	assert.Contains(t, err.Error(), "SANDBOX_OTHERCLIENT0000")
}

func TestParseNotificationBodyLimit(t *testing.T) {
	v := notifyVector(t, "notify-payment")
	size := int64(len(v.Body))

	t.Run("exactly at the limit", func(t *testing.T) {
		_, err := notifyTestClient(t, WithNotificationMaxBytes(size)).ParseNotification(notifyVectorRequest(v))
		require.NoError(t, err)
	})
	t.Run("Content-Length over the limit", func(t *testing.T) {
		_, err := notifyTestClient(t, WithNotificationMaxBytes(size-1)).ParseNotification(notifyVectorRequest(v))
		require.ErrorIs(t, err, ErrTooLarge)
		assert.Contains(t, err.Error(), "WithNotificationMaxBytes")
	})
	t.Run("unknown length over the limit", func(t *testing.T) {
		r := notifyVectorRequest(v)
		r.ContentLength = -1
		r.Body = io.NopCloser(strings.NewReader(v.Body))
		_, err := notifyTestClient(t, WithNotificationMaxBytes(size-1)).ParseNotification(r)
		require.ErrorIs(t, err, ErrTooLarge)
	})
	t.Run("default is 1 MiB", func(t *testing.T) {
		c := notifyTestClient(t)
		assert.Equal(t, int64(1<<20), c.notifyMaxBytes())
		r := notifyVectorRequest(v)
		r.Body = io.NopCloser(strings.NewReader(strings.Repeat(" ", 1<<20+1)))
		r.ContentLength = -1
		_, err := c.ParseNotification(r)
		require.ErrorIs(t, err, ErrTooLarge)
		assert.Equal(t, int64(1<<20), notifyTestClient(t, WithNotificationMaxBytes(0)).notifyMaxBytes())
	})
	t.Run("read error", func(t *testing.T) {
		r := notifyVectorRequest(v)
		r.Body = notifyErrReader{}
		r.ContentLength = -1
		_, err := notifyTestClient(t).ParseNotification(r)
		require.ErrorContains(t, err, "reading notification body")
		assert.Equal(t, http.StatusBadRequest, notifyStatus(err))
	})
}

type notifyErrReader struct{}

func (notifyErrReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }
func (notifyErrReader) Close() error             { return nil }

func TestParseNotificationURI(t *testing.T) {
	s := newNotifySigner(t, "antom_private_pkcs8.pem")
	body := notifyVector(t, "notify-payment").Body
	const reqTime = "2020-01-01T12:01:01+08:30"

	t.Run("request target as received", func(t *testing.T) {
		_, err := notifyTestClient(t).ParseNotification(s.request("/alipay/notify", "/alipay/notify", reqTime, body))
		require.NoError(t, err)
	})
	t.Run("escaped path kept byte for byte", func(t *testing.T) {
		_, err := notifyTestClient(t).ParseNotification(s.request("/alipay/n%6Ftify", "/alipay/n%6Ftify", reqTime, body))
		require.NoError(t, err)
	})
	t.Run("http.StripPrefix does not change the signed URI", func(t *testing.T) {
		c := notifyTestClient(t)
		var err error
		h := http.StripPrefix("/alipay", http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			_, err = c.ParseNotification(r)
		}))
		h.ServeHTTP(httptest.NewRecorder(), s.request("/alipay/notify", "/alipay/notify", reqTime, body))
		require.NoError(t, err)
	})
	t.Run("request built by a client has no RequestURI", func(t *testing.T) {
		r := s.request("/alipay/notify?shop=1", "/alipay/notify?shop=1", reqTime, body)
		r.RequestURI = ""
		_, err := notifyTestClient(t).ParseNotification(r)
		require.NoError(t, err)
	})
	t.Run("query signed", func(t *testing.T) {
		_, err := notifyTestClient(t).ParseNotification(s.request("/alipay/notify?shop=1", "/alipay/notify?shop=1", reqTime, body))
		require.NoError(t, err)
	})
	t.Run("query present but only the path signed", func(t *testing.T) {
		_, err := notifyTestClient(t).ParseNotification(s.request("/alipay/notify", "/alipay/notify?shop=1", reqTime, body))
		require.NoError(t, err)
	})
	t.Run("other query signed", func(t *testing.T) {
		_, err := notifyTestClient(t).ParseNotification(s.request("/alipay/notify?shop=2", "/alipay/notify?shop=1", reqTime, body))
		require.ErrorIs(t, err, ErrBadSignature)
	})
	t.Run("path rewritten by a proxy", func(t *testing.T) {
		r := s.request("/alipay/notify", "/internal/notify", reqTime, body)
		_, err := notifyTestClient(t).ParseNotification(r)
		require.ErrorIs(t, err, ErrBadSignature)
		assert.Contains(t, err.Error(), `"POST /internal/notify"`)
		assert.Contains(t, err.Error(), "WithNotificationURI")

		c := notifyTestClient(t, WithNotificationURI(func(*http.Request) string { return "/alipay/notify" }))
		_, err = c.ParseNotification(s.request("/alipay/notify", "/internal/notify", reqTime, body))
		require.NoError(t, err)
	})
	t.Run("empty public URI falls back to the request", func(t *testing.T) {
		c := notifyTestClient(t, WithNotificationURI(func(*http.Request) string { return "" }))
		_, err := c.ParseNotification(s.request("/alipay/notify", "/alipay/notify", reqTime, body))
		require.NoError(t, err)
	})
}

func TestNotificationTolerance(t *testing.T) {
	s := newNotifySigner(t, "antom_private_pkcs8.pem")
	body := notifyVector(t, "notify-payment").Body
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	millis := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).UnixMilli(), 10) }

	tests := []struct {
		name    string
		reqTime string
		wantErr bool
		wantMsg string
	}{
		{name: "ISO, now", reqTime: "2026-03-01T18:00:00+08:00"},
		{name: "ISO Z, 4 min ago", reqTime: "2026-03-01T09:56:00Z"},
		{name: "ISO no-colon offset, 4 min ahead", reqTime: "2026-03-01T11:04:00+0100"},
		{name: "ISO with millis", reqTime: "2026-03-01T10:00:00.123+00:00"},
		{name: "epoch millis, 4 min ago", reqTime: millis(-4 * time.Minute)},
		{name: "ISO, 6 min ago", reqTime: "2026-03-01T09:54:00Z", wantErr: true, wantMsg: "6m0s from now"},
		{name: "ISO, 6 min ahead", reqTime: "2026-03-01T10:06:00Z", wantErr: true},
		{name: "epoch millis, 6 min ago", reqTime: millis(-6 * time.Minute), wantErr: true},
		{name: "vector time of 2020", reqTime: "2020-01-01T12:01:01+08:30", wantErr: true},
		{name: "not a time", reqTime: "yesterday", wantErr: true, wantMsg: "neither epoch milliseconds nor ISO 8601"},
		{name: "date only", reqTime: "2026-03-01", wantErr: true},
	}
	c := notifyTestClient(t, WithNotificationTolerance(5*time.Minute))
	c.now = func() time.Time { return now }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.ParseNotification(s.request("/alipay/notify", "/alipay/notify", tt.reqTime, body))
			if !tt.wantErr {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrStaleNotification)
			assert.Contains(t, err.Error(), tt.wantMsg)
		})
	}

	t.Run("default window covers Antom's resend schedule", func(t *testing.T) {
		c := notifyTestClient(t, WithNotificationTolerance(0))
		c.now = func() time.Time { return now }
		// The last of Antom's eight sendings comes 24 h 22 min after the
		// first; a resend may keep the first Request-Time.
		var last time.Duration
		for _, d := range []time.Duration{0, 2 * time.Minute, 10 * time.Minute, 10 * time.Minute, time.Hour, 2 * time.Hour, 6 * time.Hour, 15 * time.Hour} {
			last += d
		}
		for _, ago := range []time.Duration{0, last, last + time.Hour, -time.Hour} {
			_, err := c.ParseNotification(s.request("/alipay/notify", "/alipay/notify", millis(-ago), body))
			require.NoError(t, err, "sent %s ago", ago)
		}
		for _, ago := range []time.Duration{DefaultNotificationTolerance + time.Minute, 365 * 24 * time.Hour, -DefaultNotificationTolerance - time.Minute} {
			_, err := c.ParseNotification(s.request("/alipay/notify", "/alipay/notify", millis(-ago), body))
			require.ErrorIs(t, err, ErrStaleNotification, "sent %s ago", ago)
		}
		_, err := c.ParseNotification(s.request("/alipay/notify", "/alipay/notify", "not a time at all", body))
		require.ErrorIs(t, err, ErrStaleNotification)
	})
	t.Run("zero keeps the default", func(t *testing.T) {
		c := notifyTestClient(t, WithNotificationTolerance(0))
		c.now = func() time.Time { return now }
		_, err := c.ParseNotification(s.request("/alipay/notify", "/alipay/notify", "2025-03-01T10:00:00Z", body))
		require.ErrorIs(t, err, ErrStaleNotification)
	})
	t.Run("negative switches the window off", func(t *testing.T) {
		c := notifyTestClient(t, WithNotificationTolerance(-1))
		c.now = func() time.Time { return now }
		for _, reqTime := range []string{"2020-01-01T12:01:01+08:30", "not a time at all"} {
			_, err := c.ParseNotification(s.request("/alipay/notify", "/alipay/notify", reqTime, body))
			require.NoError(t, err)
		}
	})
	t.Run("checked only after the signature", func(t *testing.T) {
		r := s.request("/alipay/notify", "/alipay/notify", "yesterday", body)
		r.Header.Set("Request-Time", "2026-03-01T10:00:00Z")
		_, err := c.ParseNotification(r)
		require.ErrorIs(t, err, ErrBadSignature)
	})
}

func TestNotificationDecode(t *testing.T) {
	s := newNotifySigner(t, "antom_private_pkcs8.pem")
	const reqTime = "2022-11-10T00:34:53-08:00"
	parse := func(t *testing.T, body string) (*Notification, error) {
		t.Helper()
		return notifyTestClient(t).ParseNotification(s.request("/notify", "/notify", reqTime, body))
	}

	t.Run("capture", func(t *testing.T) {
		n, err := parse(t, notifyCaptureBody)
		require.NoError(t, err)
		require.NotNil(t, n.Capture)
		assert.Nil(t, n.Payment)
		assert.Equal(t, CaptureNotification{
			CaptureRequestID: "Merchant_Request_ID_XXXXXX",
			CaptureID:        "2022XXXXXXX",
			PaymentID:        "2022PAYXXXX",
			CaptureAmount:    Amount{Currency: "BRL", Value: "50000"},
			CaptureTime:      time.Date(2022, 11, 10, 0, 34, 52, 0, time.FixedZone("", -8*3600)),
		}, *n.Capture)
		assert.Equal(t, "CAPTURE_RESULT/Merchant_Request_ID_XXXXXX/2022XXXXXXX/S/SUCCESS", n.DedupeKey())
	})
	t.Run("payment pending with optional fields", func(t *testing.T) {
		n, err := parse(t, `{"notifyType":"PAYMENT_PENDING","result":{"resultCode":"PAYMENT_IN_PROCESS","resultStatus":"S","resultMessage":"pending"},
			"paymentRequestId":"R1","paymentId":"P1","paymentAmount":{"currency":"EUR","value":"1999"},
			"paymentCreateTime":"2024-05-01T10:00:00+0800","paymentTime":null,"authExpiryTime":"",
			"paymentMethodType":"SOFORT","grossSettlementAmount":{"currency":"USD","value":"2150"},
			"acquirerReferenceNo":"ARN1","metadata":"m","subscriptionOrderId":"S1",
			"settlementQuote":{"quotePrice":1.0755}}`)
		require.NoError(t, err)
		require.NotNil(t, n.Payment)
		p := n.Payment
		assert.Equal(t, NotifyTypePaymentPending, n.NotifyType)
		assert.Equal(t, PaymentMethodType("SOFORT"), p.PaymentMethodType)
		assert.Equal(t, &Amount{Currency: "USD", Value: "2150"}, p.GrossSettlementAmount)
		assert.Nil(t, p.CustomsDeclarationAmount)
		assert.Equal(t, "ARN1", p.AcquirerReferenceNo)
		assert.Equal(t, "S1", p.SubscriptionOrderID)
		assert.True(t, p.PaymentCreateTime.Equal(time.Date(2024, 5, 1, 2, 0, 0, 0, time.UTC)))
		assert.True(t, p.PaymentTime.IsZero())
		assert.True(t, p.AuthExpiryTime.IsZero())

		var extra struct {
			SettlementQuote struct {
				QuotePrice float64 `json:"quotePrice"`
			} `json:"settlementQuote"`
		}
		require.NoError(t, n.Decode(&extra))
		assert.Equal(t, 1.0755, extra.SettlementQuote.QuotePrice)
	})
	t.Run("unknown type kept as is", func(t *testing.T) {
		body := `{"notifyType":"UPDATE_AMOUNT_RESULT","result":{"resultCode":"SUCCESS","resultStatus":"S"},"paymentId":"P1"}`
		n, err := parse(t, body)
		require.NoError(t, err)
		assert.Equal(t, NotifyType("UPDATE_AMOUNT_RESULT"), n.NotifyType)
		assert.Equal(t, ResultStatusSuccess, n.Result.ResultStatus)
		assert.Nil(t, n.Payment)
		assert.Nil(t, n.Refund)
		assert.Nil(t, n.Capture)
		sum := sha256.Sum256([]byte(body))
		assert.Equal(t, "UPDATE_AMOUNT_RESULT/sha256/"+hex.EncodeToString(sum[:]), n.DedupeKey())
	})
	t.Run("no notifyType kept", func(t *testing.T) {
		n, err := parse(t, `{"disputeNotificationType":"DISPUTE_CREATED"}`)
		require.NoError(t, err)
		assert.Equal(t, NotifyType(""), n.NotifyType)
	})

	malformed := []struct {
		name, body, wantMsg string
	}{
		{"empty", "", "not a JSON object"},
		{"array", `[{"notifyType":"PAYMENT_RESULT"}]`, "not a JSON object"},
		{"null", `null`, "not a JSON object"},
		{"truncated", `{"notifyType":"PAYMENT_RESULT","result":{`, "unexpected end"},
		{"result not an object", `{"notifyType":"PAYMENT_RESULT","result":"S"}`, "result"},
		{"amount as a number", `{"notifyType":"PAYMENT_RESULT","paymentAmount":1025}`, "PAYMENT_RESULT"},
		{"refund status as a number", `{"notifyType":"REFUND_RESULT","refundStatus":1}`, "REFUND_RESULT"},
	}
	for _, tt := range malformed {
		t.Run("malformed "+tt.name, func(t *testing.T) {
			n, err := parse(t, tt.body)
			assert.Nil(t, n)
			require.ErrorIs(t, err, ErrMalformedNotification)
			assert.Contains(t, err.Error(), tt.wantMsg)
		})
	}
}

func TestNotificationDedupeKey(t *testing.T) {
	tests := []struct {
		name string
		n    Notification
		want string
	}{
		{
			name: "payment ids are escaped",
			n: Notification{NotifyType: NotifyTypePaymentResult, Result: Result{ResultCode: "USER_BALANCE_NOT_ENOUGH", ResultStatus: ResultStatusFail},
				Payment: &PaymentNotification{PaymentRequestID: "order/7 a", PaymentID: "P%1"}},
			want: "PAYMENT_RESULT/order%2F7%20a/P%251/F/USER_BALANCE_NOT_ENOUGH",
		},
		{
			name: "refund",
			n: Notification{NotifyType: NotifyTypeRefundResult, Result: Result{ResultCode: "SUCCESS", ResultStatus: ResultStatusSuccess},
				Refund: &RefundNotification{RefundRequestID: "RR", RefundID: "RI", RefundStatus: RefundStatusFail}},
			want: "REFUND_RESULT/RR/RI/FAIL/S/SUCCESS",
		},
		{
			name: "unknown type hashes the body",
			n:    Notification{NotifyType: "X", Raw: []byte("abc")},
			want: "X/sha256/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.n.DedupeKey())
		})
	}

	// Pending and final results of one payment are different events.
	pending := Notification{NotifyType: NotifyTypePaymentPending, Result: Result{ResultCode: "SUCCESS", ResultStatus: "S"}, Payment: &PaymentNotification{PaymentRequestID: "R", PaymentID: "P"}}
	final := pending
	final.NotifyType = NotifyTypePaymentResult
	assert.NotEqual(t, pending.DedupeKey(), final.DedupeKey())

	// A resend with a new Request-Time (and re-ordered JSON) has the same key.
	s := newNotifySigner(t, "antom_private_pkcs8.pem")
	c := notifyTestClient(t)
	v := notifyVector(t, "notify-refund")
	first, err := c.ParseNotification(notifyVectorRequest(v))
	require.NoError(t, err)
	reordered := `{"result":{"resultStatus":"S","resultCode":"SUCCESS","resultMessage":"Success"},"refundStatus":"SUCCESS","refundId":"2021080419401080130018866020092XXXX","refundRequestId":"REFUND-ORD-7781-1","notifyType":"REFUND_RESULT","refundAmount":{"value":"10000","currency":"HKD"}}`
	again, err := c.ParseNotification(s.request(v.URI, v.URI, "2021-08-04T02:02:38-07:00", reordered))
	require.NoError(t, err)
	assert.Equal(t, first.DedupeKey(), again.DedupeKey())
}

// A card payment's notification may carry card details: printing or
// logging a Notification must never write its body.
func TestNotificationNeverPrintsBody(t *testing.T) {
	const card = "4111111111111111"
	body := `{"notifyType":"PAYMENT_RESULT","result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentRequestId":"R1","paymentId":"P1","paymentAmount":{"currency":"USD","value":"100"},"paymentCreateTime":"2024-01-01T00:00:00Z","paymentResultInfo":{"cardNo":"` + card + `"}}`
	n, err := notifyDecode([]byte(body))
	require.NoError(t, err)

	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	logger.Info("got", "n", n, "value", *n)
	outputs := []string{n.String(), fmt.Sprintf("%v %+v %#v %s", n, n, n, *n), logs.String()}
	for _, out := range outputs {
		assert.NotContains(t, out, card)
		assert.Contains(t, out, "R1")
		assert.Contains(t, out, "PAYMENT_RESULT")
	}
	assert.Equal(t, "alipay.Notification{notifyType: PAYMENT_RESULT, paymentRequestId: R1, paymentId: P1, resultStatus: S, resultCode: SUCCESS}", n.String())
}
