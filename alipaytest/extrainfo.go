package alipaytest

import (
	"fmt"
	"net/mail"
	"regexp"
	"slices"
)

// BLIK, Przelewy24 and iDEAL need one piece of information from the buyer
// (https://global.alipay.com/docs/ac/cashierpay/noncard_payment, step 4
// "Collect or display extra information"): the merchant may collect it on
// its own page and send it in pay as paymentMethod.paymentMethodMetaData,
// or leave it out, and then Antom's page asks the buyer for it. The fake
// does both: pay validates the value when given (F PARAM_ILLEGAL naming
// paymentMethod.paymentMethodMetaData.<key>), and the cashier page at
// normalUrl shows a field for it when pay had none.
//
// Antom does not publish its checks; the fake's are:
//   - blikCode: exactly 6 ASCII digits (BLIK's code is a 6-digit one-time
//     code, https://docs.antom.com/ac/antomop/blik);
//   - payerEmail: a plain address as net/mail parses it ("name@host", no
//     display name), at most 254 bytes;
//   - bankIdentifierCode: a BIC (ISO 9362 shape) from idealBanks, a short
//     list of Dutch iDEAL banks that the package documentation repeats.
//
// A value that is not a JSON string is PARAM_ILLEGAL too. Other keys in
// paymentMethodMetaData are ignored, as are the keys of other methods.

// extraInfo is the one field a method needs from the buyer.
type extraInfo struct {
	key   string // in paymentMethodMetaData
	label string // on the cashier page
	kind  string // input type: text, email or select
	check func(string) error
}

// idealBanks are the bankIdentifierCode values the fake accepts for IDEAL,
// with the bank's name as its cashier page shows it.
var idealBanks = []idealBank{
	{"ABNANL2A", "ABN AMRO"}, {"ASNBNL21", "ASN Bank"}, {"BUNQNL2A", "bunq"}, {"INGBNL2A", "ING"},
	{"KNABNL2H", "Knab"}, {"RABONL2U", "Rabobank"}, {"RBRBNL21", "RegioBank"}, {"SNSBNL2A", "SNS"},
	{"TRIONL2U", "Triodos Bank"}, {"FVLBNL22", "Van Lanschot"},
}

type idealBank struct{ BIC, Name string }

var (
	sixDigits = regexp.MustCompile(`^[0-9]{6}$`)
	// bicShape is ISO 9362: bank (4 letters), country (2 letters),
	// location (2 alphanumerics), optional branch (3 alphanumerics).
	bicShape = regexp.MustCompile(`^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$`)
)

var blikCode = extraInfo{key: "blikCode", label: "BLIK code (6 digits from your banking app)", kind: "text",
	check: func(v string) error {
		if !sixDigits.MatchString(v) {
			return fmt.Errorf("must be exactly 6 digits")
		}
		return nil
	}}

var payerEmail = extraInfo{key: "payerEmail", label: "E-mail address for Przelewy24", kind: "email",
	check: func(v string) error {
		if len(v) > 254 {
			return fmt.Errorf("is longer than 254 bytes")
		}
		if a, err := mail.ParseAddress(v); err != nil || a.Address != v {
			return fmt.Errorf("must be a plain e-mail address, such as name@example.com")
		}
		return nil
	}}

var bankIdentifierCode = extraInfo{key: "bankIdentifierCode", label: "Your bank", kind: "select",
	check: func(v string) error {
		if !bicShape.MatchString(v) {
			return fmt.Errorf("must be a BIC, such as ABNANL2A")
		}
		if !slices.ContainsFunc(idealBanks, func(b idealBank) bool { return b.BIC == v }) {
			return fmt.Errorf("%s is not an iDEAL bank the fake knows (see the package documentation)", v)
		}
		return nil
	}}

// field is where the value goes in the pay request, for PARAM_ILLEGAL.
func (x *extraInfo) field() string { return "paymentMethod.paymentMethodMetaData." + x.key }

// fromPay returns the value pay gave for the method's key ("" when
// absent), or PARAM_ILLEGAL when it is there but not a valid value.
func (x *extraInfo) fromPay(meta map[string]any) (string, *apiError) {
	raw, ok := meta[x.key]
	if !ok || raw == nil {
		return "", nil
	}
	v, ok := raw.(string)
	if !ok {
		return "", paramIllegal(x.field(), "must be a JSON string")
	}
	if v == "" {
		return "", paramIllegal(x.field(), "is empty")
	}
	if err := x.check(v); err != nil {
		return "", paramIllegal(x.field(), err.Error())
	}
	return v, nil
}
