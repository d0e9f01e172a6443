package mapi

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// tradeXML is the sandbox answer of docs/protocol/mapi.md §3.2 (signature removed).
const tradeXML = `<alipay>
  <is_success>T</is_success>
  <request>
    <param name="out_trade_no">PAYLINE20200116103332</param>
    <param name="partner">2088621926786355</param>
    <param name="_input_charset">utf-8</param>
    <param name="service">single_trade_query</param>
  </request>
  <response><trade>
    <buyer_email>for***@alitest.com</buyer_email>
    <buyer_id>2088622942481446</buyer_id>
    <discount>0.00</discount>
    <flag_trade_locked>0</flag_trade_locked>
    <gmt_create>2020-02-27 21:46:41</gmt_create>
    <gmt_last_modified_time>2020-02-27 21:46:47</gmt_last_modified_time>
    <gmt_payment>2020-02-27 21:46:47</gmt_payment>
    <is_total_fee_adjust>F</is_total_fee_adjust>
    <operator_role>B</operator_role>
    <out_trade_no>PAYLINE20200116103332</out_trade_no>
    <payment_type>100</payment_type>
    <price>73.82</price>
    <quantity>1</quantity>
    <seller_email>for***@alitest.com</seller_email>
    <seller_id>2088621926786355</seller_id>
    <subject>Test</subject>
    <to_buyer_fee>0.00</to_buyer_fee>
    <to_seller_fee>73.82</to_seller_fee>
    <total_fee>73.82</total_fee>
    <trade_no>2020022722001381441000086488</trade_no>
    <trade_status>TRADE_FINISHED</trade_status>
    <use_coupon>F</use_coupon>
  </trade></response>
</alipay>`

func TestDecodeEnvelopeTrade(t *testing.T) {
	env, err := decodeEnvelope([]byte(tradeXML))
	require.NoError(t, err)
	assert.Equal(t, "T", env.IsSuccess)
	assert.Equal(t, "single_trade_query", env.Request["service"])
	assert.Equal(t, "trade", env.ResponseName)
	tr, err := decodeTrade(env.Response)
	require.NoError(t, err)
	assert.Equal(t, "2020022722001381441000086488", tr.TradeNo)
	assert.Equal(t, TradeStatusFinished, tr.TradeStatus)
	assert.Equal(t, "73.82", tr.TotalFee)
	assert.Equal(t, "100", tr.PaymentType)
	assert.Equal(t, "2020-02-27 21:46:47 +0800 UTC+8", tr.GmtPayment.String())
	assert.Equal(t, "0.00", tr.Fields["discount"], "unknown elements are kept")
}

func TestDecodeEnvelopeGBK(t *testing.T) {
	body := `<?xml version="1.0" encoding="GBK"?>` + "\n<alipay><is_success>T</is_success><response><trade><subject>多项测试</subject><trade_status>TRADE_CLOSED</trade_status><trade_no>1</trade_no></trade></response></alipay>"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(body)
	require.NoError(t, err)
	require.NotEqual(t, body, gbk)
	env, err := decodeEnvelope([]byte(gbk))
	require.NoError(t, err)
	assert.Equal(t, "多项测试", env.Response["subject"])

	env, err = decodeEnvelope([]byte(strings.Replace(gbk, "GBK", "gb2312", 1)))
	require.NoError(t, err)
	assert.Equal(t, "多项测试", env.Response["subject"])
}

func TestDecodeEnvelopeFailures(t *testing.T) {
	c := testKeysClient(t)
	tests := []struct {
		name, body, code, errPart string
	}{
		{"Kaligo GBK error", `<?xml version="1.0" encoding="GBK"?>` + "\n<alipay><is_success>F</is_success><error>ILLEGAL_PARTNER</error></alipay>", "ILLEGAL_PARTNER", ""},
		{"F without code", signedTop(t, c, "F"), "", "without an error code"},
		{"odd is_success", signedTop(t, c, "X"), "", `"X"`},
		{"unsigned success", `<alipay><is_success>T</is_success></alipay>`, "", "not signed"},
		{"no is_success", `<alipay><error>E</error></alipay>`, "", "no <is_success>"},
		{"wrong root", `<html><body>502</body></html>`, "", "not <alipay>"},
		{"not XML", `Bad Gateway`, "", "text outside the root"},
		{"broken XML", `<alipay><is_success>T</alipay>`, "", "malformed XML"},
		{"unknown encoding", `<?xml version="1.0" encoding="x-klingon"?><alipay/>`, "", "unsupported XML encoding"},
		{"two responses", `<alipay><is_success>T</is_success><response><a/><b/></response></alipay>`, "", "more than one"},
		{"half signed", `<alipay><is_success>T</is_success><sign>abc</sign></alipay>`, "", "only one of sign"},
		{"bad signature", `<alipay><is_success>F</is_success><error>X</error><sign>abc</sign><sign_type>MD5</sign_type></alipay>`, "", "signature verification failed"},
		{"too deep", strings.Repeat("<a>", 20) + strings.Repeat("</a>", 20), "", "too deep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.checkEnvelope([]byte(tt.body), &Error{Service: "single_trade_query"}, nil)
			require.Error(t, err)
			if tt.code != "" {
				assert.Equal(t, ErrorCode(tt.code), ErrorCodeOf(err))
				assert.True(t, IsUnknown(err), "an unsigned failure is not final")
				assert.Contains(t, err.Error(), "is_success=F "+tt.code)
				return
			}
			assert.ErrorContains(t, err, tt.errPart)
		})
	}
}

