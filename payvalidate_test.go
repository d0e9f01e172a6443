package alipay

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// validator is a request with the validate method Do calls.
type validator interface{ validate() error }

func TestRequestValidation(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	pay := func(edit func(r *PayRequest)) validator {
		r := payRequestFixture()
		edit(r)
		return r
	}
	consult := func(edit func(r *ConsultRequest)) validator {
		r := &ConsultRequest{PaymentAmount: Amount{Currency: "USD", Value: "100"}, Env: Env{TerminalType: TerminalTypeWeb}}
		edit(r)
		return r
	}
	refund := func(edit func(r *RefundRequest)) validator {
		r := &RefundRequest{RefundRequestID: "refund-1", PaymentID: "p-1", RefundAmount: Amount{Currency: "USD", Value: "100"}}
		edit(r)
		return r
	}
	capture := func(edit func(r *CaptureRequest)) validator {
		r := &CaptureRequest{CaptureRequestID: "capture-1", PaymentID: "p-1", CaptureAmount: Amount{Currency: "USD", Value: "100"}}
		edit(r)
		return r
	}
	tests := []struct {
		name      string
		req       validator
		wantField string // empty: valid
	}{
		{"pay ok WEB", pay(func(*PayRequest) {}), ""},
		{"pay ok WAP iOS", pay(func(r *PayRequest) { r.Env = Env{TerminalType: TerminalTypeWAP, OSType: OSTypeIOS} }), ""},
		{"pay ok APP Android", pay(func(r *PayRequest) { r.Env = Env{TerminalType: TerminalTypeApp, OSType: OSTypeAndroid} }), ""},
		{"pay ok MINI_APP", pay(func(r *PayRequest) { r.Env = Env{TerminalType: TerminalTypeMiniApp}; r.AppID = "app-1" }), ""},
		{"pay ok 64-char id", pay(func(r *PayRequest) { r.PaymentRequestID = long(64) }), ""},
		{"pay ok 64 multibyte characters", pay(func(r *PayRequest) { r.PaymentRequestID = strings.Repeat("é", 64) }), ""},
		{"pay ok other product", pay(func(r *PayRequest) { r.ProductCode = "AGREEMENT_PAYMENT" }), ""},
		{"pay no request id", pay(func(r *PayRequest) { r.PaymentRequestID = "" }), "paymentRequestId"},
		{"pay 65-char id", pay(func(r *PayRequest) { r.PaymentRequestID = long(65) }), "paymentRequestId"},
		{"pay no order amount", pay(func(r *PayRequest) { r.Order.OrderAmount = Amount{} }), "order.orderAmount.currency"},
		{"pay zero order amount", pay(func(r *PayRequest) { r.Order.OrderAmount.Value = "0" }), "order.orderAmount.value"},
		{"pay no order description", pay(func(r *PayRequest) { r.Order.OrderDescription = "" }), "order.orderDescription"},
		{"pay long order description", pay(func(r *PayRequest) { r.Order.OrderDescription = long(257) }), "order.orderDescription"},
		{"pay long reference order id", pay(func(r *PayRequest) { r.Order.ReferenceOrderID = long(65) }), "order.referenceOrderId"},
		{"pay bad goods amount", pay(func(r *PayRequest) { r.Order.Goods = []Goods{{}, {GoodsUnitAmount: &Amount{Currency: "USD"}}} }), "order.goods[1].goodsUnitAmount.value"},
		{"pay too many goods", pay(func(r *PayRequest) { r.Order.Goods = make([]Goods, 101) }), "order.goods"},
		{"pay long buyer email", pay(func(r *PayRequest) { r.Order.Buyer = &Buyer{BuyerEmail: long(65)} }), "order.buyer.buyerEmail"},
		{"pay bad order env", pay(func(r *PayRequest) { r.Order.Env = &Env{TerminalType: TerminalTypeWAP} }), "order.env.osType"},
		{"pay missing amount", pay(func(r *PayRequest) { r.PaymentAmount = Amount{} }), "paymentAmount.currency"},
		{"pay zero amount", pay(func(r *PayRequest) { r.PaymentAmount.Value = "0" }), "paymentAmount.value"},
		{"pay negative amount", pay(func(r *PayRequest) { r.PaymentAmount.Value = "-100" }), "paymentAmount.value"},
		{"pay bad processing amount", pay(func(r *PayRequest) { r.ProcessingAmount = &Amount{Currency: "US", Value: "1"} }), "processingAmount.currency"},
		{"pay no method", pay(func(r *PayRequest) { r.PaymentMethod.PaymentMethodType = "" }), "paymentMethod.paymentMethodType"},
		{"pay long method id", pay(func(r *PayRequest) { r.PaymentMethod.PaymentMethodID = long(129) }), "paymentMethod.paymentMethodId"},
		{"pay no redirect url", pay(func(r *PayRequest) { r.PaymentRedirectURL = "" }), "paymentRedirectUrl"},
		{"pay long redirect url", pay(func(r *PayRequest) { r.PaymentRedirectURL = "https://x/" + long(2040) }), "paymentRedirectUrl"},
		{"pay long notify url", pay(func(r *PayRequest) { r.PaymentNotifyURL = "https://x/" + long(2040) }), "paymentNotifyUrl"},
		{"pay https notify url", pay(func(r *PayRequest) { r.PaymentNotifyURL = "https://shop.example/alipay/notify?x=1" }), ""},
		{"pay http notify url on 127.0.0.1", pay(func(r *PayRequest) { r.PaymentNotifyURL = "http://127.0.0.1:8080/notify" }), ""},
		{"pay http notify url on 127.0.0.53", pay(func(r *PayRequest) { r.PaymentNotifyURL = "http://127.0.0.53/notify" }), ""},
		{"pay http notify url on ::1", pay(func(r *PayRequest) { r.PaymentNotifyURL = "http://[::1]:8080/notify" }), ""},
		{"pay http notify url on localhost", pay(func(r *PayRequest) { r.PaymentNotifyURL = "http://LocalHost:8080/notify" }), ""},
		{"pay http notify url", pay(func(r *PayRequest) { r.PaymentNotifyURL = "http://shop.example/alipay/notify" }), "paymentNotifyUrl"},
		{"pay http notify url on a private address", pay(func(r *PayRequest) { r.PaymentNotifyURL = "http://10.0.0.1/notify" }), "paymentNotifyUrl"},
		{"pay http notify url on localhost.evil", pay(func(r *PayRequest) { r.PaymentNotifyURL = "http://localhost.evil.example/notify" }), "paymentNotifyUrl"},
		{"pay http notify url with a loopback user", pay(func(r *PayRequest) { r.PaymentNotifyURL = "http://127.0.0.1@shop.example/notify" }), "paymentNotifyUrl"},
		{"pay relative notify url", pay(func(r *PayRequest) { r.PaymentNotifyURL = "/alipay/notify" }), "paymentNotifyUrl"},
		{"pay ftp notify url", pay(func(r *PayRequest) { r.PaymentNotifyURL = "ftp://shop.example/notify" }), "paymentNotifyUrl"},
		{"pay notify url without host", pay(func(r *PayRequest) { r.PaymentNotifyURL = "https:///notify" }), "paymentNotifyUrl"},
		{"pay no terminal type", pay(func(r *PayRequest) { r.Env = Env{} }), "env.terminalType"},
		{"pay unknown terminal type", pay(func(r *PayRequest) { r.Env = Env{TerminalType: "PC"} }), "env.terminalType"},
		{"pay WAP without osType", pay(func(r *PayRequest) { r.Env = Env{TerminalType: TerminalTypeWAP} }), "env.osType"},
		{"pay APP without osType", pay(func(r *PayRequest) { r.Env = Env{TerminalType: TerminalTypeApp} }), "env.osType"},
		{"pay unknown osType", pay(func(r *PayRequest) { r.Env = Env{TerminalType: TerminalTypeApp, OSType: "WINDOWS"} }), "env.osType"},
		{"pay timeZoneOffset out of range", pay(func(r *PayRequest) { o := 721; r.Env.TimeZoneOffset = &o }), "env.timeZoneOffset"},
		{"pay MINI_APP without appId", pay(func(r *PayRequest) { r.Env = Env{TerminalType: TerminalTypeMiniApp} }), "appId"},
		{"pay long appId", pay(func(r *PayRequest) { r.AppID = long(33) }), "appId"},
		{"pay bad settlement currency", pay(func(r *PayRequest) { r.SettlementStrategy = &SettlementStrategy{SettlementCurrency: "USDT"} }), "settlementStrategy.settlementCurrency"},
		{"pay long merchant region", pay(func(r *PayRequest) { r.MerchantRegion = "USA" }), "merchantRegion"},

		{"consult ok", consult(func(*ConsultRequest) {}), ""},
		{"consult no amount", consult(func(r *ConsultRequest) { r.PaymentAmount = Amount{} }), "paymentAmount.currency"},
		{"consult no terminal", consult(func(r *ConsultRequest) { r.Env = Env{} }), "env.terminalType"},
		{"consult APP without osType", consult(func(r *ConsultRequest) { r.Env = Env{TerminalType: TerminalTypeApp} }), "env.osType"},
		{"consult long product code", consult(func(r *ConsultRequest) { r.ProductCode = ProductCode(long(33)) }), "productCode"},

		{"inquiry by request id", &InquiryPaymentRequest{PaymentRequestID: "pay-1"}, ""},
		{"inquiry by payment id", &InquiryPaymentRequest{PaymentID: "p-1"}, ""},
		{"inquiry neither", &InquiryPaymentRequest{MerchantAccountID: "m"}, "paymentRequestId"},
		{"inquiry long payment id", &InquiryPaymentRequest{PaymentID: long(65)}, "paymentId"},
		{"inquiry long request id", &InquiryPaymentRequest{PaymentRequestID: long(65), PaymentID: "p-1"}, "paymentRequestId"},
		{"inquiry long merchant account", &InquiryPaymentRequest{PaymentID: "p", MerchantAccountID: long(33)}, "merchantAccountId"},

		{"cancel by payment id", &CancelRequest{PaymentID: "p-1"}, ""},
		{"cancel by request id", &CancelRequest{PaymentRequestID: "pay-1"}, ""},
		{"cancel neither", &CancelRequest{}, "paymentId"},
		{"cancel long id", &CancelRequest{PaymentRequestID: long(65)}, "paymentRequestId"},

		{"refund ok", refund(func(*RefundRequest) {}), ""},
		{"refund no request id", refund(func(r *RefundRequest) { r.RefundRequestID = "" }), "refundRequestId"},
		{"refund long request id", refund(func(r *RefundRequest) { r.RefundRequestID = long(65) }), "refundRequestId"},
		{"refund no payment id", refund(func(r *RefundRequest) { r.PaymentID = "" }), "paymentId"},
		{"refund no amount", refund(func(r *RefundRequest) { r.RefundAmount = Amount{} }), "refundAmount.currency"},
		{"refund zero amount", refund(func(r *RefundRequest) { r.RefundAmount.Value = "0" }), "refundAmount.value"},
		{"refund long reason", refund(func(r *RefundRequest) { r.RefundReason = long(257) }), "refundReason"},
		{"refund long notify url", refund(func(r *RefundRequest) { r.RefundNotifyURL = long(1025) }), "refundNotifyUrl"},
		{"refund https notify url", refund(func(r *RefundRequest) { r.RefundNotifyURL = "https://shop.example/refund" }), ""},
		{"refund http notify url on loopback", refund(func(r *RefundRequest) { r.RefundNotifyURL = "http://127.0.0.1:9/refund" }), ""},
		{"refund http notify url", refund(func(r *RefundRequest) { r.RefundNotifyURL = "http://shop.example/refund" }), "refundNotifyUrl"},
		{"refund long reference", refund(func(r *RefundRequest) { r.ReferenceRefundID = long(65) }), "referenceRefundId"},

		{"inquiryRefund by request id", &InquiryRefundRequest{RefundRequestID: "refund-1"}, ""},
		{"inquiryRefund by refund id", &InquiryRefundRequest{RefundID: "r-1"}, ""},
		{"inquiryRefund neither", &InquiryRefundRequest{}, "refundRequestId"},
		{"inquiryRefund long refund id", &InquiryRefundRequest{RefundID: long(65)}, "refundId"},

		{"capture ok", capture(func(*CaptureRequest) {}), ""},
		{"capture no request id", capture(func(r *CaptureRequest) { r.CaptureRequestID = "" }), "captureRequestId"},
		{"capture no payment id", capture(func(r *CaptureRequest) { r.PaymentID = "" }), "paymentId"},
		{"capture long payment id", capture(func(r *CaptureRequest) { r.PaymentID = long(65) }), "paymentId"},
		{"capture zero amount", capture(func(r *CaptureRequest) { r.CaptureAmount.Value = "0" }), "captureAmount.value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.req.validate()
			if tt.wantField == "" {
				assert.NoError(t, err)
				return
			}
			var v *ValidationError
			require.ErrorAs(t, err, &v)
			assert.Equal(t, tt.wantField, v.Field)
			assert.NotEmpty(t, v.Reason)
			assert.Contains(t, err.Error(), tt.wantField)
		})
	}
}

