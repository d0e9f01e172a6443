package alipay

import (
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/currency"
)

// iso4217Expected is written out from ISO 4217 List One independently of
// currency_iso4217.go: every currency with 0, 3 or 4 decimal places, every
// one without a minor unit, and a sample of 2-place currencies.
var iso4217Expected = map[string]int{
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0,
	"RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
	"CLF": 4, "UYW": 4,
	"XAG": -1, "XAU": -1, "XBA": -1, "XBB": -1, "XBC": -1, "XBD": -1, "XDR": -1, "XPD": -1,
	"XPT": -1, "XSU": -1, "XTS": -1, "XUA": -1, "XXX": -1,
	"USD": 2, "EUR": 2, "GBP": 2, "CNY": 2, "HKD": 2, "SGD": 2, "MYR": 2, "THB": 2, "PHP": 2,
	"IDR": 2, "INR": 2, "AUD": 2, "NZD": 2, "CAD": 2, "CHF": 2, "SEK": 2, "NOK": 2, "DKK": 2,
	"PLN": 2, "CZK": 2, "HUF": 2, "BRL": 2, "MXN": 2, "COP": 2, "PEN": 2, "TWD": 2, "PKR": 2,
	"BDT": 2, "LKR": 2, "MOP": 2, "KZT": 2, "AED": 2, "SAR": 2, "QAR": 2, "TRY": 2, "ZAR": 2,
	"LAK": 2, "MMK": 2, "LBP": 2, "RSD": 2, "MGA": 2, "MRU": 2, "VES": 2, "VED": 2, "SLE": 2,
	"ZWG": 2, "XCG": 2, "STN": 2,
}

func TestCurrencyTableMatchesISO4217(t *testing.T) {
	for code, want := range iso4217Expected {
		got, ok := currencyMinorUnits[code]
		if assert.True(t, ok, "%s missing", code) {
			assert.Equal(t, want, got, code)
		}
	}
	// Every 0, 3, 4 and no-minor-unit entry of the table is in the expected list,
	// so a wrong digit count cannot hide among the 2-place currencies.
	for code, digits := range currencyMinorUnits {
		assert.True(t, amountIsCurrencyCode(code), code)
		if digits != 2 {
			assert.Contains(t, iso4217Expected, code, "%s has %d places but is not in the ISO list of the test", code, digits)
		}
	}
	assert.Len(t, currencyMinorUnits, 182, "table size changed: recheck it against ISO 4217 List One")
}

func TestCurrencyDigits(t *testing.T) {
	for code, want := range iso4217Expected {
		got, err := CurrencyDigits(code)
		if want == currencyNoMinorUnit {
			assert.ErrorIs(t, err, ErrNoMinorUnit, code)
			continue
		}
		require.NoError(t, err, code)
		assert.Equal(t, want, got, code)
	}
	for _, code := range []string{"", "us", "usd", "USDX", "U1D", "Usd", "ＵＳＤ"} {
		_, err := CurrencyDigits(code)
		assert.ErrorIs(t, err, ErrMalformedCurrency, code)
	}
	for _, code := range []string{"AAA", "DEM", "FRF", "HRK", "VEF", "MRO", "ZZZ"} {
		_, err := CurrencyDigits(code)
		assert.ErrorIs(t, err, ErrUnknownCurrency, code)
	}
}

// cldrDivergences lists the codes where CLDR 32, the data behind
// golang.org/x/text/currency v0.28.0, gives a different number of decimal
// places than ISO 4217. CLDR records the places used in practice, ISO the
// legal minor unit; Antom counts in ISO minor units.
var cldrDivergences = map[string]int{ // code → CLDR places
	"AFN": 0, "ALL": 0, "AMD": 0, "COP": 0, "GYD": 0, "IDR": 0, "IQD": 0, "IRR": 0, "KPW": 0,
	"LAK": 0, "LBP": 0, "MGA": 0, "MMK": 0, "MNT": 0, "MUR": 0, "PKR": 0, "RSD": 0, "SLL": 0,
	"SOS": 0, "SYP": 0, "TZS": 0, "UZS": 0, "YER": 0,
}

// TestCurrencyTableAgainstCLDR cross-checks the table with x/text's CLDR
// data: every code both know must agree or be a listed divergence, so a
// typo in the table shows up as a new, unexplained divergence.
func TestCurrencyTableAgainstCLDR(t *testing.T) {
	var unexplained, stale []string
	for code, digits := range currencyMinorUnits {
		if digits == currencyNoMinorUnit {
			continue
		}
		unit, err := currency.ParseISO(code)
		if err != nil {
			continue // newer than CLDR 32 (VES, MRU, SLE, ...)
		}
		cldr, _ := currency.Standard.Rounding(unit)
		want, listed := cldrDivergences[code]
		switch {
		case cldr != digits && (!listed || want != cldr):
			unexplained = append(unexplained, code)
		case cldr == digits && listed:
			stale = append(stale, code)
		}
	}
	sort.Strings(unexplained)
	sort.Strings(stale)
	assert.Empty(t, unexplained, "table and CLDR disagree on these codes; check ISO 4217")
	assert.Empty(t, stale, "divergence listed but CLDR agrees")
}
