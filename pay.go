package alipay

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// PayRequest is the body of pay (https://docs.antom.com/ac/ams/payment_cashier): it creates a payment and
// returns where to send the buyer.
//
// Validation (before anything is sent) sets ProductCode to CASHIER_PAYMENT
// when it is empty, so the request struct is changed by the call. It then
// requires PaymentRequestID (at most 64 characters), Order (with OrderAmount
// and OrderDescription), a positive PaymentAmount,
// PaymentMethod.PaymentMethodType, PaymentRedirectURL and Env.TerminalType,
// plus Env.OSType for WAP and APP and AppID for MINI_APP.
type PayRequest struct {
	ProductCode ProductCode `json:"productCode"`
	// PaymentRequestID is the merchant's unique ID for this payment
	// attempt and Antom's idempotency key: resending the same ID returns
	// the same payment. Use a new one for each new attempt at an order.
	PaymentRequestID string        `json:"paymentRequestId"`
	Order            Order         `json:"order"`
	PaymentAmount    Amount        `json:"paymentAmount"`
	PaymentMethod    PaymentMethod `json:"paymentMethod"`
	// PaymentRedirectURL is where the buyer lands after paying: a web page
	// for WEB, a page or deep link for WAP, a deep link for APP. Landing
	// there is not proof of payment: confirm with a notification or
	// InquiryPayment.
	PaymentRedirectURL string `json:"paymentRedirectUrl"`
	// PaymentNotifyURL receives the payment notification; it overrides the
	// URL set in Antom Dashboard.
	PaymentNotifyURL   string              `json:"paymentNotifyUrl,omitempty"`
	Env                Env                 `json:"env"`
	SettlementStrategy *SettlementStrategy `json:"settlementStrategy,omitempty"`
	// PaymentExpiryTime ends the payment early (Antom's default is 14
	// minutes after the request; 48 hours for bank transfers). It is sent in
	// ISO 8601 at seconds precision and left out when zero.
	PaymentExpiryTime time.Time      `json:"paymentExpiryTime,omitempty"`
	PaymentFactor     *PaymentFactor `json:"paymentFactor,omitempty"`
	MerchantRegion    string         `json:"merchantRegion,omitempty"`
	UserRegion        string         `json:"userRegion,omitempty"`
	MerchantAccountID string         `json:"merchantAccountId,omitempty"`
	// AppID is required when Env.TerminalType is MINI_APP.
	AppID            string    `json:"appId,omitempty"`
	Merchant         *Merchant `json:"merchant,omitempty"`
	PaymentQuote     *Quote    `json:"paymentQuote,omitempty"`
	ProcessingAmount *Amount   `json:"processingAmount,omitempty"`
	IsAuthorization  bool      `json:"isAuthorization,omitempty"`
	ExtendInfo       string    `json:"extendInfo,omitempty"`
	SubscriptionID   string    `json:"subscriptionId,omitempty"`
	TaxCalculationID string    `json:"taxCalculationId,omitempty"`
	// Metadata is the merchant's own data about the payment, kept by Antom
	// and returned in inquiryPayment and the payment notification. It is a
	// string on the wire, as the official SDKs type it: to attach
	// structured data, encode it (as JSON, say) into the string.
	Metadata string `json:"metadata,omitempty"`
	// Scenario-specific objects whose shape Antom's documentation does not fix; they
	// are sent verbatim.
	CustomizedInfo          json.RawMessage `json:"customizedInfo,omitempty"`
	CreditPayPlan           json.RawMessage `json:"creditPayPlan,omitempty"`
	AgreementInfo           json.RawMessage `json:"agreementInfo,omitempty"`
	SubscriptionInfo        json.RawMessage `json:"subscriptionInfo,omitempty"`
	PayToMethod             json.RawMessage `json:"payToMethod,omitempty"`
	PaymentVerificationData json.RawMessage `json:"paymentVerificationData,omitempty"`
	DualOfflinePayment      json.RawMessage `json:"dualOfflinePayment,omitempty"`
}

