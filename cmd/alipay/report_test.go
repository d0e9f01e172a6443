package main

import (
	"math/big"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReport_summaries(t *testing.T) {
	for _, name := range []string{"transaction_details", "settlement_details", "settlement_summary"} {
		t.Run(name, func(t *testing.T) {
			r := runApp(t, "", "report", "testdata/reports/"+name+".csv")
			require.Equal(t, exitOK, r.code, r.stderr)
			assert.Empty(t, r.stderr)
			checkGolden(t, "report_"+name, r.stdout)
		})
	}
}

func TestReport_exactTotals(t *testing.T) {
	r := runApp(t, "", "report", "testdata/reports/transaction_details.csv")
	require.Equal(t, exitOK, r.code, r.stderr)
	// Two 16-digit amounts and 10.25 add up beyond what one amount can hold.
	assert.Regexp(t, `USD\s+PAYMENT\s+3\s+200000000000010\.23\n`, r.stdout)
	assert.Regexp(t, `KWD\s+PAYMENT\s+1\s+1\.005\n`, r.stdout)
	assert.Regexp(t, `JPY\s+processingFee\s+1\s+-3\n`, r.stdout)
}

func TestReport_stdin(t *testing.T) {
	b, err := os.ReadFile("testdata/reports/settlement_summary.csv")
	require.NoError(t, err)
	r := runApp(t, string(b), "report", "-")
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "Settlement summary report: 2 rows")
}

func TestReport_errors(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no file", nil, exitUsage, "no report file: give the report CSV as the argument"},
		{"missing file", []string{"testdata/reports/nope.csv"}, exitError, "reading the report: open testdata/reports/nope.csv"},
		{"truncated", []string{"testdata/reports/truncated.csv"}, exitError, "report ends without the <END> line"},
		{"bad amount", []string{"testdata/reports/bad_amount.csv"}, exitError, `report line 2, column transactionAmountValue: amount has more decimal places than the currency allows`},
		{"not a report", []string{"testdata/reports/not_a_report.csv"}, exitError, "the header names none of Antom's reports"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runApp(t, "", append([]string{"report"}, tt.args...)...)
			assert.Equal(t, tt.code, r.code, r.stdout+r.stderr)
			assert.Contains(t, r.stderr, tt.stderr)
			assert.NotContains(t, r.stderr, "alipay: ", "one prefix is enough")
		})
	}
}

func TestFormatMinor(t *testing.T) {
	tests := []struct {
		minor    int64
		currency string
		want     string
	}{
		{1025, "USD", "10.25"}, {5, "USD", "0.05"}, {-5, "USD", "-0.05"}, {0, "USD", "0.00"},
		{500, "JPY", "500"}, {-1, "KWD", "-0.001"}, {12345, "CLF", "1.2345"}, {7, "XXX", "7 (minor units)"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, formatMinor(big.NewInt(tt.minor), tt.currency), "%d %s", tt.minor, tt.currency)
	}
}
