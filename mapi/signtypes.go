package mapi

import (
	"fmt"
	"slices"
)

// WithAlipaySignTypes sets the sign types in which messages from Alipay —
// notifications and signed gateway answers — are accepted. A message in
// any other sign type is refused with ErrBadSignature, even when the
// client holds a key that would verify it: the sign type is the client's
// choice, never the message's, so that a leaked MD5 key (often kept in
// plain PHP config) cannot be used to forge notifications for a merchant
// who verifies RSA.
//
// The default is one sign type: the gateway sign type (see WithSignType).
// Signed gateway answers to RSA calls are also accepted in RSA2, the same
// key with a stronger hash, as Alipay has been seen to answer
// (https://docs.antom.com/ac/global/single_trade_query). Name more than one
// type only when Alipay really sends more than one, e.g. RSA notifications
// to a merchant whose gateway calls are MD5-signed.
func WithAlipaySignTypes(types ...SignType) Option {
	return func(s *settings) { s.alipaySignTypes = append([]SignType(nil), types...) }
}

func (c *Client) setAlipaySignTypes(types []SignType) error {
	if len(types) == 0 {
		c.notifySignTypes = []SignType{c.signType}
		c.answerSignTypes = []SignType{c.signType}
		if c.signType == SignTypeRSA {
			c.answerSignTypes = append(c.answerSignTypes, SignTypeRSA2)
		}
		return nil
	}
	for _, t := range types {
		if !t.valid() {
			return fmt.Errorf("mapi: NewClient: WithAlipaySignTypes: %q is not RSA, RSA2 or MD5", truncate(string(t), 16))
		}
		if t == SignTypeMD5 && c.keys.md5Key == "" {
			return fmt.Errorf("mapi: NewClient: WithAlipaySignTypes: MD5 needs WithMD5Key")
		}
	}
	c.notifySignTypes = slices.Clone(types)
	c.answerSignTypes = slices.Clone(types)
	return nil
}

// AlipaySignTypes returns the sign types in which notifications are
// accepted (see WithAlipaySignTypes).
func (c *Client) AlipaySignTypes() []SignType { return slices.Clone(c.notifySignTypes) }

// verifyAs checks sig over content when t is one of allowed.
func (c *Client) verifyAs(allowed []SignType, t SignType, content, sig string) error {
	if t != "" && !slices.Contains(allowed, t) {
		return fmt.Errorf("%w: sign_type %s is not one this client accepts (%v); see WithAlipaySignTypes",
			ErrBadSignature, truncate(string(t), 16), allowed)
	}
	return c.keys.verify(t, content, sig)
}
