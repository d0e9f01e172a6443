package mapi

import (
	"context"
	"errors"
	"fmt"
)

// notifyRefusal is notify_verify's answer "false" or "invalid".
type notifyRefusal struct{ answer, notifyID string }

func (e *notifyRefusal) Error() string {
	return fmt.Sprintf("%v: notify_verify answered %q for notify_id %q%s", ErrNotifyNotGenuine, e.answer, truncate(e.notifyID, 64), notifyVerifyHint(e.answer))
}

func (e *notifyRefusal) Unwrap() error { return ErrNotifyNotGenuine }

// confirmExpired decides a notification whose signature verified but that
// notify_verify did not confirm (err). Only the answer "false" — which is
// also what an expired notify_id gets — is worth a query; the query must
// come back signed, about the same trade (or refund), in the same status.
// An unknown query result is returned as it is, so that the notification
// is not acknowledged and Alipay sends it again.
func (c *Client) confirmExpired(ctx context.Context, n *Notification, err error) error {
	var refusal *notifyRefusal
	if !errors.As(err, &refusal) || refusal.answer != "false" {
		return err
	}
	f := n.Fields
	switch n.Kind() { // as NotificationMux dispatches it
	case NotificationTrade:
		if f["out_trade_no"] == "" || f["trade_no"] == "" {
			return err
		}
		t, qerr := c.QueryTrade(ctx, &QueryTradeRequest{TradeNo: f["trade_no"], OutTradeNo: f["out_trade_no"]})
		if qerr != nil {
			return confirmFailed(err, "single_trade_query", qerr)
		}
		if t.TradeStatus != TradeStatus(f["trade_status"]) {
			return fmt.Errorf("%w; single_trade_query says %s, not %s", err, t.TradeStatus, truncate(f["trade_status"], 32))
		}
	case NotificationRefund:
		if f["out_trade_no"] == "" || f["out_return_no"] == "" {
			return err
		}
		q, qerr := c.QueryRefund(ctx, &QueryRefundRequest{OutTradeNo: f["out_trade_no"], OutReturnNo: f["out_return_no"]})
		if qerr != nil {
			return confirmFailed(err, "alipay.acquire.refund.query", qerr)
		}
		if !refundMatches(RefundStatus(f["refund_status"]), q) {
			return fmt.Errorf("%w; alipay.acquire.refund.query says %s/%s, not %s", err, q.ResponseCode, q.RefundResultCode, truncate(f["refund_status"], 32))
		}
	default:
		return err
	}
	n.ConfirmedByQuery = true
	return nil
}

func confirmFailed(refusal error, service string, qerr error) error {
	if IsUnknown(qerr) {
		return qerr
	}
	return fmt.Errorf("%w; %s could not confirm it: %w", refusal, service, qerr)
}

func refundMatches(st RefundStatus, q *RefundQueryResult) bool {
	if q.ResponseCode != "SUCCESS" {
		return false
	}
	switch st {
	case RefundStatusSuccess:
		return q.RefundResultCode == RefundResultSuccess
	case RefundStatusFail:
		return q.RefundResultCode == RefundResultFailed
	}
	return false
}
