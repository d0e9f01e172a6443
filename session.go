package alipay

import (
	"context"
	"encoding/json"
	"time"
)

// PaymentSessionRequest is the body of createPaymentSession, which starts a
// payment through Antom Checkout Page or Payment Element instead of pay: the
// buyer chooses the payment method on Antom's page or in Antom's client SDK,
// and the result arrives as the usual payment notification and
// InquiryPayment answer. Field reference:
// https://docs.antom.com/ac/ams/session_cashier; the hosted flow:
// https://docs.antom.com/ac/cashierpay/HOSTEDCKP.
//
// Validation (before anything is sent) sets ProductCode to CASHIER_PAYMENT
// when it is empty, so the request struct is changed by the call. It then
// requires PaymentRequestID (at most 64 characters), Order (with
// ReferenceOrderID, OrderDescription and OrderAmount), a positive
// PaymentAmount, SettlementStrategy.SettlementCurrency and
// PaymentRedirectURL; every other field is optional, and checked for the
// lengths and values Antom documents when it is set.
//
// SettlementStrategy is required although none of Antom's official SDK
// demos sends it: the createPaymentSession page and Antom's generated
// request validation (the PHP SDK) both mark it required, so a request with
// it is accepted under every published source and one without it is not.
type PaymentSessionRequest struct {
	// ProductCode is CASHIER_PAYMENT for One-time payments.
	ProductCode ProductCode `json:"productCode"`
	// ProductScene picks the client-side product:
	// ProductSceneCheckoutPayment for Antom Checkout Page (the response
	// then carries NormalURL), ProductSceneElementPayment for Payment
	// Element.
	ProductScene ProductScene `json:"productScene,omitempty"`
	// PaymentRequestID is the merchant's unique ID for this payment; the
	// notification and InquiryPayment use it as for Pay. Antom does not
	// document what a repeated createPaymentSession with the same ID does:
	// after an unknown outcome, inquire (or repeat the identical request)
	// before creating a session under a new ID.
	PaymentRequestID string `json:"paymentRequestId"`
	// Order describes what is being paid for; Checkout Page shows its
	// description and goods to the buyer.
	Order         Order  `json:"order"`
	PaymentAmount Amount `json:"paymentAmount"`
	// PaymentMethod fixes the payment method in advance, for the older
	// SDK integration; Checkout Page and Payment Element let the buyer
	// choose (narrow the choice with AvailablePaymentMethod instead).
	PaymentMethod *PaymentMethod `json:"paymentMethod,omitempty"`
	// PaymentRedirectURL is the merchant page the buyer lands on after
	// paying. Landing there is not proof of payment: confirm with a
	// notification or InquiryPayment.
	PaymentRedirectURL string `json:"paymentRedirectUrl"`
	// PaymentNotifyURL receives the payment notification; it overrides the
	// URL set in Antom Dashboard. It must be https, as for Pay (plain http
	// only for a loopback host, for tests).
	PaymentNotifyURL   string              `json:"paymentNotifyUrl,omitempty"`
	SettlementStrategy *SettlementStrategy `json:"settlementStrategy,omitempty"`
	// PaymentSessionExpiryTime ends the session early. Antom's default is
	// one hour after creation, and a value must lie within that hour
	// (Antom checks this against its own clock, so the SDK does not). It
	// is sent in ISO 8601 at seconds precision and left out when zero.
	PaymentSessionExpiryTime time.Time `json:"paymentSessionExpiryTime,omitempty"`
	// PaymentExpiryTime ends the payment the buyer starts from the
	// session; sent like PaymentSessionExpiryTime.
	PaymentExpiryTime time.Time `json:"paymentExpiryTime,omitempty"`
	// Env describes the buyer's device, for risk control. When set, its
	// TerminalType is required.
	Env *Env `json:"env,omitempty"`
	// MerchantRegion (ISO 3166 alpha-2) is required for Global Acquirer
	// Gateway merchants.
	MerchantRegion string `json:"merchantRegion,omitempty"`
	// UserRegion (ISO 3166 alpha-2) orders the wallets Checkout Page
	// shows by the buyer's region.
	UserRegion        string `json:"userRegion,omitempty"`
	MerchantAccountID string `json:"merchantAccountId,omitempty"`
	// AllowedPaymentMethodRegions limits the methods offered to those of
	// these regions (ISO 3166 alpha-2 codes, or "GLOBAL" for Visa and
	// Mastercard cards).
	AllowedPaymentMethodRegions []string `json:"allowedPaymentMethodRegions,omitempty"`
	// AvailablePaymentMethod limits and orders the methods Checkout Page
	// offers; API values take priority over the list set in Antom
	// Dashboard (https://docs.antom.com/ac/pm/specify_pm).
	AvailablePaymentMethod *AvailablePaymentMethod `json:"availablePaymentMethod,omitempty"`
	// Locale is the language tag of Checkout Page, at most 8 characters;
	// empty (or "automatic") follows the buyer's browser.
	Locale string `json:"locale,omitempty"`
	// SavedPaymentMethods are methods the buyer stored with the merchant.
	SavedPaymentMethods []PaymentMethod `json:"savedPaymentMethods,omitempty"`
	// PaymentFactor is for CARD through the client SDK.
	PaymentFactor *PaymentFactor `json:"paymentFactor,omitempty"`
	// EnableInstallmentCollection lets Antom collect instalment choices
	// when the card supports them. Antom documents false and absent as
	// the same ("no"), so false is left out.
	EnableInstallmentCollection bool        `json:"enableInstallmentCollection,omitempty"`
	Scopes                      []ScopeType `json:"scopes,omitempty"`
	// Metadata is free text for special use cases agreed with Antom.
	Metadata         string          `json:"metadata,omitempty"`
	CustomizedInfo   *CustomizedInfo `json:"customizedInfo,omitempty"`
	PaymentQuote     *Quote          `json:"paymentQuote,omitempty"`
	ProcessingAmount *Amount         `json:"processingAmount,omitempty"`
	// Scenario-specific objects (instalments, EasySafePay authorisation,
	// risk data, subscriptions through Checkout Page) whose shape this SDK
	// does not fix; they are sent verbatim.
	CreditPayPlan    json.RawMessage `json:"creditPayPlan,omitempty"`
	AgreementInfo    json.RawMessage `json:"agreementInfo,omitempty"`
	RiskData         json.RawMessage `json:"riskData,omitempty"`
	SubscriptionInfo json.RawMessage `json:"subscriptionInfo,omitempty"`
	SubscriptionPlan json.RawMessage `json:"subscriptionPlan,omitempty"`
	Subscription     json.RawMessage `json:"subscription,omitempty"`
}

