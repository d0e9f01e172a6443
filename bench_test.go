package alipay

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
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

// roundTripBench is an inquiryPayment round trip over TLS with keep-alive,
// done by the SDK and by a hand-written minimal client against the same
// server, which answers a response pre-signed (with a fresh Response-Time)
// so that its own cost is the same for both.
type roundTripBench struct {
	sdk, raw func(b *testing.B)
	close    func()
}

func newRoundTripBench(b *testing.B) *roundTripBench {
	merchant, antom := benchKeys(b)
	const uri = "/ams/sandbox/api/v1/payments/inquiryPayment"
	respTime := time.Now().Format("2006-01-02T15:04:05-07:00")
	respBody := []byte(`{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentStatus":"SUCCESS","paymentRequestId":"ORD-7781-A","paymentId":"20240115194010800100188640298283440","paymentAmount":{"currency":"USD","value":"1025"},"paymentCreateTime":"2024-01-15T01:20:46-08:00","paymentTime":"2024-01-15T01:21:02-08:00","transactions":null}`)
	digest := sha256.Sum256(SignContent("POST", uri, testClientID, respTime, respBody))
	sig, err := rsa.SignPKCS1v15(rand.Reader, antom, crypto.SHA256, digest[:])
	if err != nil {
		b.Fatal(err)
	}
	sigHeader := SignatureHeader{Signature: sig}.Encode()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		h := w.Header()
		h["Content-Type"] = []string{"application/json; charset=UTF-8"}
		h["Client-Id"] = []string{testClientID}
		h["Response-Time"] = []string{respTime}
		h["Signature"] = []string{sigHeader}
		_, _ = w.Write(respBody)
	}))
	srv.Client().Transport.(*http.Transport).MaxIdleConnsPerHost = 64

	c, err := NewClient(testClientID, WithSigner(NewSigner(merchant)), WithVerifier(NewVerifier(&antom.PublicKey)),
		WithEndpoint(srv.URL), WithHTTPClient(srv.Client()))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	hc := srv.Client()
	body := []byte(`{"paymentRequestId":"ORD-7781-A"}`)
	endpoint := srv.URL + uri
	contentType, clientID := []string{"application/json; charset=UTF-8"}, []string{testClientID}
	return &roundTripBench{
		close: srv.Close,
		sdk: func(b *testing.B) {
			resp, err := c.InquiryPayment(ctx, &InquiryPaymentRequest{PaymentRequestID: "ORD-7781-A"})
			if err != nil || resp.PaymentStatus != PaymentStatusSuccess {
				b.Fatal(err)
			}
		},
		// raw signs, POSTs on a kept-alive connection, reads, verifies
		// and decodes the statuses: the least a correct client does, with
		// no allocation it can avoid (content hashed from the stack, the
		// constant header values shared, base64 and its escapes written
		// straight into the header string, the signature decoded on the
		// stack, only the two statuses decoded).
		raw: func(b *testing.B) {
			var tb [20]byte
			reqTime := strconv.AppendInt(tb[:0], time.Now().UnixMilli(), 10)
			var cb [1024]byte
			content := append(append(append(append(append(append(cb[:0], "POST "+uri+"\n"...), testClientID...), '.'), reqTime...), '.'), body...)
			d := sha256.Sum256(content)
			s, err := rsa.SignPKCS1v15(rand.Reader, merchant, crypto.SHA256, d[:])
			if err != nil {
				b.Fatal(err)
			}
			var hb strings.Builder
			var eb [512]byte
			enc := base64.StdEncoding.AppendEncode(eb[:0], s)
			hb.Grow(len(reqTime) + 50 + 3*len(enc))
			hb.Write(reqTime)
			hb.WriteString("algorithm=RSA256,keyVersion=1,signature=")
			for _, ch := range enc {
				switch ch {
				case '+':
					hb.WriteString("%2B")
				case '/':
					hb.WriteString("%2F")
				case '=':
					hb.WriteString("%3D")
				default:
					hb.WriteByte(ch)
				}
			}
			vals := hb.String()
			hreq, _ := http.NewRequest("POST", endpoint, bytes.NewReader(body))
			hreq.Header["Content-Type"] = contentType
			hreq.Header["Client-Id"] = clientID
			hv := []string{vals[:len(reqTime)], vals[len(reqTime):]}
			hreq.Header["Request-Time"] = hv[0:1:1]
			hreq.Header["Signature"] = hv[1:2:2]
			resp, err := hc.Do(hreq)
			if err != nil {
				b.Fatal(err)
			}
			got, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				b.Fatal(err)
			}
			_, escaped, _ := strings.Cut(resp.Header.Get("Signature"), "signature=")
			var ub [512]byte
			unescaped := ub[:0]
			for i := 0; i < len(escaped); i++ {
				if escaped[i] == '%' && i+2 < len(escaped) {
					v, _ := strconv.ParseUint(escaped[i+1:i+3], 16, 8)
					unescaped = append(unescaped, byte(v))
					i += 2
				} else {
					unescaped = append(unescaped, escaped[i])
				}
			}
			var sb [512]byte
			rsig, _ := base64.StdEncoding.AppendDecode(sb[:0], unescaped)
			content = append(append(append(append(append(append(cb[:0], "POST "+uri+"\n"...), testClientID...), '.'), resp.Header.Get("Response-Time")...), '.'), got...)
			vd := sha256.Sum256(content)
			if err := rsa.VerifyPKCS1v15(&antom.PublicKey, crypto.SHA256, vd[:], rsig); err != nil {
				b.Fatal(err)
			}
			var env struct {
				Result struct {
					ResultStatus string `json:"resultStatus"`
				} `json:"result"`
				PaymentStatus string `json:"paymentStatus"`
			}
			if err := json.Unmarshal(got, &env); err != nil || env.Result.ResultStatus != "S" || env.PaymentStatus != "SUCCESS" {
				b.Fatal(err)
			}
		},
	}
}

