package mapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
)

// NotificationAck is the body that acknowledges a notification. The docs
// write SUCCESS, but Alipay's demos and every SDK send lowercase success
// (docs/protocol/mapi.md §4, §9.3). Anything else makes Alipay resend: 2m, 10m, 10m, 1h,
// 2h, 6h, 15h.
const NotificationAck = "success"

// notifyFail is the body of every non-acknowledgement.
const notifyFail = "fail"

// NotificationHandler returns an http.Handler for the notify_url of App
// orders. It reads the raw form body (bounded), verifies it as
// VerifyNotification does, calls fn, and answers 200 "success"
// (text/plain) only when fn returns nil.
//
// Alipay looks only at the body: anything but "success" makes it resend.
// The status code is for the merchant's own logs and monitoring:
//
//	405 not a POST                        413 body over the size bound
//	400 malformed body or not a trade     401 bad or missing signature, or notify_verify said no
//	503 notify_verify could not be reached 500 fn returned an error or panicked
//
// fn may run more than once for the same notification (Alipay resends
// until acknowledged); deduplicate on NotifyID or OutTradeNo+TradeStatus.
//
// A notify_url that also receives refund notifications (as the PHP and
// Java demos set it up) needs NotificationMux: this handler answers those
// 400 "fail". Rejected notifications are logged at warn level (see
// WithLogger), without the body or signature.
func (c *Client) NotificationHandler(fn func(ctx context.Context, n *TradeNotification) error) http.Handler {
	return c.handler(func(ctx context.Context, n *Notification) error {
		if n.Kind() == NotificationRefund {
			// Classified as NotificationMux and the notify_id-expiry
			// confirmation do: a full refund's notification may also carry
			// trade_status, but it reports a refund.
			return fmt.Errorf("%w: a refund notification (out_return_no); a notify_url that takes refunds needs NotificationMux", ErrMalformedNotification)
		}
		t, err := n.Trade()
		if err != nil {
			return err
		}
		return callerError(fn(ctx, t))
	})
}

// RefundNotificationHandler is NotificationHandler for the notify_url of
// asynchronous forex_refund requests.
func (c *Client) RefundNotificationHandler(fn func(ctx context.Context, n *RefundNotification) error) http.Handler {
	return c.handler(func(ctx context.Context, n *Notification) error {
		r, err := n.Refund()
		if err != nil {
			return err
		}
		return callerError(fn(ctx, r))
	})
}

// funcError marks an error returned by the merchant's function, as opposed
// to a notification that could not be decoded.
type funcError struct{ err error }

func (e *funcError) Error() string { return e.err.Error() }
func (e *funcError) Unwrap() error { return e.err }

func callerError(err error) error {
	if err == nil {
		return nil
	}
	return &funcError{err}
}

// handler runs the common part; handle decodes the typed notification and
// calls the merchant's function.
func (c *Client) handler(handle func(context.Context, *Notification) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			notifyReply(w, http.StatusMethodNotAllowed, notifyFail)
			return
		}
		body, err := readBounded(http.MaxBytesReader(w, r.Body, c.maxNotify+1), c.maxNotify)
		if err != nil {
			var mbe *http.MaxBytesError
			status := http.StatusBadRequest
			if errors.Is(err, ErrTooLarge) || errors.As(err, &mbe) {
				status = http.StatusRequestEntityTooLarge
			}
			c.warn(r, "reading notification", err)
			notifyReply(w, status, notifyFail)
			return
		}
		n, err := c.VerifyNotification(r.Context(), body)
		if err != nil {
			c.warn(r, "rejected notification", err)
			notifyReply(w, notifyStatus(err), notifyFail)
			return
		}
		err = safeCall(r.Context(), n, handle)
		var fe *funcError
		switch {
		case err == nil:
			notifyReply(w, http.StatusOK, NotificationAck)
		case errors.As(err, &fe):
			c.warn(r, "notification function failed; Alipay will resend", fe.err)
			notifyReply(w, http.StatusInternalServerError, notifyFail)
		default:
			c.warn(r, "rejected notification", err)
			notifyReply(w, http.StatusBadRequest, notifyFail)
		}
	})
}

func safeCall(ctx context.Context, n *Notification, handle func(context.Context, *Notification) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &funcError{fmt.Errorf("mapi: notification function panicked: %v", p)}
		}
	}()
	return handle(ctx, n)
}

func notifyStatus(err error) int {
	switch {
	case errors.Is(err, ErrTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrMalformedNotification):
		return http.StatusBadRequest
	case IsUnknown(err):
		return http.StatusServiceUnavailable
	case errors.Is(err, ErrBadSignature), errors.Is(err, ErrUnsigned), errors.Is(err, ErrNotifyNotGenuine), errors.Is(err, ErrNoKey):
		return http.StatusUnauthorized
	}
	var e *Error
	if errors.As(err, &e) {
		return http.StatusServiceUnavailable
	}
	return http.StatusBadRequest
}

func notifyReply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func (c *Client) warn(r *http.Request, msg string, err error) {
	c.notifyLogger().LogAttrs(r.Context(), slog.LevelWarn, "mapi: "+msg,
		slog.String("remote", r.RemoteAddr), slog.String("error", err.Error()))
}
