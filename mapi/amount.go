package mapi

import (
	"fmt"
	"strings"

	"github.com/xborderpay/alipay"
)

// mapiMaxFeeUnits is Number(9,2)'s upper bound, 1000000.00, in major units.
const mapiMaxFeeUnits = 1000000

// FormatFee returns the MAPI form of a decimal amount in major units of
// currency ("10" USD → "10.00", "100" JPY → "100"): exactly two decimal
// places, or none for currencies that ISO 4217 gives no decimals (JPY, KRW,
// ...), as total_fee, rmb_fee, return_amount and return_rmb_amount require
// (docs/protocol/mapi.md §3.1, §3.3). Currencies with three or four ISO decimals are capped
// at two, MAPI's Number(9,2). Trailing zeros beyond that are dropped; any
// other excess precision is an error, never rounded. The amount must lie
// in 0.01–1000000.00 (1–1000000 for zero-decimal currencies). field names
// the parameter in errors.
//
// The currency table and decimal arithmetic are the root package's
// (alipay.CurrencyDigits, alipay.DecimalToMinor): no floating point.
func FormatFee(field, decimal, currency string) (string, error) {
	iso, err := alipay.CurrencyDigits(currency)
	if err != nil {
		return "", &ValidationError{Field: field, Reason: reasonOf(err)}
	}
	minor, err := alipay.DecimalToMinor(decimal, currency)
	if err != nil {
		return "", &ValidationError{Field: field, Reason: reasonOf(err)}
	}
	digits := min(iso, 2)
	scale := int64(1)
	for range iso - digits {
		scale *= 10
	}
	if minor%scale != 0 {
		return "", invalid(field, "%q has more than %d decimal places, which MAPI allows for %s", decimal, digits, currency)
	}
	minor /= scale
	limit := int64(mapiMaxFeeUnits)
	for range digits {
		limit *= 10
	}
	if minor <= 0 || minor > limit {
		return "", invalid(field, "%q %s is outside 0.01–1000000.00 (whole units for zero-decimal currencies)", decimal, currency)
	}
	s := fmt.Sprintf("%d", minor)
	if digits == 0 {
		return s, nil
	}
	if len(s) <= digits {
		s = strings.Repeat("0", digits-len(s)+1) + s
	}
	return s[:len(s)-digits] + "." + s[len(s)-digits:], nil
}

// reasonOf drops the "alipay: " prefix of a root-package error so that it
// reads well inside a ValidationError.
func reasonOf(err error) string {
	return strings.TrimPrefix(err.Error(), "alipay: ")
}
