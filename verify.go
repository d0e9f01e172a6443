package alipay

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// signedMessage is something Antom signed: the answer to a call, or a
// notification. Both are signed the same way (see SignContent), so one
// verifier checks both; only the time header and what the error messages
// advise differ.
type signedMessage struct {
	kind       string // "response" or "notification", for messages
	method     string
	uri        string
	header     http.Header
	timeHeader string // "Response-Time" or "Request-Time"
	body       []byte
	// requireClientID: a notification must name this client. A response
	// may leave Client-Id out (the signature covers this client's ID
	// anyway), but must not name another client.
	requireClientID bool
	// pathFallback: when uri has a query and the signature does not
	// verify over it, try the path alone (see VerifyNotification).
	pathFallback bool
	hint         string // what to check when the signature does not verify
	// sigBuf, when not nil, is where the signature is decoded if this
	// package's own Verifier checks it (another might keep it).
	sigBuf []byte
}

// verifySigned parses the Signature header of m, checks its Client-Id and
// time header, and verifies the signature over the raw body. It returns the
// signed time value. Errors wrap ErrMalformedSignature or ErrBadSignature.
func (c *Client) verifySigned(m *signedMessage) (string, error) {
	sigValue := headerValue(m.header, "Signature")
	if sigValue == "" {
		return "", fmt.Errorf("%w: %s has no Signature header", ErrMalformedSignature, m.kind)
	}
	own := c.ownVerifiers
	var sigBuf []byte
	if own {
		sigBuf = m.sigBuf
	}
	sig, err := parseSignatureHeader(sigValue, sigBuf)
	if err != nil {
		return "", err
	}
	switch id := headerValue(m.header, "Client-Id"); {
	case id == "" && m.requireClientID:
		return "", fmt.Errorf("%w: %s has no Client-Id header", ErrBadSignature, m.kind)
	case id != "" && id != c.clientID:
		return "", fmt.Errorf("%w: %s Client-Id %q is not this client's %q", ErrBadSignature, m.kind, truncate(id, 64), c.clientID)
	}
	signedTime := headerValue(m.header, m.timeHeader)
	if signedTime == "" {
		return "", fmt.Errorf("%w: signed %s has no %s header", ErrBadSignature, m.kind, m.timeHeader)
	}
	verify := func(uri string) error {
		return withSignContent(own, m.method, uri, c.clientID, signedTime, m.body, func(content []byte) error {
			return c.verifyContent(content, &sig)
		})
	}
	err = verify(m.uri)
	if err == nil {
		return signedTime, nil
	}
	if m.pathFallback {
		if path, _, ok := strings.Cut(m.uri, "?"); ok && path != "" {
			if verify(path) == nil {
				return signedTime, nil
			}
		}
	}
	msg := fmt.Sprintf("over %q with %s %q and a %d-byte body: check that Antom's public key is the one for client ID %s and %s%s",
		m.method+" "+truncate(m.uri, 256), m.timeHeader, truncate(signedTime, 40), len(m.body), c.clientID, m.hint, c.keysTried(sig.KeyVersion))
	if errors.Is(err, ErrBadSignature) {
		return "", fmt.Errorf("%w %s", ErrBadSignature, msg)
	}
	return "", fmt.Errorf("%w %s: %w", ErrBadSignature, msg, err)
}

// headerValue returns the first value of the header name, also when h was
// filled with non-canonical keys by a framework other than net/http.
func headerValue(h http.Header, name string) string {
	if v := h.Get(name); v != "" {
		return v
	}
	for k, vs := range h {
		if len(vs) > 0 && strings.EqualFold(k, name) {
			return vs[0]
		}
	}
	return ""
}
