package alipay

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sessionGolden(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/session/" + name)
	require.NoError(t, err)
	return string(b)
}

func sessionIntPtr(n int) *int { return &n }

// sessionRequestFixture is the Checkout Page sample of
// testdata/session/request_checkout_page.json.
func sessionRequestFixture() *PaymentSessionRequest {
	return &PaymentSessionRequest{
		ProductCode:      ProductCodeCashierPayment,
		ProductScene:     ProductSceneCheckoutPayment,
		PaymentRequestID: "paymentRequestId01",
		Order: Order{
			ReferenceOrderID: "referenceOrderId01",
			OrderDescription: "antom testing order",
			OrderAmount:      Amount{Currency: "HKD", Value: "100"},
			Buyer:            &Buyer{ReferenceBuyerID: "yourBuyerId"},
		},
		PaymentAmount:      Amount{Currency: "HKD", Value: "100"},
		SettlementStrategy: &SettlementStrategy{SettlementCurrency: "USD"},
		PaymentRedirectURL: "https://www.yourMerchantWeb.com",
		PaymentNotifyURL:   "https://www.yourNotifyUrl.com",
		Env:                &Env{TerminalType: TerminalTypeWeb},
	}
}

// Each sample request is exactly what the SDK writes for the struct, and
// reads back into the same struct: no field renamed, added or dropped.
func TestPaymentSessionRequestGolden(t *testing.T) {
	expiry := time.Date(2023, 7, 27, 13, 0, 1, 0, time.FixedZone("", 8*3600+30*60))
	tests := []struct {
		file string
		req  *PaymentSessionRequest
	}{
		{"request_checkout_page.json", sessionRequestFixture()},
		{"request_available_payment_method.json", &PaymentSessionRequest{
			ProductCode:      ProductCodeCashierPayment,
			ProductScene:     ProductSceneCheckoutPayment,
			PaymentRequestID: "paymentRequestId02",
			Order: Order{
				ReferenceOrderID: "referenceOrderId02",
				OrderDescription: "antom testing order",
				OrderAmount:      Amount{Currency: "HKD", Value: "100"},
			},
			PaymentAmount:               Amount{Currency: "HKD", Value: "100"},
			SettlementStrategy:          &SettlementStrategy{SettlementCurrency: "USD"},
			PaymentRedirectURL:          "https://www.yourMerchantWeb.com",
			PaymentSessionExpiryTime:    expiry,
			AllowedPaymentMethodRegions: []string{"HK", "GLOBAL"},
			AvailablePaymentMethod: &AvailablePaymentMethod{PaymentMethodTypeList: []PaymentMethodTypeItem{
				{PaymentMethodType: PaymentMethodTypeAlipayCN, PaymentMethodOrder: sessionIntPtr(0), ExpressCheckout: true},
				{PaymentMethodType: PaymentMethodTypeCard, PaymentMethodOrder: sessionIntPtr(1)},
			}},
			Locale: "en_US",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			want := sessionGolden(t, tt.file)
			require.NoError(t, tt.req.validate(), "the sample is a valid request")
			got, err := json.Marshal(tt.req)
			require.NoError(t, err)
			assert.JSONEq(t, want, string(got))

			var back PaymentSessionRequest
			require.NoError(t, json.Unmarshal([]byte(want), &back))
			again, err := json.Marshal(&back)
			require.NoError(t, err)
			assert.JSONEq(t, want, string(again))
		})
	}
}

// Zero values the caller chose are sent, and optional fields left unset are
// not: paymentMethodOrder 0 (which Antom's Go SDK cannot send) reaches the
// wire, an unset order and unset times do not.
func TestPaymentSessionRequestZeroValues(t *testing.T) {
	r := sessionRequestFixture()
	r.AvailablePaymentMethod = &AvailablePaymentMethod{PaymentMethodTypeList: []PaymentMethodTypeItem{
		{PaymentMethodType: PaymentMethodTypeAlipayHK, PaymentMethodOrder: sessionIntPtr(0)},
		{PaymentMethodType: PaymentMethodTypeCard},
	}}
	got, err := json.Marshal(r)
	require.NoError(t, err)
	var m struct {
		AvailablePaymentMethod struct {
			PaymentMethodTypeList []map[string]any `json:"paymentMethodTypeList"`
		} `json:"availablePaymentMethod"`
	}
	require.NoError(t, json.Unmarshal(got, &m))
	require.Len(t, m.AvailablePaymentMethod.PaymentMethodTypeList, 2)
	assert.Equal(t, map[string]any{"paymentMethodType": "ALIPAY_HK", "paymentMethodOrder": float64(0)}, m.AvailablePaymentMethod.PaymentMethodTypeList[0])
	assert.Equal(t, map[string]any{"paymentMethodType": "CARD"}, m.AvailablePaymentMethod.PaymentMethodTypeList[1])
	assert.NotContains(t, string(got), "ExpiryTime")
	assert.NotContains(t, string(got), "enableInstallmentCollection")
}

