package mapi

import (
	"crypto/rsa"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xborderpay/alipay"
)

func TestNewClient(t *testing.T) {
	priv := readTestdata(t, "chloerei_rsa1024_private_pkcs8.pem")
	pub := readTestdata(t, "chloerei_rsa1024_public.pem")
	tests := []struct {
		name    string
		pid     string
		opts    []Option
		errPart string
		check   func(t *testing.T, c *Client)
	}{
		{"MD5 only", sandboxPID, []Option{WithMD5Key("k")}, "order strings must be signed with RSA", nil},
		{"PEM key as MD5 key", sandboxPID, []Option{WithPrivateKey(priv), WithMD5Key(priv)}, "this is an RSA key, not an MD5 key", nil},
		{"bare base64 key as MD5 key", sandboxPID, []Option{WithPrivateKey(priv), WithMD5Key(strings.Join(strings.Split(priv, "\n")[1:15], ""))}, "this is an RSA key", nil},
		{"MD5 only for gateway calls", sandboxPID, []Option{WithMD5Key("k"), WithSignType(SignTypeMD5)}, "", func(t *testing.T, c *Client) {
			assert.Equal(t, SignTypeMD5, c.SignType())
			assert.Equal(t, GatewayProduction, c.Gateway())
			assert.Equal(t, sandboxPID, c.seller, "seller defaults to the partner")
		}},
		{"RSA key defaults to RSA gateway calls, not RSA2", sandboxPID, []Option{WithPrivateKey(priv)}, "", func(t *testing.T, c *Client) {
			assert.Equal(t, SignTypeRSA, c.SignType(), "RSA2 needs its own registration at Alipay")
			assert.Equal(t, SignTypeRSA, c.orderSignType)
			assert.Equal(t, []SignType{SignTypeRSA}, c.AlipaySignTypes(), "one sign type by default")
			assert.Equal(t, []SignType{SignTypeRSA, SignTypeRSA2}, c.answerSignTypes)
		}},
		{"gateway calls follow an RSA2 order string", sandboxPID, []Option{WithPrivateKey(priv), WithAppOrderSignType(SignTypeRSA2)}, "", func(t *testing.T, c *Client) {
			assert.Equal(t, SignTypeRSA2, c.SignType())
			assert.Equal(t, []SignType{SignTypeRSA2}, c.AlipaySignTypes())
		}},
		{"explicit sign type", sandboxPID, []Option{WithPrivateKey(priv), WithMD5Key("k"), WithSignType(SignTypeMD5)}, "", func(t *testing.T, c *Client) {
			assert.Equal(t, SignTypeMD5, c.SignType())
			assert.Equal(t, []SignType{SignTypeMD5}, c.AlipaySignTypes())
		}},
		{"explicit Alipay sign types", sandboxPID, []Option{WithPrivateKey(priv), WithMD5Key("k"), WithAlipaySignTypes(SignTypeRSA, SignTypeMD5)}, "", func(t *testing.T, c *Client) {
			assert.Equal(t, []SignType{SignTypeRSA, SignTypeMD5}, c.AlipaySignTypes())
		}},
		{"Alipay sign type MD5 without MD5 key", sandboxPID, []Option{WithPrivateKey(priv), WithAlipaySignTypes(SignTypeMD5)}, "MD5 needs WithMD5Key", nil},
		{"unknown Alipay sign type", sandboxPID, []Option{WithPrivateKey(priv), WithAlipaySignTypes("DSA")}, "not RSA, RSA2 or MD5", nil},
		{"bare base64 key", sandboxPID, []Option{WithPrivateKey(strings.Join(strings.Split(priv, "\n")[1:15], ""))}, "", nil},
		{"sandbox", sandboxPID, []Option{WithMD5Key("k"), WithSignType(SignTypeMD5), WithGateway(GatewaySandbox), WithSellerID("s@example.com")}, "", func(t *testing.T, c *Client) {
			assert.Equal(t, GatewaySandbox, c.Gateway())
			assert.Equal(t, "s@example.com", c.seller)
		}},
		{"signer", sandboxPID, []Option{WithSigner(mustKey(t, priv))}, "", nil},
		{"short PID", "2088123", []Option{WithMD5Key("k"), WithSignType(SignTypeMD5)}, "not a partner ID", nil},
		{"PID not 2088", "1000000000000000", []Option{WithMD5Key("k"), WithSignType(SignTypeMD5)}, "not a partner ID", nil},
		{"no key", sandboxPID, nil, "no signing key", nil},
		{"bad private key", sandboxPID, []Option{WithPrivateKey("nonsense!")}, "WithPrivateKey", nil},
		{"public key as private", sandboxPID, []Option{WithPrivateKey(pub)}, "found a public key", nil},
		{"bad Alipay key", sandboxPID, []Option{WithMD5Key("k"), WithSignType(SignTypeMD5), WithAlipayPublicKey(priv)}, "WithAlipayPublicKey", nil},
		{"bad RSA2 key", sandboxPID, []Option{WithMD5Key("k"), WithSignType(SignTypeMD5), WithAlipayRSA2PublicKey("x")}, "WithAlipayRSA2PublicKey", nil},
		{"RSA2 without private key", sandboxPID, []Option{WithMD5Key("k"), WithSignType(SignTypeRSA2)}, "needs WithPrivateKey", nil},
		{"MD5 without MD5 key", sandboxPID, []Option{WithPrivateKey(priv), WithSignType(SignTypeMD5)}, "needs WithMD5Key", nil},
		{"unknown sign type", sandboxPID, []Option{WithMD5Key("k"), WithSignType("DSA")}, "not RSA, RSA2 or MD5", nil},
		{"MD5 key with spaces", sandboxPID, []Option{WithMD5Key(" k"), WithSignType(SignTypeMD5)}, "white space", nil},
		{"plain http gateway", sandboxPID, []Option{WithMD5Key("k"), WithSignType(SignTypeMD5), WithGateway("http://mapi.alipay.com/gateway.do")}, "plain http", nil},
		{"gateway with query", sandboxPID, []Option{WithMD5Key("k"), WithSignType(SignTypeMD5), WithGateway("https://mapi.alipay.com/gateway.do?x=1")}, "query", nil},
		{"not a URL", sandboxPID, []Option{WithMD5Key("k"), WithSignType(SignTypeMD5), WithGateway("gateway")}, "not an http(s) URL", nil},
		{"bad retry", sandboxPID, []Option{WithMD5Key("k"), WithSignType(SignTypeMD5), WithRetry(alipay.RetryPolicy{})}, "MaxAttempts", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewClient(tt.pid, tt.opts...)
			if tt.errPart != "" {
				assert.ErrorContains(t, err, tt.errPart)
				return
			}
			require.NoError(t, err)
			if tt.check != nil {
				tt.check(t, c)
			}
		})
	}
}

