package alipay

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// keyForms holds one RSA key pair in every format merchants paste.
type keyForms struct {
	priv                                              *rsa.PrivateKey
	pkcs8DER, pkcs1DER, spkiDER, pkcs1PubDER, certDER []byte
}

func testKeyForms(t *testing.T) keyForms {
	t.Helper()
	block, _ := pem.Decode([]byte(readKey(t, "merchant_private_pkcs8.pem")))
	require.NotNil(t, block)
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	require.NoError(t, err)
	priv := k.(*rsa.PrivateKey)
	spki, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "antom test"},
		NotBefore:    time.Unix(0, 0),
		NotAfter:     time.Unix(0, 0).Add(time.Hour),
	}
	cert, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	require.NoError(t, err)
	return keyForms{
		priv:        priv,
		pkcs8DER:    block.Bytes,
		pkcs1DER:    x509.MarshalPKCS1PrivateKey(priv),
		spkiDER:     spki,
		pkcs1PubDER: x509.MarshalPKCS1PublicKey(&priv.PublicKey),
		certDER:     cert,
	}
}

func pemOf(label string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: label, Bytes: der}))
}

func b64(der []byte) string { return base64.StdEncoding.EncodeToString(der) }

// wrapped breaks base64 into 64-character lines with stray spaces, as keys
// copied from a dashboard or a mail often look.
func wrapped(s string) string {
	var b strings.Builder
	for len(s) > 64 {
		b.WriteString(s[:64])
		b.WriteString(" \r\n  ")
		s = s[64:]
	}
	b.WriteString(s)
	return b.String()
}

func TestParsePrivateKeyAcceptsEveryForm(t *testing.T) {
	f := testKeyForms(t)
	cases := map[string]string{
		"PKCS#8 PEM":              pemOf("PRIVATE KEY", f.pkcs8DER),
		"PKCS#1 PEM":              pemOf("RSA PRIVATE KEY", f.pkcs1DER),
		"PKCS#8 base64":           b64(f.pkcs8DER),
		"PKCS#1 base64":           b64(f.pkcs1DER),
		"PKCS#8 base64 wrapped":   wrapped(b64(f.pkcs8DER)),
		"PKCS#1 base64 wrapped":   wrapped(b64(f.pkcs1DER)),
		"PKCS#8 PEM escaped \\n":  strings.ReplaceAll(pemOf("PRIVATE KEY", f.pkcs8DER), "\n", `\n`),
		"PEM with surrounding ws": "\n\t  " + pemOf("PRIVATE KEY", f.pkcs8DER) + "\n\n",
		"PKCS#1 label, PKCS#8 body (Python/PHP SDK habit)": pemOf("RSA PRIVATE KEY", f.pkcs8DER),
		"base64 without padding":                           strings.TrimRight(b64(f.pkcs8DER), "="),
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			k, err := ParsePrivateKey(in)
			require.NoError(t, err)
			assert.True(t, f.priv.Equal(k))
		})
	}
}

func TestParsePublicKeyAcceptsEveryForm(t *testing.T) {
	f := testKeyForms(t)
	cases := map[string]string{
		"SPKI PEM":             pemOf("PUBLIC KEY", f.spkiDER),
		"PKCS#1 PEM":           pemOf("RSA PUBLIC KEY", f.pkcs1PubDER),
		"certificate PEM":      pemOf("CERTIFICATE", f.certDER),
		"SPKI base64":          b64(f.spkiDER),
		"SPKI base64 wrapped":  wrapped(b64(f.spkiDER)),
		"PKCS#1 base64":        b64(f.pkcs1PubDER),
		"certificate base64":   b64(f.certDER),
		"SPKI PEM escaped \\n": strings.ReplaceAll(pemOf("PUBLIC KEY", f.spkiDER), "\n", `\n`),
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			k, err := ParsePublicKey(in)
			require.NoError(t, err)
			assert.True(t, f.priv.PublicKey.Equal(k))
		})
	}
}

