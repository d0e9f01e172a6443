package mapi

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func gbk(t testing.TB, s string) string {
	t.Helper()
	out, err := simplifiedchinese.GBK.NewEncoder().String(s)
	require.NoError(t, err)
	return out
}

func TestParseRates(t *testing.T) {
	tests := []struct {
		name, body string
		want       []Rate
		errPart    string
	}{
		{"Kaligo line", "20120330|112537|AUD|6.4485|\n", []Rate{{time.Date(2012, 3, 30, 11, 25, 37, 0, Beijing), "AUD", "6.4485"}}, ""},
		{"no trailing bar, CRLF, blank lines", "\r\n20120330|112537|JPY|0.05638\r\n\r\n20120330|112537|KRW|0.001111\r\n", []Rate{
			{time.Date(2012, 3, 30, 11, 25, 37, 0, Beijing), "JPY", "0.05638"},
			{time.Date(2012, 3, 30, 11, 25, 37, 0, Beijing), "KRW", "0.001111"},
		}, ""},
		{"empty body", "", nil, ""},
		{"message", "File empty", nil, `"File empty"`},
		{"short line", "20120330|112537|AUD", nil, "3 fields"},
		{"bad time", "20121330|112537|AUD|6.4|", nil, "Beijing time"},
		{"bad currency", "20120330|112537|aud|6.4|", nil, "currency code"},
		{"bad rate", "20120330|112537|AUD|6,4|", nil, "not a decimal"},
		{"message after data", "20120330|112537|AUD|6.4|\nSystem exception", nil, "no '|'"},
		{"empty date and time, zero rate", "20120330|112537|AUD|6.4|\n||USD|0.0000|", nil, `line 2: date ""`},
		{"empty time", "20120330||USD|6.4|", nil, `line 1: time ""`},
		{"date and time shifted", "2012033011|2537|USD|6.4|", nil, "not YYYYMMDD"},
		{"zero rate", "20120330|112537|USD|0.0000|", nil, `line 1: rate "0.0000" is not positive`},
		{"negative rate", "20120330|112537|USD|-1|", nil, "not a decimal"},
		{"long line", strings.Repeat("9", 2000), nil, "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRates(strings.NewReader(tt.body))
			if tt.errPart != "" {
				assert.ErrorContains(t, err, tt.errPart)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestFileReader(t *testing.T) {
	body := "20131219-144657-234|0.11|EUR|20131219215228||P|0.00|P|Test\n" +
		"R-1\t|-0.05|EUR|20131220101010|20131221090000|R|0.00|L|" + gbk(t, "退款|部分") + "\r\n\n"
	fr := NewFileReader(strings.NewReader(body))
	var got []FileRecord
	for r, err := range fr.All() {
		require.NoError(t, err)
		got = append(got, r)
	}
	require.Len(t, got, 2)
	assert.Equal(t, FileRecord{
		PartnerTransactionID: "20131219-144657-234", Amount: "0.11", Currency: "EUR",
		TransactionTime: time.Date(2013, 12, 19, 21, 52, 28, 0, Beijing), Type: "P", ServiceCharge: "0.00",
		Status: "P", Remarks: "Test", Line: 1,
	}, got[0])
	assert.Equal(t, "R-1", got[1].PartnerTransactionID)
	assert.Equal(t, "退款|部分", got[1].Remarks, "GBK decoded; remarks keep their bars")
	assert.Equal(t, time.Date(2013, 12, 21, 9, 0, 0, 0, Beijing), got[1].SettlementTime)
	assert.Equal(t, RecordStatusSettled, got[1].Status)
	_, err := fr.Next()
	assert.ErrorIs(t, err, io.EOF)
	assert.NoError(t, fr.Close())
}

func TestFileReaderErrors(t *testing.T) {
	tests := []struct {
		name, body, errPart string
		message             bool
	}{
		{"no data", "No balance account data in the period", "", false},
		{"no data (amount)", "No balance amount data in the period\n", "", false},
		{"gateway message", "File download failed:Over 10 days to Date period", "Over 10 days", true},
		{"short", "a|1|EUR|20131219215228", "4 fields", false},
		{"bad amount", "a|1.2.3|EUR|20131219215228||P|0.00|P|", "amount", false},
		{"bad fee", "a|1|EUR|20131219215228||P|x|P|", "service_charge", false},
		{"bad time", "a|1|EUR|2013-12-19||P|0.00|P|", "transaction_time", false},
		{"bad currency", "a|1|EURO|20131219215228||P|0.00|P|", "currency", false},
		{"empty id", "|1|EUR|20131219215228||P|0.00|P|", "partner_transaction_id", false},
		{"text after data", "a|1|EUR|20131219215228||P|0.00|P|\nSystem exception", "no '|'", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fr := NewFileReader(strings.NewReader(tt.body))
			var err error
			for _, err = range fr.All() {
				if err != nil {
					break
				}
			}
			if tt.errPart == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.ErrorContains(t, err, tt.errPart)
			var e *Error
			assert.Equal(t, tt.message, errors.As(err, &e))
		})
	}
}

const fptradeSample = "Partner_transaction_id,amount,Rmb_amount,fee,settlement,Rmb_settlement,currency,rate,Payment_time,Settlement_time,type,status,remarks,Original_partner_transaction_ID\r\n" +
	"\tO-1,10.00,71.23,0.10,9.90,70.52,USD,7.1234,2026-11-21 15:00:00,,P,P,咖啡,\r\n" +
	"\tR-1\t,-4.00,-28.49,0.00,-4.00,-28.49,USD,7.1234,2026-11-21 16:00:00,20261122090000,R,L,退款,\tO-1\r\n" +
	",,,,,,,,,,,,,\r\n"

func TestFPTradeReader(t *testing.T) {
	for _, enc := range []string{"GBK", "UTF-8"} {
		t.Run(enc, func(t *testing.T) {
			body := fptradeSample
			if enc == "GBK" {
				body = gbk(t, body)
			}
			fr := NewFPTradeReader(strings.NewReader(body))
			h, err := fr.Header()
			require.NoError(t, err)
			assert.Equal(t, "Original_partner_transaction_ID", h[13])
			var rows []FPTradeRow
			for r, err := range fr.All() {
				require.NoError(t, err)
				rows = append(rows, r)
			}
			require.Len(t, rows, 2, "the all-empty row is skipped")
			assert.Equal(t, FPTradeRow{
				PartnerTransactionID: "O-1", Amount: "10.00", RMBAmount: "71.23", Fee: "0.10", Settlement: "9.90",
				RMBSettlement: "70.52", Currency: "USD", Rate: "7.1234", PaymentTime: time.Date(2026, 11, 21, 15, 0, 0, 0, Beijing),
				Type: "P", Status: "P", Remarks: "咖啡", Line: 2,
			}, rows[0])
			assert.Equal(t, "R-1", rows[1].PartnerTransactionID, "stray tabs stripped")
			assert.Equal(t, "O-1", rows[1].OriginalPartnerTransactionID)
			assert.Equal(t, "退款", rows[1].Remarks)
			assert.Equal(t, time.Date(2026, 11, 22, 9, 0, 0, 0, Beijing), rows[1].SettlementTime)
		})
	}
}

func TestFPTradeReaderHeaderCaseAndExtras(t *testing.T) {
	body := "PARTNER_TRANSACTION_ID,Currency,AMOUNT,Transaction_Id,New_Column\n" +
		"A,JPY,1500,2026112200001,x\n" +
		`"B, quoted",JPY,"300",,` + "\n"
	fr := NewFPTradeReader(strings.NewReader(body))
	r, err := fr.Next()
	require.NoError(t, err)
	assert.Equal(t, "A", r.PartnerTransactionID)
	assert.Equal(t, "1500", r.Amount)
	assert.Equal(t, "2026112200001", r.TransactionID)
	assert.Equal(t, map[string]string{"New_Column": "x"}, r.Extra)
	r, err = fr.Next()
	require.NoError(t, err)
	assert.Equal(t, "B, quoted", r.PartnerTransactionID)
	assert.Nil(t, r.Extra)
	_, err = fr.Next()
	assert.ErrorIs(t, err, io.EOF)
}

func TestFPTradeReaderErrors(t *testing.T) {
	head := "Partner_transaction_id,amount,currency,Payment_time\n"
	tests := []struct{ name, body, errPart string }{
		{"empty", "", "no header"},
		{"missing column", "Partner_transaction_id,currency\nA,USD\n", "no amount column"},
		{"duplicate column", "Partner_transaction_id,amount,AMOUNT,currency\n", "appears twice"},
		{"bad amount", head + "A,1.2.3,USD,\n", "amount"},
		{"empty amount", head + "A,,USD,\n", "empty amount"},
		{"bad currency", head + "A,1,US,\n", "currency"},
		{"bad time", head + "A,1,USD,yesterday\n", "payment_time"},
		{"empty id", head + ",1,USD,\n", "Partner_transaction_id"},
		{"too many fields", head + "A,1,USD,,extra\n", "5 fields"},
		{"bad rmb_amount", "Partner_transaction_id,amount,Rmb_amount,currency\nA,1,7.1.2,USD\n", `line 2: rmb_amount "7.1.2" is not a decimal`},
		{"long line", head + strings.Repeat("x", 70<<10) + "\n", "too long"},
		{"unclosed quote", head + `A,1,USD,"` + strings.Repeat("x\n", 40<<10), "quoted record starting on line 2 is over"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fr := NewFPTradeReader(strings.NewReader(tt.body))
			var err error
			for _, err = range fr.All() {
				if err != nil {
					break
				}
			}
			if err == nil {
				_, err = fr.Next()
			}
			assert.ErrorContains(t, err, tt.errPart)
		})
	}
}

func TestFPTradeReaderQuotedFieldOverLines(t *testing.T) {
	body := "Partner_transaction_id,amount,currency,remarks\n" +
		"A,1.00,USD,\"two\nlines, \"\"quoted\"\"\"\n" +
		"\tB\t,2.00,USD,pl\tain\n"
	fr := NewFPTradeReader(strings.NewReader(body))
	var rows []FPTradeRow
	for r, err := range fr.All() {
		require.NoError(t, err)
		rows = append(rows, r)
	}
	require.Len(t, rows, 2)
	assert.Equal(t, "two\nlines, \"quoted\"", rows[0].Remarks)
	assert.Equal(t, 2, rows[0].Line, "a record's line is the one it starts on")
	assert.Equal(t, "B", rows[1].PartnerTransactionID)
	assert.Equal(t, "plain", rows[1].Remarks, "tabs inside a value go too")
	assert.Equal(t, 4, rows[1].Line)
}

// All yields the first error and ends there, even when the caller keeps
// ranging and good rows follow.
func TestAllStopsAtFirstError(t *testing.T) {
	body := "Partner_transaction_id,amount,currency\nA,1,USD\nB,x,USD\nC,3,USD\n"
	var ids []string
	var errs []error
	for r, err := range NewFPTradeReader(strings.NewReader(body)).All() {
		ids = append(ids, r.PartnerTransactionID)
		errs = append(errs, err)
	}
	assert.Equal(t, []string{"A", ""}, ids)
	require.Len(t, errs, 2)
	assert.NoError(t, errs[0])
	assert.ErrorContains(t, errs[1], "line 3: amount")

	// Next itself reads on past a bad row.
	fr := NewFPTradeReader(strings.NewReader(body))
	_, _ = fr.Next()
	_, err := fr.Next()
	require.Error(t, err)
	r, err := fr.Next()
	require.NoError(t, err)
	assert.Equal(t, "C", r.PartnerTransactionID)
}

// After a line too long, the reader does not resume inside it.
func TestFPTradeReaderLineErrorIsFinal(t *testing.T) {
	body := "Partner_transaction_id,amount,currency\n" + strings.Repeat("x", 70<<10) + ",1,USD\nB,2,USD\n"
	fr := NewFPTradeReader(strings.NewReader(body))
	_, err := fr.Next()
	require.ErrorIs(t, err, ErrLineTooLong)
	_, err = fr.Next()
	assert.ErrorIs(t, err, ErrLineTooLong)
}

func TestParseFPTradeFileName(t *testing.T) {
	pid, day, err := ParseFPTradeFileName("2088721149955614_fptrade_20180823.csv")
	require.NoError(t, err)
	assert.Equal(t, "2088721149955614", pid)
	assert.Equal(t, time.Date(2018, 8, 23, 0, 0, 0, 0, Beijing), day)
	for _, bad := range []string{"2088721149955614_fptrade_20181323.csv", "x_fptrade_20180823.csv", "2088721149955614_settle_20180823.csv", "2088721149955614_fptrade_20180823.csv.zip"} {
		_, _, err := ParseFPTradeFileName(bad)
		assert.Error(t, err, bad)
	}
}
