package alipay

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
)

// A Signer produces the raw SHA256withRSA (PKCS #1 v1.5) signature of content.
//
// Implement it to keep the merchant private key in a KMS or HSM; NewSigner
// covers an in-memory *rsa.PrivateKey or any crypto.Signer. Base64 and
// URL-escaping belong to the Signature header, not to the Signer.
type Signer interface {
	Sign(ctx context.Context, content []byte) ([]byte, error)
}

// A Verifier checks a raw SHA256withRSA (PKCS #1 v1.5) signature of content.
// It returns nil only when signature is valid.
type Verifier interface {
	Verify(content, signature []byte) error
}

// NewSigner returns a Signer that hashes content with SHA-256 and signs the
// digest with key using PKCS #1 v1.5 padding. key is an *rsa.PrivateKey or a
// KMS- or HSM-backed crypto.Signer holding an RSA key.
func NewSigner(key crypto.Signer) Signer {
	return cryptoSigner{key: key}
}

type cryptoSigner struct{ key crypto.Signer }

func (s cryptoSigner) Sign(_ context.Context, content []byte) ([]byte, error) {
	if s.key == nil {
		return nil, errors.New("alipay: signer has no key")
	}
	sig, err := s.sign(content)
	if err != nil {
		return nil, fmt.Errorf("alipay: signing request: %w", err)
	}
	return sig, nil
}

// sign is key.Sign, with the call made directly for an in-memory RSA key
// (what rsa.PrivateKey.Sign does for these options) so that the digest
// stays on the stack: an interface call makes it escape.
func (s cryptoSigner) sign(content []byte) ([]byte, error) {
	if k, ok := s.key.(*rsa.PrivateKey); ok {
		digest := sha256.Sum256(content)
		return rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, digest[:])
	}
	digest := sha256.Sum256(content)
	return s.key.Sign(rand.Reader, digest[:], crypto.SHA256)
}

// Public returns the public half of the key, so that NewClient can tell
// Antom's public key from the merchant's own.
func (s cryptoSigner) Public() crypto.PublicKey {
	if s.key == nil {
		return nil
	}
	return s.key.Public()
}

// String keeps the key out of logs and %v output.
func (s cryptoSigner) String() string { return "alipay.Signer(RSA SHA256)" }

// GoString keeps the key out of %#v output.
func (s cryptoSigner) GoString() string { return s.String() }

// NewVerifier returns a Verifier for SHA256withRSA (PKCS #1 v1.5) signatures
// made with the private half of key, normally Antom's public key.
func NewVerifier(key *rsa.PublicKey) Verifier {
	return rsaVerifier{key: key}
}

type rsaVerifier struct{ key *rsa.PublicKey }

func (v rsaVerifier) Verify(content, signature []byte) error {
	if v.key == nil {
		return fmt.Errorf("%w: no Antom public key configured", ErrBadSignature)
	}
	digest := sha256.Sum256(content)
	if err := rsa.VerifyPKCS1v15(v.key, crypto.SHA256, digest[:], signature); err != nil {
		return ErrBadSignature
	}
	return nil
}

func (v rsaVerifier) String() string { return "alipay.Verifier(RSA SHA256)" }

// SignContent returns the exact bytes Antom signs and verifies:
//
//	<METHOD> <URI>
//	<clientID>.<time>.<body>
//
// with one space after the method, one newline after the URI and the body
// used verbatim. The same layout covers requests (time = Request-Time),
// responses (time = Response-Time, URI = the URI that was called) and
// notifications (time = the notification's Request-Time).
func SignContent(method, uri, clientID, time string, body []byte) []byte {
	return appendSignContent(make([]byte, 0, len(method)+len(uri)+len(clientID)+len(time)+len(body)+4), method, uri, clientID, time, body)
}

func appendSignContent(b []byte, method, uri, clientID, time string, body []byte) []byte {
	b = append(b, method...)
	b = append(b, ' ')
	b = append(b, uri...)
	b = append(b, '\n')
	b = append(b, clientID...)
	b = append(b, '.')
	b = append(b, time...)
	b = append(b, '.')
	b = append(b, body...)
	return b
}

// contentPool holds buffers for the signed content of calls and answers.
// Only this package's own Signer and Verifier get a pooled buffer: they
// hash it before returning, while another implementation might keep it.
var contentPool = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledContent keeps a call with an unusually large body from pinning
// its buffer in the pool.
const maxPooledContent = 64 << 10

// withSignContent calls f with the content SignContent returns, in a pooled
// buffer when own is true; f must not keep it.
func withSignContent(own bool, method, uri, clientID, time string, body []byte, f func([]byte) error) error {
	if !own {
		return f(SignContent(method, uri, clientID, time, body))
	}
	bp := contentPool.Get().(*[]byte)
	content := appendSignContent((*bp)[:0], method, uri, clientID, time, body)
	err := f(content)
	if cap(content) <= maxPooledContent {
		*bp = content[:0]
		contentPool.Put(bp)
	}
	return err
}
