package alipay

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"
)

// The benchmarks pair each SDK path with its raw cost in the same run:
//
//	go test -run '^$' -bench 'Sign|Verify$|RoundTrip' -benchmem -count 6 .
//
// Each pair runs as sdk and raw sub-benchmarks, and once more as a VsRaw
// benchmark that alternates one sdk and one raw operation and reports
// sdk/raw time as the "ratio" metric: alternating cancels the drift of a
// shared machine, which moves RSA timings by ±15 % between runs.

func benchKeys(b *testing.B) (*rsa.PrivateKey, *rsa.PrivateKey) {
	b.Helper()
	merchant, err := ParsePrivateKey(readKey(b, "merchant_private_pkcs8.pem"))
	if err != nil {
		b.Fatal(err)
	}
	antom, err := ParsePrivateKey(readKey(b, "antom_private_pkcs8.pem"))
	if err != nil {
		b.Fatal(err)
	}
	return merchant, antom
}

var benchBody = []byte(`{"env":{"terminalType":"APP","osType":"IOS"},"order":{"orderAmount":{"currency":"USD","value":"1025"},"referenceOrderId":"ORDER-1","orderDescription":"T-shirt"},"paymentAmount":{"currency":"USD","value":"1025"},"paymentMethod":{"paymentMethodType":"ALIPAY_CN"},"paymentRedirectUrl":"https://merchant.example/return","paymentRequestId":"ORD-7781-A","productCode":"CASHIER_PAYMENT"}`)

// benchPair is one SDK operation and its raw baseline.
type benchPair struct {
	sdk, raw func(b *testing.B)
}

// run registers the sdk, raw and VsRaw benchmarks of p.
func (p benchPair) run(b *testing.B) {
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			p.sdk(b)
		}
	})
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			p.raw(b)
		}
	})
	b.Run("VsRaw", func(b *testing.B) {
		var sdk, raw time.Duration
		for i := 0; i < b.N; i++ {
			start := time.Now()
			p.sdk(b)
			mid := time.Now()
			p.raw(b)
			sdk, raw = sdk+mid.Sub(start), raw+time.Since(mid)
		}
		b.ReportMetric(float64(sdk)/float64(raw), "ratio")
	})
}

func BenchmarkSign(b *testing.B) {
	merchant, _ := benchKeys(b)
	signer := NewSigner(merchant)
	ctx := context.Background()
	content := []byte("POST /ams/api/v1/payments/pay\n" + testClientID + ".1732147200123." + string(benchBody))
	benchPair{
		sdk: func(b *testing.B) {
			sig, err := signer.Sign(ctx, SignContent("POST", "/ams/api/v1/payments/pay", testClientID, "1732147200123", benchBody))
			if err != nil {
				b.Fatal(err)
			}
			_ = SignatureHeader{Signature: sig}.Encode()
		},
		raw: func(b *testing.B) {
			digest := sha256.Sum256(content)
			if _, err := rsa.SignPKCS1v15(rand.Reader, merchant, crypto.SHA256, digest[:]); err != nil {
				b.Fatal(err)
			}
		},
	}.run(b)
}

func BenchmarkVerify(b *testing.B) {
	_, antom := benchKeys(b)
	content := SignContent("POST", "/ams/api/v1/payments/pay", testClientID, "2019-05-28T12:12:14+08:00", benchBody)
	digest := sha256.Sum256(content)
	sig, err := rsa.SignPKCS1v15(rand.Reader, antom, crypto.SHA256, digest[:])
	if err != nil {
		b.Fatal(err)
	}
	header := SignatureHeader{Signature: sig}.Encode()
	v := NewVerifier(&antom.PublicKey)
	benchPair{
		sdk: func(b *testing.B) {
			h, err := ParseSignatureHeader(header)
			if err != nil {
				b.Fatal(err)
			}
			if err := v.Verify(SignContent("POST", "/ams/api/v1/payments/pay", testClientID, "2019-05-28T12:12:14+08:00", benchBody), h.Signature); err != nil {
				b.Fatal(err)
			}
		},
		raw: func(b *testing.B) {
			d := sha256.Sum256(content)
			if err := rsa.VerifyPKCS1v15(&antom.PublicKey, crypto.SHA256, d[:], sig); err != nil {
				b.Fatal(err)
			}
		},
	}.run(b)
}

