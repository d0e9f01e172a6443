package mapi

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// m2Body is vector M2 as Alipay posted it.
const m2Body = "_input_charset=utf-8&currency=HKD&notify_id=13f1e773aeb299e26eb5d02bbb71219d50&notify_time=2013-09-02+10%3A41%3A43&notify_type=trade_status_sync&out_trade_no=4028608899131221&total_fee=0.10&trade_no=4061800001000100000574688&trade_status=TRADE_FINISHED&sign=a27572b0a6dee50d2d4a1449bfd55e92&sign_type=MD5"

func TestVerifyNotificationMD5Vector(t *testing.T) {
	c := testKeysClient(t)
	n, err := c.VerifyNotification(context.Background(), []byte(m2Body))
	require.NoError(t, err)
	tr, err := n.Trade()
	require.NoError(t, err)
	assert.Equal(t, "13f1e773aeb299e26eb5d02bbb71219d50", tr.NotifyID)
	assert.Equal(t, "4028608899131221", tr.OutTradeNo)
	assert.Equal(t, "4061800001000100000574688", tr.TradeNo)
	assert.Equal(t, TradeStatusFinished, tr.TradeStatus)
	assert.True(t, tr.TradeStatus.Paid())
	assert.Equal(t, "0.10", tr.TotalFee)
	assert.Equal(t, "HKD", tr.Currency)
	assert.Equal(t, SignTypeMD5, tr.SignType)
	assert.Equal(t, "utf-8", tr.Get("_input_charset"), "every field is kept")
	assert.Equal(t, time.Date(2013, 9, 2, 2, 41, 43, 0, time.UTC), tr.NotifyTime.UTC(), "Beijing time is UTC+8")
	_, offset := tr.NotifyTime.Zone()
	assert.Equal(t, 8*3600, offset)
	_, err = n.Refund()
	assert.ErrorIs(t, err, ErrMalformedNotification)
}

// signedBody signs fields with the test key (which the test client also
// trusts as Alipay's) and form-encodes them.
func signedBody(t *testing.T, c *Client, st SignType, fields map[string]string) string {
	t.Helper()
	sig, err := c.keys.sign(st, PreSignString(fields))
	require.NoError(t, err)
	v := url.Values{}
	for k, s := range fields {
		v.Set(k, s)
	}
	v.Set("sign", sig)
	v.Set("sign_type", string(st))
	return v.Encode()
}

func tradeFields() map[string]string {
	return map[string]string{
		"notify_id": "nid1", "notify_type": "trade_status_sync", "notify_time": "2026-11-22 10:00:00",
		"out_trade_no": "ORDER-1", "trade_no": "2026112200001", "trade_status": "TRADE_FINISHED",
		"currency": "USD", "total_fee": "9.90", "rmb_fee": "70.52", "forex_rate": "7.1234",
		"gmt_payment": "2026-11-22 09:59:58", "buyer_id": "2088102000000001", "seller_id": sandboxPID,
		"unknown_new_field": "kept & signed", "empty_field": "",
	}
}

func TestVerifyNotificationRSA(t *testing.T) {
	c := testKeysClient(t)
	for _, st := range []SignType{SignTypeRSA, SignTypeRSA2, SignTypeMD5} {
		t.Run(string(st), func(t *testing.T) {
			body := signedBody(t, c, st, tradeFields())
			n, err := c.VerifyNotification(context.Background(), []byte(body))
			require.NoError(t, err)
			tr, err := n.Trade()
			require.NoError(t, err)
			assert.Equal(t, "kept & signed", tr.Get("unknown_new_field"))
			assert.Equal(t, "70.52", tr.RMBFee)
			assert.Equal(t, "7.1234", tr.ForexRate)
			assert.Equal(t, time.Date(2026, 11, 22, 9, 59, 58, 0, Beijing), tr.GmtPayment)
		})
	}
}

func TestVerifyNotificationRejects(t *testing.T) {
	c := testKeysClient(t)
	good := signedBody(t, c, SignTypeRSA2, tradeFields())
	genuine, recut := recutNotification(t, c)
	rsaOnly := testKeysClient(t, WithAlipaySignTypes(SignTypeRSA))
	tests := []struct {
		name string
		body string
		want error
		c    *Client // the client that verifies; c when nil
	}{
		{"tampered amount", strings.Replace(good, "total_fee=9.90", "total_fee=0.01", 1), ErrBadSignature, nil},
		{"dropped unknown field", strings.Replace(good, "&unknown_new_field=kept+%26+signed", "", 1), ErrBadSignature, nil},
		{"added field", good + "&extra=1", ErrBadSignature, nil},
		{"no sign", strings.Split(good, "&sign=")[0], ErrUnsigned, nil},
		{"duplicate field", good + "&total_fee=9.90", ErrMalformedNotification, nil},
		{"bad escape", good + "&x=%zz", ErrMalformedNotification, nil},
		{"empty", "", ErrMalformedNotification, nil},
		{"too large", strings.Repeat("a", 70<<10), ErrTooLarge, nil},
		{"wrong sign type", strings.Replace(good, "sign_type=RSA2", "sign_type=RSA", 1), ErrBadSignature, nil},
		{"genuine notification with an embedded &name=", genuine, ErrMalformedNotification, nil},
		{"re-cut TRADE_CLOSED into TRADE_FINISHED", recut, ErrMalformedNotification, nil},
		{"name with '='", signedBody(t, c, SignTypeRSA2, withField(tradeFields(), "a=b", "1")), ErrMalformedNotification, nil},
		// Sign-type downgrade: a client that verifies RSA also holds the
		// MD5 key (for its gateway calls, say); valid MD5 and RSA2
		// notifications are still refused.
		{"downgrade to MD5", signedBody(t, rsaOnly, SignTypeMD5, tradeFields()), ErrBadSignature, rsaOnly},
		{"downgrade to MD5, vector M2", m2Body, ErrBadSignature, rsaOnly},
		{"RSA2 to an RSA client", signedBody(t, rsaOnly, SignTypeRSA2, tradeFields()), ErrBadSignature, rsaOnly},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vc := c
			if tt.c != nil {
				vc = tt.c
			}
			_, err := vc.VerifyNotification(context.Background(), []byte(tt.body))
			assert.ErrorIs(t, err, tt.want)
		})
	}
	_, err := rsaOnly.VerifyNotification(context.Background(), []byte(signedBody(t, rsaOnly, SignTypeRSA, tradeFields())))
	assert.NoError(t, err, "the RSA client accepts RSA")

	// MD5 notification to a client without the MD5 key.
	noMD5 := testKeysClient(t)
	noMD5.keys.md5Key = ""
	_, err = noMD5.VerifyNotification(context.Background(), []byte(m2Body))
	assert.ErrorIs(t, err, ErrNoKey)
}

