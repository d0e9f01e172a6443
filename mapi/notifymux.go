package mapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
)

// NotificationKind tells a payment notification from a refund one.
type NotificationKind string

// Notification kinds.
const (
	NotificationTrade  NotificationKind = "trade"  // carries trade_status
	NotificationRefund NotificationKind = "refund" // carries out_return_no and refund_status (https://docs.antom.com/ac/global/forex_refund)
)

// Kind reports what n is about. A notification that names a refund by
// out_return_no is a refund notification, whatever else it carries (a
// full refund may also report the trade's new status); otherwise one with
// trade_status is a trade notification (which may carry refund_status, as
// domestic ones do after a refund). Anything else has no kind ("").
func (n *Notification) Kind() NotificationKind {
	switch {
	case n.Fields["out_return_no"] != "":
		return NotificationRefund
	case n.Fields["trade_status"] != "":
		return NotificationTrade
	}
	return ""
}

// NotificationFuncs are the merchant's functions for the notifications
// that arrive at one notify_url. The PHP and Java demos point App orders
// and refunds at the same notify_url; NotificationMux takes both.
type NotificationFuncs struct {
	Trade  func(ctx context.Context, n *TradeNotification) error
	Refund func(ctx context.Context, n *RefundNotification) error
}

// errNoFunc: a verified notification of a kind the merchant gave no
// function for.
var errNoFunc = errors.New("mapi: no function for this kind of notification")

// NotificationMux returns the http.Handler of a notify_url that receives
// both payment and refund notifications. Every notification is read,
// verified and acknowledged exactly as by NotificationHandler; then a
// trade notification goes to f.Trade and a refund notification to
// f.Refund, typed. A notification of neither kind, or of a kind whose
// function is nil, is answered 400 "fail" and logged: Alipay resends it,
// so configuring the missing function later loses nothing.
func (c *Client) NotificationMux(f NotificationFuncs) http.Handler {
	return c.handler(func(ctx context.Context, n *Notification) error {
		switch n.Kind() {
		case NotificationTrade:
			t, err := n.Trade()
			if err != nil {
				return err
			}
			if f.Trade == nil {
				return fmt.Errorf("%w: trade notification for %q and NotificationFuncs.Trade is nil", errNoFunc, truncate(t.OutTradeNo, 64))
			}
			return callerError(f.Trade(ctx, t))
		case NotificationRefund:
			r, err := n.Refund()
			if err != nil {
				return err
			}
			if f.Refund == nil {
				return fmt.Errorf("%w: refund notification for %q and NotificationFuncs.Refund is nil", errNoFunc, truncate(r.OutReturnNo, 64))
			}
			return callerError(f.Refund(ctx, r))
		}
		return fmt.Errorf("%w: neither a trade notification (trade_status) nor a refund notification (out_return_no)", ErrMalformedNotification)
	})
}

// notifyLogger is where rejected notifications are logged: the logger of
// WithLogger, else slog.Default(), never a discarding one (a rejected
// notification that nobody sees is resent by Alipay for a day).
func (c *Client) notifyLogger() *slog.Logger {
	if c.warnLog != nil {
		return c.warnLog
	}
	return slog.Default()
}
