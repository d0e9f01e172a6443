package alipay

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func waitStatusBody(status PaymentStatus) string {
	return `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"Success"},"paymentRequestId":"pay-1","paymentStatus":"` + string(status) + `"}`
}

const (
	waitThrottleBody = `{"result":{"resultCode":"REQUEST_TRAFFIC_EXCEED_LIMIT","resultStatus":"U","resultMessage":"limit"}}`
	waitUnknownBody  = `{"result":{"resultCode":"UNKNOWN_EXCEPTION","resultStatus":"U","resultMessage":"unknown"}}`
	waitNotExistBody = `{"result":{"resultCode":"ORDER_NOT_EXIST","resultStatus":"F","resultMessage":"order not exist"}}`
)

// waitRecorder replaces WaitForPayment's timer and records each pause.
type waitRecorder struct{ pauses []time.Duration }

func (w *waitRecorder) sleep(ctx context.Context, d time.Duration) error {
	w.pauses = append(w.pauses, d)
	return ctx.Err()
}

func TestWaitForPayment(t *testing.T) {
	const s = time.Second
	tests := []struct {
		name       string
		replies    []fakeAntomReply
		opts       WaitOptions
		wantStatus PaymentStatus // of the returned response; "" for nil
		wantCode   ResultCode    // of the returned error; "" for none
		wantPauses []time.Duration
	}{
		{
			name:       "processing and pending keep waiting until success",
			replies:    []fakeAntomReply{{body: waitStatusBody(PaymentStatusProcessing)}, {body: waitStatusBody(PaymentStatusPending)}, {body: waitStatusBody(PaymentStatusSuccess)}},
			wantStatus: PaymentStatusSuccess,
			wantPauses: []time.Duration{DefaultPollInterval, DefaultPollInterval},
		},
		{
			name:       "fail is final",
			replies:    []fakeAntomReply{{body: waitStatusBody(PaymentStatusProcessing)}, {body: waitStatusBody(PaymentStatusFail)}},
			opts:       WaitOptions{Interval: 3 * s},
			wantStatus: PaymentStatusFail,
			wantPauses: []time.Duration{3 * s},
		},
		{
			name:       "cancelled is final",
			replies:    []fakeAntomReply{{body: waitStatusBody(PaymentStatusCancelled)}},
			wantStatus: PaymentStatusCancelled,
		},
		{
			name:       "a status Antom may add keeps waiting",
			replies:    []fakeAntomReply{{body: waitStatusBody("ON_HOLD")}, {body: waitStatusBody(PaymentStatusSuccess)}},
			opts:       WaitOptions{Interval: s},
			wantStatus: PaymentStatusSuccess,
			wantPauses: []time.Duration{s},
		},
		{
			name: "rate limiting doubles the pause up to the cap, and an answer resets it",
			replies: []fakeAntomReply{
				{body: waitStatusBody(PaymentStatusProcessing)},
				{body: waitThrottleBody}, {body: waitThrottleBody}, {body: waitThrottleBody}, {body: waitThrottleBody},
				{body: waitStatusBody(PaymentStatusProcessing)},
				{body: waitStatusBody(PaymentStatusSuccess)},
			},
			opts:       WaitOptions{Interval: s, MaxInterval: 5 * s},
			wantStatus: PaymentStatusSuccess,
			wantPauses: []time.Duration{s, 2 * s, 4 * s, 5 * s, 5 * s, s},
		},
		{
			name:       "a cap below the interval is raised to it",
			replies:    []fakeAntomReply{{body: waitThrottleBody}, {body: waitStatusBody(PaymentStatusSuccess)}},
			opts:       WaitOptions{Interval: 4 * s, MaxInterval: s},
			wantStatus: PaymentStatusSuccess,
			wantPauses: []time.Duration{4 * s},
		},
		{
			name:       "an unknown outcome keeps waiting at the normal pace",
			replies:    []fakeAntomReply{{body: waitUnknownBody}, {status: http.StatusBadGateway, unsigned: true, body: "<html>bad gateway</html>"}, {body: waitStatusBody(PaymentStatusSuccess)}},
			opts:       WaitOptions{Interval: s},
			wantStatus: PaymentStatusSuccess,
			wantPauses: []time.Duration{s, s},
		},
		{
			name:     "ORDER_NOT_EXIST ends the wait",
			replies:  []fakeAntomReply{{body: waitNotExistBody}},
			wantCode: ResultCodeOrderNotExist,
		},
		{
			name:       "an F result after progress returns the last response with the error",
			replies:    []fakeAntomReply{{body: waitStatusBody(PaymentStatusProcessing)}, {body: `{"result":{"resultCode":"ACCESS_DENIED","resultStatus":"F"}}`}},
			opts:       WaitOptions{Interval: s},
			wantStatus: PaymentStatusProcessing,
			wantCode:   ResultCodeAccessDenied,
			wantPauses: []time.Duration{s},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFakeAntom(t)
			for _, r := range tt.replies {
				fake.replyWith(r)
			}
			rec := &waitRecorder{}
			opts := tt.opts
			opts.sleep = rec.sleep
			resp, err := fake.client(t).WaitForPayment(context.Background(), &InquiryPaymentRequest{PaymentRequestID: "pay-1"}, opts)

			if tt.wantCode == "" {
				require.NoError(t, err)
			} else {
				var e *Error
				require.ErrorAs(t, err, &e)
				assert.Equal(t, tt.wantCode, e.Result.ResultCode)
			}
			if tt.wantStatus == "" {
				assert.Nil(t, resp)
			} else {
				require.NotNil(t, resp)
				assert.Equal(t, tt.wantStatus, resp.PaymentStatus)
			}
			assert.Equal(t, tt.wantPauses, rec.pauses)
			assert.Len(t, fake.received(), len(tt.replies), "every queued reply is used, no more")
			for _, c := range fake.received() {
				assert.JSONEq(t, `{"paymentRequestId":"pay-1"}`, c.Body)
			}
		})
	}
}