func TestPaymentSessionResponseGolden(t *testing.T) {
	raw := sessionGolden(t, "response_success.json")
	var got PaymentSessionResponse
	require.NoError(t, json.Unmarshal([]byte(raw), &got))
	assert.Equal(t, Result{ResultCode: ResultCodeSuccess, ResultStatus: ResultStatusSuccess, ResultMessage: "success."}, got.Result)
	assert.True(t, strings.HasPrefix(got.PaymentSessionData, "UNvjVWnWPXJA4BgW+"), got.PaymentSessionData)
	assert.True(t, strings.HasSuffix(got.PaymentSessionData, "==&&SG&&111"), "session data is opaque and kept whole")
	assert.Equal(t, "UNvjVWnWPXJA4BgW+vfjsQj7PbOraafHY19X+6EqMz6Kvvmsdk+akdLvoShW5avHX8e8J15P8uNVEf/PcCMyXg==", got.PaymentSessionID)
	assert.True(t, got.PaymentSessionExpiryTime.Equal(time.Date(2023, 7, 27, 4, 30, 1, 0, time.UTC)), got.PaymentSessionExpiryTime)
	assert.Equal(t, "https://checkout.antom.com/checkout-page/pages/payment/index.html?sessionData=UNvjVWnWPXJA4BgW", got.NormalURL)

	// Every field of the sample lands in the struct: written back, the
	// response holds the same JSON.
	back, err := json.Marshal(got)
	require.NoError(t, err)
	assert.JSONEq(t, raw, string(back))
}

