package alipay

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// payAPI describes one of the seven payment APIs for the round-trip table.
type payAPI struct {
	name      string // last path element
	requestID string // the idempotency key the request carries
	// call makes the typed call and returns the response's result (nil
	// when the response is nil).
	call func(ctx context.Context, c *Client) (*Result, error)
	// inProcess is the API's own in-process code, if it has one.
	inProcess ResultCode
	// success is a successful body.
	success string
}

func payRequestFixture() *PayRequest {
	return &PayRequest{
		PaymentRequestID:   "pay-1",
		Order:              Order{ReferenceOrderID: "order-1", OrderDescription: "test order", OrderAmount: Amount{Currency: "HKD", Value: "100"}},
		PaymentAmount:      Amount{Currency: "HKD", Value: "100"},
		PaymentMethod:      PaymentMethod{PaymentMethodType: PaymentMethodTypeAlipayHK},
		PaymentRedirectURL: "https://merchant.example/result",
		Env:                Env{TerminalType: TerminalTypeWeb},
	}
}

func payAPIs() []payAPI {
	return []payAPI{
		{
			name: "consult",
			call: func(ctx context.Context, c *Client) (*Result, error) {
				r, err := c.Consult(ctx, &ConsultRequest{PaymentAmount: Amount{Currency: "USD", Value: "100"}, Env: Env{TerminalType: TerminalTypeWeb}})
				return payResultOf(r, err, func() Result { return r.Result })
			},
			success: `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentOptions":[{"paymentMethodType":"ALIPAY_HK","paymentMethodCategory":"WALLET","enabled":true}]}`,
		},
		{
			name: "pay", requestID: "pay-1", inProcess: ResultCodePaymentInProcess,
			call: func(ctx context.Context, c *Client) (*Result, error) {
				r, err := c.Pay(ctx, payRequestFixture())
				return payResultOf(r, err, func() Result { return r.Result })
			},
			success: `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentId":"p-1","paymentRequestId":"pay-1"}`,
		},
		{
			name: "inquiryPayment", requestID: "pay-1",
			call: func(ctx context.Context, c *Client) (*Result, error) {
				r, err := c.InquiryPayment(ctx, &InquiryPaymentRequest{PaymentRequestID: "pay-1"})
				return payResultOf(r, err, func() Result { return r.Result })
			},
			success: `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"Success"},"paymentStatus":"SUCCESS"}`,
		},
		{
			name: "cancel", requestID: "p-1",
			call: func(ctx context.Context, c *Client) (*Result, error) {
				r, err := c.Cancel(ctx, &CancelRequest{PaymentID: "p-1"})
				return payResultOf(r, err, func() Result { return r.Result })
			},
			success: `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"Success"},"paymentId":"p-1","cancelTime":"2019-06-12T19:07:11+08:00"}`,
		},
		{
			name: "refund", requestID: "refund-1", inProcess: ResultCodeRefundInProcess,
			call: func(ctx context.Context, c *Client) (*Result, error) {
				r, err := c.Refund(ctx, &RefundRequest{RefundRequestID: "refund-1", PaymentID: "p-1", RefundAmount: Amount{Currency: "USD", Value: "100"}})
				return payResultOf(r, err, func() Result { return r.Result })
			},
			success: `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"refundId":"r-1","refundRequestId":"refund-1"}`,
		},
		{
			name: "inquiryRefund", requestID: "refund-1",
			call: func(ctx context.Context, c *Client) (*Result, error) {
				r, err := c.InquiryRefund(ctx, &InquiryRefundRequest{RefundRequestID: "refund-1"})
				return payResultOf(r, err, func() Result { return r.Result })
			},
			success: `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"Success"},"refundStatus":"PROCESSING"}`,
		},
		{
			name: "capture", requestID: "capture-1", inProcess: ResultCodeCaptureInProcess,
			call: func(ctx context.Context, c *Client) (*Result, error) {
				r, err := c.Capture(ctx, &CaptureRequest{CaptureRequestID: "capture-1", PaymentID: "p-1", CaptureAmount: Amount{Currency: "HKD", Value: "10"}})
				return payResultOf(r, err, func() Result { return r.Result })
			},
			success: `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"captureId":"c-1"}`,
		},
	}
}

// payResultOf turns a typed (response, error) pair into the response's
// result, or nil when the response is nil.
func payResultOf[T any](resp *T, err error, result func() Result) (*Result, error) {
	if resp == nil {
		return nil, err
	}
	r := result()
	return &r, err
}