// AvailablePaymentMethod is availablePaymentMethod: the payment methods a
// session may offer, in order.
type AvailablePaymentMethod struct {
	PaymentMethodTypeList []PaymentMethodTypeItem `json:"paymentMethodTypeList,omitempty"`
	// PaymentMethodMetaData carries data some methods need; keys depend
	// on the method.
	PaymentMethodMetaData map[string]any `json:"paymentMethodMetaData,omitempty"`
}

// PaymentMethodTypeItem is one allowed payment method.
type PaymentMethodTypeItem struct {
	PaymentMethodType PaymentMethodType `json:"paymentMethodType"`
	// PaymentMethodOrder ranks the method: smaller first. nil leaves the
	// order to Antom. It is a pointer because Antom's own example sends 0
	// (while its field table gives the range as 1 and up): both are sent
	// as given, and only negative values are refused.
	PaymentMethodOrder *int `json:"paymentMethodOrder,omitempty"`
	// ExpressCheckout shows the method as an express button; Antom
	// supports it for ALIPAY_CN, APPLEPAY and GOOGLEPAY only. It is an
	// opt-in, so false is left out rather than sent.
	ExpressCheckout bool `json:"expressCheckout,omitempty"`
}

// CustomizedInfo is customizedInfo: five free fields.
type CustomizedInfo struct {
	CustomizedField1 string `json:"customizedField1,omitempty"`
	CustomizedField2 string `json:"customizedField2,omitempty"`
	CustomizedField3 string `json:"customizedField3,omitempty"`
	CustomizedField4 string `json:"customizedField4,omitempty"`
	CustomizedField5 string `json:"customizedField5,omitempty"`
}