// MarshalJSON writes PaymentExpiryTime in Antom's ISO 8601 form and leaves
// it out when zero.
func (r PayRequest) MarshalJSON() ([]byte, error) {
	type plain PayRequest
	return json.Marshal(struct {
		plain
		PaymentExpiryTime string `json:"paymentExpiryTime,omitempty"`
	}{plain(r), payFormatTime(r.PaymentExpiryTime)})
}

func (r *PayRequest) validate() error {
	if r == nil {
		return payNilRequest()
	}
	if r.ProductCode == "" {
		r.ProductCode = ProductCodeCashierPayment
	}
	if err := payFirst(
		payRequiredMax("paymentRequestId", r.PaymentRequestID, maxIDLen),
		r.Order.validate("order"),
		r.PaymentAmount.validate("paymentAmount"),
		payRequiredMax("paymentMethod.paymentMethodType", string(r.PaymentMethod.PaymentMethodType), 64),
		payMaxLen("paymentMethod.paymentMethodId", r.PaymentMethod.PaymentMethodID, 128),
		payMaxLen("paymentMethod.extendInfo", r.PaymentMethod.ExtendInfo, 2048),
		payRequiredMax("paymentRedirectUrl", r.PaymentRedirectURL, 2048),
		payNotifyURL("paymentNotifyUrl", r.PaymentNotifyURL, 2048),
		r.Env.validate("env"),
		payMaxLen("appId", r.AppID, 32),
		payMaxLen("merchantAccountId", r.MerchantAccountID, 32),
		payMaxLen("merchantRegion", r.MerchantRegion, 2),
		payMaxLen("userRegion", r.UserRegion, 2),
		payOptionalAmount("processingAmount", r.ProcessingAmount),
	); err != nil {
		return err
	}
	if r.Env.TerminalType == TerminalTypeMiniApp && r.AppID == "" {
		return &ValidationError{Field: "appId", Reason: "is required when env.terminalType is MINI_APP"}
	}
	if s := r.SettlementStrategy; s != nil && s.SettlementCurrency != "" && len(s.SettlementCurrency) != 3 {
		return &ValidationError{Field: "settlementStrategy.settlementCurrency", Reason: "must be a three-letter ISO 4217 code"}
	}
	return nil
}

func (r *PayRequest) requestID() string { return r.PaymentRequestID }

// PayResponse is the answer to pay (https://docs.antom.com/ac/ams/payment_cashier). For cashier payments the
// normal result is U PAYMENT_IN_PROCESS, which Pay returns with a nil error:
// send the buyer to RedirectURL (or pick from Redirects) and wait for the
// notification or poll with WaitForPayment.
//
// Its times, like those of every response, are read in every form Antom
// writes, and are zero when empty or unreadable (see Client.Do).
type PayResponse struct {
	Result           Result `json:"result"`
	PaymentRequestID string `json:"paymentRequestId,omitempty"`
	// PaymentID is Antom's ID for the payment: store it for refunds,
	// cancels and reconciliation.
	PaymentID         string    `json:"paymentId,omitempty"`
	PaymentAmount     Amount    `json:"paymentAmount"`
	PaymentCreateTime time.Time `json:"paymentCreateTime"`
	PaymentTime       time.Time `json:"paymentTime"`
	AuthExpiryTime    time.Time `json:"authExpiryTime"`

	// Where to send the buyer; see Redirects for which to use.
	NormalURL  string `json:"normalUrl,omitempty"`  // web page, in a browser or WebView
	SchemeURL  string `json:"schemeUrl,omitempty"`  // app URL scheme; fails if the app is missing
	ApplinkURL string `json:"applinkUrl,omitempty"` // App Link / Universal Link; opens the app or a web page
	// AppIdentifier is the Android package name of the payment method's app
	// (e.g. hk.alipay.wallet), returned for APP and WAP: an Android app can
	// check with it that the wallet is installed before opening SchemeURL.
	AppIdentifier      string              `json:"appIdentifier,omitempty"`
	OrderCodeForm      *OrderCodeForm      `json:"orderCodeForm,omitempty"`
	RedirectActionForm *RedirectActionForm `json:"redirectActionForm,omitempty"`
	PaymentActionForm  *PaymentActionForm  `json:"paymentActionForm,omitempty"`
	// PaymentData is for Antom's client SDK (showPaymentSheet).
	PaymentData string `json:"paymentData,omitempty"`

	ActualPaymentAmount     *Amount `json:"actualPaymentAmount,omitempty"`
	PaymentQuote            *Quote  `json:"paymentQuote,omitempty"`
	ProcessingAmount        *Amount `json:"processingAmount,omitempty"`
	NonGuaranteeCouponValue *Amount `json:"nonGuaranteeCouponValue,omitempty"`
	GrossSettlementAmount   *Amount `json:"grossSettlementAmount,omitempty"`
	SettlementQuote         *Quote  `json:"settlementQuote,omitempty"`
	ExtendInfo              string  `json:"extendInfo,omitempty"`
	// Scenario-specific objects whose shape Antom's documentation does not fix, kept
	// as Antom sent them.
	ChallengeActionForm json.RawMessage `json:"challengeActionForm,omitempty"`
	PSPCustomerInfo     json.RawMessage `json:"pspCustomerInfo,omitempty"`
	PaymentResultInfo   json.RawMessage `json:"paymentResultInfo,omitempty"`
	AcquirerInfo        json.RawMessage `json:"acquirerInfo,omitempty"`
	PromotionResult     json.RawMessage `json:"promotionResult,omitempty"`
}

