package alipay

import "time"

// NotifyType is the notifyType of a notification. Values Antom sends that
// this package does not know are kept as they are, not rejected.
type NotifyType string

// Notification types (docs/protocol/ams.md §2.9–§2.11).
const (
	// NotifyTypePaymentResult: the payment reached a final state. Result
	// says whether it succeeded (S) or failed (F). Payload: Payment.
	NotifyTypePaymentResult NotifyType = "PAYMENT_RESULT"
	// NotifyTypePaymentPending: the user completed the payment and the final
	// result follows later (some payment methods only). Payload: Payment.
	NotifyTypePaymentPending NotifyType = "PAYMENT_PENDING"
	// NotifyTypeRefundResult: the refund reached a final state. Payload:
	// Refund.
	NotifyTypeRefundResult NotifyType = "REFUND_RESULT"
	// NotifyTypeCaptureResult: the capture of an authorised card payment
	// reached a final state. Payload: Capture.
	NotifyTypeCaptureResult NotifyType = "CAPTURE_RESULT"
)

// PaymentNotification is the body of notifyPayment (https://docs.antom.com/ac/ams/paymentrn_online), sent with
// NotifyTypePaymentResult and NotifyTypePaymentPending. Fields that are not
// modelled here can be read with Notification.Decode.
type PaymentNotification struct {
	PaymentRequestID string `json:"paymentRequestId"`
	PaymentID        string `json:"paymentId"`
	PaymentAmount    Amount `json:"paymentAmount"`
	// PaymentCreateTime is when Antom created the payment.
	PaymentCreateTime time.Time `json:"paymentCreateTime"`
	// PaymentTime is when the payment reached its final state; zero when
	// Antom did not send it.
	PaymentTime time.Time `json:"paymentTime"`
	// PaymentMethodType is the method the user paid with, e.g. ALIPAY_CN.
	PaymentMethodType        PaymentMethodType `json:"paymentMethodType,omitempty"`
	GrossSettlementAmount    *Amount           `json:"grossSettlementAmount,omitempty"`
	CustomsDeclarationAmount *Amount           `json:"customsDeclarationAmount,omitempty"`
	AcquirerReferenceNo      string            `json:"acquirerReferenceNo,omitempty"`
	// Metadata is the string given in PayRequest.Metadata.
	Metadata            string `json:"metadata,omitempty"`
	SubscriptionOrderID string `json:"subscriptionOrderId,omitempty"`
	// AuthExpiryTime is when an authorisation (manual capture) expires; zero
	// when absent.
	AuthExpiryTime time.Time `json:"authExpiryTime"`
}

// RefundNotification is the body of notifyRefund (https://global.alipay.com/docs/ac/ams/notify_refund), sent with
// NotifyTypeRefundResult.
type RefundNotification struct {
	RefundRequestID string `json:"refundRequestId"`
	RefundID        string `json:"refundId"`
	RefundAmount    Amount `json:"refundAmount"`
	// RefundStatus is RefundStatusSuccess or RefundStatusFail.
	RefundStatus RefundStatus `json:"refundStatus"`
	// RefundTime is when the refund succeeded; zero when absent.
	RefundTime            time.Time `json:"refundTime"`
	GrossSettlementAmount *Amount   `json:"grossSettlementAmount,omitempty"`
	ActualRefundAmount    *Amount   `json:"actualRefundAmount,omitempty"`
	// ARN is the card scheme's acquirer reference number, for card refunds.
	ARN string `json:"arn,omitempty"`
	// Metadata is the string given in RefundRequest.Metadata.
	Metadata string `json:"metadata,omitempty"`
}

// CaptureNotification is the body of notifyCapture (https://global.alipay.com/docs/ac/ams/notify_capture), sent with
// NotifyTypeCaptureResult.
type CaptureNotification struct {
	CaptureRequestID string `json:"captureRequestId"`
	CaptureID        string `json:"captureId"`
	PaymentID        string `json:"paymentId"`
	CaptureAmount    Amount `json:"captureAmount"`
	// CaptureTime is when the capture succeeded; zero when absent.
	CaptureTime         time.Time `json:"captureTime"`
	AcquirerReferenceNo string    `json:"acquirerReferenceNo,omitempty"`
}
