package alipaytest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/alipaytest"
)

// extraPay is a pay request for method in currency with the given
// paymentMethodMetaData.
func extraPay(id, method, currency string, meta map[string]any) *alipay.PayRequest {
	amt := alipay.Amount{Currency: currency, Value: "4900"}
	req := payRequest(id, webEnv)
	req.PaymentAmount, req.Order.OrderAmount = amt, amt
	req.PaymentMethod = alipay.PaymentMethod{PaymentMethodType: alipay.PaymentMethodType(method), PaymentMethodMetaData: meta}
	return req
}

// pay validates BLIK's blikCode, P24's payerEmail and IDEAL's
// bankIdentifierCode when they are given, and names the key it refuses.
func TestPayExtraInformation(t *testing.T) {
	srv := alipaytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	tests := []struct {
		name, method, currency string
		meta                   map[string]any
		refused                string // the field PARAM_ILLEGAL names; "" when pay accepts
		want                   map[string]string
	}{
		{"blik", "BLIK", "PLN", map[string]any{"blikCode": "777123"}, "", map[string]string{"blikCode": "777123"}},
		{"blik absent", "BLIK", "PLN", nil, "", map[string]string{}},
		{"blik 5 digits", "BLIK", "PLN", map[string]any{"blikCode": "12345"}, "paymentMethod.paymentMethodMetaData.blikCode", nil},
		{"blik 7 digits", "BLIK", "PLN", map[string]any{"blikCode": "1234567"}, "paymentMethod.paymentMethodMetaData.blikCode", nil},
		{"blik letters", "BLIK", "PLN", map[string]any{"blikCode": "12345a"}, "paymentMethod.paymentMethodMetaData.blikCode", nil},
		{"blik non-ASCII digits", "BLIK", "PLN", map[string]any{"blikCode": "١٢٣٤٥٦"}, "paymentMethod.paymentMethodMetaData.blikCode", nil},
		{"blik number", "BLIK", "PLN", map[string]any{"blikCode": 123456}, "paymentMethod.paymentMethodMetaData.blikCode", nil},
		{"blik empty", "BLIK", "PLN", map[string]any{"blikCode": ""}, "paymentMethod.paymentMethodMetaData.blikCode", nil},
		{"blik other keys ignored", "BLIK", "PLN", map[string]any{"payerEmail": "not an address"}, "", map[string]string{}},
		{"p24 PLN", "P24", "PLN", map[string]any{"payerEmail": "jan@example.pl"}, "", map[string]string{"payerEmail": "jan@example.pl"}},
		{"p24 EUR", "P24", "EUR", map[string]any{"payerEmail": "jan@example.pl"}, "", map[string]string{"payerEmail": "jan@example.pl"}},
		{"p24 display name", "P24", "PLN", map[string]any{"payerEmail": "Jan <jan@example.pl>"}, "paymentMethod.paymentMethodMetaData.payerEmail", nil},
		{"p24 no at", "P24", "PLN", map[string]any{"payerEmail": "jan"}, "paymentMethod.paymentMethodMetaData.payerEmail", nil},
		{"p24 too long", "P24", "PLN", map[string]any{"payerEmail": strings.Repeat("a", 250) + "@b.pl"}, "paymentMethod.paymentMethodMetaData.payerEmail", nil},
		{"ideal", "IDEAL", "EUR", map[string]any{"bankIdentifierCode": "ABNANL2A"}, "", map[string]string{"bankIdentifierCode": "ABNANL2A"}},
		{"ideal unknown bank", "IDEAL", "EUR", map[string]any{"bankIdentifierCode": "EVILNL2A"}, "paymentMethod.paymentMethodMetaData.bankIdentifierCode", nil},
		{"ideal not a BIC", "IDEAL", "EUR", map[string]any{"bankIdentifierCode": "abn amro"}, "paymentMethod.paymentMethodMetaData.bankIdentifierCode", nil},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := "extra-" + string(rune('a'+i))
			resp, err := c.Pay(context.Background(), extraPay(id, tt.method, tt.currency, tt.meta))
			if tt.refused != "" {
				var e *alipay.Error
				require.True(t, errors.As(err, &e), "%v", err)
				assert.Equal(t, alipay.ResultStatusFail, e.Result.ResultStatus)
				assert.Equal(t, "PARAM_ILLEGAL", string(e.Result.ResultCode))
				assert.Contains(t, e.Result.ResultMessage, tt.refused)
				_, ok := srv.PaymentStatus(id)
				assert.False(t, ok, "no payment was made")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, alipay.ResultCodePaymentInProcess, resp.Result.ResultCode)
			meta, fromPay := srv.PaymentMethodMetaData(id)
			assert.Equal(t, tt.want, meta)
			assert.Equal(t, len(tt.want) > 0, fromPay)
		})
	}
}

