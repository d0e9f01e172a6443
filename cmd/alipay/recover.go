package main

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"fmt"
	"math/big"
)

// DigestInfo prefixes of PKCS #1 v1.5 signatures (RFC 8017 §9.2, note 1).
var digestInfoPrefixes = []struct {
	hash   crypto.Hash
	prefix []byte
}{
	{crypto.SHA256, []byte{0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20}},
	{crypto.SHA1, []byte{0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14}},
}

// signedDigest is what a PKCS #1 v1.5 signature reveals under the public
// key of the pair that made it: the hash function and the digest signed.
type signedDigest struct {
	hash   crypto.Hash
	digest []byte
}

// recoverDigest applies the RSA public operation to sig and returns the
// digest it carries when the result is a well-formed PKCS #1 v1.5 block.
//
// This is a diagnostic, not a verification: a well-formed block proves that
// the signature was made with the private half of pub (anyone else produces
// random-looking bytes), so the key is right and only the signed content can
// differ; comparing the digest with candidate contents then says which part.
// The public operation touches no secret, so math/big is fine here.
func recoverDigest(pub *rsa.PublicKey, sig []byte) (signedDigest, error) {
	k := pub.Size()
	if len(sig) != k {
		made := ""
		switch len(sig) * 8 {
		case 1024, 2048, 3072, 4096:
			made = fmt.Sprintf(" (as from a %d-bit key)", len(sig)*8)
		}
		return signedDigest{}, fmt.Errorf("the signature is %d bytes%s but the key is %d-bit, so its signatures are %d bytes", len(sig), made, pub.N.BitLen(), k)
	}
	s := new(big.Int).SetBytes(sig)
	if s.Cmp(pub.N) >= 0 {
		return signedDigest{}, fmt.Errorf("the signature is not a value this key can have produced")
	}
	em := s.Exp(s, big.NewInt(int64(pub.E)), pub.N).FillBytes(make([]byte, k))
	if em[0] != 0 || em[1] != 1 {
		return signedDigest{}, errNotThisKey
	}
	i := 2
	for i < len(em) && em[i] == 0xff {
		i++
	}
	if i < 10 || i == len(em) || em[i] != 0 {
		return signedDigest{}, errNotThisKey
	}
	t := em[i+1:]
	for _, p := range digestInfoPrefixes {
		if bytes.HasPrefix(t, p.prefix) && len(t) == len(p.prefix)+p.hash.Size() {
			return signedDigest{hash: p.hash, digest: t[len(p.prefix):]}, nil
		}
	}
	return signedDigest{}, errNotThisKey
}

// errNotThisKey: the signature does not open to a PKCS #1 v1.5 block under
// the key, so the private half of this key did not make it.
var errNotThisKey = fmt.Errorf("the signature was not made with the private half of this key")
