package alipay

import (
	"context"
	"encoding/json"
)

// ConsultRequest is the body of consult (https://docs.antom.com/ac/ams/consult): which payment methods
// can take this amount on this kind of device.
//
// Validation sets ProductCode to CASHIER_PAYMENT when it is empty (the
// request struct is changed by the call), and requires a positive
// PaymentAmount and Env.TerminalType (with Env.OSType for WAP and APP).
type ConsultRequest struct {
	ProductCode   ProductCode `json:"productCode"`
	PaymentAmount Amount      `json:"paymentAmount"`
	Env           Env         `json:"env"`
	// MerchantRegion is required for the GAGW product.
	MerchantRegion    string `json:"merchantRegion,omitempty"`
	MerchantAccountID string `json:"merchantAccountId,omitempty"`
	// UserRegion sorts the methods for the buyer's region.
	UserRegion string `json:"userRegion,omitempty"`
	// AllowedPaymentMethodRegions filters by ISO 3166 country code or
	// "GLOBAL".
	AllowedPaymentMethodRegions []string            `json:"allowedPaymentMethodRegions,omitempty"`
	AllowedPaymentMethods       []PaymentMethodType `json:"allowedPaymentMethods,omitempty"`
	BlockedPaymentMethods       []PaymentMethodType `json:"blockedPaymentMethods,omitempty"`
	AllowedPSPRegions           []string            `json:"allowedPspRegions,omitempty"`
	SettlementStrategy          *SettlementStrategy `json:"settlementStrategy,omitempty"`
	PaymentFactor               *PaymentFactor      `json:"paymentFactor,omitempty"`
	Buyer                       *Buyer              `json:"buyer,omitempty"`
	Merchant                    *Merchant           `json:"merchant,omitempty"`
	Region                      string              `json:"region,omitempty"`
	CustomerID                  string              `json:"customerId,omitempty"`
	ReferenceUserID             string              `json:"referenceUserId,omitempty"`
	ExtendInfo                  string              `json:"extendInfo,omitempty"`
	// PaymentEvaluation's shape is not fixed by Antom's documentation; it is sent
	// verbatim.
	PaymentEvaluation json.RawMessage `json:"paymentEvaluation,omitempty"`
}

func (r *ConsultRequest) validate() error {
	if r == nil {
		return payNilRequest()
	}
	if r.ProductCode == "" {
		r.ProductCode = ProductCodeCashierPayment
	}
	return payFirst(
		payMaxLen("productCode", string(r.ProductCode), 32),
		r.PaymentAmount.validate("paymentAmount"),
		r.Env.validate("env"),
		payMaxLen("merchantRegion", r.MerchantRegion, 2),
		payMaxLen("merchantAccountId", r.MerchantAccountID, 32),
		payMaxLen("userRegion", r.UserRegion, 2),
	)
}

// ConsultResponse is the answer to consult.
type ConsultResponse struct {
	Result             Result              `json:"result"`
	PaymentOptions     []PaymentOption     `json:"paymentOptions,omitempty"`
	PaymentMethodInfos []PaymentMethodInfo `json:"paymentMethodInfos,omitempty"`
	ExtendInfo         string              `json:"extendInfo,omitempty"`
}

// PaymentOption is one payment method as consult offers it.
type PaymentOption struct {
	PaymentMethodType     PaymentMethodType     `json:"paymentMethodType"`
	PaymentMethodCategory PaymentMethodCategory `json:"paymentMethodCategory,omitempty"`
	PaymentMethodRegion   []string              `json:"paymentMethodRegion,omitempty"`
	Enabled               bool                  `json:"enabled"`
	Preferred             bool                  `json:"preferred,omitempty"`
	// DisableReason is set when Enabled is false.
	DisableReason       DisableReason `json:"disableReason,omitempty"`
	SupportedCurrencies []string      `json:"supportedCurrencies,omitempty"`
	Logo                *Logo         `json:"logo,omitempty"`
	PromoNames          []string      `json:"promoNames,omitempty"`
	InteractionType     string        `json:"interactionType,omitempty"`
	BankIdentifierCode  string        `json:"bankIdentifierCode,omitempty"`
	ExtendInfo          string        `json:"extendInfo,omitempty"`
	// Method-specific objects whose shape Antom's documentation does not fix, kept as
	// Antom sent them.
	PaymentOptionDetail json.RawMessage `json:"paymentOptionDetail,omitempty"`
	Installment         json.RawMessage `json:"installment,omitempty"`
	PromotionInfos      json.RawMessage `json:"promotionInfos,omitempty"`
	AmountLimitInfoMap  json.RawMessage `json:"amountLimitInfoMap,omitempty"`
}

// Logo is a payment method's logo.
type Logo struct {
	LogoName string `json:"logoName,omitempty"`
	LogoURL  string `json:"logoUrl,omitempty"`
}

// PaymentMethodInfo is a payment method the buyer has already bound.
type PaymentMethodInfo struct {
	PaymentMethodType   PaymentMethodType `json:"paymentMethodType"`
	PaymentMethodDetail json.RawMessage   `json:"paymentMethodDetail,omitempty"`
	Enabled             bool              `json:"enabled"`
	Preferred           bool              `json:"preferred,omitempty"`
	ExtendInfo          string            `json:"extendInfo,omitempty"`
}

// Consult lists the payment methods available for an amount and device
// (POST /ams/api/v1/payments/consult).
func (c *Client) Consult(ctx context.Context, r *ConsultRequest, opts ...CallOption) (*ConsultResponse, error) {
	return callAPI[ConsultResponse](ctx, c, "Consult", apiPathConsult, r, opts)
}
