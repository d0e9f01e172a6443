package alipay

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Amount is a sum of money as Antom sends it: Value is a positive integer
// in the currency's minor unit ("1025" is USD 10.25, "500" is JPY 500) and
// Currency an ISO 4217 alphabetic code.
//
// Amounts read from reconciliation reports may also be zero or negative
// ("-1025"); request amounts never are.
type Amount struct {
	Currency string `json:"currency"`
	Value    string `json:"value"`
}

// Errors returned by NewAmount, Amount.Decimal, DecimalToMinor,
// MinorToDecimal and CurrencyDigits, matched with errors.Is. The returned
// error wraps one of them and says what was wrong with which input.
var (
	// ErrMalformedDecimal: the decimal is empty or not plain ASCII digits
	// with at most one inner point (signs, exponents, grouping separators,
	// leading or trailing points, leading zeros, other characters).
	ErrMalformedDecimal = errors.New("alipay: malformed decimal amount")
	// ErrExcessPrecision: the decimal has non-zero digits beyond the
	// currency's minor unit ("10.255" USD, "5.5" JPY).
	ErrExcessPrecision = errors.New("alipay: amount has more decimal places than the currency allows")
	// ErrMalformedCurrency: the code is not three upper-case ASCII letters.
	ErrMalformedCurrency = errors.New("alipay: malformed currency code")
	// ErrUnknownCurrency: the code is well formed but not in ISO 4217.
	ErrUnknownCurrency = errors.New("alipay: unknown currency")
	// ErrNoMinorUnit: ISO 4217 gives the currency no minor unit (XAU, XDR,
	// XXX, ...), so it cannot be an Antom amount.
	ErrNoMinorUnit = errors.New("alipay: currency has no minor unit")
	// ErrNonPositiveAmount: a payment amount is zero.
	ErrNonPositiveAmount = errors.New("alipay: amount must be positive")
	// ErrAmountTooLarge: the value has more than 16 digits in minor units,
	// Antom's limit.
	ErrAmountTooLarge = errors.New("alipay: amount has more than 16 digits in minor units")
	// ErrIDRAmount: Antom requires IDR values in minor units to end in "00"
	// (whole rupiah).
	ErrIDRAmount = errors.New("alipay: IDR amount in minor units must end in 00")
)

// amountMaxDigits is Antom's limit on the digits of a value in minor units.
const amountMaxDigits = 16

// CurrencyDigits returns the ISO 4217 minor unit of a currency: the number
// of decimal places between its major unit and the unit Antom counts in
// (2 for USD, 0 for JPY, 3 for KWD, 4 for CLF). It fails with
// ErrMalformedCurrency, ErrUnknownCurrency or ErrNoMinorUnit.
func CurrencyDigits(code string) (int, error) {
	if !amountIsCurrencyCode(code) {
		return 0, fmt.Errorf("%w: %s is not three upper-case ASCII letters", ErrMalformedCurrency, amountQuote(code))
	}
	digits, ok := currencyMinorUnits[code]
	switch {
	case !ok:
		return 0, fmt.Errorf("%w: %s is not an ISO 4217 currency", ErrUnknownCurrency, code)
	case digits == currencyNoMinorUnit:
		return 0, fmt.Errorf("%w: ISO 4217 gives %s no minor unit", ErrNoMinorUnit, code)
	}
	return digits, nil
}

// NewAmount converts a decimal in major units ("10.25") to an Amount in
// minor units ({USD 1025}) exactly, without floating point. The decimal is
// plain ASCII digits with an optional point inside ("10", "10.5", "0.07");
// trailing zeros beyond the currency's minor unit are accepted ("10.250"
// USD) because they do not change the value, other excess digits are not.
// The amount must be positive, have at most 16 digits in minor units and,
// for IDR, be whole rupiah, as Antom requires.
func NewAmount(decimal, currency string) (Amount, error) {
	digits, err := CurrencyDigits(currency)
	if err != nil {
		return Amount{}, err
	}
	if strings.HasPrefix(decimal, "-") || strings.HasPrefix(decimal, "+") {
		return Amount{}, fmt.Errorf("%w: %s has a sign; a payment amount is a positive number", ErrMalformedDecimal, amountQuote(decimal))
	}
	minor, err := amountParseDecimal(decimal, digits)
	if err != nil {
		return Amount{}, err
	}
	if err := amountCheckPayment(minor, currency); err != nil {
		return Amount{}, fmt.Errorf("%w (%s %s)", err, amountQuote(decimal), currency)
	}
	return Amount{Currency: currency, Value: strconv.FormatInt(minor, 10)}, nil
}

