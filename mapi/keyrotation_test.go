package mapi

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newAlipayKeyPEM makes a key pair standing for Alipay's next key.
func newAlipayKeyPEM(t *testing.T) (private, public string) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	der, err := x509.MarshalPKCS8PrivateKey(k)
	require.NoError(t, err)
	pub, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))
}

func TestAlipayKeyRotationWindow(t *testing.T) {
	nextPriv, nextPub := newAlipayKeyPEM(t)
	strangerPriv, _ := newAlipayKeyPEM(t)
	old := testKeysClient(t)                                     // signs as Alipay's current key
	next := testKeysClient(t, WithPrivateKey(nextPriv))          // signs as Alipay's next key
	stranger := testKeysClient(t, WithPrivateKey(strangerPriv))  // a key nobody gave
	both := testKeysClient(t, WithAlipayPublicKeys(nextPub))     // the rotation window
	rsa2 := testKeysClient(t, WithAlipayRSA2PublicKeys(nextPub)) // RSA2 by the next key only

	cases := []struct {
		name     string
		verifier *Client
		signer   *Client
		st       SignType
		wantErr  string
	}{
		{"window: current key", both, old, SignTypeRSA, ""},
		{"window: next key", both, next, SignTypeRSA, ""},
		{"window: next key, RSA2", both, next, SignTypeRSA2, ""},
		{"window: neither key", both, stranger, SignTypeRSA, "none of the 2 Alipay public keys given verifies it"},
		{"one key: next refused", old, next, SignTypeRSA, "signature"},
		{"RSA2 keys alone verify RSA2", rsa2, old, SignTypeRSA2, "signature"},
		{"RSA2 key verifies RSA2", rsa2, next, SignTypeRSA2, ""},
		{"RSA still by the RSA key", rsa2, old, SignTypeRSA, ""},
		{"MD5 untouched", both, old, SignTypeMD5, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.verifier.VerifyNotification(context.Background(), []byte(signedBody(t, tc.signer, tc.st, tradeFields())))
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrBadSignature)
			assert.Contains(t, err.Error(), tc.wantErr)
		})
	}
}

func TestWithAlipayPublicKeysValidation(t *testing.T) {
	_, nextPub := newAlipayKeyPEM(t)
	current := readTestdata(t, "chloerei_rsa1024_public.pem")
	cases := []struct {
		name string
		opt  Option
		want string
	}{
		{"empty key", WithAlipayPublicKeys(nextPub, " "), "WithAlipayPublicKeys: key 2 is empty"},
		{"not a key", WithAlipayPublicKeys("nonsense"), "WithAlipayPublicKeys: key 1:"},
		{"given twice", WithAlipayPublicKeys(current), "WithAlipayPublicKeys: key 1 is given twice"},
		{"RSA2 not a key", WithAlipayRSA2PublicKeys("nonsense"), "WithAlipayRSA2PublicKeys: key 1:"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewClient(sandboxPID,
				WithPrivateKey(readTestdata(t, "chloerei_rsa1024_private_pkcs8.pem")),
				WithAlipayPublicKey(current), tc.opt)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
