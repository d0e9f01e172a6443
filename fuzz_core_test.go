package alipay

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
)

func FuzzParsePrivateKey(f *testing.F) {
	f.Add(readKey(f, "merchant_private_pkcs8.pem"))
	f.Add(readKey(f, "antom_public.pem"))
	f.Add("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n-----END RSA PRIVATE KEY-----")
	f.Add("MIIBVQIBADANBgkqhkiG9w0BAQEFAASC")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParsePrivateKey(s)
		if err == nil && k == nil {
			t.Fatal("nil key without error")
		}
	})
}

func FuzzParsePublicKey(f *testing.F) {
	f.Add(readKey(f, "antom_public.pem"))
	f.Add(readKey(f, "merchant_private_pkcs8.pem"))
	f.Add("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParsePublicKey(s)
		if err == nil && k == nil {
			t.Fatal("nil key without error")
		}
	})
}

// roundTripFunc answers requests in-process, so the fuzzer can drive the
// response path without a network.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// FuzzDoResponse feeds arbitrary status, headers and bodies to the response
// half of the pipeline: it must never panic and never report success for a
// response that is not validly signed (no fuzzed input can forge Antom's
// signature).
func FuzzDoResponse(f *testing.F) {
	f.Add(200, "algorithm=RSA256,keyVersion=1,signature=YWJj", "2019-05-28T12:12:14+08:00", okBody)
	f.Add(200, "", "", badSigFailBody)
	f.Add(502, "", "", "<html>")
	f.Add(200, "algorithm=RSA256,signature=%zz", "x", `{"result":null}`)
	f.Add(200, "", "", `{"result":{"resultStatus":"F","resultCode":"`+string(make([]byte, 300))+`"}}`)
	type reply struct {
		status              int
		sig, respTime, body string
	}
	var next reply // the fuzz function runs sequentially within a worker
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		h := http.Header{}
		if next.sig != "" {
			h.Set("Signature", next.sig)
		}
		if next.respTime != "" {
			h.Set("Response-Time", next.respTime)
		}
		return &http.Response{StatusCode: next.status, Header: h, Body: io.NopCloser(bytes.NewReader([]byte(next.body))), Request: r}, nil
	})}
	c, err := NewClient(testClientID, WithPrivateKey(readKey(f, "merchant_private_pkcs8.pem")),
		WithAlipayPublicKey(readKey(f, "antom_public.pem")), WithHTTPClient(hc), WithRetry(NoRetry))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, status int, sig, respTime, body string) {
		if status < 100 || status > 999 {
			status = 200
		}
		next = reply{status, sig, respTime, body}
		var resp testResp
		if err := c.Do(context.Background(), payPath, testReq{PaymentRequestID: "R1"}, &resp); err == nil {
			t.Fatalf("unsigned or forged response accepted: status %d, sig %q", status, sig)
		}
	})
}
