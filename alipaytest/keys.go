package alipaytest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"sync"
)

// keyPair is an RSA key with its PEM encodings.
type keyPair struct {
	private    *rsa.PrivateKey
	privatePEM string // PKCS #8
	publicPEM  string // SubjectPublicKeyInfo
}

// Keys are generated once per process and shared by every server in it:
// RSA-2048 generation takes a noticeable time under the race detector, and
// a fake gateway's keys protect nothing. Generating them (rather than
// shipping them in the package) keeps private keys out of the repository,
// where someone might mistake them for real ones.
var (
	keysOnce    sync.Once
	merchantKey keyPair
	antomKey    keyPair
	keysErr     error
)

func processKeys() (merchant, antom keyPair, err error) {
	keysOnce.Do(func() {
		merchantKey, keysErr = newKeyPair()
		if keysErr == nil {
			antomKey, keysErr = newKeyPair()
		}
	})
	return merchantKey, antomKey, keysErr
}

func newKeyPair() (keyPair, error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return keyPair{}, fmt.Errorf("alipaytest: generating RSA key: %w", err)
	}
	priv, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return keyPair{}, fmt.Errorf("alipaytest: encoding RSA key: %w", err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		return keyPair{}, fmt.Errorf("alipaytest: encoding RSA public key: %w", err)
	}
	return keyPair{
		private:    k,
		privatePEM: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: priv})),
		publicPEM:  string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})),
	}, nil
}
