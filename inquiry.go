package alipay

import (
	"context"
	"encoding/json"
	"time"
)

// InquiryPaymentRequest is the body of inquiryPayment (https://docs.antom.com/ac/ams/paymentri_online). Set
// PaymentRequestID or PaymentID (PaymentID takes precedence at Antom).
type InquiryPaymentRequest struct {
	PaymentRequestID  string `json:"paymentRequestId,omitempty"`
	PaymentID         string `json:"paymentId,omitempty"`
	MerchantAccountID string `json:"merchantAccountId,omitempty"`
}

func (r *InquiryPaymentRequest) validate() error {
	if r == nil {
		return payNilRequest()
	}
	return payFirst(
		payOneOf("paymentRequestId", r.PaymentRequestID, "paymentId", r.PaymentID),
		payMaxLen("merchantAccountId", r.MerchantAccountID, 32),
	)
}

func (r *InquiryPaymentRequest) requestID() string {
	return firstNonEmpty(r.PaymentRequestID, r.PaymentID)
}

// InquiryPaymentResponse is the answer to inquiryPayment. Result only says
// whether the inquiry worked; PaymentStatus is the payment's state.
type InquiryPaymentResponse struct {
	Result        Result        `json:"result"`
	PaymentStatus PaymentStatus `json:"paymentStatus,omitempty"`
	// PaymentResultCode and PaymentResultMessage give the reason for the
	// status, e.g. why a payment failed.
	PaymentResultCode    string    `json:"paymentResultCode,omitempty"`
	PaymentResultMessage string    `json:"paymentResultMessage,omitempty"`
	PaymentRequestID     string    `json:"paymentRequestId,omitempty"`
	PaymentID            string    `json:"paymentId,omitempty"`
	PaymentAmount        Amount    `json:"paymentAmount"`
	PaymentCreateTime    time.Time `json:"paymentCreateTime"`
	// PaymentTime is set when PaymentStatus is SUCCESS.
	PaymentTime              time.Time           `json:"paymentTime"`
	AuthExpiryTime           time.Time           `json:"authExpiryTime"`
	AuthPaymentID            string              `json:"authPaymentId,omitempty"`
	PaymentMethodType        PaymentMethodType   `json:"paymentMethodType,omitempty"`
	ActualPaymentAmount      *Amount             `json:"actualPaymentAmount,omitempty"`
	PaymentQuote             *Quote              `json:"paymentQuote,omitempty"`
	ProcessingAmount         *Amount             `json:"processingAmount,omitempty"`
	NonGuaranteeCouponAmount *Amount             `json:"nonGuaranteeCouponAmount,omitempty"`
	CustomsDeclarationAmount *Amount             `json:"customsDeclarationAmount,omitempty"`
	GrossSettlementAmount    *Amount             `json:"grossSettlementAmount,omitempty"`
	SettlementQuote          *Quote              `json:"settlementQuote,omitempty"`
	RedirectActionForm       *RedirectActionForm `json:"redirectActionForm,omitempty"`
	// Transactions lists refunds, captures and cancels of the payment;
	// empty when there are none.
	Transactions           []Transaction `json:"transactions,omitempty"`
	AcquirerReferenceNo    string        `json:"acquirerReferenceNo,omitempty"`
	EarliestSettlementTime time.Time     `json:"earliestSettlementTime"`
	MerchantAccountID      string        `json:"merchantAccountId,omitempty"`
	ExtendInfo             string        `json:"extendInfo,omitempty"`
	// Scenario-specific objects whose shape Antom's documentation does not fix, kept
	// as Antom sent them. CardInfo may hold card data: never log it.
	CardInfo          json.RawMessage `json:"cardInfo,omitempty"`
	PaymentResultInfo json.RawMessage `json:"paymentResultInfo,omitempty"`
	AcquirerInfo      json.RawMessage `json:"acquirerInfo,omitempty"`
	PSPCustomerInfo   json.RawMessage `json:"pspCustomerInfo,omitempty"`
	PromotionResult   json.RawMessage `json:"promotionResult,omitempty"`
	RetryInfo         json.RawMessage `json:"retryInfo,omitempty"`
	// Metadata is the string given in PayRequest.Metadata.
	Metadata       string          `json:"metadata,omitempty"`
	CustomizedInfo json.RawMessage `json:"customizedInfo,omitempty"`
}

// Transaction is one operation on a payment, listed by inquiryPayment.
type Transaction struct {
	TransactionResult     Result          `json:"transactionResult"`
	TransactionID         string          `json:"transactionId,omitempty"`
	TransactionType       TransactionType `json:"transactionType,omitempty"`
	TransactionStatus     PaymentStatus   `json:"transactionStatus,omitempty"`
	TransactionAmount     Amount          `json:"transactionAmount"`
	TransactionRequestID  string          `json:"transactionRequestId,omitempty"`
	TransactionTime       time.Time       `json:"transactionTime"`
	GrossSettlementAmount *Amount         `json:"grossSettlementAmount,omitempty"`
	SettlementQuote       *Quote          `json:"settlementQuote,omitempty"`
	AcquirerInfo          json.RawMessage `json:"acquirerInfo,omitempty"`
}

// InquiryPayment asks for a payment's state (POST
// /ams/api/v1/payments/inquiryPayment). A payment Antom never received
// gives an *Error with ResultCodeOrderNotExist.
func (c *Client) InquiryPayment(ctx context.Context, r *InquiryPaymentRequest, opts ...CallOption) (*InquiryPaymentResponse, error) {
	return callAPI[InquiryPaymentResponse](ctx, c, "InquiryPayment", apiPathInquiryPayment, r, opts)
}
