package mapi

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func validOrder() *AppOrder {
	return &AppOrder{
		OutTradeNo: "ORDER-1",
		Subject:    "Coffee",
		Currency:   "USD",
		TotalFee:   "9.9",
		NotifyURL:  "https://merchant.example/alipay/notify",
	}
}

func TestAppOrderString(t *testing.T) {
	c := testKeysClient(t, WithSellerID("seller@example.com"))
	s, err := c.AppOrderString(validOrder())
	require.NoError(t, err)
	pairs, err := ParseQuotedParams(s)
	require.NoError(t, err)
	got := map[string]string{}
	var names []string
	for _, p := range pairs {
		got[p.Name] = p.Value
		names = append(names, p.Name)
	}
	assert.Equal(t, map[string]string{
		"_input_charset": "UTF-8", "currency": "USD", "forex_biz": "FP",
		"notify_url": "https://merchant.example/alipay/notify", "out_trade_no": "ORDER-1",
		"partner": sandboxPID, "payment_type": "1", "product_code": "NEW_WAP_OVERSEAS_SELLER",
		"seller_id": "seller@example.com", "service": "mobile.securitypay.pay", "subject": "Coffee",
		"total_fee": "9.90", "sign": got["sign"], "sign_type": "RSA",
	}, got)
	assert.Equal(t, []string{"sign", "sign_type"}, names[len(names)-2:], "sign and sign_type come last")
	assert.IsNonDecreasing(t, names[:len(names)-2], "the signed pairs are sorted")
}

func TestAppOrderSignTypeRSA2(t *testing.T) {
	c := testKeysClient(t, WithAppOrderSignType(SignTypeRSA2))
	s, err := c.AppOrderString(validOrder())
	require.NoError(t, err)
	assert.True(t, strings.HasSuffix(s, `&sign_type="RSA2"`))
	_, err = NewClient(sandboxPID, WithMD5Key("k"), WithSignType(SignTypeMD5), WithAppOrderSignType(SignTypeMD5))
	assert.ErrorContains(t, err, "RSA or RSA2 only")
}

func TestAppOrderValidation(t *testing.T) {
	c := testKeysClient(t)
	tests := []struct {
		name   string
		modify func(o *AppOrder)
		field  string
		reason string
	}{
		{"nil", nil, "order", "nil"},
		{"no out_trade_no", func(o *AppOrder) { o.OutTradeNo = "" }, "out_trade_no", "required"},
		{"long out_trade_no", func(o *AppOrder) { o.OutTradeNo = strings.Repeat("x", 65) }, "out_trade_no", "at most 64"},
		{"no subject", func(o *AppOrder) { o.Subject = "" }, "subject", "required"},
		{"long subject", func(o *AppOrder) { o.Subject = strings.Repeat("字", 257) }, "subject", "at most 256"},
		{"long body", func(o *AppOrder) { o.Body = strings.Repeat("x", 513) }, "body", "at most 512"},
		{"neither fee", func(o *AppOrder) { o.TotalFee = "" }, "total_fee", "both are empty"},
		{"both fees", func(o *AppOrder) { o.RMBFee = "10" }, "rmb_fee", "both are set"},
		{"no currency", func(o *AppOrder) { o.Currency = "" }, "currency", "required"},
		{"CNY currency", func(o *AppOrder) { o.Currency = "CNY" }, "currency", "cannot be CNY"},
		{"lower-case currency", func(o *AppOrder) { o.Currency = "usd" }, "currency", "upper-case"},
		{"unknown currency", func(o *AppOrder) { o.Currency = "ZZZ" }, "total_fee", "not an ISO 4217"},
		{"float-ish fee", func(o *AppOrder) { o.TotalFee = "1e3" }, "total_fee", "malformed"},
		{"excess precision", func(o *AppOrder) { o.TotalFee = "1.005" }, "total_fee", "3 decimal places"},
		{"JPY decimals", func(o *AppOrder) { o.Currency, o.TotalFee = "JPY", "100.5" }, "total_fee", "the currency has 0"},
		{"zero", func(o *AppOrder) { o.TotalFee = "0.00" }, "total_fee", "outside"},
		{"too large", func(o *AppOrder) { o.TotalFee = "1000000.01" }, "total_fee", "outside"},
		{"forex_biz", func(o *AppOrder) { o.ForexBiz = "XX" }, "forex_biz", `must be "FP"`},
		{"product_code", func(o *AppOrder) { o.ProductCode = "NEW_OVERSEAS_SELLER" }, "product_code", "NEW_WAP_OVERSEAS_SELLER"},
		{"it_b_pay unit", func(o *AppOrder) { o.ItBPay = "30s" }, "it_b_pay", "unit m, h or d"},
		{"it_b_pay fraction", func(o *AppOrder) { o.ItBPay = "1.5h" }, "it_b_pay", "integer"},
		{"it_b_pay zero", func(o *AppOrder) { o.ItBPay = "0m" }, "it_b_pay", `"0m" is not an integer`},
		{"it_b_pay too long", func(o *AppOrder) { o.ItBPay = "16d" }, "it_b_pay", "15d"},
		{"it_b_pay hours too long", func(o *AppOrder) { o.ItBPay = "361h" }, "it_b_pay", "15d"},
		{"notify_url relative", func(o *AppOrder) { o.NotifyURL = "/notify" }, "notify_url", "absolute"},
		{"notify_url query", func(o *AppOrder) { o.NotifyURL = "https://m.example/n?id=1" }, "notify_url", "no custom parameters"},
		{"notify_url long", func(o *AppOrder) { o.NotifyURL = "https://m.example/" + strings.Repeat("a", 190) }, "notify_url", "at most 200"},
		{"return_url relative", func(o *AppOrder) { o.ReturnURL = "back" }, "return_url", "absolute"},
		{"quote in subject", func(o *AppOrder) { o.Subject = `say "hi"` }, "subject", "double quote"},
		{"re-cut pair in subject", func(o *AppOrder) { o.Subject = "x&total_fee=0.01" }, "subject", "'&'"},
		{"key in subject", func(o *AppOrder) { o.Subject = "x total_fee=0.01" }, "subject", `"total_fee="`},
		{"ampersand in subject", func(o *AppOrder) { o.Subject = "Salt & Pepper" }, "subject", "'&'"},
		{"ampersand in JSON", func(o *AppOrder) {
			o.TradeInformation = &TradeInformation{BusinessType: "5", OtherBusinessType: "a&b"}
		}, "trade_information", "'&'"},
		{"quote in body", func(o *AppOrder) { o.Body = `say "hi"` }, "body", "double quote"},
		{"line break", func(o *AppOrder) { o.Body = "a\nb" }, "body", "line break"},
		{"invalid UTF-8", func(o *AppOrder) { o.Subject = "\xff" }, "subject", "UTF-8"},
		{"long payment_type", func(o *AppOrder) { o.PaymentType = "12345" }, "payment_type", "4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var o *AppOrder
			if tt.modify != nil {
				o = validOrder()
				tt.modify(o)
			}
			_, err := c.AppOrderString(o)
			var ve *ValidationError
			require.True(t, errors.As(err, &ve), "got %v", err)
			assert.Equal(t, tt.field, ve.Field)
			assert.Contains(t, ve.Reason, tt.reason)
		})
	}
}

