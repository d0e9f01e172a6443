package alipaytest

import "slices"

// method is a payment method the fake offers.
type method struct {
	typ        string
	category   string
	regions    []string
	currencies []string
	terminals  []string   // terminal types it accepts
	appID      string     // Android package of the wallet app, for APP and WAP
	extra      *extraInfo // what Antom collects for it when the merchant does not
}

var allTerminals = []string{"WEB", "WAP", "APP", "MINI_APP"}

// webAndWAP are the terminals of the bank-based methods: they pay on a web
// page (or the bank's app, opened from it), with no APP or Mini Program flow.
var webAndWAP = []string{"WEB", "WAP"}

// methods is the fake's catalogue. The app identifiers are the wallets'
// public Android package names; the currency lists are a plausible subset.
//
// BLIK, P24 and IDEAL are "Online banking" on Antom's method pages
// (https://docs.antom.com/ac/antomop/blik,
// https://docs.antom.com/ac/antomop/przelewy24,
// https://docs.antom.com/ac/antomop/ideal), so their category is
// ONLINE_BANKING, which consult returns on WEB too (MOBILE_BANKING_APP is
// not returned for WEB). Currencies follow those pages (BLIK PLN, P24 PLN,
// IDEAL EUR), except that the fake's P24 also takes EUR, which Przelewy24
// accepts elsewhere, so that one euro price can show every extra field.
// Each needs one piece of extra information
// (https://global.alipay.com/docs/ac/cashierpay/noncard_payment, step 4),
// see extrainfo.go.
var methods = []method{
	{typ: "ALIPAY_CN", category: "WALLET", regions: []string{"CN"}, currencies: []string{"USD", "EUR", "GBP", "HKD", "SGD", "JPY", "KRW", "AUD", "CAD", "CNY"}, terminals: allTerminals, appID: "com.eg.android.AlipayGphone"},
	{typ: "ALIPAY_HK", category: "WALLET", regions: []string{"HK"}, currencies: []string{"HKD", "USD"}, terminals: allTerminals, appID: "hk.alipay.wallet"},
	{typ: "GCASH", category: "WALLET", regions: []string{"PH"}, currencies: []string{"PHP"}, terminals: allTerminals, appID: "com.globe.gcash.android"},
	{typ: "DANA", category: "WALLET", regions: []string{"ID"}, currencies: []string{"IDR"}, terminals: allTerminals, appID: "id.dana"},
	{typ: "KAKAOPAY", category: "WALLET", regions: []string{"KR"}, currencies: []string{"KRW"}, terminals: allTerminals, appID: "com.kakaopay.app"},
	{typ: "TNG", category: "WALLET", regions: []string{"MY"}, currencies: []string{"MYR"}, terminals: allTerminals, appID: "my.com.tngdigital.ewallet"},
	{typ: "TRUEMONEY", category: "WALLET", regions: []string{"TH"}, currencies: []string{"THB"}, terminals: allTerminals, appID: "th.co.truemoney.wallet"},
	{typ: "CARD", category: "CARD", regions: []string{"GLOBAL"}, currencies: []string{"USD", "EUR", "GBP", "HKD", "SGD", "JPY", "AUD"}, terminals: allTerminals},
	{typ: "SOFORT", category: "ONLINE_BANKING", regions: []string{"DE", "AT"}, currencies: []string{"EUR"}, terminals: webAndWAP},
	{typ: "BLIK", category: "ONLINE_BANKING", regions: []string{"PL"}, currencies: []string{"PLN"}, terminals: webAndWAP, extra: &blikCode},
	{typ: "P24", category: "ONLINE_BANKING", regions: []string{"PL"}, currencies: []string{"PLN", "EUR"}, terminals: webAndWAP, extra: &payerEmail},
	{typ: "IDEAL", category: "ONLINE_BANKING", regions: []string{"NL"}, currencies: []string{"EUR"}, terminals: webAndWAP, extra: &bankIdentifierCode},
}

func findMethod(typ string) (method, bool) {
	for _, m := range methods {
		if m.typ == typ {
			return m, true
		}
	}
	return method{}, false
}

func (m method) supportsCurrency(c string) bool { return slices.Contains(m.currencies, c) }
func (m method) supportsTerminal(t string) bool { return slices.Contains(m.terminals, t) }
func (m method) isWallet() bool                 { return m.appID != "" }

func methodNames() []string {
	names := make([]string, len(methods))
	for i, m := range methods {
		names[i] = m.typ
	}
	return names
}