func TestEnvelopeSignatureCoverage(t *testing.T) {
	c := testKeysClient(t)
	resp := map[string]string{"trade_no": "1", "trade_status": "TRADE_FINISHED", "out_trade_no": "O"}
	sig, err := c.keys.sign(SignTypeRSA2, PreSignString(resp))
	require.NoError(t, err)
	body := `<alipay><is_success>T</is_success><request><param name="x">1</param></request><response><trade>` +
		`<trade_no>1</trade_no><trade_status>TRADE_FINISHED</trade_status><out_trade_no>O</out_trade_no></trade></response>` +
		`<sign>` + sig + `</sign><sign_type>RSA2</sign_type></alipay>`
	env, err := c.checkEnvelope([]byte(body), &Error{}, nil)
	require.NoError(t, err)
	assert.Equal(t, "O", env.signed["out_trade_no"])

	_, err = c.checkEnvelope([]byte(strings.Replace(body, "TRADE_FINISHED", "TRADE_CLOSED", 1)), &Error{}, nil)
	assert.ErrorIs(t, err, ErrBadSignature)
	assert.True(t, IsUnknown(err))

	md5, err := c.keys.sign(SignTypeMD5, "error=PURCHASE_TRADE_NOT_EXIST&is_success=F")
	require.NoError(t, err)
	_, err = c.checkEnvelope([]byte(`<alipay><is_success>F</is_success><error>PURCHASE_TRADE_NOT_EXIST</error><sign>`+md5+`</sign><sign_type>MD5</sign_type></alipay>`), &Error{}, nil)
	assert.Equal(t, CodePurchaseTradeNotExist, ErrorCodeOf(err), "a signed failure verifies over its top-level fields")
}

// signedTop returns an envelope with only is_success, signed with RSA.
func signedTop(t *testing.T, c *Client, isSuccess string) string {
	sig, err := c.keys.sign(SignTypeRSA, "is_success="+isSuccess)
	require.NoError(t, err)
	return "<alipay><is_success>" + isSuccess + "</is_success><sign>" + sig + "</sign><sign_type>RSA</sign_type></alipay>"
}

// A signed answer that is about the right trade but cannot be used is not
// an outcome either.
func TestSignedButUnusableAnswerIsUnknown(t *testing.T) {
	var c *Client
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		resp := map[string]string{"out_trade_no": "O", "gmt_payment": "yesterday", "trade_status": "TRADE_FINISHED", "trade_no": "1"}
		sig, err := c.keys.sign(SignTypeRSA, PreSignString(resp))
		assert.NoError(t, err)
		_, _ = io.WriteString(w, `<alipay><is_success>T</is_success><response><trade><out_trade_no>O</out_trade_no><trade_no>1</trade_no>`+
			`<trade_status>TRADE_FINISHED</trade_status><gmt_payment>yesterday</gmt_payment></trade></response><sign>`+sig+`</sign><sign_type>RSA</sign_type></alipay>`)
	}))
	t.Cleanup(srv.Close)
	c = testKeysClient(t, WithGateway(srv.URL+"/gateway.do"))
	_, err := c.QueryTrade(context.Background(), &QueryTradeRequest{OutTradeNo: "O"})
	assert.ErrorContains(t, err, "gmt_payment")
	assert.True(t, IsUnknown(err))
}

// An answer is bound to its request both where it echoes the request
// (<request>, outside the signature) and in the signed <response>, which
// must carry the ids asked about: a signed answer that leaves them out
// could be about any trade.
func TestEnvelopeBinding(t *testing.T) {
	c := testKeysClient(t)
	signed := func(request string, resp map[string]string, order ...string) string {
		sig, err := c.keys.sign(SignTypeRSA2, PreSignString(resp))
		require.NoError(t, err)
		var trade strings.Builder
		for _, k := range order {
			trade.WriteString("<" + k + ">" + resp[k] + "</" + k + ">")
		}
		return `<alipay><is_success>T</is_success><request>` + request + `</request><response><trade>` + trade.String() +
			`</trade></response><sign>` + sig + `</sign><sign_type>RSA2</sign_type></alipay>`
	}
	paid := map[string]string{"trade_no": "1", "trade_status": "TRADE_FINISHED", "out_trade_no": "O"}
	bind := map[string]string{"out_trade_no": "O"}
	tests := []struct {
		name    string
		body    string
		errPart string // "" when the answer is bound
	}{
		{"bound", signed(`<param name="out_trade_no">O</param>`, paid, "trade_no", "trade_status", "out_trade_no"), ""},
		{"echo names another trade", signed(`<param name="out_trade_no">B</param>`, paid, "trade_no", "trade_status", "out_trade_no"),
			`echoed out_trade_no "B", asked "O"`},
		{"signed response without the id", signed(`<param name="out_trade_no">O</param>`,
			map[string]string{"trade_no": "1", "trade_status": "TRADE_FINISHED"}, "trade_no", "trade_status"),
			`signed out_trade_no "", asked "O"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := c.checkEnvelope([]byte(tt.body), &Error{}, bind)
			if tt.errPart == "" {
				require.NoError(t, err)
				assert.Equal(t, "O", env.signed["out_trade_no"])
				return
			}
			assert.ErrorIs(t, err, ErrUnboundAnswer)
			assert.ErrorContains(t, err, tt.errPart)
			assert.True(t, IsUnknown(err))
		})
	}
}
