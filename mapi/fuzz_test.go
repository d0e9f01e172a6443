package mapi

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func FuzzParseForm(f *testing.F) {
	f.Add(m2Body)
	f.Add(loadVectors(f).NotificationDoc.Body)
	f.Add("a=1&a=2")
	f.Add("%zz=1&=")
	f.Fuzz(func(t *testing.T, body string) {
		fields, err := ParseForm(body)
		if err != nil {
			return
		}
		if len(fields) == 0 {
			t.Fatal("success with no fields")
		}
		if s := PreSignString(fields); strings.Contains("&"+s, "&sign=") || strings.Contains("&"+s, "&sign_type=") {
			t.Fatalf("pre-sign string %q contains sign fields", s)
		}
	})
}

// FuzzVerifyNotification: any body is rejected or verified without
// panicking; a verified body is one the test key really signed.
func FuzzVerifyNotification(f *testing.F) {
	c := testKeysClient(f)
	f.Add(m2Body)
	f.Add("notify_id=1&sign=AAAA&sign_type=RSA")
	f.Add("notify_id=1&sign=x&sign_type=DSA&notify_time=2020-01-01+00:00:00")
	f.Fuzz(func(t *testing.T, body string) {
		n, err := c.VerifyNotification(context.Background(), []byte(body))
		if err != nil {
			return
		}
		if n.NotifyID == "" || n.Fields["sign"] == "" {
			t.Fatalf("verified notification without notify_id or sign: %v", n.Fields)
		}
		_, _ = n.Trade()
		_, _ = n.Refund()
	})
}

func FuzzDecodeEnvelope(f *testing.F) {
	c := testKeysClient(f)
	f.Add([]byte(tradeXML))
	f.Add([]byte(`<?xml version="1.0" encoding="GBK"?><alipay><is_success>F</is_success><error>ILLEGAL_PARTNER</error></alipay>`))
	f.Add([]byte(`<alipay><is_success>T</is_success><response><a><b>1</b></a></response><sign>x</sign><sign_type>RSA2</sign_type></alipay>`))
	f.Add([]byte(`<?xml version="1.0" encoding="x"?><alipay/>`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		env, err := c.checkEnvelope(raw, &Error{Service: "fuzz"}, nil)
		if err != nil {
			return
		}
		if env.IsSuccess != "T" {
			t.Fatalf("accepted is_success=%q", env.IsSuccess)
		}
		_, _ = decodeTrade(env.Response)
	})
}

func FuzzParseRates(f *testing.F) {
	f.Add("20120330|112537|AUD|6.4485|\n20120330|112537|JPY|0.05638")
	f.Add("File empty")
	f.Add("\xff\xfe|")
	f.Add("||USD|0.0000|") // once accepted: no date, no time, a zero rate
	f.Fuzz(func(t *testing.T, body string) {
		rates, err := ParseRates(strings.NewReader(body))
		if err != nil {
			return
		}
		for _, r := range rates {
			if len(r.Currency) != 3 || !isDecimal(r.Rate, false) || strings.Trim(r.Rate, "0.") == "" || r.Time.IsZero() {
				t.Fatalf("bad rate accepted: %+v", r)
			}
		}
	})
}

func FuzzFileReader(f *testing.F) {
	f.Add([]byte("20131219-144657-234|0.11|EUR|20131219215228||P|0.00|P|Test\nR|-1|EUR|20131219215228|20131219215228|R|0|L|x|y\n"))
	f.Add([]byte("No balance account data in the period"))
	f.Add([]byte("File download failed:Over 10 days to Date period"))
	f.Fuzz(func(t *testing.T, body []byte) {
		fr := NewFileReader(bytes.NewReader(body))
		for r, err := range fr.All() {
			if err != nil {
				return
			}
			if r.PartnerTransactionID == "" || !isDecimal(r.Amount, true) || r.TransactionTime.IsZero() {
				t.Fatalf("bad record accepted: %+v", r)
			}
		}
	})
}