func TestParseKeyErrorsNameWhatWasFound(t *testing.T) {
	f := testKeyForms(t)
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	ecPKCS8, err := x509.MarshalPKCS8PrivateKey(ec)
	require.NoError(t, err)
	ecSEC1, err := x509.MarshalECPrivateKey(ec)
	require.NoError(t, err)
	ecSPKI, err := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	require.NoError(t, err)
	_, edPriv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	edPKCS8, err := x509.MarshalPKCS8PrivateKey(edPriv)
	require.NoError(t, err)
	encrypted := "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00000000000000000000000000000000\n\n" +
		wrapped(b64(f.pkcs1DER)) + "\n-----END RSA PRIVATE KEY-----\n"

	privateCases := []struct {
		name, in, want string
	}{
		{"empty", "  ", "empty string"},
		{"garbage", "not a key at all!", "neither PEM nor base64"},
		{"base64 of garbage", b64([]byte("hello world, this is no key")), "neither PKCS #8 nor PKCS #1"},
		{"EC PKCS#8", pemOf("PRIVATE KEY", ecPKCS8), "EC private key"},
		{"EC SEC1 PEM", pemOf("EC PRIVATE KEY", ecSEC1), "EC private key"},
		{"EC SEC1 base64", b64(ecSEC1), "EC private key"},
		{"Ed25519", pemOf("PRIVATE KEY", edPKCS8), "Ed25519"},
		{"DSA PEM", pemOf("DSA PRIVATE KEY", []byte{0x30, 0x00}), "DSA private key"},
		{"public key PEM", pemOf("PUBLIC KEY", f.spkiDER), "a public key"},
		{"public key base64", b64(f.spkiDER), "a public key"},
		{"certificate", pemOf("CERTIFICATE", f.certDER), "certificate"},
		{"encrypted PKCS#8", pemOf("ENCRYPTED PRIVATE KEY", []byte{0x30, 0x00}), "encrypted"},
		{"encrypted PKCS#1", encrypted, "encrypted PEM"},
		{"broken PEM", "-----BEGIN PRIVATE KEY-----\nAAAA", "malformed PEM"},
		{"unknown PEM label", pemOf("OPENSSH PRIVATE KEY", []byte{1, 2, 3}), `"OPENSSH PRIVATE KEY"`},
	}
	for _, tc := range privateCases {
		t.Run("private/"+tc.name, func(t *testing.T) {
			_, err := ParsePrivateKey(tc.in)
			require.ErrorIs(t, err, ErrInvalidKey)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), "private key")
			assertNoKeyMaterial(t, err.Error(), tc.in)
		})
	}

	publicCases := []struct {
		name, in, want string
	}{
		{"empty", "", "empty string"},
		{"garbage", "%%%%", "neither PEM nor base64"},
		{"private PKCS#8 PEM", pemOf("PRIVATE KEY", f.pkcs8DER), "a private key"},
		{"private PKCS#1 PEM", pemOf("RSA PRIVATE KEY", f.pkcs1DER), "a private key"},
		{"private PKCS#8 base64", b64(f.pkcs8DER), "a private key"},
		{"private PKCS#1 base64", b64(f.pkcs1DER), "a private key"},
		{"EC public", pemOf("PUBLIC KEY", ecSPKI), "EC public key"},
		{"base64 of garbage", b64([]byte("0123456789abcdef")), "neither SubjectPublicKeyInfo"},
		{"unknown label", pemOf("X509 CRL", []byte{1}), `"X509 CRL"`},
	}
	for _, tc := range publicCases {
		t.Run("public/"+tc.name, func(t *testing.T) {
			_, err := ParsePublicKey(tc.in)
			require.ErrorIs(t, err, ErrInvalidKey)
			assert.Contains(t, err.Error(), tc.want)
			assertNoKeyMaterial(t, err.Error(), tc.in)
		})
	}
}

// assertNoKeyMaterial fails if msg holds any 12-character run of the
// base64 content of key.
func assertNoKeyMaterial(t *testing.T, msg, key string) {
	t.Helper()
	var body strings.Builder
	for _, line := range strings.Split(key, "\n") {
		if strings.HasPrefix(line, "-----") || strings.Contains(line, ":") {
			continue
		}
		body.WriteString(strings.Map(func(r rune) rune {
			if r == ' ' || r == '\r' || r == '\t' {
				return -1
			}
			return r
		}, line))
	}
	s := body.String()
	for i := 0; i+12 <= len(s); i++ {
		if strings.Contains(msg, s[i:i+12]) {
			t.Fatalf("error message contains key material %q", s[i:i+12])
		}
	}
}

func TestNewClientKeyErrorsDoNotEchoKeys(t *testing.T) {
	f := testKeyForms(t)
	priv := pemOf("PRIVATE KEY", f.pkcs8DER)
	_, err := NewClient("SANDBOX_X", WithPrivateKey(pemOf("PUBLIC KEY", f.spkiDER)), WithAlipayPublicKey(pemOf("PUBLIC KEY", f.spkiDER)))
	require.ErrorIs(t, err, ErrInvalidKey)
	assert.Contains(t, err.Error(), "WithPrivateKey")

	_, err = NewClient("SANDBOX_X", WithPrivateKey(priv), WithAlipayPublicKey(priv))
	require.ErrorIs(t, err, ErrInvalidKey)
	assert.Contains(t, err.Error(), "WithAlipayPublicKey")
	assertNoKeyMaterial(t, err.Error(), priv)
}
