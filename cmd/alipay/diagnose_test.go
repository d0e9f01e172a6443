package main

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xborderpay/alipay"
)

func TestRecoverDigest(t *testing.T) {
	antom := readPrivateKey(t, antomPrivateFile)
	merchant := readPrivateKey(t, merchantPrivateFile)
	content := alipay.SignContent("POST", "/alipay/notify", "C", "T", []byte("{}"))
	sig := mustSign(t, antom, content)
	want := sha256.Sum256(content)

	d, err := recoverDigest(&antom.PublicKey, sig)
	require.NoError(t, err)
	assert.Equal(t, want[:], d.digest)

	_, err = recoverDigest(&merchant.PublicKey, sig)
	assert.ErrorIs(t, err, errNotThisKey)

	_, err = recoverDigest(&antom.PublicKey, sig[1:])
	assert.EqualError(t, err, "the signature is 255 bytes but the key is 2048-bit, so its signatures are 256 bytes")

	big := make([]byte, len(sig))
	for i := range big {
		big[i] = 0xff
	}
	_, err = recoverDigest(&antom.PublicKey, big)
	assert.EqualError(t, err, "the signature is not a value this key can have produced")

	flipped := append([]byte{}, sig...)
	flipped[100] ^= 1
	_, err = recoverDigest(&antom.PublicKey, flipped)
	assert.ErrorIs(t, err, errNotThisKey)
}

func mustSign(t testing.TB, key *rsa.PrivateKey, content []byte) []byte {
	t.Helper()
	sig, err := alipay.NewSigner(key).Sign(context.Background(), content)
	require.NoError(t, err)
	return sig
}

func TestSignatureCandidates(t *testing.T) {
	raw := []byte{0xfb, 0xff, 0xbf, 0x01} // base64 "+/+/AQ=="
	std := base64.StdEncoding.EncodeToString(raw)
	require.Equal(t, "+/+/AQ==", std)
	tests := []struct {
		name, value, how string
	}{
		{"as specified", url.QueryEscape(std), ""},
		{"not escaped", std, "it is not URL-escaped"},
		{"plus became space", " / /AQ==", "its + characters became spaces"},
		{"escaped twice", url.QueryEscape(url.QueryEscape(std)), "it was URL-escaped twice"},
		{"padding stripped", "%2B%2F%2B%2FAQ", "its base64 padding (=) was stripped"},
		{"url alphabet", "-_-_AQ==", "URL-safe base64 alphabet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var found *sigCandidate
			for _, c := range signatureCandidates(tt.value) {
				if string(c.sig) == string(raw) {
					found = &c
					break
				}
			}
			require.NotNil(t, found, "no candidate decodes to the signature")
			if tt.how == "" {
				assert.Empty(t, found.how)
			} else {
				assert.Contains(t, found.how, tt.how)
			}
		})
	}
	assert.Empty(t, signatureCandidates("***"))
}

func TestRawSignatureValue(t *testing.T) {
	assert.Equal(t, "a%2Bb", rawSignatureValue("algorithm=RSA256, keyVersion=1, signature=a%2Bb"))
	assert.Equal(t, "x==", rawSignatureValue("Signature=x==,algorithm=RSA256"))
	assert.Equal(t, "", rawSignatureValue("algorithm=RSA256"))
}

// FuzzDiagnose feeds arbitrary signature values, bodies and times through
// the diagnosis: it must never panic and never call a random value valid.
func FuzzDiagnose(f *testing.F) {
	antom := readPrivateKey(f, antomPrivateFile)
	f.Add("YWJj", []byte(`{"a":1}`), "2019-05-28T12:12:14+08:00", "/ams/api/v1/payments/pay")
	f.Add("%2B%2F", []byte("{\n}\r\n"), "1700000000000", "/a/b?c=d")
	f.Add("a b", []byte("\xff\xfe"), "", "")
	f.Fuzz(func(t *testing.T, sig string, body []byte, tm, uri string) {
		if len(body) > 4096 {
			return
		}
		p := signedParts{method: "POST", uri: uri, response: uri == "", clientID: "C", timeName: "Response-Time",
			timeValue: tm, times: map[string]string{"Response-Time": tm}, body: body, sigValue: sig}
		d := diagnose(p, &antom.PublicKey, nil)
		if d.ok {
			t.Fatalf("a fuzzed signature verified: %q", sig)
		}
		if d.culprit == "" {
			t.Fatal("a failed diagnosis names no culprit")
		}
	})
}

// TestDiagnose_largeBody keeps the search affordable for a large body and
// still finds a single change.
func TestDiagnose_largeBody(t *testing.T) {
	antom := readPrivateKey(t, antomPrivateFile)
	compact := []byte(`{"items":[` + strings.Repeat(`{"name":"tea","qty":1},`, 20000) + `{"name":"pot","qty":1}]}`)
	require.Greater(t, len(compact), 256<<10)
	var indented bytes.Buffer
	require.NoError(t, json.Indent(&indented, compact, "", "  "))
	sig := mustSign(t, antom, alipay.SignContent("POST", "/n", "C", "T", compact))
	p := signedParts{method: "POST", uri: "/n", clientID: "C", timeName: "Request-Time", timeValue: "T",
		times: map[string]string{"Request-Time": "T"}, body: indented.Bytes(), sigValue: url.QueryEscape(base64.StdEncoding.EncodeToString(sig))}
	d := diagnose(p, &antom.PublicKey, nil)
	assert.False(t, d.ok)
	assert.Equal(t, "the body", d.culprit)
	assert.Contains(t, d.details[0], "compact")
}

// benchmarkParts is a pay response whose body was pretty-printed after it
// arrived, with the time to sign it with.
func benchmarkParts(b *testing.B) (signedParts, *rsa.PrivateKey) {
	_, vectors := loadVectors(b)
	v := vectors["pay-response-iso-time"]
	antom := readPrivateKey(b, antomPrivateFile)
	var indented bytes.Buffer
	require.NoError(b, json.Indent(&indented, []byte(v.Body), "", "  "))
	return signedParts{method: "POST", uri: v.URI, response: true, clientID: v.ClientID, timeName: "Response-Time",
		timeValue: v.Time, times: map[string]string{"Response-Time": v.Time}, body: indented.Bytes(), sigValue: v.Signature}, antom
}

// BenchmarkDiagnose_body is a whole diagnosis that ends in "the body":
// the straight check, the digest recovery and the variant search.
func BenchmarkDiagnose_body(b *testing.B) {
	p, antom := benchmarkParts(b)
	b.ReportAllocs()
	for range b.N {
		if d := diagnose(p, &antom.PublicKey, nil); d.culprit != "the body" {
			b.Fatal(d.culprit)
		}
	}
}

// BenchmarkDiagnose_rawVerify is the raw cost it compares with: one
// SHA256withRSA verification of the same content.
func BenchmarkDiagnose_rawVerify(b *testing.B) {
	p, antom := benchmarkParts(b)
	h, err := alipay.ParseSignatureHeader("algorithm=RSA256,signature=" + p.sigValue)
	require.NoError(b, err)
	content := alipay.SignContent(p.method, p.uri, p.clientID, p.timeValue, p.body)
	v := alipay.NewVerifier(&antom.PublicKey)
	b.ReportAllocs()
	for range b.N {
		_ = v.Verify(content, h.Signature)
	}
}