// TestPaymentAPIsRoundTrip calls every API through the httpmock fake with
// each kind of outcome, and checks the exact production path, the request's
// signature and DESIGN.md's error rules: S and in-process U give a response
// and no error; F gives no response and an *Error that is not unknown; other
// U, and no answer at all, give no response and an unknown *Error.
func TestPaymentAPIsRoundTrip(t *testing.T) {
	const (
		failBody     = `{"result":{"resultCode":"PROCESS_FAIL","resultStatus":"F","resultMessage":"General business failure. No retry."}}`
		paramBody    = `{"result":{"resultCode":"PARAM_ILLEGAL","resultStatus":"F","resultMessage":"Illegal parameters."}}`
		unknownBody  = `{"result":{"resultCode":"UNKNOWN_EXCEPTION","resultStatus":"U","resultMessage":"unknown"}}`
		throttleBody = `{"result":{"resultCode":"REQUEST_TRAFFIC_EXCEED_LIMIT","resultStatus":"U","resultMessage":"limit"}}`
	)
	type outcome struct {
		name        string
		reply       func(api payAPI) fakeAntomReply
		wantResp    bool
		wantCode    ResultCode // with inProcess: the API's own in-process code instead
		inProcess   bool
		wantUnknown bool
		wantStatus  int // HTTP status in the *Error
	}
	body := func(b string) func(payAPI) fakeAntomReply {
		return func(payAPI) fakeAntomReply { return fakeAntomReply{body: b} }
	}
	outcomes := []outcome{
		{name: "S", reply: func(a payAPI) fakeAntomReply { return fakeAntomReply{body: a.success} }, wantResp: true, wantCode: ResultCodeSuccess},
		{name: "U in process", inProcess: true, wantResp: true, reply: func(a payAPI) fakeAntomReply {
			// normalUrl: pay's in-process answer without a target means
			// "not created" (TestPayInProcessWithoutTargetIsNotCreated).
			return fakeAntomReply{body: `{"result":{"resultCode":"` + string(a.inProcess) + `","resultStatus":"U","resultMessage":"in process"},"normalUrl":"https://pay.example/n"}`}
		}},
		{name: "F", reply: body(failBody), wantCode: ResultCodeProcessFail, wantStatus: http.StatusOK},
		{name: "F param", reply: body(paramBody), wantCode: ResultCodeParamIllegal, wantStatus: http.StatusOK},
		{name: "U unknown", reply: body(unknownBody), wantCode: ResultCodeUnknownException, wantUnknown: true, wantStatus: http.StatusOK},
		{name: "U throttled", reply: body(throttleBody), wantCode: ResultCodeRequestTrafficExceedLimit, wantUnknown: true, wantStatus: http.StatusOK},
		{name: "no answer", reply: func(payAPI) fakeAntomReply { return fakeAntomReply{dropped: true} }, wantUnknown: true},
	}
	for _, api := range payAPIs() {
		for _, o := range outcomes {
			if o.inProcess && api.inProcess == "" {
				continue
			}
			t.Run(api.name+"/"+o.name, func(t *testing.T) {
				fake := newFakeAntom(t)
				fake.replyWith(o.reply(api))
				result, err := api.call(context.Background(), fake.client(t))

				calls := fake.received()
				require.Len(t, calls, 1)
				assert.Equal(t, http.MethodPost, calls[0].Method)
				assert.Equal(t, "/ams/api/v1/payments/"+api.name, calls[0].URI)
				assert.True(t, calls[0].SignatureOK, "request signature must verify with the merchant's public key")

				wantCode := o.wantCode
				if o.inProcess {
					wantCode = api.inProcess
				}
				if o.wantResp {
					require.NoError(t, err)
					require.NotNil(t, result)
					assert.Equal(t, wantCode, result.ResultCode)
					return
				}
				assert.Nil(t, result, "no response with an error")
				var e *Error
				require.ErrorAs(t, err, &e)
				assert.Equal(t, wantCode, e.Result.ResultCode)
				assert.Equal(t, o.wantUnknown, IsUnknown(err))
				assert.Equal(t, o.wantUnknown, e.Unknown())
				assert.Equal(t, api.name, e.API)
				assert.Equal(t, "/ams/api/v1/payments/"+api.name, e.Path)
				assert.Equal(t, "open-sea-global.alipay.com", e.Host)
				assert.Equal(t, api.requestID, e.RequestID)
				assert.Equal(t, o.wantStatus, e.HTTPStatus)
				assert.Contains(t, e.Error(), api.name)
			})
		}
	}
}

