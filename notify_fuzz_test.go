package alipay

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// notifyAcceptAll accepts every signature, so that the fuzzer reaches the
// decoder, which a real signature check would keep it from.
type notifyAcceptAll struct{}

func (notifyAcceptAll) Verify([]byte, []byte) error { return nil }

// FuzzParseNotification feeds arbitrary bodies and headers to
// ParseNotification: it must never panic, and must return either a
// notification or an error that the handler maps to a status.
func FuzzParseNotification(f *testing.F) {
	for _, v := range loadVectors(f).AntomSigned {
		f.Add([]byte(v.Body), "algorithm=RSA256,keyVersion=1,signature="+v.Signature, v.ClientID, v.Time, v.URI)
	}
	f.Add([]byte(notifyCaptureBody), "algorithm=RSA256,signature=AAAA", notifyTestClientID, "1700000000000", "/n?x=1")
	f.Add([]byte(`{"notifyType":"PAYMENT_RESULT","paymentCreateTime":"2020-01-01T12:01:00+0800","paymentAmount":null}`), "algorithm=RSA256,signature=AA%3D%3D", notifyTestClientID, "2020-01-01T12:01:00Z", "/")
	f.Add([]byte(`{"notifyType":"REFUND_RESULT","refundTime":"x"}`), "signature=,algorithm=rsa256", "", "", "")
	f.Add([]byte(`[]`), "algorithm=RSA256,algorithm=RSA256", notifyTestClientID, "99999999999999999999", "/%zz")

	strict := notifyTestClient(f)
	loose := notifyTestClient(f, WithVerifier(notifyAcceptAll{}), WithNotificationMaxBytes(4096))
	timed := notifyTestClient(f, WithVerifier(notifyAcceptAll{}), WithNotificationTolerance(24*time.Hour))

	f.Fuzz(func(t *testing.T, body []byte, sig, clientID, reqTime, uri string) {
		for _, c := range []*Client{strict, loose, timed} {
			h := http.Header{}
			h["Signature"] = []string{sig}
			h["Client-Id"] = []string{clientID}
			h["Request-Time"] = []string{reqTime}

			n, err := c.VerifyNotification(http.MethodPost, uri, h, body)
			notifyFuzzCheck(t, n, err, body)

			r := &http.Request{Method: http.MethodPost, RequestURI: uri, Header: h,
				Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body))}
			if u, err := url.ParseRequestURI(uri); err == nil {
				r.URL = u
			}
			n, err = c.ParseNotification(r)
			notifyFuzzCheck(t, n, err, body)
		}
	})
}

func notifyFuzzCheck(t *testing.T, n *Notification, err error, body []byte) {
	t.Helper()
	if err != nil {
		if n != nil {
			t.Fatalf("both a notification and an error: %v", err)
		}
		for _, sentinel := range []error{ErrTooLarge, ErrMalformedNotification, ErrMalformedSignature, ErrBadSignature, ErrStaleNotification} {
			if errors.Is(err, sentinel) {
				return
			}
		}
		if strings.Contains(err.Error(), "empty") {
			return // an empty method or URI passed to VerifyNotification
		}
		t.Fatalf("error wraps no sentinel: %v", err)
	}
	if !bytes.Equal(n.Raw, body) {
		t.Fatalf("Raw differs from the body")
	}
	_ = n.DedupeKey()
	_ = fmt.Sprint(n)
	if len(body) > 40 && strings.Contains(n.String(), string(body)) {
		t.Fatalf("String prints the body")
	}
}
