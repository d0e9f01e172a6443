package alipay

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// U PAYMENT_IN_PROCESS is the normal answer to pay only with somewhere to
// send the buyer; without one Antom's pay documentation says the payment
// was not created. Pay must say so, as a definite outcome, and never hand
// back a response with no way to pay.
func TestPayInProcessWithoutTargetIsNotCreated(t *testing.T) {
	const inProcess = `"result":{"resultCode":"PAYMENT_IN_PROCESS","resultStatus":"U","resultMessage":"payment in process"},"paymentRequestId":"pay-1","paymentId":"P1"`
	tests := []struct {
		name       string
		body       string
		notCreated bool
	}{
		{"nothing", `{` + inProcess + `}`, true},
		{"empty fields", `{` + inProcess + `,"normalUrl":"","schemeUrl":"","applinkUrl":"","orderCodeForm":{"codeDetails":[{"codeValue":"","displayType":"TEXT"}]},"redirectActionForm":{"method":"GET"},"paymentActionForm":"","challengeActionForm":null}`, true},
		{"normalUrl", `{` + inProcess + `,"normalUrl":"https://pay.example/n"}`, false},
		{"schemeUrl", `{` + inProcess + `,"schemeUrl":"alipayhk://pay"}`, false},
		{"applinkUrl", `{` + inProcess + `,"applinkUrl":"https://pay.example/a"}`, false},
		{"code value", `{` + inProcess + `,"orderCodeForm":{"codeDetails":[{"codeValue":"https://qr.example/1","displayType":"BIGIMAGE"}]}}`, false},
		{"redirectActionForm", `{` + inProcess + `,"redirectActionForm":{"method":"POST","redirectUrl":"https://pay.example/r","parameters":"a=1"}}`, false},
		{"paymentActionForm", `{` + inProcess + `,"paymentActionForm":"{\"method\":\"GET\",\"paymentActionFormType\":\"RedirectActionForm\",\"redirectUrl\":\"https://pay.example/p\"}"}`, false},
		{"paymentData for the client SDK", `{` + inProcess + `,"paymentData":"opaque"}`, false},
		{"challengeActionForm", `{` + inProcess + `,"challengeActionForm":{"challengeType":"SMS_OTP"}}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeAntom(t)
			f.reply(tt.body)
			resp, err := f.client(t).Pay(context.Background(), payRequestFixture())
			if !tt.notCreated {
				require.NoError(t, err)
				assert.Equal(t, "P1", resp.PaymentID)
				return
			}
			assert.Nil(t, resp)
			require.ErrorIs(t, err, ErrPaymentNotCreated)
			assert.False(t, IsUnknown(err), "a definite outcome: nothing to inquire about")
			var e *Error
			require.True(t, errors.As(err, &e))
			assert.Equal(t, ResultCodePaymentInProcess, e.Result.ResultCode)
			assert.Equal(t, "pay-1", e.RequestID)
			assert.Contains(t, err.Error(), "pay again with a new paymentRequestId")
		})
	}
}

// Only pay's PAYMENT_IN_PROCESS is judged by its targets: a signed S
// (a card paid at once) needs no redirect.
func TestPaySuccessNeedsNoTarget(t *testing.T) {
	f := newFakeAntom(t)
	f.reply(`{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentRequestId":"pay-1","paymentId":"P1"}`)
	resp, err := f.client(t).Pay(context.Background(), payRequestFixture())
	require.NoError(t, err)
	assert.Equal(t, "P1", resp.PaymentID)
}
