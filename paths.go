package alipay

// Production paths of the payment APIs (docs/protocol/ams.md §2). Do rewrites them to the
// sandbox paths when the client is in sandbox mode.
const (
	apiPathConsult        = "/ams/api/v1/payments/consult"
	apiPathPay            = "/ams/api/v1/payments/pay"
	apiPathInquiryPayment = "/ams/api/v1/payments/inquiryPayment"
	apiPathCancel         = "/ams/api/v1/payments/cancel"
	apiPathCapture        = "/ams/api/v1/payments/capture"
	apiPathRefund         = "/ams/api/v1/payments/refund"
	apiPathInquiryRefund  = "/ams/api/v1/payments/inquiryRefund"
)

// apiPathCreatePaymentSession is createPaymentSession, for Antom Checkout
// Page and Payment Element.
const apiPathCreatePaymentSession = "/ams/api/v1/payments/createPaymentSession"

// payNilRequest is the error for a nil request pointer.
func payNilRequest() error {
	return &ValidationError{Field: "request", Reason: "is nil"}
}
