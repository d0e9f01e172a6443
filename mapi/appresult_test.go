package mapi

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// docResult is the sync result of docs/protocol/mapi.md §5 with its signature replaced by
// one made with the test key (Alipay's key for the original is unknown).
func docResult(t *testing.T, c *Client) (content, full string) {
	t.Helper()
	content = `partner="2088101568358171"&seller_id="xxx@alipay.com"&out_trade_no="0819145412-6177"&subject="test"&body="testtest"&total_fee="0.01"&notify_url="http://notify.msp.hk/notify.htm"&service="mobile.securitypay.pay"&payment_type="1"&_input_charset="utf-8"&it_b_pay="30m"&show_url="m.alipay.com"&success="true"`
	sig, err := c.keys.sign(SignTypeRSA, content)
	require.NoError(t, err)
	return content, "resultStatus={9000};memo={};result={" + content + `&sign_type="RSA"&sign="` + sig + `"}`
}

func TestVerifyAppResult(t *testing.T) {
	c := testKeysClient(t)
	content, full := docResult(t, c)
	r, err := c.VerifyAppResult(full)
	require.NoError(t, err)
	assert.Equal(t, AppResultPaid, r.ResultStatus)
	assert.False(t, r.ResultStatus.NeedsQuery())
	assert.Equal(t, "", r.Memo)
	assert.True(t, r.Success)
	assert.Equal(t, SignTypeRSA, r.SignType)
	assert.Equal(t, "0819145412-6177", r.Get("out_trade_no"))
	assert.Len(t, r.Params, 15)

	// Only the result string, sign URL-encoded by the app.
	sig := r.Get("sign")
	r, err = c.VerifyAppResult(content + `&sign="` + url.QueryEscape(sig) + `"&sign_type="RSA"`)
	require.NoError(t, err)
	assert.Equal(t, AppResultStatus(""), r.ResultStatus)

	// sign in the middle: removed wherever it is, the rest in order.
	r, err = c.VerifyAppResult(`sign="` + sig + `"&sign_type="RSA"&` + content)
	require.NoError(t, err)
	assert.True(t, r.Success)
}

func TestVerifyAppResultRejects(t *testing.T) {
	c := testKeysClient(t)
	content, full := docResult(t, c)
	sorted := strings.Replace(full, `partner="2088101568358171"&seller_id="xxx@alipay.com"&`, `seller_id="xxx@alipay.com"&partner="2088101568358171"&`, 1)
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"tampered", strings.Replace(full, `total_fee="0.01"`, `total_fee="100"`, 1), ErrBadSignature},
		{"reordered", sorted, ErrBadSignature},
		{"unsigned", content, ErrUnsigned},
		{"MD5", content + `&sign="abc"&sign_type="MD5"`, ErrBadSignature},
		{"unclosed result", "resultStatus={9000};memo={};result={" + content, ErrMalformedAppResult},
		{"no result", "resultStatus={6001};memo={cancelled}", ErrMalformedAppResult},
		{"unclosed status", "resultStatus={9000", ErrMalformedAppResult},
		{"garbage", "hello", ErrMalformedAppResult},
		{"unquoted", "a=1&b=2", ErrMalformedAppResult},
		{"unclosed value", `a="1`, ErrMalformedAppResult},
		{"empty", "", ErrMalformedAppResult},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.VerifyAppResult(tt.in)
			assert.True(t, errors.Is(err, tt.want), "got %v", err)
		})
	}
}

func TestParseQuotedParams(t *testing.T) {
	tests := []struct {
		in   string
		want []Param
	}{
		{`a="1"`, []Param{{"a", "1"}}},
		{`a=""&b="x"`, []Param{{"a", ""}, {"b", "x"}}},
		{`t="{"k":"v","w":"a&b"}"&s="1"`, []Param{{"t", `{"k":"v","w":"a&b"}`}, {"s", "1"}}},
		{`a="say "hi""&b="2"`, []Param{{"a", `say "hi"`}, {"b", "2"}}},
		{`a="x"&b="1"&c="q"&d=""`, []Param{{"a", "x"}, {"b", "1"}, {"c", "q"}, {"d", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseQuotedParams(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	// The docs' Mika pre-sign string parses back into its parameters.
	v := loadVectors(t).OrderMika
	got, err := ParseQuotedParams(v.Presign)
	require.NoError(t, err)
	m := map[string]string{}
	for _, p := range got {
		m[p.Name] = p.Value
	}
	assert.Equal(t, v.Params, m)
}

func TestAppResultStatus(t *testing.T) {
	assert.True(t, AppResultProcessing.NeedsQuery())
	assert.True(t, AppResultUnknown.NeedsQuery())
	assert.False(t, AppResultCancelled.NeedsQuery())
}