// Decimal returns a's value in major units with exactly as many decimal
// places as its currency has ("10.25" for {USD 1025}, "500" for {JPY 500},
// "-0.50" for a report's {USD -50}). It fails if the currency is not an
// ISO 4217 currency with a minor unit or Value is not an integer of at most
// 16 digits.
func (a Amount) Decimal() (string, error) {
	digits, err := CurrencyDigits(a.Currency)
	if err != nil {
		return "", err
	}
	minor, err := amountParseValue(a.Value, true)
	if err != nil {
		return "", err
	}
	return amountFormat(minor, digits), nil
}

// MinorUnits returns a's value as an integer number of minor units. Value
// may carry a leading minus sign, as amounts read from reports can.
func (a Amount) MinorUnits() (int64, error) {
	return amountParseValue(a.Value, true)
}

// String returns a in major units followed by its currency ("10.25 USD"),
// or the raw fields when a is not a valid amount.
func (a Amount) String() string {
	if d, err := a.Decimal(); err == nil {
		return d + " " + a.Currency
	}
	return a.Value + " " + a.Currency + " (minor units)"
}

// DecimalToMinor converts a decimal in major units, as found in
// reconciliation reports and in MAPI's total_fee, to an integer number of
// minor units of currency, exactly. Unlike NewAmount it accepts zero and a
// leading minus sign (refunds, fees); it applies no Antom payment rule other
// than the 16-digit limit.
func DecimalToMinor(decimal, currency string) (int64, error) {
	digits, err := CurrencyDigits(currency)
	if err != nil {
		return 0, err
	}
	return amountDecimalToMinor(decimal, digits)
}

// amountDecimalToMinor is DecimalToMinor for a currency with digits
// decimal places.
func amountDecimalToMinor(decimal string, digits int) (int64, error) {
	neg := strings.HasPrefix(decimal, "-")
	minor, err := amountParseDecimal(strings.TrimPrefix(decimal, "-"), digits)
	if err != nil {
		if neg && errors.Is(err, ErrMalformedDecimal) {
			return 0, fmt.Errorf("%w: %s", ErrMalformedDecimal, amountQuote(decimal))
		}
		return 0, err
	}
	if neg {
		if minor == 0 {
			return 0, fmt.Errorf("%w: %s is a negative zero", ErrMalformedDecimal, amountQuote(decimal))
		}
		minor = -minor
	}
	return minor, nil
}

// MinorToDecimal formats an integer number of minor units of currency as a
// decimal in major units with exactly the currency's decimal places
// (1025 USD → "10.25", 500 JPY → "500", -5 KWD → "-0.005").
func MinorToDecimal(minor int64, currency string) (string, error) {
	digits, err := CurrencyDigits(currency)
	if err != nil {
		return "", err
	}
	if minor > amountMaxValue || minor < -amountMaxValue {
		return "", fmt.Errorf("%w: %d", ErrAmountTooLarge, minor)
	}
	return amountFormat(minor, digits), nil
}

// validate checks that a is a positive minor-unit amount in an ISO 4217
// currency with a minor unit, within Antom's limits; field names a in the
// error.
func (a Amount) validate(field string) error {
	if _, err := CurrencyDigits(a.Currency); err != nil {
		return &ValidationError{Field: field + ".currency", Reason: amountReason(err)}
	}
	minor, err := amountParseValue(a.Value, false)
	if err == nil {
		err = amountCheckPayment(minor, a.Currency)
	}
	if err != nil {
		return &ValidationError{Field: field + ".value", Reason: amountReason(err)}
	}
	return nil
}

// amountMaxValue is the largest value with amountMaxDigits digits.
const amountMaxValue = 9999999999999999

// amountCheckPayment applies Antom's rules for a payment amount.
func amountCheckPayment(minor int64, currency string) error {
	if minor <= 0 {
		return fmt.Errorf("%w: got %d minor units", ErrNonPositiveAmount, minor)
	}
	if currency == "IDR" && minor%100 != 0 {
		return fmt.Errorf("%w: got %d", ErrIDRAmount, minor)
	}
	return nil
}