func TestPaymentAPIsUnsignedFailure(t *testing.T) {
	for _, api := range payAPIs() {
		t.Run(api.name, func(t *testing.T) {
			fake := newFakeAntom(t)
			fake.replyWith(fakeAntomReply{unsigned: true, body: `{"result":{"resultCode":"INVALID_SIGNATURE","resultStatus":"F","resultMessage":"invalid signature"}}`})
			result, err := api.call(context.Background(), fake.client(t))
			assert.Nil(t, result)
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.True(t, e.Unverified)
			assert.Equal(t, ResultCodeInvalidSignature, e.Result.ResultCode)
			assert.True(t, IsUnknown(err), "an unsigned F is never a refusal")
		})
	}
}

// An unsigned success must never be returned as success.
func TestPaymentAPIsUnsignedSuccessIsRefused(t *testing.T) {
	for _, api := range payAPIs() {
		t.Run(api.name, func(t *testing.T) {
			fake := newFakeAntom(t)
			fake.replyWith(fakeAntomReply{unsigned: true, body: api.success})
			result, err := api.call(context.Background(), fake.client(t))
			assert.Nil(t, result)
			assert.ErrorIs(t, err, ErrUnsignedResponse)
			assert.True(t, IsUnknown(err))
		})
	}
}

func TestPaymentAPIsNilRequest(t *testing.T) {
	fake := newFakeAntom(t)
	c := fake.client(t)
	ctx := context.Background()
	var errs []error
	_, err := c.Consult(ctx, nil)
	errs = append(errs, err)
	_, err = c.Pay(ctx, nil)
	errs = append(errs, err)
	_, err = c.InquiryPayment(ctx, nil)
	errs = append(errs, err)
	_, err = c.Cancel(ctx, nil)
	errs = append(errs, err)
	_, err = c.Refund(ctx, nil)
	errs = append(errs, err)
	_, err = c.InquiryRefund(ctx, nil)
	errs = append(errs, err)
	_, err = c.Capture(ctx, nil)
	errs = append(errs, err)
	_, err = c.WaitForPayment(ctx, nil, WaitOptions{})
	errs = append(errs, err)
	for i, err := range errs {
		var v *ValidationError
		assert.True(t, errors.As(err, &v), "call %d: %v", i, err)
	}
	// Do with a typed nil request must not panic either.
	var v *ValidationError
	require.ErrorAs(t, c.Do(ctx, apiPathPay, (*PayRequest)(nil), nil), &v)
	assert.Empty(t, fake.received())
}

// Validation fails before anything is sent.
func TestPaymentAPIsValidateBeforeSending(t *testing.T) {
	fake := newFakeAntom(t)
	r := payRequestFixture()
	r.Env.TerminalType = TerminalTypeApp
	_, err := fake.client(t).Pay(context.Background(), r)
	var v *ValidationError
	require.ErrorAs(t, err, &v)
	assert.Equal(t, "env.osType", v.Field)
	assert.Empty(t, fake.received())
}

// The pay body on the wire is the request as marshalled after validation
// filled in the product code.
func TestPaySendsNormalisedBody(t *testing.T) {
	fake := newFakeAntom(t)
	fake.reply(`{"result":{"resultCode":"PAYMENT_IN_PROCESS","resultStatus":"U","resultMessage":"payment in process"},"normalUrl":"https://cashier.example/x"}`)
	r := payRequestFixture()
	resp, err := fake.client(t).Pay(context.Background(), r)
	require.NoError(t, err)
	assert.Equal(t, "https://cashier.example/x", resp.RedirectURL(r.Env))
	assert.Equal(t, ProductCodeCashierPayment, r.ProductCode, "validation fills in the default product code")
	assert.JSONEq(t, `{
		"productCode":"CASHIER_PAYMENT","paymentRequestId":"pay-1",
		"order":{"referenceOrderId":"order-1","orderDescription":"test order","orderAmount":{"currency":"HKD","value":"100"}},
		"paymentAmount":{"currency":"HKD","value":"100"},
		"paymentMethod":{"paymentMethodType":"ALIPAY_HK"},
		"paymentRedirectUrl":"https://merchant.example/result",
		"env":{"terminalType":"WEB"}}`, fake.received()[0].Body)
}
