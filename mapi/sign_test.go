package mapi

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMD5Vectors(t *testing.T) {
	for _, v := range loadVectors(t).MD5 {
		t.Run(v.Name, func(t *testing.T) {
			k := keys{md5Key: v.Key}
			got, err := k.sign(SignTypeMD5, v.Presign)
			require.NoError(t, err)
			assert.Equal(t, v.Sign, got)
			assert.NoError(t, k.verify(SignTypeMD5, v.Presign, v.Sign))
			assert.NoError(t, k.verify(SignTypeMD5, v.Presign, strings.ToUpper(v.Sign)), "hex case is not significant")
			assert.ErrorIs(t, k.verify(SignTypeMD5, v.Presign+"x", v.Sign), ErrBadSignature)
		})
	}
}

// The pre-sign strings of the MD5 vectors come out of PreSignString when
// the parameters are given in any order.
func TestMD5VectorPresignFromParams(t *testing.T) {
	for _, v := range loadVectors(t).MD5 {
		params := map[string]string{"sign": "ignored", "sign_type": "MD5", "empty": ""}
		for _, pair := range strings.Split(v.Presign, "&") {
			k, val, _ := strings.Cut(pair, "=")
			params[k] = val
		}
		// M7's notify_url contains '=' after '?': Cut splits at the first.
		assert.Equal(t, v.Presign, PreSignString(params), v.Name)
	}
}

func TestRSAVectors(t *testing.T) {
	c := testKeysClient(t)
	for _, v := range loadVectors(t).RSA {
		t.Run(v.Name, func(t *testing.T) {
			got, err := c.keys.sign(v.SignType, v.Presign)
			require.NoError(t, err)
			assert.Equal(t, v.Sign, got, "PKCS #1 v1.5 is deterministic")
			assert.NoError(t, c.keys.verify(v.SignType, v.Presign, v.Sign))
			other := SignTypeRSA
			if v.SignType == SignTypeRSA {
				other = SignTypeRSA2
			}
			assert.ErrorIs(t, c.keys.verify(other, v.Presign, v.Sign), ErrBadSignature, "the hash must match the sign type")
			assert.ErrorIs(t, c.keys.verify(v.SignType, v.Presign+" ", v.Sign), ErrBadSignature)
		})
	}
}

// R2: chloerei's unsorted App order string; the signature is URL-encoded
// inside the quotes.
func TestOrderStringVectorR2(t *testing.T) {
	v := loadVectors(t).OrderR2
	c := testKeysClient(t)
	got, err := c.signQuoted(v.Presign)
	require.NoError(t, err)
	assert.Equal(t, v.Final, got)
}

// The worked example of https://docs.antom.com/ac/app/pre_sign, built from a typed AppOrder.
func TestOrderStringMikasCoffeeShop(t *testing.T) {
	v := loadVectors(t).OrderMika
	assert.Equal(t, v.Presign, QuotedPreSignString(v.Params), "from the raw parameters")

	c := testKeysClient(t)
	c.partner, c.seller = v.Params["partner"], v.Params["seller_id"]
	order := &AppOrder{
		TotalFee: "0.01",
		TradeInformation: &TradeInformation{
			BusinessType:  "4",
			GoodsInfo:     "Macbook 12 inch M3 8G 256G SSD^1|Apple iPad Pro 11 inch^1",
			TotalQuantity: "2",
		},
		AppEnv:     "system=android^version=3.0.1.2",
		Body:       "test",
		Currency:   "USD",
		OutTradeNo: "out_trade_no_20200109_175417",
		Subject:    "Mika's coffee shop",
	}
	s, err := c.AppOrderString(order)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(s, v.Presign+`&sign="`), "got %s", s)
	require.True(t, strings.HasSuffix(s, `"&sign_type="RSA"`))
	sig, err := url.QueryUnescape(strings.TrimSuffix(strings.TrimPrefix(s, v.Presign+`&sign="`), `"&sign_type="RSA"`))
	require.NoError(t, err)
	assert.NoError(t, c.keys.verify(SignTypeRSA, v.Presign, sig))
}

func TestNotificationDocPresign(t *testing.T) {
	v := loadVectors(t).NotificationDoc
	f, err := ParseForm(v.Body)
	require.NoError(t, err)
	assert.Equal(t, v.Presign, PreSignString(f))
}

func TestPreSignString(t *testing.T) {
	tests := []struct {
		name   string
		params map[string]string
		plain  string
		quoted string
	}{
		{"empty", map[string]string{}, "", ""},
		{"only sign fields", map[string]string{"sign": "x", "sign_type": "RSA"}, "", ""},
		{"empty values dropped", map[string]string{"a": "", "b": "1"}, "b=1", `b="1"`},
		{"byte order: upper before underscore before lower", map[string]string{"a": "1", "_b": "2", "B": "3"}, "B=3&_b=2&a=1", `B="3"&_b="2"&a="1"`},
		{"prefix sorts first", map[string]string{"total_fee": "1", "total": "2"}, "total=2&total_fee=1", `total="2"&total_fee="1"`},
		{"raw values, not URL-encoded", map[string]string{"email": "test@msn.com", "u": "a b&c"}, "email=test@msn.com&u=a b&c", `email="test@msn.com"&u="a b&c"`},
		{"quotes kept inside quoted values", map[string]string{"j": `{"k":"v"}`}, `j={"k":"v"}`, `j="{"k":"v"}"`},
		{"non-ASCII", map[string]string{"subject": "多项测试"}, "subject=多项测试", `subject="多项测试"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.plain, PreSignString(tt.params))
			assert.Equal(t, tt.quoted, QuotedPreSignString(tt.params))
		})
	}
}

func TestVerifyErrors(t *testing.T) {
	c := testKeysClient(t)
	noKeys := &keys{}
	tests := []struct {
		name string
		k    *keys
		t    SignType
		sig  string
		want error
	}{
		{"unsigned", &c.keys, "", "x", ErrUnsigned},
		{"unknown type", &c.keys, "DSA", "x", ErrBadSignature},
		{"not base64", &c.keys, SignTypeRSA, "!!!", ErrBadSignature},
		{"no RSA key", noKeys, SignTypeRSA, "AAAA", ErrNoKey},
		{"no MD5 key", noKeys, SignTypeMD5, "00", ErrNoKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.ErrorIs(t, tt.k.verify(tt.t, "a=1", tt.sig), tt.want)
		})
	}
	_, err := noKeys.sign(SignTypeRSA2, "a=1")
	assert.ErrorIs(t, err, ErrNoKey)
	_, err = c.keys.sign("DSA", "a=1")
	assert.Error(t, err)
}

// A form decoder may turn the '+' of a Base64 signature into a space.
func TestVerifyToleratesSpacesForPlus(t *testing.T) {
	c := testKeysClient(t)
	v := loadVectors(t).RSA[0]
	require.Contains(t, v.Sign, "+")
	assert.NoError(t, c.keys.verify(SignTypeRSA, v.Presign, strings.ReplaceAll(v.Sign, "+", " ")))
}
