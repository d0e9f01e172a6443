package alipay

import (
	"encoding/json"
	"time"
)

// PaymentMethod selects how the buyer pays (pay paymentMethod, docs/protocol/ams.md §2.1).
type PaymentMethod struct {
	// PaymentMethodType is required: ALIPAY_HK, GCASH, CARD, ...
	PaymentMethodType PaymentMethodType `json:"paymentMethodType"`
	// PaymentMethodID is a card token from an earlier notification or
	// inquiry, for CARD.
	PaymentMethodID string  `json:"paymentMethodId,omitempty"`
	Funding         Funding `json:"funding,omitempty"`
	CustomerID      string  `json:"customerId,omitempty"`
	ExtendInfo      string  `json:"extendInfo,omitempty"`
	// RequireIssuerAuthentication asks for issuer authentication (Korean
	// cards).
	RequireIssuerAuthentication bool `json:"requireIssuerAuthentication,omitempty"`
	// PaymentMethodMetaData carries method-specific data whose keys depend
	// on the method, e.g. {"blikCode": "123456"} for BLIK or card details.
	// It may hold card data: never log it.
	PaymentMethodMetaData map[string]any `json:"paymentMethodMetaData,omitempty"`
}

// PaymentFactor tunes a payment, mostly for cards (paymentFactor).
type PaymentFactor struct {
	IsPaymentEvaluation    bool            `json:"isPaymentEvaluation,omitempty"`
	InStorePaymentScenario string          `json:"inStorePaymentScenario,omitempty"`
	PresentmentMode        PresentmentMode `json:"presentmentMode,omitempty"`
	// CaptureMode defaults to AUTOMATIC on Antom's side; MANUAL needs a
	// Capture call.
	CaptureMode     CaptureMode `json:"captureMode,omitempty"`
	IsAuthorization bool        `json:"isAuthorization,omitempty"`
}

// SettlementStrategy chooses the settlement currency; it is needed when the
// merchant signed up for more than one.
type SettlementStrategy struct {
	SettlementCurrency string `json:"settlementCurrency,omitempty"`
}

// Quote is an exchange-rate quote.
type Quote struct {
	QuoteID           string `json:"quoteId,omitempty"`
	QuoteCurrencyPair string `json:"quoteCurrencyPair,omitempty"` // "USD/SGD"
	// QuotePrice is the rate exactly as Antom sent it (a JSON number),
	// never rounded through a float.
	QuotePrice      json.Number `json:"quotePrice,omitempty"`
	QuoteStartTime  time.Time   `json:"quoteStartTime,omitempty"`
	QuoteExpiryTime time.Time   `json:"quoteExpiryTime,omitempty"`
	Guaranteed      bool        `json:"guaranteed,omitempty"`
	ExchangeAmount  *Amount     `json:"exchangeAmount,omitempty"`
}

// MarshalJSON writes the quote's times in Antom's ISO 8601 form and leaves
// them out when zero.
func (q Quote) MarshalJSON() ([]byte, error) {
	type plain Quote
	return json.Marshal(struct {
		plain
		QuoteStartTime  string `json:"quoteStartTime,omitempty"`
		QuoteExpiryTime string `json:"quoteExpiryTime,omitempty"`
	}{plain(q), payFormatTime(q.QuoteStartTime), payFormatTime(q.QuoteExpiryTime)})
}