// MarshalJSON writes the request's times in Antom's ISO 8601 form and
// leaves them out when zero.
func (r PaymentSessionRequest) MarshalJSON() ([]byte, error) {
	type plain PaymentSessionRequest
	return json.Marshal(struct {
		plain
		PaymentSessionExpiryTime string `json:"paymentSessionExpiryTime,omitempty"`
		PaymentExpiryTime        string `json:"paymentExpiryTime,omitempty"`
	}{plain(r), payFormatTime(r.PaymentSessionExpiryTime), payFormatTime(r.PaymentExpiryTime)})
}

func (r *PaymentSessionRequest) requestID() string { return r.PaymentRequestID }

// PaymentSessionResponse is the answer to createPaymentSession. Which field
// the front end uses depends on the integration
// (https://docs.antom.com/ac/cashierpay/HOSTEDCKP,
// https://docs.antom.com/ac/cashierpay/embeddedckp,
// https://docs.antom.com/ac/cashierpay/element.md):
//
//   - Web and WAP, hosted Checkout Page (ProductSceneCheckoutPayment):
//     redirect the browser to NormalURL.
//   - Web and WAP, embedded Checkout Page or Payment Element: pass
//     PaymentSessionData to Antom's Web SDK (ams-checkout), which renders
//     the page inside the merchant's own.
//   - App (Android, iOS, Flutter): pass PaymentSessionData to Antom's
//     mobile SDK (createComponent). Embedded Checkout Page is not
//     supported in apps.
//
// Neither is proof of payment: the result comes as a payment notification
// and from InquiryPayment with the request's PaymentRequestID. Session data
// and ID are opaque; pass them on whole.
type PaymentSessionResponse struct {
	Result Result `json:"result"`
	// PaymentSessionData is the encrypted session for Antom's client SDKs
	// (at most 4096 characters).
	PaymentSessionData string `json:"paymentSessionData,omitempty"`
	// PaymentSessionExpiryTime is when the session ends; the buyer must
	// have paid by then.
	PaymentSessionExpiryTime time.Time `json:"paymentSessionExpiryTime"`
	// PaymentSessionID is Antom's encrypted ID for the session.
	PaymentSessionID string `json:"paymentSessionId,omitempty"`
	// NormalURL is the hosted Checkout Page (ProductSceneCheckoutPayment).
	NormalURL string `json:"normalUrl,omitempty"`
	// URL is returned by Antom as "the URL for payment session"; Antom
	// documents nothing more about it.
	URL string `json:"url,omitempty"`
	// SubscriptionID and InvoiceID come back for a request with
	// Subscription.
	SubscriptionID string `json:"subscriptionId,omitempty"`
	InvoiceID      string `json:"invoiceId,omitempty"`
}

// CreatePaymentSession creates a payment session for Antom Checkout Page or
// Payment Element (POST /ams/api/v1/payments/createPaymentSession). On S it
// returns the response and a nil error; on F a nil response and an *Error;
// when the outcome is unknown an error for which IsUnknown is true: repeat
// the identical request or inquire with the same PaymentRequestID before
// using a new one, or a buyer may pay twice.
func (c *Client) CreatePaymentSession(ctx context.Context, r *PaymentSessionRequest, opts ...CallOption) (*PaymentSessionResponse, error) {
	return callAPI[PaymentSessionResponse](ctx, c, "CreatePaymentSession", apiPathCreatePaymentSession, r, opts)
}
