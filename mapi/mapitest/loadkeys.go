package mapitest

import (
	"crypto/rsa"
	"net"
)

// WithMerchantKey makes the server verify requests and order strings with
// the public half of the merchant's own private key, which
// MerchantPrivateKeyPEM and Client then hand out.
func WithMerchantKey(k *rsa.PrivateKey) Option {
	return func(s *Server) { s.keys.merchant, s.keys.merchantPub = k, &k.PublicKey }
}

// WithMerchantPublicKey makes the server verify requests and order strings
// with the merchant's public key, as Alipay does with the key the merchant
// registered: a backend keeps its own private key and is pointed at the
// server unchanged. MerchantPrivateKeyPEM is then empty and Client needs
// mapi.WithPrivateKey.
func WithMerchantPublicKey(k *rsa.PublicKey) Option {
	return func(s *Server) { s.keys.merchant, s.keys.merchantPub = nil, k }
}

// WithAlipayKey sets the key the server signs answers, notifications and
// app results with, for a merchant who loads its public half as
// "Alipay's public key" once and keeps it across runs.
func WithAlipayKey(k *rsa.PrivateKey) Option { return func(s *Server) { s.keys.alipay = k } }

// WithListener serves on l (e.g. a fixed port that a PHP backend or a
// phone on the same network is configured with) instead of a new
// loopback port. The server closes l on Close.
func WithListener(l net.Listener) Option { return func(s *Server) { s.listener = l } }

// merchantPublic returns the key that verifies the merchant's signatures.
func (k *rsaKeys) merchantPublic() *rsa.PublicKey {
	if k.merchantPub != nil {
		return k.merchantPub
	}
	return &k.merchant.PublicKey
}
