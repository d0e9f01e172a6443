package alipay

import "fmt"

// Amount is a sum of money as Antom sends it: Value is a positive integer
// in the currency's minor unit ("1025" is USD 10.25, "500" is JPY 500) and
// Currency an ISO 4217 alphabetic code.
type Amount struct {
	Currency string `json:"currency"`
	Value    string `json:"value"`
}

// validate checks that a is a positive minor-unit amount in a plausible
// currency; field names a in the error.
// TODO(amount): replace with the full ISO 4217 check.
func (a Amount) validate(field string) error {
	if len(a.Currency) != 3 {
		return &ValidationError{Field: field + ".currency", Reason: fmt.Sprintf("%q is not a three-letter ISO 4217 code", a.Currency)}
	}
	if a.Value == "" || a.Value == "0" {
		return &ValidationError{Field: field + ".value", Reason: "must be a positive integer in minor units"}
	}
	return nil
}
