package alipay

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// NotifyType is the notifyType of a notification. Values Antom sends that
// this package does not know are kept as they are, not rejected.
type NotifyType string

// Notification types (spec §2.9–§2.11).
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

// PaymentNotification is the body of notifyPayment (spec §2.9), sent with
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
	Metadata                 string            `json:"metadata,omitempty"`
	SubscriptionOrderID      string            `json:"subscriptionOrderId,omitempty"`
	// AuthExpiryTime is when an authorisation (manual capture) expires; zero
	// when absent.
	AuthExpiryTime time.Time `json:"authExpiryTime"`
}

// UnmarshalJSON decodes the wire form, reading datetimes in any ISO 8601
// form Antom uses ("+08:30", "-07:00", "Z", "+0800"); an empty or missing
// datetime is the zero time.
func (p *PaymentNotification) UnmarshalJSON(b []byte) error {
	type plain PaymentNotification
	var w struct {
		plain
		PaymentCreateTime notifyTimeString `json:"paymentCreateTime"`
		PaymentTime       notifyTimeString `json:"paymentTime"`
		AuthExpiryTime    notifyTimeString `json:"authExpiryTime"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*p = PaymentNotification(w.plain)
	return notifyParseTimes(
		notifyTimeField{"paymentCreateTime", w.PaymentCreateTime, &p.PaymentCreateTime},
		notifyTimeField{"paymentTime", w.PaymentTime, &p.PaymentTime},
		notifyTimeField{"authExpiryTime", w.AuthExpiryTime, &p.AuthExpiryTime},
	)
}

// RefundNotification is the body of notifyRefund (spec §2.10), sent with
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
	ARN      string `json:"arn,omitempty"`
	Metadata string `json:"metadata,omitempty"`
}

// UnmarshalJSON decodes the wire form; see PaymentNotification.UnmarshalJSON.
func (r *RefundNotification) UnmarshalJSON(b []byte) error {
	type plain RefundNotification
	var w struct {
		plain
		RefundTime notifyTimeString `json:"refundTime"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = RefundNotification(w.plain)
	return notifyParseTimes(notifyTimeField{"refundTime", w.RefundTime, &r.RefundTime})
}

// CaptureNotification is the body of notifyCapture (spec §2.11), sent with
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

// UnmarshalJSON decodes the wire form; see PaymentNotification.UnmarshalJSON.
func (c *CaptureNotification) UnmarshalJSON(b []byte) error {
	type plain CaptureNotification
	var w struct {
		plain
		CaptureTime notifyTimeString `json:"captureTime"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*c = CaptureNotification(w.plain)
	return notifyParseTimes(notifyTimeField{"captureTime", w.CaptureTime, &c.CaptureTime})
}

// notifyTimeString is a datetime as sent: a JSON string or null.
type notifyTimeString string

type notifyTimeField struct {
	name string
	raw  notifyTimeString
	dst  *time.Time
}

func notifyParseTimes(fields ...notifyTimeField) error {
	for _, f := range fields {
		if f.raw == "" {
			*f.dst = time.Time{}
			continue
		}
		t, err := notifyParseISOTime(string(f.raw))
		if err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
		*f.dst = t
	}
	return nil
}

// notifyISOLayouts are the ISO 8601 forms seen from Antom and its SDKs.
// time.Parse accepts a fractional second after the seconds in each.
var notifyISOLayouts = []string{
	time.RFC3339,               // 2020-01-01T12:01:01+08:30, 2019-01-01T01:01:01Z
	"2006-01-02T15:04:05Z0700", // +0800 (PHP's DATE_ISO8601)
	"2006-01-02T15:04:05Z07",   // +08
}

// notifyParseISOTime parses an ISO 8601 date-time with a zone offset.
func notifyParseISOTime(s string) (time.Time, error) {
	for _, layout := range notifyISOLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an ISO 8601 date-time with a zone offset", truncate(s, 40))
}

// notifyParseRequestTime parses a Request-Time header: epoch milliseconds
// (what the API documentation specifies) or ISO 8601 (what notifications
// carry in practice).
func notifyParseRequestTime(s string) (time.Time, error) {
	if s != "" && len(s) <= 18 && notifyAllDigits(s) {
		ms, err := strconv.ParseInt(s, 10, 64)
		if err == nil {
			return time.UnixMilli(ms), nil
		}
	}
	t, err := notifyParseISOTime(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("the Request-Time header %q is neither epoch milliseconds nor ISO 8601", truncate(s, 40))
	}
	return t, nil
}

func notifyAllDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
