package main

import (
	"math/big"
	"os"
	"path/filepath"
	"strings"
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
	assert.Contains(t, r.stdout, "standard input: settlement summary report, 2 rows")
}

func TestReport_errors(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no file", nil, exitUsage, "no report file: give report files or a directory of reports as the arguments"},
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

func TestReport_ledger(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		code  int
		wants []string
	}{
		{"ledger_ok", []string{"-ledger", "ledger_ok.csv", "settlement_details.csv", "settlement_summary.csv"}, exitOK,
			[]string{"Matched against 3 records of testdata/reports/ledger_ok.csv: no discrepancies.\n"}},
		{"ledger_discrepancies", []string{"-ledger", "ledger_bad.csv", "settlement_details.csv", "settlement_summary_bad.csv"}, exitFail,
			[]string{
				"Matched against 3 records of testdata/reports/ledger_bad.csv: 5 discrepancies.\n",
				"AMOUNT_MISMATCH: testdata/reports/settlement_details.csv line 2, testdata/reports/ledger_bad.csv line 2, transaction 2026112011401080010018800001",
				"NOT_IN_RECORDS: testdata/reports/settlement_details.csv line 3",
				"REFUND_NOT_RECORDED: testdata/reports/settlement_details.csv line 4",
				"NOT_IN_REPORT: testdata/reports/ledger_bad.csv line 3, request pay-0009: payment of 3.00 USD is in no report",
				"TOTAL_MISMATCH: testdata/reports/settlement_summary_bad.csv line 2, batch B20261121001: summary says 14.75 USD, the details add up to 14.74 USD",
			}},
		{"ledger_transaction_details", []string{"-ledger", "ledger_ok.csv", "transaction_details.csv"}, exitFail,
			[]string{"NOT_IN_RECORDS: testdata/reports/transaction_details.csv line 4, transaction 2026112011401080010018800003"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"report"}
			for _, a := range tt.args {
				if strings.HasSuffix(a, ".csv") {
					a = "testdata/reports/" + a
				}
				args = append(args, a)
			}
			r := runApp(t, "", args...)
			assert.Equal(t, tt.code, r.code, r.stdout+r.stderr)
			assert.Empty(t, r.stderr)
			for _, want := range tt.wants {
				assert.Contains(t, r.stdout, want)
			}
			checkGolden(t, "report_"+tt.name, r.stdout)
		})
	}
}

func TestReport_ledgerErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	tests := []struct {
		name, ledger, stderr string
	}{
		{"empty", "", "the file is empty; it needs a header line"},
		{"no amount column", "type,currency,requestId\nPAYMENT,USD,p\n", "line 1: no amount column"},
		{"no id column", "type,amount,currency\nPAYMENT,1,USD\n", "line 1: no transactionId or requestId column"},
		{"row without id", "type,amount,currency,requestId\nPAYMENT,1.00,USD,\n", "line 2: neither transactionId nor requestId is set"},
		{"excess precision", "type,amount,currency,requestId\nPAYMENT,1.234,USD,p-1\n", `line 2: amount: amount has more decimal places than the currency allows: "1.234"`},
		{"unknown currency", "type,amount,currency,requestId\nPAYMENT,1,ABC,p-1\n", "line 2: amount: "},
		{"zero amount", "type,amount,currency,requestId\nPAYMENT,0,USD,p-1\n", "merchant record 0 (request p-1)"},
		{"duplicate column", "type,Type,amount,currency,requestId\n", "line 1: column type appears twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runApp(t, "", "report", "-ledger", write("ledger.csv", tt.ledger), "testdata/reports/settlement_summary.csv")
			assert.Equal(t, exitError, r.code, r.stdout+r.stderr)
			assert.Contains(t, r.stderr, "alipay report: ledger ")
			assert.Contains(t, r.stderr, tt.stderr)
		})
	}
	r := runApp(t, "", "report", "-ledger", filepath.Join(dir, "nope.csv"), "testdata/reports/settlement_summary.csv")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, "reading the ledger: open ")
}

// FuzzParseLedger: any ledger is read or refused without a panic, and
// every record read has an id and a well-formed amount.
func FuzzParseLedger(f *testing.F) {
	f.Add("transactionId,requestId,type,amount,currency,status\nT,R,PAYMENT,10.25,USD,SUCCESS\n")
	f.Add("\ufefftype,amount,currency,requestId\nrefund,-0,JPY,x\n\n")
	f.Add("type,amount,currency,requestId\n\"a\nb\",1,KWD,\"q\"\"\"\n")
	f.Fuzz(func(t *testing.T, in string) {
		l, err := parseLedger(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, r := range l.records {
			if r.TransactionID == "" && r.RequestID == "" {
				t.Fatalf("record without an id: %+v", r)
			}
			if _, err := r.Amount.MinorUnits(); err != nil {
				t.Fatalf("record with a bad amount: %+v", r)
			}
		}
	})
}
