package alipay

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNewClientCatchesConfigurationMistakes: the mistakes a merchant makes
// while configuring are refused by NewClient, where they are made, instead
// of surfacing as a signature error after the first payment was created.
func TestNewClientCatchesConfigurationMistakes(t *testing.T) {
	priv := WithPrivateKey(readKey(t, "merchant_private_pkcs8.pem"))
	pub := WithAlipayPublicKey(readKey(t, "antom_public.pem"))
	ownPub := WithAlipayPublicKey(readKey(t, "merchant_public.pem"))
	merchantKey, err := ParsePrivateKey(readKey(t, "merchant_private_pkcs8.pem"))
	require.NoError(t, err)

	for _, tc := range []struct {
		name string
		opts []Option
		want string
	}{
		{"own public key as Antom's", []Option{priv, ownPub}, "WithAlipayPublicKey is the public half of your own private key"},
		{"own public key with a signer", []Option{WithSigner(NewSigner(merchantKey)), ownPub}, "public half of your own private key"},
		{"API path in the endpoint", []Option{priv, pub, WithEndpoint("https://open-sea-global.alipay.com/ams/api")}, `endpoint "https://open-sea-global.alipay.com/ams/api" has a path; it must be a scheme and host only`},
		{"proxy prefix in the endpoint", []Option{priv, pub, WithEndpoint("https://proxy.example/antom/")}, "has a path"},
		{"query in the endpoint", []Option{priv, pub, WithEndpoint("https://open-sea-global.alipay.com?x=1")}, "has a query"},
		{"empty query in the endpoint", []Option{priv, pub, WithEndpoint("https://open-sea-global.alipay.com?")}, "has a query"},
		{"fragment in the endpoint", []Option{priv, pub, WithEndpoint("https://open-sea-global.alipay.com#x")}, "has a fragment"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewClient("SANDBOX_5X00000000000000", tc.opts...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}

	for _, endpoint := range []string{EndpointAsia, EndpointAsia + "/", "http://127.0.0.1:8080"} {
		c, err := NewClient("SANDBOX_5X00000000000000", priv, pub, WithEndpoint(endpoint))
		require.NoError(t, err, endpoint)
		assert.Equal(t, "/ams/sandbox/api/v1/payments/pay", c.requestURI(payPath), endpoint)
	}
}