func TestVerifyNotificationMalformedTimes(t *testing.T) {
	c := testKeysClient(t)
	f := tradeFields()
	f["notify_time"] = "2026-11-22T10:00:00Z"
	_, err := c.VerifyNotification(context.Background(), []byte(signedBody(t, c, SignTypeRSA2, f)))
	assert.ErrorIs(t, err, ErrMalformedNotification)

	f = tradeFields()
	f["gmt_payment"] = "yesterday"
	n, err := c.VerifyNotification(context.Background(), []byte(signedBody(t, c, SignTypeRSA2, f)))
	require.NoError(t, err)
	_, err = n.Trade()
	assert.ErrorIs(t, err, ErrMalformedNotification)
}

func TestRefundNotification(t *testing.T) {
	c := testKeysClient(t)
	body := signedBody(t, c, SignTypeRSA, map[string]string{
		"notify_id": "n2", "notify_type": "refund_status_sync", "notify_time": "2026-11-22 10:00:00",
		"out_trade_no": "ORDER-1", "out_return_no": "RF-1", "refund_status": "REFUND_FAIL", "error_code": "RETURN_AMOUNT_EXCEED",
	})
	n, err := c.VerifyNotification(context.Background(), []byte(body))
	require.NoError(t, err)
	r, err := n.Refund()
	require.NoError(t, err)
	assert.Equal(t, RefundStatusFail, r.RefundStatus)
	assert.Equal(t, "RETURN_AMOUNT_EXCEED", r.ErrorCode)
	assert.Equal(t, "RF-1", r.OutReturnNo)
	_, err = n.Trade()
	assert.True(t, errors.Is(err, ErrMalformedNotification))
}

func TestParseForm(t *testing.T) {
	tests := []struct {
		body    string
		want    map[string]string
		errPart string
	}{
		{"a=1&b=2", map[string]string{"a": "1", "b": "2"}, ""},
		{"a=x+y%2Bz", map[string]string{"a": "x y+z"}, ""},
		{"a=&b", map[string]string{"a": "", "b": ""}, ""},
		{"&&a=1&", map[string]string{"a": "1"}, ""},
		{"a=%E5%93%88", map[string]string{"a": "哈"}, ""},
		{"a=1&a=2", nil, "more than once"},
		{"=1", nil, "empty name"},
		{"a=%", nil, "malformed value"},
		{"%=1", nil, "malformed name"},
		{"", nil, "empty form"},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			got, err := ParseForm(tt.body)
			if tt.errPart != "" {
				assert.ErrorContains(t, err, tt.errPart)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func withField(f map[string]string, k, v string) map[string]string {
	f[k] = v
	return f
}

// recutNotification returns a genuine TRADE_CLOSED notification whose
// subject holds "&trade_status=TRADE_FINISHED&x=", and the same signature
// on fields re-cut to say TRADE_FINISHED: both pre-sign strings are
// byte for byte the same.
func recutNotification(t *testing.T, c *Client) (genuine, recut string) {
	t.Helper()
	f := map[string]string{
		"notify_id": "nid1", "notify_type": "trade_status_sync", "notify_time": "2026-11-22 10:00:00",
		"out_trade_no": "ORDER-1", "subject": "Gift&trade_status=TRADE_FINISHED&x=",
		"total_fee": "9.90", "trade_no": "2026112200001", "trade_status": "TRADE_CLOSED",
	}
	genuine = signedBody(t, c, SignTypeRSA2, f)
	sig, err := c.keys.sign(SignTypeRSA2, PreSignString(f))
	require.NoError(t, err)
	cut := map[string]string{
		"notify_id": "nid1", "notify_type": "trade_status_sync", "notify_time": "2026-11-22 10:00:00",
		"out_trade_no": "ORDER-1", "subject": "Gift", "trade_status": "TRADE_FINISHED",
		"x": "&total_fee=9.90&trade_no=2026112200001&trade_status=TRADE_CLOSED",
	}
	require.Equal(t, PreSignString(f), PreSignString(cut), "the re-cut signs the same")
	v := url.Values{"sign": {sig}, "sign_type": {"RSA2"}}
	for k, s := range cut {
		v.Set(k, s)
	}
	return genuine, v.Encode()
}
