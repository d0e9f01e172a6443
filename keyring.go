package alipay

import (
	"crypto"
	"crypto/rsa"
	"errors"
	"fmt"
	"strings"
)

// antomKey is one of Antom's public keys and the keyVersion it answers to:
// "" for a key given without one (WithAlipayPublicKey, WithVerifier),
// which is tried for any version.
type antomKey struct {
	version string
	v       Verifier
}

// versionedKey is a WithAlipayPublicKeyVersion option, parsed in NewClient.
type versionedKey struct {
	version string
	pem     string
}

// WithAlipayPublicKeyVersion adds one of Antom's public keys with the
// keyVersion Antom signs with it, for a key rotation: give the current and
// the next key, each with its version, and answers and notifications verify
// whichever key Antom uses. Repeat the option for each key; a version given
// twice is refused.
//
// Each signed answer and notification is verified with the key its
// Signature header's keyVersion names (Antom sends
// "algorithm=RSA256,keyVersion=2,signature=...",
// https://docs.antom.com/ac/ams/digital_signature). When the header names
// no version, or one no key was given for, every key is tried in the order
// given, the WithAlipayPublicKey key (if any) first. A signature that does
// not verify says which versions were tried.
//
// It combines with WithAlipayPublicKey, whose key has no version.
// WithVerifier replaces all of them. The keyVersion the client signs its
// own requests with is WithKeyVersion, a different key pair.
func WithAlipayPublicKeyVersion(version, key string) Option {
	return func(s *settings) { s.versionedKeys = append(s.versionedKeys, versionedKey{version, key}) }
}

// antomKeysOf parses the Antom public keys of s, refusing a key that is
// the public half of the merchant's own signer.
func antomKeysOf(s *settings, signer Signer) ([]antomKey, error) {
	if s.verifier != nil {
		return []antomKey{{v: s.verifier}}, nil
	}
	var keys []antomKey
	own := func(k *rsa.PublicKey) bool {
		o, ok := signer.(interface{ Public() crypto.PublicKey })
		if !ok {
			return false
		}
		pub, ok := o.Public().(*rsa.PublicKey)
		return ok && pub.Equal(k)
	}
	const ownKey = "is the public half of your own private key; it must be Antom's public key (Antom Dashboard > Developer > Quick start > Integration resources), or no response will verify"
	if s.alipayPublicKey != "" {
		k, err := ParsePublicKey(s.alipayPublicKey)
		if err != nil {
			return nil, fmt.Errorf("alipay: NewClient: WithAlipayPublicKey: %w", err)
		}
		if own(k) {
			return nil, errors.New("alipay: NewClient: WithAlipayPublicKey " + ownKey)
		}
		keys = append(keys, antomKey{v: NewVerifier(k)})
	}
	for _, vk := range s.versionedKeys {
		name := fmt.Sprintf("WithAlipayPublicKeyVersion(%q)", truncate(vk.version, 32))
		switch {
		case strings.TrimSpace(vk.version) == "":
			return nil, errors.New("alipay: NewClient: WithAlipayPublicKeyVersion: empty key version; use WithAlipayPublicKey for a key without one")
		case strings.ContainsAny(vk.version, ", \t\r\n="):
			return nil, fmt.Errorf("alipay: NewClient: %s: a key version has no comma, '=' or white space", name)
		}
		for _, k := range keys {
			if k.version == vk.version {
				return nil, fmt.Errorf("alipay: NewClient: %s: key version given twice", name)
			}
		}
		k, err := ParsePublicKey(vk.pem)
		if err != nil {
			return nil, fmt.Errorf("alipay: NewClient: %s: %w", name, err)
		}
		if own(k) {
			return nil, fmt.Errorf("alipay: NewClient: %s %s", name, ownKey)
		}
		keys = append(keys, antomKey{version: vk.version, v: NewVerifier(k)})
	}
	if len(keys) == 0 {
		return nil, errors.New("alipay: NewClient: no Antom public key: use WithAlipayPublicKey, WithAlipayPublicKeyVersion or WithVerifier (responses and notifications are always verified)")
	}
	return keys, nil
}

// verifyContent verifies sig over content with the key sig's keyVersion
// names or, when it names none that was given, with each key in turn. The
// error is that of the last key tried.
func (c *Client) verifyContent(content []byte, sig *SignatureHeader) error {
	if sig.KeyVersion != "" {
		for i := range c.antomKeys {
			if c.antomKeys[i].version == sig.KeyVersion {
				return c.antomKeys[i].v.Verify(content, sig.Signature)
			}
		}
	}
	var err error
	for i := range c.antomKeys {
		if err = c.antomKeys[i].v.Verify(content, sig.Signature); err == nil {
			return nil
		}
	}
	return err
}

// keysTried describes, for an error, the keys verifyContent tried for
// keyVersion; empty when only one key without a version was configured,
// as then there was no choice.
func (c *Client) keysTried(keyVersion string) string {
	if len(c.antomKeys) == 1 && c.antomKeys[0].version == "" {
		return ""
	}
	for _, k := range c.antomKeys {
		if keyVersion != "" && k.version == keyVersion {
			return fmt.Sprintf("; tried the key of key version %s, which the Signature header names", k.version)
		}
	}
	names := make([]string, 0, len(c.antomKeys))
	for _, k := range c.antomKeys {
		if k.version == "" {
			names = append(names, "the key without a version (WithAlipayPublicKey)")
		} else {
			names = append(names, "key version "+k.version)
		}
	}
	if keyVersion == "" {
		return "; the Signature header names no keyVersion, so tried " + strings.Join(names, ", ")
	}
	return fmt.Sprintf("; the Signature header names keyVersion %q, for which no key was given, so tried %s (give Antom's key of that version with WithAlipayPublicKeyVersion)",
		truncate(keyVersion, 32), strings.Join(names, ", "))
}
