package alipay

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// AlgorithmRSA256 is the only signature algorithm Antom supports:
// SHA256withRSA with PKCS #1 v1.5 padding.
const AlgorithmRSA256 = "RSA256"

// DefaultKeyVersion is the keyVersion sent when WithKeyVersion is not used.
// Antom treats it as "the latest key of this client ID".
const DefaultKeyVersion = "1"

// SignatureHeader is the parsed value of the Signature header that Antom and
// the merchant exchange:
//
//	Signature: algorithm=RSA256,keyVersion=1,signature=<URL-escaped base64>
type SignatureHeader struct {
	Algorithm  string // always AlgorithmRSA256 once parsed
	KeyVersion string // empty when the header had none
	Signature  []byte // raw signature bytes
}

// Encode formats the header value as the official SDKs send it: no spaces,
// the signature base64-encoded (standard alphabet, padded) and then
// form-escaped, so that "+", "/" and "=" become %2B, %2F and %3D.
func (h SignatureHeader) Encode() string {
	var b strings.Builder
	writeSignatureHeader(&b, "", h)
	return b.String()
}

// writeSignatureHeader writes prefix and then h encoded, in one allocation:
// prefix lets a caller keep another header value in the same string.
func writeSignatureHeader(b *strings.Builder, prefix string, h SignatureHeader) {
	alg := h.Algorithm
	if alg == "" {
		alg = AlgorithmRSA256
	}
	kv := h.KeyVersion
	if kv == "" {
		kv = DefaultKeyVersion
	}
	var stack [1024]byte // a 4096-bit signature fits
	enc := base64.StdEncoding.AppendEncode(stack[:0], h.Signature)
	// What url.QueryEscape does to base64: only +, / and = are escaped.
	n := len(enc)
	for _, c := range enc {
		if c == '+' || c == '/' || c == '=' {
			n += 2
		}
	}
	b.Grow(len(prefix) + len("algorithm=,keyVersion=,signature=") + len(alg) + len(kv) + n)
	b.WriteString(prefix)
	b.WriteString("algorithm=")
	b.WriteString(alg)
	b.WriteString(",keyVersion=")
	b.WriteString(kv)
	b.WriteString(",signature=")
	for _, c := range enc {
		switch c {
		case '+':
			b.WriteString("%2B")
		case '/':
			b.WriteString("%2F")
		case '=':
			b.WriteString("%3D")
		default:
			b.WriteByte(c)
		}
	}
}

// String describes the header without the signature value, so that logging
// a SignatureHeader never leaks it.
func (h SignatureHeader) String() string {
	return fmt.Sprintf("algorithm=%s,keyVersion=%s,signature=[%d bytes]", h.Algorithm, h.KeyVersion, len(h.Signature))
}

// ParseSignatureHeader parses a Signature header value. It tolerates spaces
// around the comma-separated pairs (Antom's documentation puts one after each
// comma; the SDKs put none), keys in any order and case, a missing keyVersion,
// and unknown extra keys. The signature may be URL-escaped (as specified) or
// plain base64 (as some integrations send it). It refuses any algorithm but
// RSA256, repeated keys and values that do not decode.
func ParseSignatureHeader(v string) (SignatureHeader, error) {
	return parseSignatureHeader(v, nil)
}

// parseSignatureHeader is ParseSignatureHeader with the signature decoded
// into dst's array when it fits, so that the pipeline can use a buffer of
// the call's own.
func parseSignatureHeader(v string, dst []byte) (SignatureHeader, error) {
	var h SignatureHeader
	if strings.TrimSpace(v) == "" {
		return h, fmt.Errorf("%w: Signature header is empty", ErrMalformedSignature)
	}
	var sigValue string
	var seenAlg, seenKV, seenSig bool
	for i, rest := 0, v; rest != ""; i++ {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		key, val, ok := strings.Cut(part, "=")
		if !ok {
			return h, fmt.Errorf("%w: Signature header part %d is not key=value", ErrMalformedSignature, i+1)
		}
		key = strings.TrimSpace(key)
		val = strings.TrimSpace(val)
		var seen *bool
		switch {
		case strings.EqualFold(key, "algorithm"):
			seen = &seenAlg
		case strings.EqualFold(key, "keyVersion"):
			seen = &seenKV
		case strings.EqualFold(key, "signature"):
			seen = &seenSig
		default:
			continue // an unknown extra key
		}
		if *seen {
			return h, fmt.Errorf("%w: Signature header repeats %q", ErrMalformedSignature, strings.ToLower(key))
		}
		*seen = true
		switch seen {
		case &seenAlg:
			if !strings.EqualFold(val, AlgorithmRSA256) {
				return h, fmt.Errorf("%w: Signature header algorithm %q is not supported; Antom uses RSA256", ErrMalformedSignature, truncate(val, 16))
			}
			h.Algorithm = AlgorithmRSA256
		case &seenKV:
			h.KeyVersion = val
		default:
			sigValue = val
		}
	}
	if !seenAlg {
		return h, fmt.Errorf("%w: Signature header has no algorithm", ErrMalformedSignature)
	}
	if sigValue == "" {
		return h, fmt.Errorf("%w: Signature header has no signature value", ErrMalformedSignature)
	}
	sig, err := decodeSignatureValue(sigValue, dst)
	if err != nil {
		return h, err
	}
	h.Signature = sig
	return h, nil
}

func decodeSignatureValue(v string, dst []byte) ([]byte, error) {
	var stack [1024]byte
	if unescaped, ok := appendQueryUnescape(stack[:0], v); ok {
		if sig, err := base64.StdEncoding.AppendDecode(dst[:0], unescaped); err == nil && len(sig) > 0 {
			return sig, nil
		}
	}
	// Not URL-escaped: "+" would have become a space above, so try the raw value.
	if sig, err := base64.StdEncoding.AppendDecode(dst[:0], []byte(v)); err == nil && len(sig) > 0 {
		return sig, nil
	}
	return nil, fmt.Errorf("%w: signature value is neither URL-escaped base64 nor base64", ErrMalformedSignature)
}

// appendQueryUnescape appends what url.QueryUnescape returns for s to dst,
// without the string it allocates; ok is false where QueryUnescape fails (a
// % not followed by two hex digits).
func appendQueryUnescape(dst []byte, s string) (_ []byte, ok bool) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return dst, false
			}
			dst = append(dst, unHex(s[i+1])<<4|unHex(s[i+2]))
			i += 2
		case '+':
			dst = append(dst, ' ')
		default:
			dst = append(dst, c)
		}
	}
	return dst, true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unHex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// truncate shortens s for an error message. It is used only on header parts
// that are not secret (a key name, an algorithm).
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