func FuzzFPTradeReader(f *testing.F) {
	f.Add([]byte(fptradeSample))
	f.Add([]byte("PARTNER_TRANSACTION_ID,Currency,AMOUNT\n\"a\"\"b\",JPY,1\n"))
	f.Add([]byte("Partner_transaction_id,amount,currency\n\xd6\xd0,1,USD\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		fr := NewFPTradeReader(bytes.NewReader(body))
		for i := 0; ; i++ {
			r, err := fr.Next()
			if err == io.EOF || err != nil {
				return
			}
			if r.PartnerTransactionID == "" || r.Amount == "" || len(r.Currency) != 3 {
				t.Fatalf("bad row accepted: %+v", r)
			}
			if i > len(body) {
				t.Fatal("more rows than bytes")
			}
		}
	})
}

// FuzzFPTradeRecords: the records FPTradeReader splits (commas directly
// on lines without a quote, encoding/csv on the others) are those
// encoding/csv finds in the same lines, field for field and line for line.
func FuzzFPTradeRecords(f *testing.F) {
	f.Add([]byte(fptradeSample))
	f.Add([]byte("a,\"b\nc\",d\n\n e\t, f\"g ,\"h\"\"\"\r\nlast"))
	f.Add([]byte("\xd6\xd0,\"\xd6\n\xd0\"\nx"))
	f.Add([]byte("in\tside, tab\t \t,x\n\"q\tq\""))
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) > 16<<10 {
			return
		}
		lr := newLineReader(bytes.NewReader(body), defaultMaxFileLineSize)
		var lines bytes.Buffer
		var lineErr error
		for {
			line, err := lr.next()
			if err != nil {
				lineErr = err
				break
			}
			lines.Write(line)
			lines.WriteByte('\n')
		}
		cr := csv.NewReader(&lines)
		cr.FieldsPerRecord, cr.LazyQuotes = -1, true
		fr := NewFPTradeReader(bytes.NewReader(body))
		for {
			want, werr := cr.Read()
			got, line, err := fr.record()
			if werr == io.EOF {
				if lineErr != io.EOF {
					// A line that is not in the file's charset ends both.
					require.Error(t, err, "extra record %q", got)
					return
				}
				require.ErrorIs(t, err, io.EOF, "extra record %q", got)
				return
			}
			require.NoError(t, werr)
			if err != nil && lineErr != io.EOF {
				// The bad line may sit inside a quoted record that
				// encoding/csv, seeing only the lines before it, closes at
				// their end.
				require.ErrorContains(t, err, lineErr.Error())
				return
			}
			require.NoError(t, err)
			for i := range want {
				want[i] = cleanField(want[i])
			}
			require.Equal(t, want, got)
			wantLine, _ := cr.FieldPos(0)
			require.Equal(t, wantLine, line)
		}
	})
}

// FuzzParseQuotedParams: whatever parses rebuilds to the input exactly.
func FuzzParseQuotedParams(f *testing.F) {
	f.Add(loadVectors(f).OrderMika.Presign)
	f.Add(loadVectors(f).OrderR2.Final)
	f.Add(`a="say "hi""&b=""`)
	f.Fuzz(func(t *testing.T, s string) {
		params, err := ParseQuotedParams(s)
		if err != nil {
			return
		}
		parts := make([]string, len(params))
		for i, p := range params {
			parts[i] = p.Name + `="` + p.Value + `"`
		}
		if got := strings.Join(parts, "&"); got != s {
			t.Fatalf("rebuilt %q from %q", got, s)
		}
	})
}

func FuzzVerifyAppResult(f *testing.F) {
	c := testKeysClient(f)
	f.Add(`resultStatus={9000};memo={};result={partner="1"&success="true"&sign_type="RSA"&sign="AAAA"}`)
	f.Add(`resultStatus={6001};memo={x};result={}`)
	f.Fuzz(func(t *testing.T, s string) {
		r, err := c.VerifyAppResult(s)
		if err == nil && r.Get("sign") == "" {
			t.Fatal("verified without a signature")
		}
	})
}