func TestValidationNormalisesProductCode(t *testing.T) {
	p := payRequestFixture()
	require.NoError(t, p.validate())
	assert.Equal(t, ProductCodeCashierPayment, p.ProductCode)

	p.ProductCode = "AGREEMENT_PAYMENT"
	require.NoError(t, p.validate())
	assert.Equal(t, ProductCode("AGREEMENT_PAYMENT"), p.ProductCode, "a product code the caller set is kept")

	c := &ConsultRequest{PaymentAmount: Amount{Currency: "USD", Value: "1"}, Env: Env{TerminalType: TerminalTypeWeb}}
	require.NoError(t, c.validate())
	assert.Equal(t, ProductCodeCashierPayment, c.ProductCode)
}

func TestRequestIDs(t *testing.T) {
	for _, tt := range []struct {
		req  any
		want string
	}{
		{&PayRequest{PaymentRequestID: "pay-1"}, "pay-1"},
		{&InquiryPaymentRequest{PaymentRequestID: "pay-1", PaymentID: "p-1"}, "pay-1"},
		{&InquiryPaymentRequest{PaymentID: "p-1"}, "p-1"},
		{&CancelRequest{PaymentID: "p-1"}, "p-1"},
		{&RefundRequest{RefundRequestID: "refund-1"}, "refund-1"},
		{&InquiryRefundRequest{RefundID: "r-1"}, "r-1"},
		{&CaptureRequest{CaptureRequestID: "capture-1"}, "capture-1"},
		{&ConsultRequest{}, ""},
		{struct{}{}, ""},
	} {
		assert.Equal(t, tt.want, requestIDOf(tt.req))
	}
}
