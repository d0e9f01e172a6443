package alipay

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	rotatedKeysOnce sync.Once
	rotatedKeys     [2]*rsa.PrivateKey
)

// rotatedAntomKey returns Antom's "next" key pair (i = 0) or a key nobody
// configured (i = 1), made once per test binary.
func rotatedAntomKey(t testing.TB, i int) (Signer, string) {
	t.Helper()
	rotatedKeysOnce.Do(func() {
		for j := range rotatedKeys {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				panic(err)
			}
			rotatedKeys[j] = k
		}
	})
	der, err := x509.MarshalPKIXPublicKey(&rotatedKeys[i].PublicKey)
	require.NoError(t, err)
	return NewSigner(rotatedKeys[i]), string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

func TestKeyRotationNotifications(t *testing.T) {
	current := readKey(t, "antom_public.pem")
	currentSigner := newNotifySigner(t, "antom_private_pkcs8.pem").signer
	nextSigner, next := rotatedAntomKey(t, 0)
	strangerSigner, _ := rotatedAntomKey(t, 1)
	versioned := []Option{WithAlipayPublicKeyVersion("1", current), WithAlipayPublicKeyVersion("2", next)}

	cases := []struct {
		name       string
		opts       []Option
		signer     Signer
		keyVersion string // "-" for a header without keyVersion
		wantErr    []string
	}{
		{"named version", versioned, nextSigner, "2", nil},
		{"named version, other key", versioned, currentSigner, "1", nil},
		{"named version is the only one tried", versioned, nextSigner, "1",
			[]string{"tried the key of key version 1, which the Signature header names"}},
		{"no version: each in turn", versioned, nextSigner, "-", nil},
		{"unknown version: each in turn", versioned, nextSigner, "7", nil},
		{"unknown version, no key verifies", versioned, strangerSigner, "7",
			[]string{`names keyVersion "7", for which no key was given, so tried key version 1, key version 2`, "WithAlipayPublicKeyVersion"}},
		{"no version, no key verifies", versioned, strangerSigner, "-",
			[]string{"names no keyVersion, so tried key version 1, key version 2"}},
		{"unversioned key first", []Option{WithAlipayPublicKey(current), WithAlipayPublicKeyVersion("2", next)}, currentSigner, "1", nil},
		{"unversioned key listed", []Option{WithAlipayPublicKey(current), WithAlipayPublicKeyVersion("2", next)}, strangerSigner, "9",
			[]string{"tried the key without a version (WithAlipayPublicKey), key version 2"}},
		{"one key: message unchanged", nil, strangerSigner, "1", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			base := []Option{WithPrivateKey(readKey(t, "merchant_private_pkcs8.pem")), WithNotificationTolerance(-1)}
			if tc.opts == nil {
				base = append(base, WithAlipayPublicKey(current))
			}
			c, err := NewClient(notifyTestClientID, append(base, tc.opts...)...)
			require.NoError(t, err)

			const reqTime = "2024-01-02T03:04:05Z"
			sig, err := tc.signer.Sign(context.Background(), SignContent(http.MethodPost, "/notify", notifyTestClientID, reqTime, []byte(notifyCaptureBody)))
			require.NoError(t, err)
			h := notifyHeaders(notifyTestClientID, reqTime, "")
			sh := "algorithm=RSA256,keyVersion=" + tc.keyVersion + ",signature=" + url.QueryEscape(base64.StdEncoding.EncodeToString(sig))
			if tc.keyVersion == "-" {
				sh = "algorithm=RSA256,signature=" + url.QueryEscape(base64.StdEncoding.EncodeToString(sig))
			}
			h.Set("Signature", sh)
			_, err = c.VerifyNotification(http.MethodPost, "/notify", h, []byte(notifyCaptureBody))
			if tc.name == "one key: message unchanged" {
				require.ErrorIs(t, err, ErrBadSignature)
				assert.NotContains(t, err.Error(), "tried")
				return
			}
			if tc.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrBadSignature)
			for _, w := range tc.wantErr {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestKeyRotationResponses(t *testing.T) {
	current := readKey(t, "antom_public.pem")
	nextSigner, next := rotatedAntomKey(t, 0)
	g := newScriptedGateway(t, func(int, *http.Request) gatewayReply { return gatewayReply{body: okBody} })
	g.antomSigner = nextSigner // Antom answers with its new key, as keyVersion 1 (antomSignature)

	// Version 1 names the old key: only it is tried, and the error says so.
	c := g.client(t, WithRetry(NoRetry), WithAlipayPublicKeyVersion("1", current), WithAlipayPublicKeyVersion("2", next))
	err := c.Do(context.Background(), payPath, testReq{PaymentRequestID: "R1"}, nil)
	require.ErrorIs(t, err, ErrBadSignature)
	assert.Contains(t, err.Error(), "tried the key of key version 1")
	assert.True(t, IsUnknown(err))

	// A version no key was given for: each is tried, and the new one verifies.
	c = g.client(t, WithAlipayPublicKeyVersion("3", current), WithAlipayPublicKeyVersion("4", next))
	var resp testResp
	require.NoError(t, c.Do(context.Background(), payPath, testReq{PaymentRequestID: "R1"}, &resp))
	assert.Equal(t, "P1", resp.PaymentID)
}

func TestWithAlipayPublicKeyVersionValidation(t *testing.T) {
	current := readKey(t, "antom_public.pem")
	_, next := rotatedAntomKey(t, 0)
	merchantKey := readKey(t, "merchant_private_pkcs8.pem")
	cases := []struct {
		name string
		opts []Option
		want string
	}{
		{"empty version", []Option{WithAlipayPublicKeyVersion(" ", current)}, "empty key version"},
		{"comma in version", []Option{WithAlipayPublicKeyVersion("1,2", current)}, `WithAlipayPublicKeyVersion("1,2"): a key version has no comma`},
		{"version twice", []Option{WithAlipayPublicKeyVersion("1", current), WithAlipayPublicKeyVersion("1", next)}, `WithAlipayPublicKeyVersion("1"): key version given twice`},
		{"bad key names its version", []Option{WithAlipayPublicKeyVersion("2", "not a key")}, `WithAlipayPublicKeyVersion("2"): alipay: invalid key`},
		{"own key", []Option{WithAlipayPublicKeyVersion("2", readKey(t, "merchant_public.pem"))}, `WithAlipayPublicKeyVersion("2") is the public half of your own private key`},
		{"no key", nil, "no Antom public key: use WithAlipayPublicKey, WithAlipayPublicKeyVersion or WithVerifier"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewClient(testClientID, append([]Option{WithPrivateKey(merchantKey)}, tc.opts...)...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	_, err := NewClient(testClientID, WithPrivateKey(merchantKey), WithAlipayPublicKeyVersion("1", current), WithAlipayPublicKeyVersion("2", next))
	require.NoError(t, err)
}