// The methods are offered by consult for their currencies, on WEB and WAP.
func TestConsultOffersBankMethods(t *testing.T) {
	srv := alipaytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	enabled := func(currency string, env alipay.Env) map[alipay.PaymentMethodType]alipay.PaymentOption {
		r, err := c.Consult(context.Background(), &alipay.ConsultRequest{PaymentAmount: alipay.Amount{Currency: currency, Value: "4900"}, Env: env})
		require.NoError(t, err)
		out := map[alipay.PaymentMethodType]alipay.PaymentOption{}
		for _, o := range r.PaymentOptions {
			out[o.PaymentMethodType] = o
		}
		return out
	}
	wap := alipay.Env{TerminalType: alipay.TerminalTypeWAP, OSType: alipay.OSTypeAndroid}
	app := alipay.Env{TerminalType: alipay.TerminalTypeApp, OSType: alipay.OSTypeAndroid}
	for _, tt := range []struct {
		currency string
		env      alipay.Env
		on, off  []alipay.PaymentMethodType
	}{
		{"PLN", webEnv, []alipay.PaymentMethodType{"BLIK", "P24"}, []alipay.PaymentMethodType{"IDEAL", "SOFORT", "ALIPAY_CN"}},
		{"PLN", wap, []alipay.PaymentMethodType{"BLIK", "P24"}, []alipay.PaymentMethodType{"IDEAL"}},
		{"EUR", webEnv, []alipay.PaymentMethodType{"P24", "IDEAL", "SOFORT"}, []alipay.PaymentMethodType{"BLIK"}},
	} {
		got := enabled(tt.currency, tt.env)
		for _, m := range tt.on {
			assert.True(t, got[m].Enabled, "%s in %s on %s", m, tt.currency, tt.env.TerminalType)
			assert.Equal(t, alipay.PaymentMethodCategory("ONLINE_BANKING"), got[m].PaymentMethodCategory, "%s", m)
		}
		for _, m := range tt.off {
			assert.False(t, got[m].Enabled, "%s in %s on %s", m, tt.currency, tt.env.TerminalType)
		}
	}
	for _, m := range []alipay.PaymentMethodType{"BLIK", "P24", "IDEAL"} {
		assert.NotContains(t, enabled("PLN", app), m, "no APP flow")
	}
	_, err := c.Pay(context.Background(), extraPay("blik-eur", "BLIK", "EUR", nil))
	var e *alipay.Error
	require.True(t, errors.As(err, &e), "%v", err)
	assert.Equal(t, "CURRENCY_NOT_SUPPORT", string(e.Result.ResultCode))
}

// Without the extra information in pay, the cashier page asks for it, as
// Antom's default page does, and will not pay until it is valid.
func TestCashierCollectsExtraInformation(t *testing.T) {
	srv := alipaytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(u string) string {
		resp, err := http.Get(u)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return string(b)
	}
	post := func(u string, form url.Values) (int, string) {
		resp, err := noFollow.PostForm(u, form)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(b)
	}

	for _, tt := range []struct {
		method, currency, field, bad, good string
	}{
		{"BLIK", "PLN", `<input name="extra" id="extra" type="text" inputmode="numeric"`, "12 456", "654321"},
		{"P24", "PLN", `<input name="extra" id="extra" type="email"`, "jan", "jan@example.pl"},
		{"IDEAL", "EUR", `<option value="INGBNL2A">ING</option>`, "EVILNL2A", "INGBNL2A"},
	} {
		id := "cashier-" + tt.method
		resp, err := c.Pay(context.Background(), extraPay(id, tt.method, tt.currency, nil))
		require.NoError(t, err)
		assert.Contains(t, get(resp.NormalURL), tt.field, tt.method)

		code, page := post(resp.NormalURL, url.Values{"action": {"pay"}, "extra": {tt.bad}})
		assert.Equal(t, http.StatusUnprocessableEntity, code, tt.method)
		assert.Contains(t, page, `id="error"`, tt.method)
		assert.Contains(t, page, tt.field, "%s: still asks", tt.method)
		st, _ := srv.PaymentStatus(id)
		assert.Equal(t, alipaytest.StatusProcessing, st, "%s: a bad value pays nothing", tt.method)
		code, _ = post(resp.NormalURL, url.Values{"action": {"pay"}})
		assert.Equal(t, http.StatusUnprocessableEntity, code, "%s: nothing typed", tt.method)

		code, _ = post(resp.NormalURL, url.Values{"action": {"pay"}, "extra": {tt.good}})
		assert.Equal(t, http.StatusSeeOther, code, tt.method)
		st, _ = srv.PaymentStatus(id)
		assert.Equal(t, alipaytest.StatusSuccess, st, tt.method)
		meta, fromPay := srv.PaymentMethodMetaData(id)
		assert.Len(t, meta, 1)
		assert.Contains(t, []string{tt.good}, firstValue(meta), tt.method)
		assert.False(t, fromPay, "%s: typed on the cashier page", tt.method)
	}

	// Given in pay, the page does not ask again.
	resp, err := c.Pay(context.Background(), extraPay("cashier-given", "BLIK", "PLN", map[string]any{"blikCode": "777123"}))
	require.NoError(t, err)
	assert.NotContains(t, get(resp.NormalURL), `name="extra"`)
	code, _ := post(resp.NormalURL, url.Values{"action": {"pay"}})
	assert.Equal(t, http.StatusSeeOther, code)
	// Declining needs nothing.
	resp, err = c.Pay(context.Background(), extraPay("cashier-decline", "BLIK", "PLN", nil))
	require.NoError(t, err)
	code, _ = post(resp.NormalURL, url.Values{"action": {"decline"}})
	assert.Equal(t, http.StatusSeeOther, code)
	st, _ := srv.PaymentStatus("cashier-decline")
	assert.Equal(t, alipaytest.StatusFail, st)
}

func firstValue(m map[string]string) string {
	for _, v := range m {
		return v
	}
	return ""
}
