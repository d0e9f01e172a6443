package alipay

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// DefaultPollInterval is how often WaitForPayment asks by default: Antom
// advises polling inquiryPayment every 2 seconds (https://global.alipay.com/docs/ac/cashierpay/apm_api).
const DefaultPollInterval = 2 * time.Second

// DefaultMaxPollInterval caps WaitForPayment's back-off after
// REQUEST_TRAFFIC_EXCEED_LIMIT.
const DefaultMaxPollInterval = 30 * time.Second

// WaitOptions tunes WaitForPayment. The zero value polls every
// DefaultPollInterval and backs off up to DefaultMaxPollInterval.
type WaitOptions struct {
	// Interval is the pause between inquiries (default DefaultPollInterval).
	Interval time.Duration
	// MaxInterval caps the pause after rate limiting: each
	// REQUEST_TRAFFIC_EXCEED_LIMIT in a row doubles it, and the next
	// answer resets it to Interval (default DefaultMaxPollInterval).
	MaxInterval time.Duration

	// sleep replaces the timer in tests.
	sleep func(ctx context.Context, d time.Duration) error
}

// WaitForPayment polls InquiryPayment until the payment reaches a final
// status (SUCCESS, FAIL or CANCELLED) or ctx ends, and returns the last
// inquiry response. Bound it with a context deadline: a cashier payment
// closes 14 minutes after Pay by default, but PENDING payments can take days.
//
// While waiting:
//   - PROCESSING and PENDING (and any status Antom may add) keep waiting.
//   - REQUEST_TRAFFIC_EXCEED_LIMIT keeps waiting with a longer interval.
//   - Any other unknown outcome (a U result after the client's retries, a
//     timeout, a transport failure) keeps waiting: an inquiry changes
//     nothing, so asking again is always safe.
//   - An inquiry that did not reach Antom (a failed DNS lookup, a refused
//     connection) keeps waiting too.
//   - An unsigned answer keeps waiting, whatever result it claims: anyone
//     on the path could have written it. So does a signed answer to another
//     request or a stale one (ErrResponseMismatch, ErrStaleResponse): it is
//     never taken as this payment's status.
//   - A response whose signature does not verify ends the wait with that
//     (unknown) error: it points at a key or proxy problem that polling
//     cannot fix. So does an answer that verifies but does not decode.
//   - A signed F result ends the wait with its *Error, including ORDER_NOT_EXIST
//     (Antom has no such payment: the Pay call never arrived or used
//     another ID), since only the caller knows whether to pay again.
//
// callOpts apply to every inquiry (see CallOption); an invalid one fails
// before the first.
//
// When ctx ends first, WaitForPayment returns the last successful inquiry
// response (nil if there was none) and an error wrapping ctx.Err() and the
// last inquiry error, if any.
func (c *Client) WaitForPayment(ctx context.Context, r *InquiryPaymentRequest, opts WaitOptions, callOpts ...CallOption) (*InquiryPaymentResponse, error) {
	if ctx == nil {
		return nil, errors.New("alipay: WaitForPayment: nil context")
	}
	if err := r.validate(); err != nil { // a nil r included
		return nil, err
	}
	if len(callOpts) > 0 {
		var check callState
		if err := c.applyCallOptions(&check, callOpts); err != nil {
			return nil, fmt.Errorf("alipay: WaitForPayment: %w", err)
		}
	}
	base := opts.Interval
	if base <= 0 {
		base = DefaultPollInterval
	}
	ceiling := opts.MaxInterval
	if ceiling <= 0 {
		ceiling = DefaultMaxPollInterval
	}
	ceiling = max(ceiling, base)
	sleep := opts.sleep
	if sleep == nil {
		sleep = waitSleep
	}

	var (
		last    *InquiryPaymentResponse
		lastErr error
		pause   = base
	)
	for {
		resp, err := callAPI[InquiryPaymentResponse](ctx, c, "WaitForPayment", apiPathInquiryPayment, r, callOpts)
		switch {
		case err == nil:
			last, lastErr = resp, nil
			if resp.PaymentStatus.Final() {
				return resp, nil
			}
			pause = base
		case ctx.Err() != nil:
			return last, waitEnded(ctx, last, err)
		case waitThrottled(err):
			lastErr = err
			pause = min(pause*2, ceiling)
		case waitPollable(err):
			lastErr = err
			pause = base
		default:
			return last, err
		}
		if err := sleep(ctx, pause); err != nil {
			return last, waitEnded(ctx, last, lastErr)
		}
	}
}

// waitPollable reports whether err is an outcome that another inquiry may
// resolve: an unknown one, or an inquiry that never reached Antom. Not a
// signature problem, nor an accepted answer that did not decode: asking
// again would only repeat them. An unsigned answer, an answer to another
// request and a stale one are pollable whatever they claim: none is
// Antom's word on this payment, and the next inquiry may be answered
// truly.
func waitPollable(err error) bool {
	var e *Error
	switch {
	case !errors.As(err, &e):
		return false
	case e.undelivered, e.Unverified, errors.Is(err, ErrUnsignedResponse),
		errors.Is(err, ErrResponseMismatch), errors.Is(err, ErrStaleResponse):
		return true
	case !e.unknown, errors.Is(err, ErrBadSignature), errors.Is(err, ErrMalformedSignature):
		return false
	}
	return e.Result.ResultStatus != ResultStatusSuccess && !e.Result.inProcess()
}

// waitThrottled reports whether err is Antom's rate limit.
func waitThrottled(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Result.ResultCode == ResultCodeRequestTrafficExceedLimit
}

func waitEnded(ctx context.Context, last *InquiryPaymentResponse, lastErr error) error {
	status := "no inquiry answered"
	if last != nil {
		status = "last status " + string(last.PaymentStatus)
	}
	if lastErr != nil && !errors.Is(lastErr, ctx.Err()) {
		return fmt.Errorf("alipay: WaitForPayment: %w (%s; last inquiry error: %w)", ctx.Err(), status, lastErr)
	}
	return fmt.Errorf("alipay: WaitForPayment: %w (%s)", ctx.Err(), status)
}

func waitSleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
