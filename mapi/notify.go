package mapi

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// TradeStatus is trade_status in notifications and single_trade_query.
type TradeStatus string

// Trade statuses (docs/protocol/mapi.md §3.2, §4).
const (
	// TradeStatusWaitBuyerPay: created, not paid. Alipay sends no
	// notification for it.
	TradeStatusWaitBuyerPay TradeStatus = "WAIT_BUYER_PAY"
	// TradeStatusFinished: paid. Refunds are still possible (forex_refund).
	TradeStatusFinished TradeStatus = "TRADE_FINISHED"
	// TradeStatusClosed: closed unpaid (it_b_pay expired) or fully refunded.
	TradeStatusClosed TradeStatus = "TRADE_CLOSED"
	// TradeStatusSuccess is the domestic "paid, refundable" state. No global
	// source reports it for forex trades; it is treated as paid.
	TradeStatusSuccess TradeStatus = "TRADE_SUCCESS"
)

// Paid reports whether the status means the buyer has paid.
func (s TradeStatus) Paid() bool { return s == TradeStatusFinished || s == TradeStatusSuccess }

// RefundStatus is refund_status in asynchronous refund notifications.
type RefundStatus string

// Refund statuses (docs/protocol/mapi.md §3.3).
const (
	RefundStatusSuccess RefundStatus = "REFUND_SUCCESS"
	RefundStatusFail    RefundStatus = "REFUND_FAIL"
)

// Notification is a verified form notification: every field Alipay sent
// (sign and sign_type included), and the common ones parsed.
type Notification struct {
	Fields     map[string]string // every field received, as decoded from the form
	SignType   SignType
	NotifyID   string    // stable across Alipay's resends: an idempotency key
	NotifyType string    // trade_status_sync for payments
	NotifyTime time.Time // in Beijing
	// ConfirmedByQuery is true when notify_verify no longer knew the
	// notify_id and a signed query confirmed the notification instead.
	ConfirmedByQuery bool
}

// Get returns a field by name ("" when absent).
func (n *Notification) Get(name string) string { return n.Fields[name] }

// TradeNotification is a payment notification (https://docs.antom.com/ac/web/async). Amounts are the
// decimal strings Alipay sent.
type TradeNotification struct {
	Notification
	OutTradeNo  string
	TradeNo     string
	TradeStatus TradeStatus
	Currency    string
	TotalFee    string // in Currency, even when the order was priced with rmb_fee
	RMBFee      string
	ForexRate   string
	BuyerID     string
	SellerID    string
	GmtPayment  time.Time // zero when absent
}

// RefundNotification is an asynchronous forex_refund result (https://docs.antom.com/ac/global/forex_refund).
type RefundNotification struct {
	Notification
	OutTradeNo   string
	OutReturnNo  string
	RefundStatus RefundStatus
	ErrorCode    string // set with REFUND_FAIL
}

// Errors from notification verification.
var (
	// ErrNotifyNotGenuine: notify_verify answered "false" (forged, or older
	// than Alipay's one-minute window) or "invalid".
	ErrNotifyNotGenuine = errors.New("mapi: notify_verify did not confirm the notification")
	// ErrMalformedNotification: the body is not a usable notification.
	ErrMalformedNotification = errors.New("mapi: malformed notification")
)

// VerifyNotification parses a raw form body, verifies its signature over
// every field received, then, unless WithNotifyVerify(false), asks the
// gateway's notify_verify whether Alipay sent it. It returns the verified
// fields; see Trade and Refund.
//
// The signature must be in a sign type the client accepts (see
// WithAlipaySignTypes), whatever the notification's sign_type says. A
// notification with a value containing "&name=" is refused before its
// signature is checked: the pre-sign string joins values raw, so such a
// value could turn a genuine notification into another one that verifies.
//
// A notify_id is valid for about a minute and Alipay's resends keep it
// (https://docs.antom.com/ac/web/async), so after a missed first
// acknowledgement notify_verify answers "false" to every resend. A
// notification whose signature verifies is then confirmed with a signed
// single_trade_query (alipay.acquire.refund.query for a refund), bound to
// its out_trade_no and trade_no (out_return_no), and accepted only if the
// status matches; ConfirmedByQuery is then true.
func (c *Client) VerifyNotification(ctx context.Context, body []byte) (*Notification, error) {
	if int64(len(body)) > c.maxNotify {
		return nil, fmt.Errorf("%w: notification over %d bytes", ErrTooLarge, c.maxNotify)
	}
	fields, err := ParseForm(string(body))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedNotification, err)
	}
	n := &Notification{
		Fields:     fields,
		SignType:   SignType(fields["sign_type"]),
		NotifyID:   fields["notify_id"],
		NotifyType: fields["notify_type"],
	}
	if err := unambiguous(fields); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedNotification, err)
	}
	if fields["sign"] == "" || n.SignType == "" {
		return nil, fmt.Errorf("%w: notification without sign or sign_type", ErrUnsigned)
	}
	if err := c.verifyAs(c.notifySignTypes, n.SignType, PreSignString(fields), fields["sign"]); err != nil {
		return nil, fmt.Errorf("mapi: notification: %w", err)
	}
	if err := decodeNotificationCharset(fields); err != nil {
		return nil, err
	}
	if n.NotifyID == "" {
		return nil, fmt.Errorf("%w: no notify_id", ErrMalformedNotification)
	}
	if n.NotifyTime, err = parseBeijing("notify_time", fields["notify_time"], layoutDateTime); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedNotification, err)
	}
	if c.notifyVerify {
		if err := c.NotifyVerify(ctx, n.NotifyID); err != nil {
			if err = c.confirmExpired(ctx, n, err); err != nil {
				return nil, err
			}
		}
	}
	return n, nil
}

// Trade returns the payment fields of n. It fails if n has no out_trade_no
// or trade_status, or a malformed gmt_payment.
func (n *Notification) Trade() (*TradeNotification, error) {
	f := n.Fields
	t := &TradeNotification{
		Notification: *n,
		OutTradeNo:   f["out_trade_no"],
		TradeNo:      f["trade_no"],
		TradeStatus:  TradeStatus(f["trade_status"]),
		Currency:     f["currency"],
		TotalFee:     f["total_fee"],
		RMBFee:       f["rmb_fee"],
		ForexRate:    f["forex_rate"],
		BuyerID:      f["buyer_id"],
		SellerID:     f["seller_id"],
	}
	if t.OutTradeNo == "" || t.TradeStatus == "" {
		return nil, fmt.Errorf("%w: not a trade notification (no out_trade_no or trade_status)", ErrMalformedNotification)
	}
	var err error
	if t.GmtPayment, err = parseBeijing("gmt_payment", f["gmt_payment"], layoutDateTime); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedNotification, err)
	}
	return t, nil
}

// Refund returns the refund fields of n. It fails if n has no
// out_return_no or refund_status.
func (n *Notification) Refund() (*RefundNotification, error) {
	f := n.Fields
	r := &RefundNotification{
		Notification: *n,
		OutTradeNo:   f["out_trade_no"],
		OutReturnNo:  f["out_return_no"],
		RefundStatus: RefundStatus(f["refund_status"]),
		ErrorCode:    f["error_code"],
	}
	if r.OutReturnNo == "" || r.RefundStatus == "" {
		return nil, fmt.Errorf("%w: not a refund notification (no out_return_no or refund_status)", ErrMalformedNotification)
	}
	return r, nil
}
