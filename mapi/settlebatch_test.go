package mapi_test

import (
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xborderpay/alipay/mapi"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func gbkString(t *testing.T, s string) string {
	t.Helper()
	out, err := simplifiedchinese.GBK.NewEncoder().String(s)
	require.NoError(t, err)
	return out
}

// settleSample is the documented AlipayHK line, padding included.
const settleSample = "Settle_batch_no,Settle_date,Amount,Fee,Settlement,Currency\n" +
	"50002017051900000000000000000000 ,2017-05-23 15:36:00,852.40 ,8.52 ,843.88 ,HKD\n"

func TestSettlementSummaryReader(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		want    []mapi.SettlementSummaryRow
		wantErr string
	}{{
		name: "documented sample",
		body: settleSample,
		want: []mapi.SettlementSummaryRow{{SettleBatchNo: "50002017051900000000000000000000", Amount: "852.40", Fee: "8.52",
			Settlement: "843.88", Currency: "HKD", SettleDate: time.Date(2017, 5, 23, 15, 36, 0, 0, mapi.Beijing), Line: 2}},
	}, {
		name:    "any case, quoted, tabs, extra column, blank line",
		body:    "SETTLE_BATCH_NO,currency,amount,Remark\r\n\"\tB-1\",USD,\"1,000.00\",x\r\n\r\nB-2,EUR,5,\n",
		wantErr: `amount "1,000.00" is not a decimal`,
	}, {
		name: "extra column kept",
		body: "settle_batch_no,currency,amount,Remark\nB-2,EUR,5,来自\n",
		want: []mapi.SettlementSummaryRow{{SettleBatchNo: "B-2", Currency: "EUR", Amount: "5", Extra: map[string]string{"Remark": "来自"}, Line: 2}},
	}, {
		name:    "no currency column",
		body:    "Settle_batch_no,Amount\nB,1\n",
		wantErr: "header has no currency column",
	}, {
		name:    "empty file",
		body:    "",
		wantErr: "empty (no header)",
	}, {
		name:    "bad date",
		body:    "Settle_batch_no,Settle_date,Amount,Currency\nB,23/05/2017,1.00,HKD\n",
		wantErr: "settlement summary line 2: mapi: settle_date",
	}, {
		name:    "more fields than the header",
		body:    "Settle_batch_no,Amount,Currency\nB,1.00,HKD,x\n",
		wantErr: "line 2: 4 fields but the header has 3",
	}, {
		name:    "no batch number",
		body:    "Settle_batch_no,Amount,Currency\n,1.00,HKD\n",
		wantErr: "line 2: empty Settle_batch_no",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []mapi.SettlementSummaryRow
			var err error
			for r, e := range mapi.NewSettlementSummaryReader(strings.NewReader(tt.body)).All() {
				if e != nil {
					err = e
					break
				}
				got = append(got, r)
			}
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestSettlementSummaryReaderGBK(t *testing.T) {
	body := "Settle_batch_no,Amount,Currency,Remark\nB-1,1.00,HKD,原装品\n"
	gbkBody := gbkString(t, body)
	sr := mapi.NewSettlementSummaryReader(strings.NewReader(gbkBody))
	sr.Charset = mapi.CharsetGBK // every row's GBK bytes are also valid UTF-8
	r, err := sr.Next()
	require.NoError(t, err)
	assert.Equal(t, "原装品", r.Extra["Remark"])
	_, err = sr.Next()
	assert.ErrorIs(t, err, io.EOF)
}

func FuzzSettlementSummaryReader(f *testing.F) {
	f.Add(settleSample)
	f.Add("settle_batch_no,amount,currency\n\"a\nb\",1,USD\n")
	f.Fuzz(func(t *testing.T, body string) {
		n := 0
		for r, err := range mapi.NewSettlementSummaryReader(strings.NewReader(body)).All() {
			if err != nil {
				if err.Error() == "" {
					t.Fatal("an error without a message")
				}
				return
			}
			if r.SettleBatchNo == "" || r.Amount == "" || len(r.Currency) != 3 || r.Line < 2 {
				t.Fatalf("row accepted without its required fields: %+v", r)
			}
			if n++; n > len(body) {
				t.Fatal("more rows than bytes")
			}
		}
	})
}

// ExampleSettlementSummaryReader reads the settlement summary file that
// comes with the settlement files. (The settlement detail file itself is
// read with FPTradeReader.)
func ExampleSettlementSummaryReader() {
	// In production: f, err := os.Open("2088721149955614_settlebatch_20261121.csv").
	f := strings.NewReader("Settle_batch_no,Settle_date,Amount,Fee,Settlement,Currency\n" +
		"50002026112100000000000000000001 ,2026-11-23 15:36:00,852.40 ,8.52 ,843.88 ,HKD\n")
	for row, err := range mapi.NewSettlementSummaryReader(f).All() {
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return
		}
		fmt.Println(row.SettleBatchNo, row.SettleDate.Format("2006-01-02"), row.Settlement, row.Currency)
	}
	// Output:
	// 50002026112100000000000000000001 2026-11-23 843.88 HKD
}