func TestPaymentSessionValidation(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	req := func(edit func(r *PaymentSessionRequest)) *PaymentSessionRequest {
		r := sessionRequestFixture()
		edit(r)
		return r
	}
	tests := []struct {
		name      string
		req       *PaymentSessionRequest
		wantField string // empty: valid
	}{
		{"ok sample", req(func(*PaymentSessionRequest) {}), ""},
		{"ok element, no env", req(func(r *PaymentSessionRequest) { r.ProductScene = ProductSceneElementPayment; r.Env = nil }), ""},
		{"ok agreement payment", req(func(r *PaymentSessionRequest) { r.ProductCode = ProductCodeAgreementPayment }), ""},
		{"ok method with metadata only", req(func(r *PaymentSessionRequest) {
			r.PaymentMethod = &PaymentMethod{PaymentMethodMetaData: map[string]any{"is3DSAuthentication": "true"}}
		}), ""},
		{"ok regions", req(func(r *PaymentSessionRequest) { r.AllowedPaymentMethodRegions = []string{"HK", "GLOBAL"} }), ""},
		{"ok order zero", req(func(r *PaymentSessionRequest) {
			r.AvailablePaymentMethod = &AvailablePaymentMethod{PaymentMethodTypeList: []PaymentMethodTypeItem{{PaymentMethodType: "CARD", PaymentMethodOrder: sessionIntPtr(0)}}}
		}), ""},
		{"nil request", nil, "request"},
		{"bad product code", req(func(r *PaymentSessionRequest) { r.ProductCode = "CASHIER" }), "productCode"},
		{"long product scene", req(func(r *PaymentSessionRequest) { r.ProductScene = ProductScene(long(33)) }), "productScene"},
		{"no request id", req(func(r *PaymentSessionRequest) { r.PaymentRequestID = "" }), "paymentRequestId"},
		{"65-char request id", req(func(r *PaymentSessionRequest) { r.PaymentRequestID = long(65) }), "paymentRequestId"},
		{"no reference order id", req(func(r *PaymentSessionRequest) { r.Order.ReferenceOrderID = "" }), "order.referenceOrderId"},
		{"no order description", req(func(r *PaymentSessionRequest) { r.Order.OrderDescription = "" }), "order.orderDescription"},
		{"no order amount", req(func(r *PaymentSessionRequest) { r.Order.OrderAmount = Amount{} }), "order.orderAmount.currency"},
		{"bad goods amount", req(func(r *PaymentSessionRequest) { r.Order.Goods = []Goods{{GoodsUnitAmount: &Amount{Currency: "HKD"}}} }), "order.goods[0].goodsUnitAmount.value"},
		{"zero amount", req(func(r *PaymentSessionRequest) { r.PaymentAmount.Value = "0" }), "paymentAmount.value"},
		{"no settlement strategy", req(func(r *PaymentSessionRequest) { r.SettlementStrategy = nil }), "settlementStrategy.settlementCurrency"},
		{"empty settlement currency", req(func(r *PaymentSessionRequest) { r.SettlementStrategy = &SettlementStrategy{} }), "settlementStrategy.settlementCurrency"},
		{"bad settlement currency", req(func(r *PaymentSessionRequest) { r.SettlementStrategy.SettlementCurrency = "usd" }), "settlementStrategy.settlementCurrency"},
		{"no redirect url", req(func(r *PaymentSessionRequest) { r.PaymentRedirectURL = "" }), "paymentRedirectUrl"},
		{"long redirect url", req(func(r *PaymentSessionRequest) { r.PaymentRedirectURL = long(2049) }), "paymentRedirectUrl"},
		{"long notify url", req(func(r *PaymentSessionRequest) { r.PaymentNotifyURL = long(2049) }), "paymentNotifyUrl"},
		{"http notify url", req(func(r *PaymentSessionRequest) { r.PaymentNotifyURL = "http://shop.example/alipay/notify" }), "paymentNotifyUrl"},
		{"long method type", req(func(r *PaymentSessionRequest) {
			r.PaymentMethod = &PaymentMethod{PaymentMethodType: PaymentMethodType(long(65))}
		}), "paymentMethod.paymentMethodType"},
		{"long merchant region", req(func(r *PaymentSessionRequest) { r.MerchantRegion = "HKG" }), "merchantRegion"},
		{"long user region", req(func(r *PaymentSessionRequest) { r.UserRegion = "HKG" }), "userRegion"},
		{"long merchant account", req(func(r *PaymentSessionRequest) { r.MerchantAccountID = long(33) }), "merchantAccountId"},
		{"long locale", req(func(r *PaymentSessionRequest) { r.Locale = long(9) }), "locale"},
		{"bad processing amount", req(func(r *PaymentSessionRequest) { r.ProcessingAmount = &Amount{Currency: "HKD"} }), "processingAmount.value"},
		{"env without terminal", req(func(r *PaymentSessionRequest) { r.Env = &Env{ClientIP: "1.2.3.4"} }), "env.terminalType"},
		{"WAP env without os", req(func(r *PaymentSessionRequest) { r.Env = &Env{TerminalType: TerminalTypeWAP} }), "env.osType"},
		{"bad region", req(func(r *PaymentSessionRequest) { r.AllowedPaymentMethodRegions = []string{"HK", "hk"} }), "allowedPaymentMethodRegions[1]"},
		{"method item without type", req(func(r *PaymentSessionRequest) {
			r.AvailablePaymentMethod = &AvailablePaymentMethod{PaymentMethodTypeList: []PaymentMethodTypeItem{{PaymentMethodType: "CARD"}, {}}}
		}), "availablePaymentMethod.paymentMethodTypeList[1].paymentMethodType"},
		{"negative method order", req(func(r *PaymentSessionRequest) {
			r.AvailablePaymentMethod = &AvailablePaymentMethod{PaymentMethodTypeList: []PaymentMethodTypeItem{{PaymentMethodType: "CARD", PaymentMethodOrder: sessionIntPtr(-1)}}}
		}), "availablePaymentMethod.paymentMethodTypeList[0].paymentMethodOrder"},
		{"long saved method id", req(func(r *PaymentSessionRequest) {
			r.SavedPaymentMethods = []PaymentMethod{{PaymentMethodType: "CARD"}, {PaymentMethodType: "CARD", PaymentMethodID: long(129)}}
		}), "savedPaymentMethods[1].paymentMethodId"},
		{"payment expires before session", req(func(r *PaymentSessionRequest) {
			r.PaymentSessionExpiryTime = time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
			r.PaymentExpiryTime = r.PaymentSessionExpiryTime.Add(-time.Minute)
		}), "paymentExpiryTime"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.req.validate()
			if tt.wantField == "" {
				require.NoError(t, err)
				return
			}
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.wantField, ve.Field, ve.Reason)
		})
	}
}

