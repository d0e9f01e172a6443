package alipay

import (
	"context"
	"encoding/json"
	"time"
)

// RefundRequest is the body of refund (https://global.alipay.com/docs/ac/ams/refund_online): a full or partial refund
// of a successful payment. Several refunds may together reach the payment
// amount.
type RefundRequest struct {
	// RefundRequestID is the merchant's unique ID for this refund and its
	// idempotency key: retry a timed-out or unknown refund with the same ID.
	RefundRequestID string `json:"refundRequestId"`
	PaymentID       string `json:"paymentId"`
	RefundAmount    Amount `json:"refundAmount"`
	// ReferenceRefundID is the merchant's own refund reference.
	ReferenceRefundID string `json:"referenceRefundId,omitempty"`
	RefundReason      string `json:"refundReason,omitempty"`
	// RefundNotifyURL receives the refund notification; it overrides the
	// URL set in Antom Dashboard.
	RefundNotifyURL       string  `json:"refundNotifyUrl,omitempty"`
	CaptureID             string  `json:"captureId,omitempty"`
	IsAsyncRefund         bool    `json:"isAsyncRefund,omitempty"`
	RefundSourceAccountNo string  `json:"refundSourceAccountNo,omitempty"`
	ActualRefundAmount    *Amount `json:"actualRefundAmount,omitempty"`
	ExtendInfo            string  `json:"extendInfo,omitempty"`
	// Metadata is the merchant's own data about the refund, returned in
	// inquiryRefund and the refund notification. It is a string on the
	// wire, as the official SDKs type it (see PayRequest.Metadata).
	Metadata string `json:"metadata,omitempty"`
	// Scenario-specific objects whose shape Antom's documentation does not fix; they
	// are sent verbatim.
	RefundToBankInfo json.RawMessage `json:"refundToBankInfo,omitempty"`
	RefundDetails    json.RawMessage `json:"refundDetails,omitempty"`
	CustomizedInfo   json.RawMessage `json:"customizedInfo,omitempty"`
}

func (r *RefundRequest) validate() error {
	if r == nil {
		return payNilRequest()
	}
	return payFirst(
		payRequiredMax("refundRequestId", r.RefundRequestID, maxIDLen),
		payRequiredMax("paymentId", r.PaymentID, maxIDLen),
		r.RefundAmount.validate("refundAmount"),
		payMaxLen("referenceRefundId", r.ReferenceRefundID, 64),
		payMaxLen("refundReason", r.RefundReason, 256),
		payNotifyURL("refundNotifyUrl", r.RefundNotifyURL, 1024),
		payOptionalAmount("actualRefundAmount", r.ActualRefundAmount),
	)
}

func (r *RefundRequest) requestID() string { return r.RefundRequestID }

// RefundResponse is the answer to refund. U REFUND_IN_PROCESS comes back with
// a nil error: do not refund again; wait for the notification or use
// InquiryRefund.
type RefundResponse struct {
	Result          Result `json:"result"`
	RefundRequestID string `json:"refundRequestId,omitempty"`
	RefundID        string `json:"refundId,omitempty"`
	PaymentID       string `json:"paymentId,omitempty"`
	RefundAmount    Amount `json:"refundAmount"`
	// RefundTime is when the refund reached success, failure or unknown.
	RefundTime                     time.Time       `json:"refundTime"`
	AcquirerReferenceNo            string          `json:"acquirerReferenceNo,omitempty"`
	GrossSettlementAmount          *Amount         `json:"grossSettlementAmount,omitempty"`
	SettlementQuote                *Quote          `json:"settlementQuote,omitempty"`
	ActualRefundAmount             *Amount         `json:"actualRefundAmount,omitempty"`
	RefundNonGuaranteeCouponAmount *Amount         `json:"refundNonGuaranteeCouponAmount,omitempty"`
	AcquirerInfo                   json.RawMessage `json:"acquirerInfo,omitempty"`
}

// Refund refunds a successful payment (POST /ams/api/v1/payments/refund).
// When the outcome is unknown (IsUnknown), retry with the same
// RefundRequestID or ask with InquiryRefund; never refund again under a new
// ID before knowing.
func (c *Client) Refund(ctx context.Context, r *RefundRequest, opts ...CallOption) (*RefundResponse, error) {
	return callAPI[RefundResponse](ctx, c, "Refund", apiPathRefund, r, opts)
}

// InquiryRefundRequest is the body of inquiryRefund (https://global.alipay.com/docs/ac/ams/ir_online). Set
// RefundRequestID or RefundID (RefundID takes precedence at Antom); after an
// unknown refund outcome only RefundRequestID is known.
type InquiryRefundRequest struct {
	RefundRequestID   string `json:"refundRequestId,omitempty"`
	RefundID          string `json:"refundId,omitempty"`
	MerchantAccountID string `json:"merchantAccountId,omitempty"`
}

func (r *InquiryRefundRequest) validate() error {
	if r == nil {
		return payNilRequest()
	}
	return payFirst(
		payOneOf("refundRequestId", r.RefundRequestID, "refundId", r.RefundID),
		payMaxLen("merchantAccountId", r.MerchantAccountID, 32),
	)
}

func (r *InquiryRefundRequest) requestID() string {
	return firstNonEmpty(r.RefundRequestID, r.RefundID)
}

// InquiryRefundResponse is the answer to inquiryRefund. Result only says
// whether the inquiry worked; RefundStatus is the refund's state on Antom's
// side.
type InquiryRefundResponse struct {
	Result          Result       `json:"result"`
	RefundID        string       `json:"refundId,omitempty"`
	RefundRequestID string       `json:"refundRequestId,omitempty"`
	RefundAmount    Amount       `json:"refundAmount"`
	RefundStatus    RefundStatus `json:"refundStatus,omitempty"`
	// RefundTime is set when RefundStatus is SUCCESS.
	RefundTime            time.Time       `json:"refundTime"`
	GrossSettlementAmount *Amount         `json:"grossSettlementAmount,omitempty"`
	SettlementQuote       *Quote          `json:"settlementQuote,omitempty"`
	ActualRefundAmount    *Amount         `json:"actualRefundAmount,omitempty"`
	ARN                   string          `json:"arn,omitempty"`
	RRN                   string          `json:"rrn,omitempty"`
	AcquirerInfo          json.RawMessage `json:"acquirerInfo,omitempty"`
	// Metadata is the string given in RefundRequest.Metadata.
	Metadata       string          `json:"metadata,omitempty"`
	CustomizedInfo json.RawMessage `json:"customizedInfo,omitempty"`
}

// InquiryRefund asks for a refund's state (POST
// /ams/api/v1/payments/inquiryRefund). Antom advises that ORDER_NOT_EXIST
// right after a refund call be asked again after 15 seconds, up to three
// times, before concluding the refund was never placed.
func (c *Client) InquiryRefund(ctx context.Context, r *InquiryRefundRequest, opts ...CallOption) (*InquiryRefundResponse, error) {
	return callAPI[InquiryRefundResponse](ctx, c, "InquiryRefund", apiPathInquiryRefund, r, opts)
}
