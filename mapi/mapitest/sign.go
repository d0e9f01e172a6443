package mapitest

import (
	"crypto"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/xborderpay/alipay/mapi"
)

// sign signs content as Alipay does for signType: RSA (SHA-1) and RSA2
// (SHA-256) with key, MD5 with md5Key appended.
func sign(signType mapi.SignType, content string, key *rsa.PrivateKey, md5Key string) (string, error) {
	switch signType {
	case mapi.SignTypeMD5:
		sum := md5.Sum([]byte(content + md5Key))
		return hex.EncodeToString(sum[:]), nil
	case mapi.SignTypeRSA, mapi.SignTypeRSA2:
		h, d := hashOf(signType, content)
		sig, err := rsa.SignPKCS1v15(rand.Reader, key, h, d)
		if err != nil {
			return "", err
		}
		return base64.StdEncoding.EncodeToString(sig), nil
	}
	return "", errors.New("mapitest: unsupported sign type " + string(signType))
}

// verify checks a merchant's signature.
func verify(signType mapi.SignType, content, sig string, pub *rsa.PublicKey, md5Key string) bool {
	switch signType {
	case mapi.SignTypeMD5:
		sum := md5.Sum([]byte(content + md5Key))
		return strings.EqualFold(sig, hex.EncodeToString(sum[:]))
	case mapi.SignTypeRSA, mapi.SignTypeRSA2:
		raw, err := base64.StdEncoding.DecodeString(sig)
		if err != nil {
			return false
		}
		h, d := hashOf(signType, content)
		return rsa.VerifyPKCS1v15(pub, h, d, raw) == nil
	}
	return false
}

func hashOf(t mapi.SignType, content string) (crypto.Hash, []byte) {
	if t == mapi.SignTypeRSA {
		d := sha1.Sum([]byte(content))
		return crypto.SHA1, d[:]
	}
	d := sha256.Sum256([]byte(content))
	return crypto.SHA256, d[:]
}