// Pay creates a payment (POST /ams/api/v1/payments/pay). On S and on U
// PAYMENT_IN_PROCESS it returns the response and a nil error; on F a nil
// response and an *Error; when the outcome is unknown an error for which
// IsUnknown is true: inquire with the same PaymentRequestID before trying a
// new one, or a buyer may pay twice.
//
// U PAYMENT_IN_PROCESS with nothing to send the buyer to (no normalUrl,
// schemeUrl or applinkUrl, no code value, no action form, no paymentData)
// means, by the result process logic of
// https://docs.antom.com/ac/ams/payment_cashier, that the payment was not
// created: Pay returns a nil response and an *Error holding that result and
// wrapping ErrPaymentNotCreated. It is a definite outcome (IsUnknown is
// false): pay again with a new PaymentRequestID.
func (c *Client) Pay(ctx context.Context, r *PayRequest, opts ...CallOption) (*PayResponse, error) {
	resp, err := callAPI[PayResponse](ctx, c, "Pay", apiPathPay, r, opts)
	if err != nil {
		return nil, err
	}
	if resp.Result.ResultStatus == ResultStatusUnknown && resp.Result.ResultCode == ResultCodePaymentInProcess && !resp.hasTarget() {
		return nil, &Error{API: apiName(apiPathPay), Path: c.requestURI(apiPathPay), Host: c.base.Host, RequestID: r.PaymentRequestID, Result: resp.Result, Err: ErrPaymentNotCreated}
	}
	return resp, nil
}

// ErrPaymentNotCreated: Antom answered pay with U PAYMENT_IN_PROCESS but
// gave nothing to send the buyer to, which its pay documentation reads as
// "the payment was not created". Pay again with a new paymentRequestId.
var ErrPaymentNotCreated = errors.New("alipay: payment not created: PAYMENT_IN_PROCESS came with no URL, code or action form to send the buyer to; pay again with a new paymentRequestId")

// hasTarget reports whether the response gives the buyer anywhere to go or
// anything to scan, in any form, whatever the terminal type: a payment
// that exists must never be read as one that does not.
func (r *PayResponse) hasTarget() bool {
	if r.NormalURL != "" || r.SchemeURL != "" || r.ApplinkURL != "" || r.PaymentData != "" {
		return true
	}
	if f := r.OrderCodeForm; f != nil {
		for _, d := range f.CodeDetails {
			if d.CodeValue != "" {
				return true
			}
		}
	}
	if f := r.RedirectActionForm; f != nil && f.RedirectURL != "" {
		return true
	}
	if f := r.PaymentActionForm; f != nil && f.RedirectURL != "" {
		return true
	}
	return len(r.ChallengeActionForm) > 0 && string(r.ChallengeActionForm) != "null"
}

