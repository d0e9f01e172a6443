package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/xborderpay/alipay"
)

// handleNotification applies one verified notification exactly once. The
// notification's DedupeKey is inserted in the same transaction as its
// effect: a resend, or the same notification reaching a second instance at
// the same moment, finds the key taken and is only acknowledged. An error
// rolls everything back and answers 500, so Antom sends it again.
func (s *Shop) handleNotification(ctx context.Context, n *alipay.Notification) error {
	var requestID string
	switch {
	case n.Payment != nil:
		requestID = n.Payment.PaymentRequestID
	case n.Refund != nil:
		requestID = n.Refund.RefundRequestID
	default:
		// Capture and unknown types: nothing of the shop's; acknowledge so
		// that Antom stops sending.
		s.log.Info("notification ignored", "notification", n)
		return nil
	}
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO notifications (dedupe_key, notify_type, request_id, processed_by, processed_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
			n.DedupeKey(), string(n.NotifyType), requestID, s.cfg.Instance, ms(s.now()))
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return nil // processed before: acknowledge again
		}
		switch {
		case n.Payment != nil:
			_, err = s.applyPayment(ctx, tx, requestID, notificationOutcome(n))
		default:
			status := RefundFail
			if n.Refund.RefundStatus == alipay.RefundStatusSuccess {
				status = RefundSuccess
			}
			err = s.applyRefund(ctx, tx, requestID, status, n.Refund.RefundID, string(n.Result.ResultCode))
		}
		return err
	})
	if err != nil {
		if errors.Is(err, errNotFound) {
			// Not ours (another shop on the same notification URL?) or a
			// database that lost rows: say so loudly, and let Antom resend.
			s.log.Error("notification for an unknown request", "notification", n)
		}
		return fmt.Errorf("notification %s: %w", n.DedupeKey(), err)
	}
	s.checkpoint("notify-committed")
	return nil
}

func notificationOutcome(n *alipay.Notification) Outcome {
	o := Outcome{PaymentID: n.Payment.PaymentID, ResultCode: string(n.Result.ResultCode)}
	if n.Payment.PaymentAmount.Currency != "" {
		amt := n.Payment.PaymentAmount
		o.Amount = &amt
	}
	switch {
	case n.NotifyType == alipay.NotifyTypePaymentPending:
		o.Status = AttemptPending
	case n.Result.ResultStatus == alipay.ResultStatusSuccess:
		o.Status = AttemptSuccess
	default:
		o.Status = AttemptFail
	}
	return o
}
