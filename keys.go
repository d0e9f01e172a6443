package alipay

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"strings"
)

// ParsePrivateKey parses the merchant's RSA private key.
//
// It accepts PKCS #8 ("BEGIN PRIVATE KEY") and PKCS #1 ("BEGIN RSA PRIVATE
// KEY"), either PEM-armoured or as the bare base64 that Antom Dashboard and
// the official SDKs use, with or without line breaks and spaces. A PEM string
// whose line breaks were flattened to the two characters `\n` (as often
// happens in environment variables) is accepted too.
//
// Errors wrap ErrInvalidKey, say what was found and what Antom needs, and
// never contain any part of the key.
func ParsePrivateKey(s string) (*rsa.PrivateKey, error) {
	der, label, err := keyDER(s, "private")
	if err != nil {
		return nil, err
	}
	switch label {
	case "", "PRIVATE KEY", "RSA PRIVATE KEY":
	case "ENCRYPTED PRIVATE KEY":
		return nil, keyError("private", "an encrypted PKCS #8 private key", "decrypt it first (openssl pkcs8 -topk8 -nocrypt)")
	case "PUBLIC KEY", "RSA PUBLIC KEY":
		return nil, keyError("private", "a public key", "the merchant's own RSA private key belongs here; Antom's public key goes in WithAlipayPublicKey")
	case "CERTIFICATE":
		return nil, keyError("private", "a certificate", "the merchant's own RSA private key belongs here")
	case "EC PRIVATE KEY":
		return nil, keyError("private", "an EC private key", rsaPrivateNeeded)
	case "DSA PRIVATE KEY":
		return nil, keyError("private", "a DSA private key", rsaPrivateNeeded)
	default:
		return nil, keyError("private", fmt.Sprintf("a PEM block of type %q", label), rsaPrivateNeeded)
	}
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		if rk, ok := k.(*rsa.PrivateKey); ok {
			return rk, nil
		}
		return nil, keyError("private", "a PKCS #8 "+keyKind(k)+" private key", rsaPrivateNeeded)
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return k, nil
	}
	if _, err := x509.ParseECPrivateKey(der); err == nil {
		return nil, keyError("private", "an EC private key", rsaPrivateNeeded)
	}
	if _, err := parsePublicDER(der); err == nil {
		return nil, keyError("private", "a public key", "the merchant's own RSA private key belongs here; Antom's public key goes in WithAlipayPublicKey")
	}
	return nil, keyError("private", "DER data that is neither PKCS #8 nor PKCS #1", rsaPrivateNeeded)
}

// ParsePublicKey parses Antom's RSA public key.
//
// It accepts an X.509 SubjectPublicKeyInfo ("BEGIN PUBLIC KEY", what Antom
// Dashboard shows), PKCS #1 ("BEGIN RSA PUBLIC KEY") or an X.509 certificate,
// either PEM-armoured or as bare base64 with or without line breaks and
// spaces. Errors follow the rules of ParsePrivateKey.
func ParsePublicKey(s string) (*rsa.PublicKey, error) {
	der, label, err := keyDER(s, "public")
	if err != nil {
		return nil, err
	}
	switch label {
	case "", "PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE":
	case "PRIVATE KEY", "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY":
		return nil, keyError("public", "a private key", "Antom's public key belongs here (Antom Dashboard > Developer > Integration resources); keep private keys out of it")
	default:
		return nil, keyError("public", fmt.Sprintf("a PEM block of type %q", label), rsaPublicNeeded)
	}
	k, err := parsePublicDER(der)
	if err == nil {
		if rk, ok := k.(*rsa.PublicKey); ok {
			return rk, nil
		}
		return nil, keyError("public", "a "+keyKind(k)+" public key", rsaPublicNeeded)
	}
	if _, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		return nil, keyError("public", "a private key", "Antom's public key belongs here; keep private keys out of it")
	}
	if _, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return nil, keyError("public", "a private key", "Antom's public key belongs here; keep private keys out of it")
	}
	return nil, keyError("public", "DER data that is neither SubjectPublicKeyInfo, PKCS #1 nor a certificate", rsaPublicNeeded)
}

const (
	rsaPrivateNeeded = "Antom needs an RSA private key in PKCS #8 or PKCS #1 form"
	rsaPublicNeeded  = "Antom's key is an RSA public key (SubjectPublicKeyInfo, PKCS #1 or a certificate)"
)

func keyError(which, found, need string) error {
	return fmt.Errorf("%w: %s key: found %s; %s", ErrInvalidKey, which, found, need)
}

// keyDER returns the DER bytes of a PEM or bare-base64 key and the PEM label
// ("" for bare base64).
func keyDER(s, which string) ([]byte, string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, "", keyError(which, "an empty string", "pass the key as PEM or bare base64")
	}
	if strings.Contains(s, `\n`) && strings.Contains(s, "-----BEGIN") {
		s = strings.ReplaceAll(s, `\n`, "\n")
	}
	if strings.Contains(s, "-----BEGIN") {
		block, _ := pem.Decode([]byte(s))
		if block == nil {
			return nil, "", keyError(which, "malformed PEM (a BEGIN line without a matching END line or with broken base64)", "pass the key as PEM or bare base64")
		}
		if block.Headers["Proc-Type"] != "" || block.Headers["DEK-Info"] != "" {
			return nil, "", keyError(which, "an encrypted PEM key", "decrypt it first; Antom keys are used unencrypted")
		}
		return block.Bytes, block.Type, nil
	}
	compact := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, s)
	der, err := base64.StdEncoding.DecodeString(compact)
	if err != nil {
		der, err = base64.RawStdEncoding.DecodeString(compact)
	}
	if err != nil {
		return nil, "", keyError(which, "text that is neither PEM nor base64", "pass the key as PEM or bare base64 (as shown in Antom Dashboard)")
	}
	return der, "", nil
}

func parsePublicDER(der []byte) (any, error) {
	if k, err := x509.ParsePKIXPublicKey(der); err == nil {
		return k, nil
	}
	if k, err := x509.ParsePKCS1PublicKey(der); err == nil {
		return k, nil
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return cert.PublicKey, nil
}

func keyKind(k any) string {
	switch k.(type) {
	case *rsa.PrivateKey, *rsa.PublicKey:
		return "RSA"
	case *ecdsa.PrivateKey, *ecdsa.PublicKey, *ecdh.PrivateKey, *ecdh.PublicKey:
		return "EC"
	case ed25519.PrivateKey, ed25519.PublicKey:
		return "Ed25519"
	default:
		return fmt.Sprintf("%T", k)
	}
}
