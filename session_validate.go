package alipay

import (
	"fmt"
)

// validate checks a createPaymentSession request against the required set
// and limits of https://docs.antom.com/ac/ams/session_cashier; each error
// names the JSON path of the field.
func (r *PaymentSessionRequest) validate() error {
	if r == nil {
		return payNilRequest()
	}
	if r.ProductCode == "" {
		r.ProductCode = ProductCodeCashierPayment
	}
	if err := payFirst(
		payMaxLen("productScene", string(r.ProductScene), 32),
		payRequiredMax("paymentRequestId", r.PaymentRequestID, maxIDLen),
		payRequired("order.referenceOrderId", r.Order.ReferenceOrderID),
		r.Order.validate("order"),
		r.PaymentAmount.validate("paymentAmount"),
		sessionSettlement(r.SettlementStrategy),
		payRequiredMax("paymentRedirectUrl", r.PaymentRedirectURL, 2048),
		payNotifyURL("paymentNotifyUrl", r.PaymentNotifyURL, 2048),
		sessionPaymentMethod("paymentMethod", r.PaymentMethod),
		payMaxLen("merchantRegion", r.MerchantRegion, 2),
		payMaxLen("userRegion", r.UserRegion, 2),
		payMaxLen("merchantAccountId", r.MerchantAccountID, 32),
		payMaxLen("locale", r.Locale, 8),
		payOptionalAmount("processingAmount", r.ProcessingAmount),
	); err != nil {
		return err
	}
	switch r.ProductCode {
	case ProductCodeCashierPayment, ProductCodeAgreementPayment, ProductCodeInStorePayment:
	default:
		return &ValidationError{Field: "productCode", Reason: fmt.Sprintf("%q is not CASHIER_PAYMENT, AGREEMENT_PAYMENT or IN_STORE_PAYMENT", truncate(string(r.ProductCode), 24))}
	}
	if r.Env != nil {
		if err := r.Env.validate("env"); err != nil {
			return err
		}
	}
	for i, region := range r.AllowedPaymentMethodRegions {
		if region != "GLOBAL" && !sessionIsRegion(region) {
			return &ValidationError{Field: fmt.Sprintf("allowedPaymentMethodRegions[%d]", i), Reason: fmt.Sprintf("%q is not a two-letter ISO 3166 code or GLOBAL", truncate(region, 16))}
		}
	}
	if a := r.AvailablePaymentMethod; a != nil {
		for i, item := range a.PaymentMethodTypeList {
			p := fmt.Sprintf("availablePaymentMethod.paymentMethodTypeList[%d]", i)
			if err := payRequiredMax(p+".paymentMethodType", string(item.PaymentMethodType), 64); err != nil {
				return err
			}
			if o := item.PaymentMethodOrder; o != nil && *o < 0 {
				return &ValidationError{Field: p + ".paymentMethodOrder", Reason: fmt.Sprintf("%d is negative", *o)}
			}
		}
	}
	for i := range r.SavedPaymentMethods {
		if err := sessionPaymentMethod(fmt.Sprintf("savedPaymentMethods[%d]", i), &r.SavedPaymentMethods[i]); err != nil {
			return err
		}
	}
	if !r.PaymentSessionExpiryTime.IsZero() && !r.PaymentExpiryTime.IsZero() && r.PaymentExpiryTime.Before(r.PaymentSessionExpiryTime) {
		// Not a documented rule, but a payment that expires before its
		// session leaves the buyer a page on which nothing can be paid.
		return &ValidationError{Field: "paymentExpiryTime", Reason: "is before paymentSessionExpiryTime"}
	}
	return nil
}

// sessionSettlement requires settlementStrategy.settlementCurrency, which
// the createPaymentSession page marks required (PaymentSessionRequest says
// why the SDK follows it).
func sessionSettlement(s *SettlementStrategy) error {
	if s == nil || s.SettlementCurrency == "" {
		return &ValidationError{Field: "settlementStrategy.settlementCurrency", Reason: "is required"}
	}
	if !amountIsCurrencyCode(s.SettlementCurrency) {
		return &ValidationError{Field: "settlementStrategy.settlementCurrency", Reason: fmt.Sprintf("%q is not a three-letter ISO 4217 code", truncate(s.SettlementCurrency, 8))}
	}
	return nil
}

// sessionPaymentMethod checks an optional payment method's lengths; its
// type may be empty, as Antom's own Go demo sends it to carry only
// paymentMethodMetaData.
func sessionPaymentMethod(field string, m *PaymentMethod) error {
	if m == nil {
		return nil
	}
	return payFirst(
		payMaxLen(field+".paymentMethodType", string(m.PaymentMethodType), 64),
		payMaxLen(field+".paymentMethodId", m.PaymentMethodID, 128),
		payMaxLen(field+".extendInfo", m.ExtendInfo, 2048),
	)
}

// sessionIsRegion reports whether s is two upper-case ASCII letters.
func sessionIsRegion(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}