func mustKey(t *testing.T, pemKey string) *rsa.PrivateKey {
	k, err := alipay.ParsePrivateKey(pemKey)
	require.NoError(t, err)
	return k
}

func TestClientStringHidesKeys(t *testing.T) {
	c := testKeysClient(t)
	for _, s := range []string{c.String(), fmt.Sprintf("%v", c), fmt.Sprintf("%#v", c)} {
		assert.NotContains(t, s, sandboxMD5Key)
		assert.NotContains(t, s, "PRIVATE")
		assert.Contains(t, s, sandboxPID)
	}
}

func TestErrorMessages(t *testing.T) {
	e := &Error{Service: "forex_refund", Code: CodeReturnAmountExceed, HTTPStatus: 200}
	assert.Equal(t, "mapi: forex_refund: is_success=F RETURN_AMOUNT_EXCEED [HTTP 200]", e.Error())
	e = &Error{Service: "single_trade_query", Err: fmt.Errorf("boom"), Attempts: 3, unknown: true, BodyPrefix: "<html>"}
	assert.Equal(t, `mapi: single_trade_query: boom; outcome unknown: inquire before retrying with a new request ID [no response, 3 attempts] body: "<html>"`, e.Error())
	e = &Error{Service: "forex_compare_file", Message: "Over 10 days to Date period", HTTPStatus: 200}
	assert.Contains(t, e.Error(), `"Over 10 days to Date period"`)
	assert.Equal(t, "mapi: invalid total_fee: x", (&ValidationError{Field: "total_fee", Reason: "x"}).Error())

	_, err := NewClient("2088123")
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, `mapi: invalid partner: "2088123" is not a partner ID (16 digits starting with 2088)`, err.Error(), "the prefix is said once")
	assert.Equal(t, ErrorCode(""), ErrorCodeOf(fmt.Errorf("plain")))
}
