package alipay

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewAmount(t *testing.T) {
	tests := []struct {
		decimal, currency string
		want              string // minor units when err is nil
		err               error
	}{
		// Two decimal places.
		{"10.25", "USD", "1025", nil},
		{"10", "USD", "1000", nil},
		{"10.5", "USD", "1050", nil},
		{"0.01", "USD", "1", nil},
		{"0.10", "EUR", "10", nil},
		{"10.250", "USD", "1025", nil}, // trailing zeros do not change the value
		{"10.2500000", "GBP", "1025", nil},
		{"1234567.89", "CNY", "123456789", nil},
		{"99999999999999.99", "USD", "9999999999999999", nil}, // 16 digits: the limit
		{"100000000000000.00", "USD", "", ErrAmountTooLarge},  // 17 digits
		{"100000000000000", "USD", "", ErrAmountTooLarge},
		// Zero decimal places.
		{"500", "JPY", "500", nil},
		{"500.00", "JPY", "500", nil},
		{"500.5", "JPY", "", ErrExcessPrecision},
		{"1000", "KRW", "1000", nil},
		{"0.1", "KRW", "", ErrExcessPrecision},
		{"25000", "VND", "25000", nil},
		{"1500", "CLP", "1500", nil},
		{"9999999999999999", "JPY", "9999999999999999", nil},
		{"10000000000000000", "JPY", "", ErrAmountTooLarge},
		// Three and four decimal places.
		{"1.005", "BHD", "1005", nil},
		{"1.5", "BHD", "1500", nil},
		{"0.001", "KWD", "1", nil},
		{"1.0001", "KWD", "", ErrExcessPrecision},
		{"1.2345", "CLF", "12345", nil},
		{"1", "CLF", "10000", nil},
		{"1.23456", "CLF", "", ErrExcessPrecision},
		{"999999999999.9999", "CLF", "9999999999999999", nil},
		// Excess precision with two places.
		{"10.255", "USD", "", ErrExcessPrecision},
		{"0.001", "USD", "", ErrExcessPrecision},
		// IDR: whole rupiah only.
		{"15000", "IDR", "1500000", nil},
		{"15000.00", "IDR", "1500000", nil},
		{"15000.50", "IDR", "", ErrIDRAmount},
		{"0.01", "IDR", "", ErrIDRAmount},
		// Non-positive.
		{"0", "USD", "", ErrNonPositiveAmount},
		{"0.00", "USD", "", ErrNonPositiveAmount},
		{"0", "JPY", "", ErrNonPositiveAmount},
		// Malformed decimals.
		{"", "USD", "", ErrMalformedDecimal},
		{"-10.25", "USD", "", ErrMalformedDecimal},
		{"+10.25", "USD", "", ErrMalformedDecimal},
		{"1e3", "USD", "", ErrMalformedDecimal},
		{"1E3", "USD", "", ErrMalformedDecimal},
		{"1,000.00", "USD", "", ErrMalformedDecimal},
		{"1_000", "USD", "", ErrMalformedDecimal},
		{"1 000", "USD", "", ErrMalformedDecimal},
		{" 10", "USD", "", ErrMalformedDecimal},
		{".5", "USD", "", ErrMalformedDecimal},
		{"5.", "USD", "", ErrMalformedDecimal},
		{"1.2.3", "USD", "", ErrMalformedDecimal},
		{"0010", "USD", "", ErrMalformedDecimal},
		{"١٠", "USD", "", ErrMalformedDecimal}, // Arabic-Indic digits
		{"１０", "USD", "", ErrMalformedDecimal}, // full-width digits
		{"10,25", "EUR", "", ErrMalformedDecimal},
		{"NaN", "USD", "", ErrMalformedDecimal},
		{"0x10", "USD", "", ErrMalformedDecimal},
		// Currencies.
		{"10", "usd", "", ErrMalformedCurrency},
		{"10", "US", "", ErrMalformedCurrency},
		{"10", "USDT", "", ErrMalformedCurrency},
		{"10", "", "", ErrMalformedCurrency},
		{"10", "U$D", "", ErrMalformedCurrency},
		{"10", "ÜSD", "", ErrMalformedCurrency},
		{"10", "ABC", "", ErrUnknownCurrency},
		{"10", "DEM", "", ErrUnknownCurrency}, // withdrawn in 2002
		{"10", "HRK", "", ErrUnknownCurrency}, // withdrawn in 2023
		{"10", "XAU", "", ErrNoMinorUnit},
		{"10", "XDR", "", ErrNoMinorUnit},
		{"10", "XXX", "", ErrNoMinorUnit},
		// A bad currency is reported before a bad decimal.
		{"abc", "usd", "", ErrMalformedCurrency},
	}
	require.GreaterOrEqual(t, len(tests), 50)
	for _, tt := range tests {
		t.Run(tt.currency+"/"+tt.decimal, func(t *testing.T) {
			got, err := NewAmount(tt.decimal, tt.currency)
			if tt.err != nil {
				require.ErrorIs(t, err, tt.err)
				assert.Equal(t, Amount{}, got)
				for _, other := range amountSentinels {
					if other != tt.err {
						assert.NotErrorIs(t, err, other)
					}
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, Amount{Currency: tt.currency, Value: tt.want}, got)
			require.NoError(t, got.validate("amount"))
		})
	}
}

var amountSentinels = []error{
	ErrMalformedDecimal, ErrExcessPrecision, ErrMalformedCurrency, ErrUnknownCurrency,
	ErrNoMinorUnit, ErrNonPositiveAmount, ErrAmountTooLarge, ErrIDRAmount,
}

func TestAmountDecimal(t *testing.T) {
	tests := []struct {
		amount Amount
		want   string
		err    error
	}{
		{Amount{"USD", "1025"}, "10.25", nil},
		{Amount{"USD", "1"}, "0.01", nil},
		{Amount{"USD", "0"}, "0.00", nil},
		{Amount{"USD", "-50"}, "-0.50", nil},
		{Amount{"JPY", "500"}, "500", nil},
		{Amount{"KWD", "1"}, "0.001", nil},
		{Amount{"BHD", "1500"}, "1.500", nil},
		{Amount{"CLF", "12345"}, "1.2345", nil},
		{Amount{"IDR", "1500000"}, "15000.00", nil},
		{Amount{"USD", "9999999999999999"}, "99999999999999.99", nil},
		{Amount{"USD", "10000000000000000"}, "", ErrAmountTooLarge},
		{Amount{"USD", ""}, "", ErrMalformedDecimal},
		{Amount{"USD", "10.25"}, "", ErrMalformedDecimal},
		{Amount{"USD", "0100"}, "", ErrMalformedDecimal},
		{Amount{"USD", "-0"}, "", ErrMalformedDecimal},
		{Amount{"USD", "+1"}, "", ErrMalformedDecimal},
		{Amount{"usd", "1"}, "", ErrMalformedCurrency},
		{Amount{"XAU", "1"}, "", ErrNoMinorUnit},
		{Amount{"ZZZ", "1"}, "", ErrUnknownCurrency},
	}
	for _, tt := range tests {
		t.Run(tt.amount.Currency+"/"+tt.amount.Value, func(t *testing.T) {
			got, err := tt.amount.Decimal()
			if tt.err != nil {
				require.ErrorIs(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestAmountRoundTrip(t *testing.T) {
	for code, digits := range currencyMinorUnits {
		if digits == currencyNoMinorUnit {
			continue
		}
		for _, value := range []string{"100", "12300", "9999999999999900", "1000000"} {
			a := Amount{Currency: code, Value: value}
			d, err := a.Decimal()
			require.NoError(t, err)
			back, err := NewAmount(d, code)
			require.NoError(t, err, "%s %s", code, d)
			assert.Equal(t, a, back)
			minor, err := DecimalToMinor(d, code)
			require.NoError(t, err)
			again, err := MinorToDecimal(minor, code)
			require.NoError(t, err)
			assert.Equal(t, d, again)
		}
	}
}

func TestDecimalToMinor(t *testing.T) {
	tests := []struct {
		decimal, currency string
		want              int64
		err               error
	}{
		{"10.25", "USD", 1025, nil},
		{"-10.25", "USD", -1025, nil},
		{"0", "USD", 0, nil},
		{"0.00", "USD", 0, nil},
		{"-0.00", "USD", 0, ErrMalformedDecimal},
		{"--1", "USD", 0, ErrMalformedDecimal},
		{"-", "USD", 0, ErrMalformedDecimal},
		{"+1", "USD", 0, ErrMalformedDecimal},
		{"-500", "JPY", -500, nil},
		{"15000.50", "IDR", 1500050, nil}, // reports carry fees below a rupiah
		{"-0.005", "KWD", -5, nil},
		{"-0.005", "USD", 0, ErrExcessPrecision},
		{"-99999999999999.99", "USD", -9999999999999999, nil},
		{"-100000000000000.00", "USD", 0, ErrAmountTooLarge},
		{"1", "XAU", 0, ErrNoMinorUnit},
	}
	for _, tt := range tests {
		t.Run(tt.currency+"/"+tt.decimal, func(t *testing.T) {
			got, err := DecimalToMinor(tt.decimal, tt.currency)
			if tt.err != nil {
				require.ErrorIs(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestMinorToDecimal(t *testing.T) {
	tests := []struct {
		minor    int64
		currency string
		want     string
		err      error
	}{
		{1025, "USD", "10.25", nil},
		{-5, "USD", "-0.05", nil},
		{0, "JPY", "0", nil},
		{-5, "KWD", "-0.005", nil},
		{1, "CLF", "0.0001", nil},
		{9999999999999999, "USD", "99999999999999.99", nil},
		{-9999999999999999, "USD", "-99999999999999.99", nil},
		{10000000000000000, "USD", "", ErrAmountTooLarge},
		{-9223372036854775808, "USD", "", ErrAmountTooLarge},
		{1, "XDR", "", ErrNoMinorUnit},
	}
	for _, tt := range tests {
		got, err := MinorToDecimal(tt.minor, tt.currency)
		if tt.err != nil {
			require.ErrorIs(t, err, tt.err, "%d %s", tt.minor, tt.currency)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tt.want, got)
	}
}

func TestAmountValidate(t *testing.T) {
	tests := []struct {
		amount Amount
		field  string // empty when valid
	}{
		{Amount{"USD", "1025"}, ""},
		{Amount{"IDR", "1500000"}, ""},
		{Amount{"JPY", "1"}, ""},
		{Amount{"USD", "0"}, "pay.amount.value"},
		{Amount{"USD", "-5"}, "pay.amount.value"},
		{Amount{"USD", "01"}, "pay.amount.value"},
		{Amount{"USD", "10.25"}, "pay.amount.value"},
		{Amount{"USD", ""}, "pay.amount.value"},
		{Amount{"USD", "12345678901234567"}, "pay.amount.value"},
		{Amount{"IDR", "1500050"}, "pay.amount.value"},
		{Amount{"usd", "1"}, "pay.amount.currency"},
		{Amount{"", "1"}, "pay.amount.currency"},
		{Amount{"XAU", "1"}, "pay.amount.currency"},
		{Amount{"QQQ", "1"}, "pay.amount.currency"},
	}
	for _, tt := range tests {
		err := tt.amount.validate("pay.amount")
		if tt.field == "" {
			assert.NoError(t, err, "%+v", tt.amount)
			continue
		}
		var ve *ValidationError
		require.True(t, errors.As(err, &ve), "%+v: %v", tt.amount, err)
		assert.Equal(t, tt.field, ve.Field)
		assert.NotEmpty(t, ve.Reason)
		assert.NotContains(t, ve.Reason, "alipay: ")
	}
}

func TestAmountString(t *testing.T) {
	assert.Equal(t, "10.25 USD", Amount{"USD", "1025"}.String())
	assert.Equal(t, "x USD (minor units)", Amount{"USD", "x"}.String())
}

func TestAmountErrorQuotesInput(t *testing.T) {
	_, err := NewAmount("1,000.00", "USD")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"1,000.00"`)
	assert.Contains(t, err.Error(), "grouping separator")

	long := "1" + string(make([]byte, 500))
	_, err = NewAmount(long, "USD")
	require.ErrorIs(t, err, ErrMalformedDecimal)
	assert.Less(t, len(err.Error()), 250)
}

func FuzzNewAmount(f *testing.F) {
	for _, s := range []string{"10.25", "0", "500", "1.005", "-1", "1e3", "1,000", ".5", "5.", "99999999999999.99", "١"} {
		for _, c := range []string{"USD", "JPY", "KWD", "CLF", "IDR", "XAU", "usd"} {
			f.Add(s, c)
		}
	}
	f.Fuzz(func(t *testing.T, decimal, currency string) {
		a, err := NewAmount(decimal, currency)
		if err != nil {
			matched := false
			for _, s := range amountSentinels {
				matched = matched || errors.Is(err, s)
			}
			if !matched {
				t.Fatalf("NewAmount(%q, %q): error %v wraps no sentinel", decimal, currency, err)
			}
			return
		}
		if err := a.validate("amount"); err != nil {
			t.Fatalf("NewAmount(%q, %q) = %+v which does not validate: %v", decimal, currency, a, err)
		}
		d, err := a.Decimal()
		if err != nil {
			t.Fatalf("Decimal of %+v: %v", a, err)
		}
		back, err := NewAmount(d, currency)
		if err != nil || back != a {
			t.Fatalf("round trip %q %s → %+v → %q → %+v, %v", decimal, currency, a, d, back, err)
		}
		minor, err := DecimalToMinor(decimal, currency)
		if err != nil || minor <= 0 {
			t.Fatalf("DecimalToMinor(%q, %q) = %d, %v; NewAmount gave %+v", decimal, currency, minor, err, a)
		}
	})
}
