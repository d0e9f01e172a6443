package mapitest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"sync"
)

// keyPair is generated once per process: key generation is slow, and every
// Server having the same pair changes nothing for tests.
var (
	keysOnce               sync.Once
	merchantKey, alipayKey *rsa.PrivateKey
	keysErr                error
)

func testKeys() (merchant, alipay *rsa.PrivateKey, err error) {
	keysOnce.Do(func() {
		if merchantKey, keysErr = rsa.GenerateKey(rand.Reader, 2048); keysErr != nil {
			return
		}
		alipayKey, keysErr = rsa.GenerateKey(rand.Reader, 2048)
	})
	return merchantKey, alipayKey, keysErr
}

func privatePEM(k *rsa.PrivateKey) string {
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

func publicPEM(k *rsa.PublicKey) string {
	der, _ := x509.MarshalPKIXPublicKey(k)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// rsaKeys are the merchant's key (the server verifies with its public
// half; only the public half when the merchant loaded just that) and the
// server's own signing key.
type rsaKeys struct {
	merchant, alipay *rsa.PrivateKey
	merchantPub      *rsa.PublicKey // overrides merchant's public half when set
}