func TestAppOrderAccepts(t *testing.T) {
	c := testKeysClient(t)
	tests := []struct {
		name   string
		modify func(o *AppOrder)
		key    string
		want   string
	}{
		{"JPY integer", func(o *AppOrder) { o.Currency, o.TotalFee = "JPY", "100" }, "total_fee", "100"},
		{"JPY trailing zeros", func(o *AppOrder) { o.Currency, o.TotalFee = "JPY", "100.00" }, "total_fee", "100"},
		{"KRW", func(o *AppOrder) { o.Currency, o.TotalFee = "KRW", "15000" }, "total_fee", "15000"},
		{"KWD capped at two decimals", func(o *AppOrder) { o.Currency, o.TotalFee = "KWD", "1.250" }, "total_fee", "1.25"},
		{"rmb_fee", func(o *AppOrder) { o.TotalFee, o.RMBFee = "", "70" }, "rmb_fee", "70.00"},
		{"it_b_pay 1c", func(o *AppOrder) { o.ItBPay = "1c" }, "it_b_pay", "1c"},
		{"it_b_pay 15d", func(o *AppOrder) { o.ItBPay = "15d" }, "it_b_pay", "15d"},
		{"it_b_pay 90m", func(o *AppOrder) { o.ItBPay = "90m" }, "it_b_pay", "90m"},
		{"word containing a key", func(o *AppOrder) { o.Subject = "design=modern" }, "subject", "design=modern"},
		{"appenv", func(o *AppOrder) { o.AppEnv = "system=ios^version=1.0" }, "appenv", "system=ios^version=1.0"},
		{"no notify_url", func(o *AppOrder) { o.NotifyURL = "" }, "notify_url", ""},
		{"trade_information JSON", func(o *AppOrder) {
			o.TradeInformation = &TradeInformation{BusinessType: "5", OtherBusinessType: "充值<top-up>"}
		}, "trade_information", `{"business_type":"5","other_business_type":"充值<top-up>"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := validOrder()
			tt.modify(o)
			s, err := c.AppOrderString(o)
			require.NoError(t, err)
			pairs, err := ParseQuotedParams(s)
			require.NoError(t, err)
			got := ""
			for _, p := range pairs {
				if p.Name == tt.key {
					got = p.Value
				}
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestFormatFee(t *testing.T) {
	tests := []struct {
		decimal, currency, want, errPart string
	}{
		{"0.01", "USD", "0.01", ""},
		{"10", "USD", "10.00", ""},
		{"10.5", "USD", "10.50", ""},
		{"10.500", "USD", "10.50", ""},
		{"1000000", "USD", "1000000.00", ""},
		{"1000000.01", "USD", "", "outside"},
		{"0.001", "USD", "", "decimal places"},
		{"0", "USD", "", "outside"},
		{"-1", "USD", "", "outside"},
		{"100", "JPY", "100", ""},
		{"1", "JPY", "1", ""},
		{"100.0", "JPY", "100", ""},
		{"100.1", "JPY", "", "decimal places"},
		{"1000000", "KRW", "1000000", ""},
		{"1.235", "BHD", "", "more than 2 decimal places"},
		{"1.230", "BHD", "1.23", ""},
		{"1.5000", "CLF", "1.50", ""},
		{"12,00", "USD", "", "malformed"},
		{" 1", "USD", "", "malformed"},
		{"", "USD", "", "malformed"},
		{"1", "usd", "", "malformed currency"},
		{"1", "XAU", "", "no minor unit"},
		{"1", "ABC", "", "not an ISO 4217"},
	}
	for _, tt := range tests {
		t.Run(tt.decimal+" "+tt.currency, func(t *testing.T) {
			got, err := FormatFee("total_fee", tt.decimal, tt.currency)
			if tt.errPart != "" {
				var ve *ValidationError
				require.True(t, errors.As(err, &ve), "got %v", err)
				assert.Equal(t, "total_fee", ve.Field)
				assert.Contains(t, ve.Reason, tt.errPart)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
