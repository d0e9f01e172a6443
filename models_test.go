package alipay

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func modelsMarshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// Each request type marshals to Antom's documented request example: field names and
// nesting exact, nothing else present.
func TestRequestsMarshalToSpecExamples(t *testing.T) {
	tests := []struct {
		name string
		req  any
		want string
	}{
		{
			name: "pay",
			req: &PayRequest{
				ProductCode:        ProductCodeCashierPayment,
				PaymentRequestID:   "paymentRequestId01",
				Order:              Order{OrderAmount: Amount{Currency: "HKD", Value: "100"}, ReferenceOrderID: "referenceOrderId01", OrderDescription: "antom test order"},
				PaymentAmount:      Amount{Currency: "HKD", Value: "100"},
				PaymentMethod:      PaymentMethod{PaymentMethodType: PaymentMethodTypeAlipayHK},
				PaymentNotifyURL:   "http://www.yourNotifyUrl.com",
				PaymentRedirectURL: "http://www.yourRedirectUrl.com",
				Env:                Env{TerminalType: TerminalTypeWAP, ClientIP: "114.121.121.01", OSType: OSTypeAndroid},
			},
			want: `{
			  "env": {"terminalType": "WAP", "clientIp": "114.121.121.01", "osType": "ANDROID"},
			  "order": {"orderAmount": {"currency": "HKD", "value": "100"},
			            "referenceOrderId": "referenceOrderId01", "orderDescription": "antom test order"},
			  "paymentAmount": {"currency": "HKD", "value": "100"},
			  "paymentMethod": {"paymentMethodType": "ALIPAY_HK"},
			  "paymentNotifyUrl": "http://www.yourNotifyUrl.com",
			  "paymentRedirectUrl": "http://www.yourRedirectUrl.com",
			  "paymentRequestId": "paymentRequestId01",
			  "productCode": "CASHIER_PAYMENT"
			}`,
		},
		{
			name: "cancel",
			req:  &CancelRequest{PaymentID: "2019061218401080010018882020035XXXX"},
			want: `{"paymentId": "2019061218401080010018882020035XXXX"}`,
		},
		{
			name: "refund",
			req:  &RefundRequest{PaymentID: "20181129190741010007000000XXXX", RefundRequestID: "20181129190741020007000000XXXX", RefundAmount: Amount{Value: "100", Currency: "USD"}},
			want: `{"paymentId":"20181129190741010007000000XXXX","refundRequestId":"20181129190741020007000000XXXX","refundAmount":{"value":"100","currency":"USD"}}`,
		},
		{
			name: "capture",
			req:  &CaptureRequest{PaymentID: "20220919194010890100111740275820195", CaptureRequestID: "capture_cangxi_lj_20220920_005914_845", CaptureAmount: Amount{Currency: "HKD", Value: "10"}},
			want: `{"paymentId":"20220919194010890100111740275820195","captureRequestId":"capture_cangxi_lj_20220920_005914_845","captureAmount":{"currency":"HKD","value":"10"}}`,
		},
		{
			name: "inquiryPayment",
			req:  &InquiryPaymentRequest{PaymentRequestID: "paymentRequestId01"},
			want: `{"paymentRequestId":"paymentRequestId01"}`,
		},
		{
			name: "inquiryRefund",
			req:  &InquiryRefundRequest{RefundRequestID: "amsdemorefund_zhangyikai_zyk_20210804_165236_931"},
			want: `{"refundRequestId":"amsdemorefund_zhangyikai_zyk_20210804_165236_931"}`,
		},
		{
			name: "consult",
			req: &ConsultRequest{
				ProductCode:       ProductCodeCashierPayment,
				PaymentAmount:     Amount{Currency: "USD", Value: "4200"},
				Env:               Env{TerminalType: TerminalTypeApp, OSType: OSTypeIOS},
				UserRegion:        "HK",
				AllowedPSPRegions: []string{"HK", "PH"},
			},
			want: `{"productCode":"CASHIER_PAYMENT","paymentAmount":{"currency":"USD","value":"4200"},
			        "env":{"terminalType":"APP","osType":"IOS"},"userRegion":"HK","allowedPspRegions":["HK","PH"]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.JSONEq(t, tt.want, modelsMarshal(t, tt.req))
		})
	}
}

func TestRequestDatetimes(t *testing.T) {
	hk := time.FixedZone("HKT", 8*3600)
	expiry := time.Date(2024, 1, 15, 17, 34, 45, 123456789, hk)
	r := payRequestFixture()
	r.PaymentExpiryTime = expiry
	r.Order.Buyer = &Buyer{BuyerRegistrationTime: time.Date(2020, 2, 1, 3, 4, 5, 0, time.UTC)}
	r.Order.Merchant = &Merchant{MerchantRegisterDate: time.Date(2019, 1, 2, 0, 0, 0, 0, time.FixedZone("", -7*3600-30*60))}
	r.Env.StoreTerminalRequestTime = time.Date(2024, 1, 15, 1, 2, 3, 0, time.FixedZone("", 5*3600+30*60))

	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(modelsMarshal(t, r)), &got))
	assert.Equal(t, "2024-01-15T17:34:45+08:00", got["paymentExpiryTime"], "seconds precision, the offset kept")
	order := got["order"].(map[string]any)
	assert.Equal(t, "2020-02-01T03:04:05Z", order["buyer"].(map[string]any)["buyerRegistrationTime"])
	assert.Equal(t, "2019-01-02T00:00:00-07:30", order["merchant"].(map[string]any)["merchantRegisterDate"])
	assert.Equal(t, "2024-01-15T01:02:03+05:30", got["env"].(map[string]any)["storeTerminalRequestTime"])

	// Zero times are left out, everywhere.
	r = payRequestFixture()
	r.Order.Buyer = &Buyer{ReferenceBuyerID: "b-1"}
	r.Order.Merchant = &Merchant{MerchantName: "m"}
	body := modelsMarshal(t, r)
	for _, key := range []string{"paymentExpiryTime", "buyerRegistrationTime", "merchantRegisterDate", "storeTerminalRequestTime", "0001-01-01"} {
		assert.NotContains(t, body, key)
	}
}

func TestRequestZeroValuesOmitted(t *testing.T) {
	zero := 0
	env := Env{TerminalType: TerminalTypeWeb, TimeZoneOffset: &zero, BrowserInfo: &BrowserInfo{Language: "en"}}
	assert.JSONEq(t, `{"terminalType":"WEB","timeZoneOffset":0,"browserInfo":{"language":"en"}}`, modelsMarshal(t, env),
		"timeZoneOffset 0 (UTC) is a real value and is sent")
	assert.JSONEq(t, `{"paymentMethodType":"CARD","paymentMethodMetaData":{"blikCode":"123456"}}`,
		modelsMarshal(t, PaymentMethod{PaymentMethodType: PaymentMethodTypeCard, PaymentMethodMetaData: map[string]any{"blikCode": "123456"}}))
	assert.JSONEq(t, `{"orderAmount":{"currency":"USD","value":"1"}}`, modelsMarshal(t, Order{OrderAmount: Amount{Currency: "USD", Value: "1"}}))
	assert.JSONEq(t, `{"quotePrice":1.0825}`, modelsMarshal(t, Quote{QuotePrice: "1.0825"}))
}

func modelsDecode[T any](t *testing.T, body string) *T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal([]byte(body), &v))
	return &v
}

// Each response example of Antom's documentation decodes to the expected values, with
// datetimes in every offset form the documentation shows.
func TestPayResponseDecodesSpecWebSample(t *testing.T) {
	const sample = `{
	  "normalUrl": "https://open-sea.alipayplus.com/api/open/v1/ac/cashier/self/codevalue/checkout.htm?codeValue=https%3A%2F%2Fglobal.alipay.com%2F2810",
	  "orderCodeForm": {"codeDetails": [{"codeValue": "https://global.alipay.com/2810", "displayType": "TEXT"},
	                                     {"codeValue": "https://global.alipay.com/merchant/order/showQrImage.htm?code=x&picSize=L", "displayType": "BIGIMAGE"}],
	                    "expireTime": "2024-01-15T01:34:45-08:00"},
	  "paymentActionForm": "{\"method\":\"GET\",\"paymentActionFormType\":\"RedirectActionForm\",\"redirectUrl\":\"https://cashier.example/form\"}",
	  "paymentAmount": {"currency": "HKD", "value": "100"},
	  "paymentCreateTime": "2024-01-15T01:20:46-08:00",
	  "paymentId": "20240115194010800100188640298283440",
	  "paymentRequestId": "PAY_20240115172044263",
	  "redirectActionForm": {"method": "GET", "redirectUrl": "https://cashier.example/redirect"},
	  "result": {"resultCode": "PAYMENT_IN_PROCESS", "resultMessage": "payment in process", "resultStatus": "U"}
	}`
	r := modelsDecode[PayResponse](t, sample)
	pst := time.FixedZone("", -8*3600)
	assert.Equal(t, Result{ResultCode: ResultCodePaymentInProcess, ResultStatus: ResultStatusUnknown, ResultMessage: "payment in process"}, r.Result)
	assert.Equal(t, "20240115194010800100188640298283440", r.PaymentID)
	assert.Equal(t, "PAY_20240115172044263", r.PaymentRequestID)
	assert.Equal(t, Amount{Currency: "HKD", Value: "100"}, r.PaymentAmount)
	assert.True(t, r.PaymentCreateTime.Equal(time.Date(2024, 1, 15, 1, 20, 46, 0, pst)), r.PaymentCreateTime)
	require.NotNil(t, r.OrderCodeForm)
	assert.True(t, r.OrderCodeForm.ExpireTime.Equal(time.Date(2024, 1, 15, 9, 34, 45, 0, time.UTC)))
	require.Len(t, r.OrderCodeForm.CodeDetails, 2)
	assert.Equal(t, DisplayTypeBigImage, r.OrderCodeForm.CodeDetails[1].DisplayType)
	assert.Equal(t, &PaymentActionForm{Method: "GET", PaymentActionFormType: "RedirectActionForm", RedirectURL: "https://cashier.example/form"}, r.PaymentActionForm)
	assert.Equal(t, &RedirectActionForm{Method: "GET", RedirectURL: "https://cashier.example/redirect"}, r.RedirectActionForm)
	assert.Equal(t, []Redirect{
		{Kind: RedirectKindNormal, URL: r.NormalURL},
		{Kind: RedirectKindCodeValue, URL: "https://global.alipay.com/2810"},
		{Kind: RedirectKindActionForm, URL: "https://cashier.example/redirect"},
	}, r.Redirects(Env{TerminalType: TerminalTypeWeb}))
}

func TestInquiryPaymentResponseDecodesSpecSample(t *testing.T) {
	r := modelsDecode[InquiryPaymentResponse](t, `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"Success"},
	 "paymentStatus":"SUCCESS","paymentRequestId":"paymentRequestId01",
	 "paymentId":"2019060811401080010018882020035XXXX",
	 "paymentAmount":{"value":"100","currency":"HKD"},
	 "paymentCreateTime":"2019-06-01T12:01:01+08:30","paymentTime":"2019-06-01T12:01:01+08:30",
	 "transactions":null}`)
	assert.Equal(t, PaymentStatusSuccess, r.PaymentStatus)
	assert.Equal(t, "2019060811401080010018882020035XXXX", r.PaymentID)
	assert.Equal(t, Amount{Currency: "HKD", Value: "100"}, r.PaymentAmount)
	want := time.Date(2019, 6, 1, 3, 31, 1, 0, time.UTC) // 12:01:01 at +08:30
	assert.True(t, r.PaymentCreateTime.Equal(want), r.PaymentCreateTime)
	assert.True(t, r.PaymentTime.Equal(want), r.PaymentTime)
	_, off := r.PaymentTime.Zone()
	assert.Equal(t, 8*3600+30*60, off, "the offset Antom sent is kept")
	assert.Nil(t, r.Transactions)
}

func TestInquiryPaymentResponseTransactions(t *testing.T) {
	r := modelsDecode[InquiryPaymentResponse](t, `{"result":{"resultCode":"SUCCESS","resultStatus":"S"},"paymentStatus":"SUCCESS",
	 "transactions":[{"transactionResult":{"resultCode":"SUCCESS","resultStatus":"S"},"transactionId":"t-1","transactionType":"REFUND",
	   "transactionStatus":"SUCCESS","transactionAmount":{"currency":"HKD","value":"40"},"transactionRequestId":"refund-1",
	   "transactionTime":"2019-06-02T00:00:00Z"}],
	 "paymentQuote":{"quoteId":"q","quoteCurrencyPair":"USD/HKD","quotePrice":7.81234567890123456789,"quoteExpiryTime":"2019-06-02T00:00:00Z"}}`)
	require.Len(t, r.Transactions, 1)
	tx := r.Transactions[0]
	assert.Equal(t, TransactionTypeRefund, tx.TransactionType)
	assert.Equal(t, PaymentStatusSuccess, tx.TransactionStatus)
	assert.Equal(t, Amount{Currency: "HKD", Value: "40"}, tx.TransactionAmount)
	assert.True(t, tx.TransactionTime.Equal(time.Date(2019, 6, 2, 0, 0, 0, 0, time.UTC)))
	require.NotNil(t, r.PaymentQuote)
	assert.Equal(t, json.Number("7.81234567890123456789"), r.PaymentQuote.QuotePrice, "the rate is kept digit for digit")
}

func TestCancelResponseDecodesSpecSample(t *testing.T) {
	r := modelsDecode[CancelResponse](t, `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"Success"},"paymentRequestId":"pay_2089760038715669_20277574507XXXX","paymentId":"2019061218401080010018882020035XXXX","cancelTime":"2019-06-12T19:07:11+08:00"}`)
	assert.Equal(t, ResultCodeSuccess, r.Result.ResultCode)
	assert.Equal(t, "pay_2089760038715669_20277574507XXXX", r.PaymentRequestID)
	assert.True(t, r.CancelTime.Equal(time.Date(2019, 6, 12, 11, 7, 11, 0, time.UTC)))
}

func TestInquiryRefundResponseDecodesSpecSample(t *testing.T) {
	r := modelsDecode[InquiryRefundResponse](t, `{"refundAmount":{"currency":"HKD","value":"10000"},"refundId":"2021080419401080130018866020092XXXX","refundRequestId":"amsdemorefund_zhangyikai_zyk_20210804_165236_931","refundStatus":"SUCCESS","refundTime":"2021-08-04T01:52:37-07:00","result":{"resultCode":"SUCCESS","resultMessage":"Success","resultStatus":"S"}}`)
	assert.Equal(t, RefundStatusSuccess, r.RefundStatus)
	assert.Equal(t, Amount{Currency: "HKD", Value: "10000"}, r.RefundAmount)
	assert.Equal(t, "2021080419401080130018866020092XXXX", r.RefundID)
	assert.True(t, r.RefundTime.Equal(time.Date(2021, 8, 4, 8, 52, 37, 0, time.UTC)))
}

func TestRefundAndCaptureResponsesDecode(t *testing.T) {
	rf := modelsDecode[RefundResponse](t, `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"refundRequestId":"refund-1","refundId":"r-1","paymentId":"p-1","refundAmount":{"currency":"USD","value":"100"},"refundTime":"2024-03-01T10:00:00Z"}`)
	assert.Equal(t, "r-1", rf.RefundID)
	assert.True(t, rf.RefundTime.Equal(time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)))

	cp := modelsDecode[CaptureResponse](t, `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"captureRequestId":"Merchant_Request_ID_XXXXXX","captureId":"2022XXXXXXX","paymentId":"2022XXXXXXX","captureAmount":{"currency":"BRL","value":"50000"},"captureTime":"2022-11-10T00:34:52-08:00"}`)
	assert.Equal(t, Amount{Currency: "BRL", Value: "50000"}, cp.CaptureAmount)
	assert.True(t, cp.CaptureTime.Equal(time.Date(2022, 11, 10, 8, 34, 52, 0, time.UTC)))
}

func TestConsultResponseDecodes(t *testing.T) {
	r := modelsDecode[ConsultResponse](t, `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},
	  "paymentOptions":[
	    {"paymentMethodType":"ALIPAY_HK","paymentMethodCategory":"WALLET","enabled":true,"preferred":true,
	     "logo":{"logoName":"AlipayHK","logoUrl":"https://cdn.example/ahk.svg"},"paymentMethodRegion":["HK"],"promoNames":["10% off"]},
	    {"paymentMethodType":"GCASH","paymentMethodCategory":"ALIPAY_PLUS","enabled":false,"disableReason":"CHANNEL_NOT_SUPPORT_CURRENCY",
	     "amountLimitInfoMap":{"USD":{"maxAmount":{"currency":"USD","value":"100000"}}}}]}`)
	require.Len(t, r.PaymentOptions, 2)
	assert.Equal(t, PaymentOption{
		PaymentMethodType: PaymentMethodTypeAlipayHK, PaymentMethodCategory: PaymentMethodCategoryWallet, Enabled: true, Preferred: true,
		Logo: &Logo{LogoName: "AlipayHK", LogoURL: "https://cdn.example/ahk.svg"}, PaymentMethodRegion: []string{"HK"}, PromoNames: []string{"10% off"},
	}, r.PaymentOptions[0])
	assert.False(t, r.PaymentOptions[1].Enabled)
	assert.Equal(t, DisableReasonChannelNotSupportCurrency, r.PaymentOptions[1].DisableReason)
	assert.JSONEq(t, `{"USD":{"maxAmount":{"currency":"USD","value":"100000"}}}`, string(r.PaymentOptions[1].AmountLimitInfoMap))
}

func TestPaymentActionForm(t *testing.T) {
	want := PaymentActionForm{Method: "GET", PaymentActionFormType: "RedirectActionForm", RedirectURL: "https://x.example/a?b=c"}
	tests := []struct {
		name    string
		json    string
		want    *PaymentActionForm
		wantErr string
	}{
		{name: "string", json: `"{\"method\":\"GET\",\"paymentActionFormType\":\"RedirectActionForm\",\"redirectUrl\":\"https://x.example/a?b=c\"}"`, want: &want},
		{name: "string with spaces", json: `" {\"method\": \"GET\", \"paymentActionFormType\": \"RedirectActionForm\", \"redirectUrl\": \"https://x.example/a?b=c\"} "`, want: &want},
		{name: "object", json: `{"method":"GET","paymentActionFormType":"RedirectActionForm","redirectUrl":"https://x.example/a?b=c"}`, want: &want},
		{name: "null", json: `null`, want: nil},
		{name: "empty string", json: `""`, want: &PaymentActionForm{}},
		{name: "unknown fields ignored", json: `"{\"method\":\"POST\",\"parameters\":\"a=1\",\"extra\":1}"`, want: &PaymentActionForm{Method: "POST", Parameters: "a=1"}},
		{name: "string not an object", json: `"https://x.example"`, wantErr: "does not hold a JSON object"},
		{name: "string with broken object", json: `"{\"method\":"`, wantErr: "paymentActionForm"},
		{name: "number", json: `42`, wantErr: "neither a JSON string nor an object"},
		{name: "array", json: `[]`, wantErr: "neither a JSON string nor an object"},
		{name: "wrong field type", json: `{"method":1}`, wantErr: "paymentActionForm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r PayResponse
			err := json.Unmarshal([]byte(`{"result":{"resultCode":"SUCCESS","resultStatus":"S"},"paymentActionForm":`+tt.json+`}`), &r)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, r.PaymentActionForm)
		})
	}
	// It encodes back to Antom's string form, and that decodes again.
	b := modelsMarshal(t, want)
	assert.Equal(t, `"{\"paymentActionFormType\":\"RedirectActionForm\",\"method\":\"GET\",\"redirectUrl\":\"https://x.example/a?b=c\"}"`, b)
	var back PaymentActionForm
	require.NoError(t, json.Unmarshal([]byte(b), &back))
	assert.Equal(t, want, back)
}

func TestResponseTimeFormsDecode(t *testing.T) {
	for _, tt := range []struct{ in, utc string }{
		{"2019-06-01T12:01:01+08:30", "2019-06-01T03:31:01Z"},
		{"2021-08-04T01:52:37-07:00", "2021-08-04T08:52:37Z"},
		{"2024-01-15T09:20:46Z", "2024-01-15T09:20:46Z"},
		{"2024-01-15T09:20:46.123Z", "2024-01-15T09:20:46.123Z"},
		{"2024-01-15T17:20:46+08:00", "2024-01-15T09:20:46Z"},
	} {
		t.Run(tt.in, func(t *testing.T) {
			r := modelsDecode[CancelResponse](t, `{"result":{"resultCode":"SUCCESS","resultStatus":"S"},"cancelTime":"`+tt.in+`"}`)
			assert.Equal(t, tt.utc, r.CancelTime.UTC().Format(time.RFC3339Nano))
		})
	}
}

func TestPaymentStatusFinal(t *testing.T) {
	for s, final := range map[PaymentStatus]bool{
		PaymentStatusSuccess: true, PaymentStatusFail: true, PaymentStatusCancelled: true,
		PaymentStatusProcessing: false, PaymentStatusPending: false, "": false, "SOMETHING_NEW": false,
	} {
		assert.Equal(t, final, s.Final(), s)
	}
}

// metadata is a string on the wire (the official SDKs type it so), for
// pay and refund and where Antom returns it: structured data travels
// encoded inside the string, never as a JSON object.
func TestMetadataIsAStringOnTheWire(t *testing.T) {
	const meta = `{"orderSource":"app","campaign":"spring"}`
	pay := payRequestFixture()
	pay.Metadata = meta
	var wire map[string]any
	require.NoError(t, json.Unmarshal([]byte(modelsMarshal(t, pay)), &wire))
	assert.Equal(t, meta, wire["metadata"])

	refund := &RefundRequest{RefundRequestID: "r-1", PaymentID: "p-1", RefundAmount: Amount{Currency: "USD", Value: "1"}, Metadata: meta}
	require.NoError(t, json.Unmarshal([]byte(modelsMarshal(t, refund)), &wire))
	assert.Equal(t, meta, wire["metadata"])

	quoted, err := json.Marshal(meta)
	require.NoError(t, err)
	var inq InquiryPaymentResponse
	require.NoError(t, json.Unmarshal([]byte(`{"result":{"resultStatus":"S"},"metadata":`+string(quoted)+`}`), &inq))
	assert.Equal(t, meta, inq.Metadata)
	var inqRefund InquiryRefundResponse
	require.NoError(t, json.Unmarshal([]byte(`{"result":{"resultStatus":"S"},"metadata":`+string(quoted)+`}`), &inqRefund))
	assert.Equal(t, meta, inqRefund.Metadata)
}
