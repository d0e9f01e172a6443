package alipay

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSignatureHeaderEncode(t *testing.T) {
	sig := []byte{0xfb, 0xff, 0xfe, 0x01, 0x02} // base64 "+//+AQI=" exercises + / =
	cases := []struct {
		h    SignatureHeader
		want string
	}{
		{SignatureHeader{Signature: sig}, "algorithm=RSA256,keyVersion=1,signature=%2B%2F%2F%2BAQI%3D"},
		{SignatureHeader{KeyVersion: "7", Signature: sig}, "algorithm=RSA256,keyVersion=7,signature=%2B%2F%2F%2BAQI%3D"},
		{SignatureHeader{Algorithm: AlgorithmRSA256, KeyVersion: "2", Signature: []byte("abc")}, "algorithm=RSA256,keyVersion=2,signature=YWJj"},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, tc.h.Encode())
	}
}

func TestParseSignatureHeader(t *testing.T) {
	sig := []byte{0xfb, 0xff, 0xfe, 0x01, 0x02}
	escaped := "%2B%2F%2F%2BAQI%3D"
	cases := []struct {
		name, in   string
		keyVersion string
	}{
		{"SDK form", "algorithm=RSA256,keyVersion=1,signature=" + escaped, "1"},
		{"docs form with spaces", "algorithm=RSA256, keyVersion=1, signature=" + escaped, "1"},
		{"any order", "signature=" + escaped + ", algorithm=RSA256,keyVersion=3", "3"},
		{"key case", "ALGORITHM=RSA256,KeyVersion=2,Signature=" + escaped, "2"},
		{"lower-case algorithm value", "algorithm=rsa256,signature=" + escaped, ""},
		{"no keyVersion", "algorithm=RSA256,signature=" + escaped, ""},
		{"unknown extra key", "algorithm=RSA256,keyVersion=1,signature=" + escaped + ",nonce=x", "1"},
		{"lower-case escapes", "algorithm=RSA256,signature=%2b%2f%2f%2bAQI%3d", ""},
		{"not URL-escaped", "algorithm=RSA256,signature=+//+AQI=", ""},
		{"spaces around =", "algorithm = RSA256 , signature = " + escaped, ""},
		{"trailing comma", "algorithm=RSA256,signature=" + escaped + ",", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, err := ParseSignatureHeader(tc.in)
			require.NoError(t, err)
			assert.Equal(t, AlgorithmRSA256, h.Algorithm)
			assert.Equal(t, tc.keyVersion, h.KeyVersion)
			assert.Equal(t, sig, h.Signature)
		})
	}
}

func TestParseSignatureHeaderRejects(t *testing.T) {
	good := "%2B%2F%2F%2BAQI%3D"
	cases := []struct {
		name, in, want string
	}{
		{"empty", "", "empty"},
		{"blank", "  ", "empty"},
		{"other algorithm", "algorithm=RSA,signature=" + good, `"RSA" is not supported`},
		{"HMAC", "algorithm=HmacSHA256,signature=" + good, "not supported"},
		{"no algorithm", "keyVersion=1,signature=" + good, "no algorithm"},
		{"no signature", "algorithm=RSA256,keyVersion=1", "no signature value"},
		{"empty signature", "algorithm=RSA256,signature=", "no signature value"},
		{"not key=value", "algorithm=RSA256,garbage,signature=" + good, "not key=value"},
		{"repeated signature", "algorithm=RSA256,signature=" + good + ",signature=" + good, "repeats"},
		{"bad base64", "algorithm=RSA256,signature=***", "neither URL-escaped base64 nor base64"},
		{"bad escape", "algorithm=RSA256,signature=%zz", "neither URL-escaped base64 nor base64"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSignatureHeader(tc.in)
			require.ErrorIs(t, err, ErrMalformedSignature)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestSignatureHeaderRoundTrip(t *testing.T) {
	for n := 1; n < 300; n += 37 {
		sig := make([]byte, n)
		for i := range sig {
			sig[i] = byte(i*7 + n)
		}
		h, err := ParseSignatureHeader(SignatureHeader{KeyVersion: "9", Signature: sig}.Encode())
		require.NoError(t, err)
		assert.Equal(t, sig, h.Signature)
		assert.Equal(t, "9", h.KeyVersion)
	}
}

func TestSignatureHeaderStringHidesSignature(t *testing.T) {
	h := SignatureHeader{Algorithm: AlgorithmRSA256, KeyVersion: "1", Signature: []byte("secret-signature-bytes")}
	for _, s := range []string{h.String(), fmt.Sprint(h), fmt.Sprintf("%v", h)} {
		assert.NotContains(t, s, base64.StdEncoding.EncodeToString(h.Signature))
		assert.NotContains(t, s, "secret-signature-bytes")
		assert.Contains(t, s, "[22 bytes]")
	}
}

func FuzzParseSignatureHeader(f *testing.F) {
	f.Add("algorithm=RSA256,keyVersion=1,signature=%2B%2F%2F%2BAQI%3D")
	f.Add("algorithm=RSA256, keyVersion=1, signature=+//+AQI=")
	f.Add("signature=,algorithm=")
	f.Add(",,,=,=")
	f.Fuzz(func(t *testing.T, in string) {
		h, err := ParseSignatureHeader(in)
		if err != nil {
			return
		}
		if h.Algorithm != AlgorithmRSA256 || len(h.Signature) == 0 {
			t.Fatalf("accepted %q as %+v", in, h)
		}
		back, err := ParseSignatureHeader(h.Encode())
		if err != nil || string(back.Signature) != string(h.Signature) {
			t.Fatalf("re-encoding %q does not round-trip: %v", in, err)
		}
	})
}

// FuzzSignatureHeaderMatchesNetURL holds the hand-written escaping and
// unescaping of the Signature header to what url.QueryEscape and
// url.QueryUnescape do, which the header was built with before, and the
// pipeline's parse into a buffer of its own to ParseSignatureHeader.
func FuzzSignatureHeaderMatchesNetURL(f *testing.F) {
	f.Add("%2B%2F%3D", []byte{0xfb, 0xff, 0xfe})
	f.Add("a+b%zz%4", []byte{})
	f.Add("%%41+%2b", []byte("abc"))
	f.Add("a+b%41%2f", []byte{0x3e})
	f.Fuzz(func(t *testing.T, escaped string, sig []byte) {
		want, werr := url.QueryUnescape(escaped)
		got, ok := appendQueryUnescape(nil, escaped)
		require.Equal(t, werr == nil, ok, "unescaping %q", escaped)
		if ok {
			require.Equal(t, want, string(got), "unescaping %q", escaped)
		}

		h := SignatureHeader{KeyVersion: "3", Signature: sig}
		encoded := h.Encode()
		require.Equal(t, "algorithm=RSA256,keyVersion=3,signature="+url.QueryEscape(base64.StdEncoding.EncodeToString(sig)), encoded)

		for _, in := range []string{encoded, "algorithm=RSA256,signature=" + escaped} {
			public, perr := ParseSignatureHeader(in)
			var buf [512]byte
			own, oerr := parseSignatureHeader(in, buf[:0])
			require.Equal(t, perr, oerr, "parsing %q", in)
			require.Equal(t, string(public.Signature), string(own.Signature), "parsing %q", in)
		}
	})
}
