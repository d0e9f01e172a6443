package alipay

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type signatureVector struct {
	Name      string `json:"name"`
	Method    string `json:"method"`
	URI       string `json:"uri"`
	ClientID  string `json:"client_id"`
	Time      string `json:"time"`
	Body      string `json:"body"`
	Signature string `json:"signature"`
}

type signatureVectors struct {
	MerchantSigned []signatureVector `json:"merchant_signed"`
	AntomSigned    []signatureVector `json:"antom_signed"`
}

func loadVectors(t testing.TB) signatureVectors {
	t.Helper()
	raw, err := os.ReadFile("testdata/ams_signatures.json")
	require.NoError(t, err)
	var v signatureVectors
	require.NoError(t, json.Unmarshal(raw, &v))
	require.NotEmpty(t, v.MerchantSigned)
	require.NotEmpty(t, v.AntomSigned)
	return v
}

func readKey(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	require.NoError(t, err)
	return string(b)
}

func TestSignReproducesMerchantVectors(t *testing.T) {
	key, err := ParsePrivateKey(readKey(t, "merchant_private_pkcs8.pem"))
	require.NoError(t, err)
	signer := NewSigner(key)
	for _, v := range loadVectors(t).MerchantSigned {
		t.Run(v.Name, func(t *testing.T) {
			sig, err := signer.Sign(context.Background(), SignContent(v.Method, v.URI, v.ClientID, v.Time, []byte(v.Body)))
			require.NoError(t, err)
			header := SignatureHeader{Signature: sig}.Encode()
			assert.Equal(t, "algorithm=RSA256,keyVersion=1,signature="+v.Signature, header)
		})
	}
}

func TestVerifyAntomVectors(t *testing.T) {
	pub, err := ParsePublicKey(readKey(t, "antom_public.pem"))
	require.NoError(t, err)
	verifier := NewVerifier(pub)
	for _, v := range loadVectors(t).AntomSigned {
		t.Run(v.Name, func(t *testing.T) {
			h, err := ParseSignatureHeader("algorithm=RSA256, keyVersion=1, signature=" + v.Signature)
			require.NoError(t, err)
			require.NoError(t, verifier.Verify(SignContent(v.Method, v.URI, v.ClientID, v.Time, []byte(v.Body)), h.Signature))

			mutate := func(s string, i int) string { b := []byte(s); b[i] ^= 0x01; return string(b) }
			for i := range len(v.Body) {
				assert.ErrorIs(t, verifier.Verify(SignContent(v.Method, v.URI, v.ClientID, v.Time, []byte(mutate(v.Body, i))), h.Signature), ErrBadSignature, "body byte %d", i)
			}
			for i := range len(v.Time) {
				assert.Error(t, verifier.Verify(SignContent(v.Method, v.URI, v.ClientID, mutate(v.Time, i), []byte(v.Body)), h.Signature), "time byte %d", i)
			}
			for i := range len(v.ClientID) {
				assert.Error(t, verifier.Verify(SignContent(v.Method, v.URI, mutate(v.ClientID, i), v.Time, []byte(v.Body)), h.Signature), "client id byte %d", i)
			}
			for i := range len(v.URI) {
				assert.Error(t, verifier.Verify(SignContent(v.Method, mutate(v.URI, i), v.ClientID, v.Time, []byte(v.Body)), h.Signature), "uri byte %d", i)
			}
			for i := range len(h.Signature) {
				bad := append([]byte(nil), h.Signature...)
				bad[i] ^= 0x01
				assert.Error(t, verifier.Verify(SignContent(v.Method, v.URI, v.ClientID, v.Time, []byte(v.Body)), bad), "signature byte %d", i)
			}
			// The header value itself: any changed base64 character of the
			// escaped signature must not verify either (the last one before
			// the padding also carries unused bits, so it is left out).
			raw, err := url.QueryUnescape(v.Signature)
			require.NoError(t, err)
			for i := range len(strings.TrimRight(raw, "=")) - 1 {
				changed := []byte(raw)
				if changed[i] == 'A' {
					changed[i] = 'B'
				} else {
					changed[i] = 'A'
				}
				h2, err := ParseSignatureHeader("algorithm=RSA256,signature=" + url.QueryEscape(string(changed)))
				require.NoError(t, err, "base64 character %d", i)
				assert.Error(t, verifier.Verify(SignContent(v.Method, v.URI, v.ClientID, v.Time, []byte(v.Body)), h2.Signature), "base64 character %d", i)
			}
		})
	}
}