// BenchmarkRoundTrip compares InquiryPayment (marshal, sign, POST over TLS
// with keep-alive, one bounded read, verify, bind, check freshness, decode
// the typed response) with the minimal client. The VsRaw ratio is time per
// call; the cpu-ratio metric is the process's user+system CPU time per call
// (getrusage around alternating batches), server included for both.
func BenchmarkRoundTrip(b *testing.B) {
	rt := newRoundTripBench(b)
	defer rt.close()
	benchPair{sdk: rt.sdk, raw: rt.raw}.run(b)
	b.Run("CPUVsRaw", func(b *testing.B) {
		const batch = 20
		var sdk, raw time.Duration
		for i := 0; i < b.N; i += batch {
			t0 := cpuTime()
			for range batch {
				rt.sdk(b)
			}
			t1 := cpuTime()
			for range batch {
				rt.raw(b)
			}
			sdk, raw = sdk+t1-t0, raw+cpuTime()-t1
		}
		b.ReportMetric(float64(sdk)/float64(raw), "cpu-ratio")
	})
}

// BenchmarkRoundTripParallel runs the round trip from 32 concurrent callers
// through one Client (and one minimal client), alternating rounds of each,
// and reports the SDK's throughput as a share of the minimal client's: the
// median over the pairs of rounds.
func BenchmarkRoundTripParallel(b *testing.B) {
	rt := newRoundTripBench(b)
	defer rt.close()
	const callers, perRound = 32, 128
	round := func(op func(*testing.B)) time.Duration {
		var next atomic.Int64
		var wg sync.WaitGroup
		start := time.Now()
		for range callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for next.Add(1) <= perRound {
					op(b)
				}
			}()
		}
		wg.Wait()
		return time.Since(start)
	}
	round(rt.sdk) // open the connections of both pools
	round(rt.raw)
	b.ResetTimer()
	var ratios []float64
	for i := 0; i < b.N; i += perRound {
		var sdk, raw time.Duration
		if i/perRound%2 == 0 { // alternate the order: neither pays the other's GC debt
			sdk, raw = round(rt.sdk), round(rt.raw)
		} else {
			raw, sdk = round(rt.raw), round(rt.sdk)
		}
		ratios = append(ratios, float64(raw)/float64(sdk))
	}
	// The median of the pairs: a burst of load from another process
	// skews one pair, not the result.
	sort.Float64s(ratios)
	b.ReportMetric(ratios[len(ratios)/2], "throughput-ratio")
}

// cpuTime is the user and system CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