// BenchmarkRoundTrip compares a full client call (marshal, sign, POST over
// TLS with keep-alive, bounded read, verify, decode) with a hand-written
// baseline that does the same crypto and POST on the same kind of kept-alive
// connection. The server answers a pre-signed response so that its own cost
// is the same for both.
func BenchmarkRoundTrip(b *testing.B) {
	merchant, antom := benchKeys(b)
	const uri = "/ams/sandbox/api/v1/payments/pay"
	const respTime = "2019-05-28T12:12:14+08:00"
	respBody := []byte(`{"result":{"resultCode":"PAYMENT_IN_PROCESS","resultStatus":"U","resultMessage":"payment in process"},"paymentRequestId":"ORD-7781-A","paymentId":"20240115194010800100188640298283440","normalUrl":"https://open-sea.alipayplus.com/x"}`)
	digest := sha256.Sum256(SignContent("POST", uri, testClientID, respTime, respBody))
	sig, err := rsa.SignPKCS1v15(rand.Reader, antom, crypto.SHA256, digest[:])
	if err != nil {
		b.Fatal(err)
	}
	sigHeader := SignatureHeader{Signature: sig}.Encode()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.Header().Set("Client-Id", testClientID)
		w.Header().Set("Response-Time", respTime)
		w.Header().Set("Signature", sigHeader)
		_, _ = w.Write(respBody)
	}))
	defer srv.Close()

	type payReq struct {
		Env struct {
			TerminalType string `json:"terminalType"`
			OSType       string `json:"osType"`
		} `json:"env"`
		PaymentRequestID string `json:"paymentRequestId"`
		ProductCode      string `json:"productCode"`
	}
	type payResp struct {
		Result           Result `json:"result"`
		PaymentRequestID string `json:"paymentRequestId"`
		PaymentID        string `json:"paymentId"`
		NormalURL        string `json:"normalUrl"`
	}
	c, err := NewClient(testClientID, WithSigner(NewSigner(merchant)), WithVerifier(NewVerifier(&antom.PublicKey)),
		WithEndpoint(srv.URL), WithHTTPClient(srv.Client()))
	if err != nil {
		b.Fatal(err)
	}
	req := &payReq{PaymentRequestID: "ORD-7781-A", ProductCode: "CASHIER_PAYMENT"}
	req.Env.TerminalType, req.Env.OSType = "APP", "IOS"
	ctx := context.Background()
	hc := srv.Client()
	body := []byte(`{"env":{"terminalType":"APP","osType":"IOS"},"paymentRequestId":"ORD-7781-A","productCode":"CASHIER_PAYMENT"}`)

	benchPair{
		sdk: func(b *testing.B) {
			var resp payResp
			if err := c.Do(ctx, "/ams/api/v1/payments/pay", req, &resp); err != nil {
				b.Fatal(err)
			}
		},
		raw: func(b *testing.B) {
			reqTime := strconv.FormatInt(time.Now().UnixMilli(), 10)
			d := sha256.Sum256([]byte("POST " + uri + "\n" + testClientID + "." + reqTime + "." + string(body)))
			s, err := rsa.SignPKCS1v15(rand.Reader, merchant, crypto.SHA256, d[:])
			if err != nil {
				b.Fatal(err)
			}
			hreq, _ := http.NewRequest("POST", srv.URL+uri, bytes.NewReader(body))
			hreq.Header.Set("Content-Type", "application/json; charset=UTF-8")
			hreq.Header.Set("Client-Id", testClientID)
			hreq.Header.Set("Request-Time", reqTime)
			hreq.Header.Set("Signature", SignatureHeader{Signature: s}.Encode())
			resp, err := hc.Do(hreq)
			if err != nil {
				b.Fatal(err)
			}
			got, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				b.Fatal(err)
			}
			vd := sha256.Sum256([]byte("POST " + uri + "\n" + testClientID + "." + respTime + "." + string(got)))
			if err := rsa.VerifyPKCS1v15(&antom.PublicKey, crypto.SHA256, vd[:], sig); err != nil {
				b.Fatal(err)
			}
		},
	}.run(b)
}