func TestWaitForPaymentStopsOnBadSignature(t *testing.T) {
	fake := newFakeAntom(t)
	fake.reply(waitStatusBody(PaymentStatusProcessing))
	fake.reply(waitStatusBody(PaymentStatusSuccess))
	// Verifying with the wrong public key: polling cannot fix that.
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	c := fake.client(t, WithVerifier(NewVerifier(&other.PublicKey)))
	rec := &waitRecorder{}
	resp, err := c.WaitForPayment(context.Background(), &InquiryPaymentRequest{PaymentRequestID: "pay-1"}, WaitOptions{sleep: rec.sleep})
	assert.Nil(t, resp)
	assert.ErrorIs(t, err, ErrBadSignature)
	assert.Len(t, fake.received(), 1)
	assert.Empty(t, rec.pauses)
}

// An answer that verifies but does not decode would only repeat.
func TestWaitForPaymentStopsOnUndecodableAnswer(t *testing.T) {
	fake := newFakeAntom(t)
	fake.reply(`{"result":{"resultCode":"SUCCESS","resultStatus":"S"},"paymentStatus":7}`)
	fake.reply(waitStatusBody(PaymentStatusSuccess))
	rec := &waitRecorder{}
	resp, err := fake.client(t).WaitForPayment(context.Background(), &InquiryPaymentRequest{PaymentRequestID: "pay-1"}, WaitOptions{sleep: rec.sleep})
	assert.Nil(t, resp)
	assert.True(t, IsUnknown(err))
	assert.ErrorContains(t, err, "decoding signed response")
	assert.Len(t, fake.received(), 1)
	assert.Empty(t, rec.pauses)
}

func TestWaitForPaymentContextEnds(t *testing.T) {
	fake := newFakeAntom(t)
	fake.reply(waitStatusBody(PaymentStatusProcessing))
	fake.reply(waitUnknownBody)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	opts := WaitOptions{sleep: func(ctx context.Context, _ time.Duration) error {
		if n++; n == 2 {
			cancel()
		}
		return ctx.Err()
	}}
	resp, err := fake.client(t).WaitForPayment(ctx, &InquiryPaymentRequest{PaymentRequestID: "pay-1"}, opts)
	require.NotNil(t, resp, "the last inquiry response comes back with the error")
	assert.Equal(t, PaymentStatusProcessing, resp.PaymentStatus)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, err.Error(), "last status PROCESSING")
	assert.Contains(t, err.Error(), "UNKNOWN_EXCEPTION", "the last inquiry error is kept")
	var e *Error
	assert.True(t, errors.As(err, &e), "the last inquiry error is wrapped")
	assert.Len(t, fake.received(), 2)
}

func TestWaitForPaymentDeadlineBeforeAnyAnswer(t *testing.T) {
	fake := newFakeAntom(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	resp, err := fake.client(t).WaitForPayment(ctx, &InquiryPaymentRequest{PaymentID: "p-1"}, WaitOptions{})
	assert.Nil(t, resp)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, err.Error(), "no inquiry answered")
}

func TestWaitForPaymentValidates(t *testing.T) {
	fake := newFakeAntom(t)
	_, err := fake.client(t).WaitForPayment(context.Background(), &InquiryPaymentRequest{}, WaitOptions{})
	var v *ValidationError
	require.ErrorAs(t, err, &v)
	assert.Equal(t, "paymentRequestId", v.Field)
	assert.Empty(t, fake.received())
}

func TestWaitSleep(t *testing.T) {
	assert.NoError(t, waitSleep(context.Background(), time.Nanosecond))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, waitSleep(ctx, time.Hour), context.Canceled)
}
