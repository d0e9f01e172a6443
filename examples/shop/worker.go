package main

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/xborderpay/alipay"
)

// RunWorker resolves what nobody told the shop: payments whose pay answer
// was unknown or never recorded (a crash), payments with no notification
// after InquireAfter, and refunds of duplicate payments. Every instance runs
// one; leases keep two from working on the same row, and a crashed
// instance's rows are taken over when its lease runs out. It also runs the
// nightly reconciliation shortly after midnight UTC.
func (s *Shop) RunWorker(ctx context.Context) {
	t := time.NewTicker(s.cfg.Tick)
	defer t.Stop()
	nextNight := s.now().Truncate(24 * time.Hour).Add(24*time.Hour + 10*time.Minute)
	for {
		s.WorkOnce(ctx)
		if now := s.now(); now.After(nextNight) && s.reports != nil {
			day := nextNight.Add(-24 * time.Hour).Truncate(24 * time.Hour)
			if d, err := s.Reconcile(ctx, day); err != nil {
				s.log.Error("nightly reconciliation failed", "day", day.Format(time.DateOnly), "err", err)
			} else {
				s.log.Info("nightly reconciliation", "day", day.Format(time.DateOnly), "discrepancies", len(d))
			}
			nextNight = nextNight.Add(24 * time.Hour)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// WorkOnce does the work due now and returns how many rows it handled.
func (s *Shop) WorkOnce(ctx context.Context) int {
	n := 0
	// Orders past their time with no payment still open will not be paid:
	// their payments' paymentExpiryTime is never later than the order's.
	// A success Antom reports later still pays the order (applyPayment).
	if res, err := s.db.ExecContext(ctx, `UPDATE orders SET status = 'EXPIRED', updated_at = $1
		WHERE status = 'OPEN' AND expires_at < $1 AND NOT EXISTS (SELECT 1 FROM payment_attempts p
		WHERE p.order_id = orders.id AND p.status IN ('SENDING', 'UNKNOWN', 'PROCESSING', 'PENDING'))`, ms(s.now())); err == nil {
		k, _ := res.RowsAffected()
		n += int(k)
	}
	for _, id := range s.due(ctx, `SELECT request_id FROM payment_attempts
		WHERE status IN ('SENDING', 'UNKNOWN', 'PROCESSING', 'PENDING') AND next_check_at <= $1 AND lease_until < $1
		ORDER BY next_check_at LIMIT 50`) {
		if ok, err := s.claim(ctx, "payment_attempts", id); err == nil && ok {
			s.resolveAttempt(ctx, id)
			n++
		}
	}
	for _, id := range s.due(ctx, `SELECT request_id FROM refunds
		WHERE status IN ('TODO', 'UNKNOWN', 'PROCESSING') AND next_check_at <= $1 AND lease_until < $1
		ORDER BY next_check_at LIMIT 50`) {
		if ok, err := s.claim(ctx, "refunds", id); err == nil && ok {
			s.runRefund(ctx, id)
			n++
		}
	}
	return n
}

func (s *Shop) due(ctx context.Context, query string) []string {
	rows, err := s.db.QueryContext(ctx, query, ms(s.now()))
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("worker query", "err", err)
		}
		return nil
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if rows.Scan(&id) == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

// backoff is the wait before the next inquiry after n checks: InquireAfter,
// doubling, at most 32 times it.
func (s *Shop) backoff(n int) time.Duration {
	if n > 5 {
		n = 5
	}
	return s.cfg.InquireAfter << n
}

// resolveAttempt asks Antom about a leased attempt (inquiryPayment) and
// records what it says.
func (s *Shop) resolveAttempt(ctx context.Context, requestID string) {
	a, err := s.attempt(ctx, s.db, requestID)
	if err != nil {
		s.log.Error("resolve: load attempt", "paymentRequestId", requestID, "err", err)
		return
	}
	next := s.now().Add(s.backoff(a.Checks))
	defer func() {
		_, _ = s.db.ExecContext(ctx, `UPDATE payment_attempts SET checks = checks + 1, checked_at = $1 WHERE request_id = $2`, ms(s.now()), requestID)
		if err := s.release(ctx, "payment_attempts", requestID, next); err != nil {
			s.log.Error("resolve: release", "paymentRequestId", requestID, "err", err)
		}
	}()
	out, ok := s.inquire(ctx, a)
	if !ok {
		return
	}
	err = s.db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := s.applyPayment(ctx, tx, requestID, out)
		return err
	})
	if err != nil {
		s.log.Error("resolve: record", "paymentRequestId", requestID, "err", err)
	}
}

// inquire maps inquiryPayment's answer to an outcome; ok is false when the
// answer says nothing new (an error to retry later).
func (s *Shop) inquire(ctx context.Context, a *Attempt) (Outcome, bool) {
	resp, err := s.antom.InquiryPayment(ctx, &alipay.InquiryPaymentRequest{PaymentRequestID: a.RequestID})
	var ae *alipay.Error
	switch {
	case err == nil:
	case errors.As(err, &ae) && !alipay.IsUnknown(err) && string(ae.Result.ResultCode) == "ORDER_NOT_EXIST" &&
		(a.Status == AttemptSending || a.Status == AttemptUnknown):
		// The pay call is over (its lease ran out, or it answered unknown)
		// and Antom has no such payment: it never arrived.
		return Outcome{Status: AttemptAbandoned, ResultCode: "ORDER_NOT_EXIST"}, true
	default:
		s.log.Warn("inquiry failed; will retry", "paymentRequestId", a.RequestID, "err", err)
		return Outcome{}, false
	}
	o := Outcome{PaymentID: resp.PaymentID, ResultCode: resp.PaymentResultCode}
	if resp.PaymentAmount.Currency != "" {
		o.Amount = &resp.PaymentAmount
	}
	switch resp.PaymentStatus {
	case alipay.PaymentStatusSuccess:
		o.Status = AttemptSuccess
	case alipay.PaymentStatusFail:
		o.Status = AttemptFail
	case alipay.PaymentStatusCancelled:
		o.Status = AttemptCancelled
	case alipay.PaymentStatusPending:
		o.Status = AttemptPending
	case alipay.PaymentStatusProcessing:
		o.Status = AttemptProcessing
	default:
		s.log.Warn("inquiry: unexpected paymentStatus", "paymentRequestId", a.RequestID, "status", resp.PaymentStatus)
		return Outcome{}, false
	}
	return o, true
}

// runRefund sends (or resends, with the same refundRequestId) the refund of
// a duplicate payment, or asks about one in process.
func (s *Shop) runRefund(ctx context.Context, requestID string) {
	var status, paymentID, cur, reason string
	var amt int64
	var created int64
	err := s.db.QueryRowContext(ctx, `SELECT status, payment_id, amount_minor, currency, reason, created_at FROM refunds WHERE request_id = $1`, requestID).
		Scan(&status, &paymentID, &amt, &cur, &reason, &created)
	if err != nil {
		s.log.Error("refund: load", "refundRequestId", requestID, "err", err)
		return
	}
	next := s.now().Add(s.cfg.InquireAfter)
	defer func() {
		if err := s.release(ctx, "refunds", requestID, next); err != nil {
			s.log.Error("refund: release", "refundRequestId", requestID, "err", err)
		}
	}()
	var newStatus, refundID, code string
	if status == RefundProcessing {
		resp, err := s.antom.InquiryRefund(ctx, &alipay.InquiryRefundRequest{RefundRequestID: requestID})
		if err != nil {
			s.log.Warn("refund inquiry failed; will retry", "refundRequestId", requestID, "err", err)
			return
		}
		switch resp.RefundStatus {
		case alipay.RefundStatusSuccess:
			newStatus, refundID = RefundSuccess, resp.RefundID
		case alipay.RefundStatusFail:
			newStatus = RefundFail
		default:
			return
		}
	} else {
		resp, err := s.antom.Refund(ctx, &alipay.RefundRequest{
			RefundRequestID: requestID, PaymentID: paymentID, RefundAmount: amountOf(amt, cur),
			RefundReason: reason, RefundNotifyURL: s.cfg.PublicURL + "/alipay/notify",
		})
		s.checkpoint("refund-sent")
		var ae *alipay.Error
		switch {
		case err == nil && resp.Result.ResultStatus == alipay.ResultStatusSuccess:
			newStatus, refundID = RefundSuccess, resp.RefundID
		case err == nil:
			newStatus, next = RefundProcessing, s.now().Add(s.cfg.InquireAfter)
		case alipay.IsUnknown(err):
			s.log.Warn("refund outcome unknown; will resend with the same refundRequestId", "refundRequestId", requestID, "err", err)
			newStatus, next = RefundUnknown, s.now()
		case errors.As(err, &ae):
			// A definite refusal needs a person: the buyer paid twice and
			// Antom will not refund automatically.
			s.log.Error("duplicate payment refund refused", "refundRequestId", requestID, "err", err)
			newStatus, code = RefundFail, string(ae.Result.ResultCode)
		default:
			s.log.Error("refund not sent", "refundRequestId", requestID, "err", err)
			return
		}
	}
	err = s.db.inTx(ctx, func(tx *sql.Tx) error { return s.applyRefund(ctx, tx, requestID, newStatus, refundID, code) })
	if err != nil {
		s.log.Error("refund: record", "refundRequestId", requestID, "err", err)
	}
}
