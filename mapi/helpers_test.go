package mapi

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xborderpay/alipay"
)

const (
	sandboxPID    = "2088101122136241"
	sandboxMD5Key = "760bdzec6y9goq7ctyx96ezkz78287de"
)

type vectorFile struct {
	MD5 []struct {
		Name, Presign, Key, Sign string
	} `json:"md5"`
	RSA []struct {
		Name     string
		SignType SignType `json:"sign_type"`
		Presign  string
		Sign     string
	} `json:"rsa"`
	OrderR2 struct {
		Presign, Final string
	} `json:"order_r2"`
	OrderMika struct {
		Params  map[string]string
		Presign string
	} `json:"order_mika"`
	NotificationDoc struct {
		Body, Presign string
	} `json:"notification_doc"`
}

func loadVectors(t testing.TB) vectorFile {
	t.Helper()
	b, err := os.ReadFile("testdata/vectors.json")
	require.NoError(t, err)
	var v vectorFile
	require.NoError(t, json.Unmarshal(b, &v))
	require.NotEmpty(t, v.MD5)
	return v
}

func readTestdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	require.NoError(t, err)
	return string(b)
}

// testKeysClient returns a client using the chloerei 1024-bit test key as
// both the merchant key and "Alipay's" key, so it verifies what it signs.
func testKeysClient(t testing.TB, opts ...Option) *Client {
	t.Helper()
	base := []Option{
		WithPrivateKey(readTestdata(t, "chloerei_rsa1024_private_pkcs8.pem")),
		WithAlipayPublicKey(readTestdata(t, "chloerei_rsa1024_public.pem")),
		WithMD5Key(sandboxMD5Key),
		WithNotifyVerify(false),
		WithAlipaySignTypes(SignTypeRSA, SignTypeRSA2, SignTypeMD5),
		WithGateway("http://127.0.0.1:1/gateway.do"),
		WithRetry(alipay.RetryPolicy{MaxAttempts: 2, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}),
	}
	c, err := NewClient(sandboxPID, append(base, opts...)...)
	require.NoError(t, err)
	return c
}
