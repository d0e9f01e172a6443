package mapi

import (
	"errors"
	"strings"
)

// checkKeyKinds refuses, before any key is parsed, the two key mix-ups a
// merchant porting Alipay's PHP or Java demo makes, which would otherwise
// surface only at the first order string or the first gateway call:
//
//   - an RSA key (PEM, or the bare base64 the Java demo keeps in its
//     config) passed as the MD5 key: the MD5 key is the 32-character
//     string of the merchant portal;
//   - a client with only an MD5 key: the App order string must be signed
//     with RSA (https://docs.antom.com/ac/mapi/orderStr), so such a client cannot take an order. A client
//     for gateway calls alone (refunds, queries, files) says so with
//     WithSignType(SignTypeMD5).
func checkKeyKinds(s *settings) error {
	if k := s.md5Key; strings.Contains(k, "-----BEGIN") || len(k) > 100 && strings.Trim(k, base64Chars) == "" {
		return errors.New("mapi: NewClient: WithMD5Key: this is an RSA key, not an MD5 key (the 32-character key of the merchant portal); pass an RSA private key to WithPrivateKey")
	}
	if s.privateKey == "" && s.signer == nil && s.md5Key != "" && s.signType == "" {
		return errors.New("mapi: NewClient: only an MD5 key: App order strings must be signed with RSA, so add WithPrivateKey (or WithSigner); a client for gateway calls alone (refunds, queries, files) says so with WithSignType(SignTypeMD5)")
	}
	return nil
}

const base64Chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\r\n"