// CancelRequest is the body of cancel (https://global.alipay.com/docs/ac/ams/paymentc_online). Set PaymentID or
// PaymentRequestID (PaymentID takes precedence at Antom).
type CancelRequest struct {
	PaymentID         string `json:"paymentId,omitempty"`
	PaymentRequestID  string `json:"paymentRequestId,omitempty"`
	MerchantAccountID string `json:"merchantAccountId,omitempty"`
}

func (r *CancelRequest) validate() error {
	if r == nil {
		return payNilRequest()
	}
	return payFirst(
		payOneOf("paymentId", r.PaymentID, "paymentRequestId", r.PaymentRequestID),
		payMaxLen("merchantAccountId", r.MerchantAccountID, 32),
	)
}

func (r *CancelRequest) requestID() string { return firstNonEmpty(r.PaymentRequestID, r.PaymentID) }

// CancelResponse is the answer to cancel.
type CancelResponse struct {
	Result           Result    `json:"result"`
	PaymentID        string    `json:"paymentId,omitempty"`
	PaymentRequestID string    `json:"paymentRequestId,omitempty"`
	CancelTime       time.Time `json:"cancelTime"`
}

// Cancel cancels a payment (POST /ams/api/v1/payments/cancel); a buyer who
// already paid is refunded in full. Antom allows it on the day of the
// payment until 00:15 the next day. Cancel is synchronous: S means
// cancelled. When the outcome is unknown, retry with the same parameters.
func (c *Client) Cancel(ctx context.Context, r *CancelRequest, opts ...CallOption) (*CancelResponse, error) {
	return callAPI[CancelResponse](ctx, c, "Cancel", apiPathCancel, r, opts)
}

// CaptureRequest is the body of capture (https://global.alipay.com/docs/ac/ams/capture), for card payments
// authorised with CaptureModeManual.
type CaptureRequest struct {
	// CaptureRequestID is the merchant's unique ID for this capture and
	// its idempotency key.
	CaptureRequestID string `json:"captureRequestId"`
	PaymentID        string `json:"paymentId"`
	CaptureAmount    Amount `json:"captureAmount"`
	IsLastCapture    bool   `json:"isLastCapture,omitempty"`
	CaptureType      string `json:"captureType,omitempty"`
	// Transit is an industry-specific object sent verbatim.
	Transit json.RawMessage `json:"transit,omitempty"`
}

func (r *CaptureRequest) validate() error {
	if r == nil {
		return payNilRequest()
	}
	return payFirst(
		payRequiredMax("captureRequestId", r.CaptureRequestID, maxIDLen),
		payRequiredMax("paymentId", r.PaymentID, maxIDLen),
		r.CaptureAmount.validate("captureAmount"),
	)
}

func (r *CaptureRequest) requestID() string { return r.CaptureRequestID }

// CaptureResponse is the answer to capture. U CAPTURE_IN_PROCESS comes back
// with a nil error: wait for the capture notification or inquire.
type CaptureResponse struct {
	Result              Result    `json:"result"`
	CaptureRequestID    string    `json:"captureRequestId,omitempty"`
	CaptureID           string    `json:"captureId,omitempty"`
	PaymentID           string    `json:"paymentId,omitempty"`
	CaptureAmount       Amount    `json:"captureAmount"`
	CaptureTime         time.Time `json:"captureTime"`
	AcquirerReferenceNo string    `json:"acquirerReferenceNo,omitempty"`
}

// Capture captures an authorised card payment (POST
// /ams/api/v1/payments/capture).
func (c *Client) Capture(ctx context.Context, r *CaptureRequest, opts ...CallOption) (*CaptureResponse, error) {
	return callAPI[CaptureResponse](ctx, c, "Capture", apiPathCapture, r, opts)
}