// amountParseDecimal parses an unsigned decimal in major units into minor
// units of a currency with the given decimal places.
func amountParseDecimal(s string, digits int) (int64, error) {
	if s == "" {
		return 0, fmt.Errorf("%w: empty", ErrMalformedDecimal)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && c != '.' {
			return 0, fmt.Errorf("%w: %s %s", ErrMalformedDecimal, amountQuote(s), amountBadChar(s[i:]))
		}
	}
	whole, frac, hasPoint := strings.Cut(s, ".")
	switch {
	case whole == "":
		return 0, fmt.Errorf("%w: %s starts with a point", ErrMalformedDecimal, amountQuote(s))
	case hasPoint && frac == "":
		return 0, fmt.Errorf("%w: %s ends with a point", ErrMalformedDecimal, amountQuote(s))
	case strings.Contains(frac, "."):
		return 0, fmt.Errorf("%w: %s has more than one point", ErrMalformedDecimal, amountQuote(s))
	case len(whole) > 1 && whole[0] == '0':
		return 0, fmt.Errorf("%w: %s has a leading zero", ErrMalformedDecimal, amountQuote(s))
	}
	if len(frac) > digits {
		if strings.Trim(frac[digits:], "0") != "" {
			return 0, fmt.Errorf("%w: %s has %d decimal places, the currency has %d", ErrExcessPrecision, amountQuote(s), len(frac), digits)
		}
		frac = frac[:digits]
	}
	// The minor units are the digits of whole, frac and digits-len(frac)
	// zeros, without leading zeros; accumulated in place rather than
	// concatenated and parsed, which showed in reconciliation profiles.
	var minor int64
	significant := 0
	for _, part := range [2]string{whole, frac} {
		for i := 0; i < len(part); i++ {
			if significant > 0 || part[i] != '0' {
				significant++
				if significant <= amountMaxDigits {
					minor = minor*10 + int64(part[i]-'0')
				}
			}
		}
	}
	if significant > 0 {
		for range digits - len(frac) {
			significant++
			if significant <= amountMaxDigits {
				minor *= 10
			}
		}
	}
	if significant > amountMaxDigits {
		return 0, fmt.Errorf("%w: %s is %d digits in minor units", ErrAmountTooLarge, amountQuote(s), significant)
	}
	return minor, nil
}

// amountParseValue parses a minor-unit Value: ASCII digits without leading
// zeros, at most 16 of them, with a leading minus sign if signed.
func amountParseValue(v string, signed bool) (int64, error) {
	digits := v
	if signed {
		digits = strings.TrimPrefix(v, "-")
	}
	switch {
	case digits == "":
		return 0, fmt.Errorf("%w: value %s is not an integer in minor units", ErrMalformedDecimal, amountQuote(v))
	case !amountAllDigits(digits):
		return 0, fmt.Errorf("%w: value %s is not an integer in minor units", ErrMalformedDecimal, amountQuote(v))
	case len(digits) > 1 && digits[0] == '0', digits == "0" && digits != v:
		return 0, fmt.Errorf("%w: value %s has a leading zero", ErrMalformedDecimal, amountQuote(v))
	case len(digits) > amountMaxDigits:
		return 0, fmt.Errorf("%w: value %s has %d digits", ErrAmountTooLarge, amountQuote(v), len(digits))
	}
	n, _ := strconv.ParseInt(digits, 10, 64) // cannot fail: ≤ 16 ASCII digits
	if digits != v {
		n = -n
	}
	return n, nil
}

// amountAllDigits reports whether s is only ASCII digits. strings.Trim
// with a cutset builds the cutset's table on every call, which showed in
// profiles of reconciliations of a million records.
func amountAllDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// amountFormat writes minor units as a decimal with digits decimal places.
func amountFormat(minor int64, digits int) string {
	neg := minor < 0
	if neg {
		minor = -minor
	}
	s := strconv.FormatInt(minor, 10)
	if digits > 0 {
		if len(s) <= digits {
			s = strings.Repeat("0", digits-len(s)+1) + s
		}
		s = s[:len(s)-digits] + "." + s[len(s)-digits:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

func amountIsCurrencyCode(code string) bool {
	if len(code) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if code[i] < 'A' || code[i] > 'Z' {
			return false
		}
	}
	return true
}

// amountBadChar describes why the first character of s cannot be in a
// decimal amount.
func amountBadChar(s string) string {
	switch c := s[0]; {
	case c == '+' || c == '-':
		return "has a sign"
	case c == 'e' || c == 'E':
		return "has an exponent"
	case c == ',' || c == '_' || c == '\'' || c == ' ':
		return "has a grouping separator or space"
	case c >= 0x80:
		return "has a non-ASCII character"
	default:
		return fmt.Sprintf("has the character %q", c)
	}
}

// amountQuote quotes an input for an error message, cut to a sane length.
func amountQuote(s string) string {
	const max = 40
	if len(s) > max {
		return strconv.Quote(s[:max]) + "…"
	}
	return strconv.Quote(s)
}

// amountReason turns an amount error into a ValidationError reason.
func amountReason(err error) string {
	return strings.TrimPrefix(err.Error(), "alipay: ")
}