// Validation fills in the product code a One-time session uses.
func TestPaymentSessionDefaultsProductCode(t *testing.T) {
	r := sessionRequestFixture()
	r.ProductCode = ""
	require.NoError(t, r.validate())
	assert.Equal(t, ProductCodeCashierPayment, r.ProductCode)
}

// CreatePaymentSession goes through the one pipeline to the production
// path: signed request, verified answer, F and U classified as for every
// other call, and a refused request never sent.
func TestCreatePaymentSessionRoundTrip(t *testing.T) {
	t.Run("S", func(t *testing.T) {
		fake := newFakeAntom(t)
		fake.reply(sessionGolden(t, "response_success.json"))
		resp, err := fake.client(t).CreatePaymentSession(context.Background(), sessionRequestFixture())
		require.NoError(t, err)
		assert.Equal(t, ResultCodeSuccess, resp.Result.ResultCode)
		assert.NotEmpty(t, resp.NormalURL)
		assert.NotEmpty(t, resp.PaymentSessionData)

		calls := fake.received()
		require.Len(t, calls, 1)
		assert.Equal(t, http.MethodPost, calls[0].Method)
		assert.Equal(t, "/ams/api/v1/payments/createPaymentSession", calls[0].URI)
		assert.True(t, calls[0].SignatureOK)
		assert.JSONEq(t, sessionGolden(t, "request_checkout_page.json"), calls[0].Body)
	})
	t.Run("F", func(t *testing.T) {
		fake := newFakeAntom(t)
		fake.reply(`{"result":{"resultCode":"PARAM_ILLEGAL","resultStatus":"F","resultMessage":"Illegal parameters."}}`)
		resp, err := fake.client(t).CreatePaymentSession(context.Background(), sessionRequestFixture())
		assert.Nil(t, resp)
		var e *Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, ResultCodeParamIllegal, e.Result.ResultCode)
		assert.False(t, IsUnknown(err))
		assert.Equal(t, "paymentRequestId01", e.RequestID)
		assert.Equal(t, "createPaymentSession", e.API)
		assert.Equal(t, "/ams/api/v1/payments/createPaymentSession", e.Path)
	})
	t.Run("U", func(t *testing.T) {
		fake := newFakeAntom(t)
		fake.reply(`{"result":{"resultCode":"UNKNOWN_EXCEPTION","resultStatus":"U","resultMessage":"unknown"}}`)
		resp, err := fake.client(t).CreatePaymentSession(context.Background(), sessionRequestFixture())
		assert.Nil(t, resp)
		assert.True(t, IsUnknown(err))
	})
	t.Run("unsigned S", func(t *testing.T) {
		fake := newFakeAntom(t)
		fake.replyWith(fakeAntomReply{body: sessionGolden(t, "response_success.json"), unsigned: true})
		resp, err := fake.client(t).CreatePaymentSession(context.Background(), sessionRequestFixture())
		assert.Nil(t, resp, "an unsigned session must not reach the buyer")
		require.Error(t, err)
	})
	t.Run("invalid", func(t *testing.T) {
		fake := newFakeAntom(t)
		r := sessionRequestFixture()
		r.SettlementStrategy = nil
		_, err := fake.client(t).CreatePaymentSession(context.Background(), r)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Empty(t, fake.received(), "nothing is sent")
	})
	t.Run("sandbox path", func(t *testing.T) {
		fake := newFakeAntom(t)
		fake.reply(sessionGolden(t, "response_success.json"))
		_, err := fake.client(t, WithSandbox(true)).CreatePaymentSession(context.Background(), sessionRequestFixture())
		require.NoError(t, err)
		require.Len(t, fake.received(), 1)
		assert.Equal(t, "/ams/sandbox/api/v1/payments/createPaymentSession", fake.received()[0].URI)
	})
}
