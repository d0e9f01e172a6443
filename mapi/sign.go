package mapi

import (
	"crypto"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// SignType is the sign_type parameter: how a MAPI message is signed.
type SignType string

// Sign types (docs/protocol/mapi.md §2.1).
const (
	// SignTypeRSA is RSASSA-PKCS1-v1_5 with SHA-1 (SHA1WithRSA), Base64. It
	// is the only type every source agrees on for the App order string and
	// the only one for the synchronous app result.
	SignTypeRSA SignType = "RSA"
	// SignTypeRSA2 is RSASSA-PKCS1-v1_5 with SHA-256, Base64.
	SignTypeRSA2 SignType = "RSA2"
	// SignTypeMD5 is the lowercase hex MD5 of the pre-sign string with the
	// merchant's MD5 key appended. Gateway calls and notifications only.
	SignTypeMD5 SignType = "MD5"
)

func (t SignType) valid() bool {
	return t == SignTypeRSA || t == SignTypeRSA2 || t == SignTypeMD5
}

// hash is the digest an RSA sign type uses; ok is false for MD5 and
// unknown types.
func (t SignType) hash() (h crypto.Hash, ok bool) {
	switch t {
	case SignTypeRSA:
		return crypto.SHA1, true
	case SignTypeRSA2:
		return crypto.SHA256, true
	}
	return 0, false
}

func digest(h crypto.Hash, content []byte) []byte {
	if h == crypto.SHA1 {
		d := sha1.Sum(content)
		return d[:]
	}
	d := sha256.Sum256(content)
	return d[:]
}

// Errors returned when a signature is missing or wrong.
var (
	// ErrBadSignature: a signature did not verify.
	ErrBadSignature = errors.New("mapi: signature verification failed")
	// ErrUnsigned: a message that must be signed has no sign or sign_type.
	ErrUnsigned = errors.New("mapi: message is not signed")
	// ErrNoKey: the client has no key for the sign type a message uses.
	ErrNoKey = errors.New("mapi: no key configured for this sign type")
)

// PreSignString returns the unquoted string that gateway calls and
// notifications are signed over (docs/protocol/mapi.md §2.2): every parameter except sign
// and sign_type, empty values dropped, sorted by name in byte order, joined
// as name=value with '&'. Values are used raw, never URL-encoded.
func PreSignString(params map[string]string) string {
	return presign(params, false)
}

// QuotedPreSignString returns the quoted form the App order string is
// signed over (https://docs.antom.com/ac/app/pre_sign): the same selection and order as PreSignString,
// each pair written name="value". Values are not escaped: a JSON value
// keeps its inner quotes, as in Alipay's own example.
func QuotedPreSignString(params map[string]string) string {
	return presign(params, true)
}

func presign(params map[string]string, quoted bool) string {
	keys := make([]string, 0, len(params))
	n := 0
	for k, v := range params {
		if v == "" || k == "sign" || k == "sign_type" {
			continue
		}
		keys = append(keys, k)
		n += len(k) + len(v) + 4
	}
	sort.Strings(keys) // byte order: Go strings compare bytewise
	var b strings.Builder
	b.Grow(n)
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k)
		if quoted {
			b.WriteString(`="`)
			b.WriteString(params[k])
			b.WriteByte('"')
		} else {
			b.WriteByte('=')
			b.WriteString(params[k])
		}
	}
	return b.String()
}

// keys holds what a Client signs and verifies with. Any may be nil/empty.
type keys struct {
	private   crypto.Signer    // merchant RSA key (RSA, RSA2)
	alipayRSA []*rsa.PublicKey // Alipay's keys for RSA (SHA-1) signatures, tried in turn
	alipayRS2 []*rsa.PublicKey // Alipay's keys for RSA2 signatures, tried in turn
	md5Key    string           // shared MD5 key
}

// sign returns the sign value for content: Base64 for RSA types, lowercase
// hex for MD5.
func (k *keys) sign(t SignType, content string) (string, error) {
	if t == SignTypeMD5 {
		if k.md5Key == "" {
			return "", fmt.Errorf("%w: MD5 (use WithMD5Key)", ErrNoKey)
		}
		return md5Sign(content, k.md5Key), nil
	}
	h, ok := t.hash()
	if !ok {
		return "", fmt.Errorf("mapi: cannot sign with sign type %q", t)
	}
	if k.private == nil {
		return "", fmt.Errorf("%w: %s (use WithPrivateKey or WithSigner)", ErrNoKey, t)
	}
	sig, err := k.private.Sign(rand.Reader, digest(h, []byte(content)), h)
	if err != nil {
		return "", fmt.Errorf("mapi: signing with %s: %w", t, err)
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// verify checks sig (as sent: Base64 or hex) over content.
func (k *keys) verify(t SignType, content, sig string) error {
	switch t {
	case SignTypeMD5:
		if k.md5Key == "" {
			return fmt.Errorf("%w: MD5 (use WithMD5Key)", ErrNoKey)
		}
		want := md5Sign(content, k.md5Key)
		if subtle.ConstantTimeCompare([]byte(strings.ToLower(sig)), []byte(want)) != 1 {
			return fmt.Errorf("%w (MD5)", ErrBadSignature)
		}
		return nil
	case SignTypeRSA, SignTypeRSA2:
		pubs := k.alipayRSA
		if t == SignTypeRSA2 && len(k.alipayRS2) > 0 {
			pubs = k.alipayRS2
		}
		if len(pubs) == 0 {
			return fmt.Errorf("%w: %s (use WithAlipayPublicKey)", ErrNoKey, t)
		}
		raw, err := decodeBase64Sig(sig)
		if err != nil {
			return fmt.Errorf("%w (%s): sign is not Base64", ErrBadSignature, t)
		}
		h, _ := t.hash()
		d := digest(h, []byte(content))
		for _, pub := range pubs {
			if rsa.VerifyPKCS1v15(pub, h, d, raw) == nil {
				return nil
			}
		}
		if len(pubs) > 1 {
			// The legacy protocol names no key version: during a
			// rotation window each key given is tried in turn.
			return fmt.Errorf("%w (%s): none of the %d Alipay public keys given verifies it", ErrBadSignature, t, len(pubs))
		}
		return fmt.Errorf("%w (%s)", ErrBadSignature, t)
	case "":
		return ErrUnsigned
	default:
		return fmt.Errorf("%w: unsupported sign_type %q", ErrBadSignature, truncate(string(t), 16))
	}
}

func md5Sign(content, key string) string {
	h := md5.New()
	h.Write([]byte(content))
	h.Write([]byte(key))
	return hex.EncodeToString(h.Sum(nil))
}

// decodeBase64Sig accepts standard Base64 with or without padding; a form
// decoder may have turned '+' into ' ' on the way, so spaces become '+'.
func decodeBase64Sig(s string) ([]byte, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "+")
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawStdEncoding.DecodeString(s)
}
