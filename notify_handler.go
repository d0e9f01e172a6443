package alipay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"runtime/debug"
	"time"
)

// NotificationAck is the exact body Antom expects in answer to a
// notification (docs/protocol/ams.md §2.9), sent with HTTP 200 and Content-Type
// application/json. Antom resends a notification, for about 24 hours, until
// it receives this body. It is not signed. NotificationHandler writes it;
// it is exported for servers that write their own handler.
const NotificationAck = `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}`

// NotificationHandler returns an http.Handler for the merchant's notify URL.
// It verifies each notification (see ParseNotification), calls fn with the
// request's context, and answers:
//
//   - 200 with NotificationAck when fn returns nil;
//   - 500 when fn returns an error or panics, so that Antom sends the
//     notification again (the panic is recovered and logged);
//   - 401 when the signature is missing, malformed or does not verify, the
//     Client-Id is not this client's, Request-Time is missing, or it is
//     outside the replay window (DefaultNotificationTolerance, or the one
//     set with WithNotificationTolerance);
//   - 413 when the body exceeds the bound set with WithNotificationMaxBytes;
//   - 408 when the body did not arrive within the read timeout
//     (WithNotificationReadTimeout, default DefaultNotificationReadTimeout);
//   - 400 when the body could not be read, or the signature verified but the
//     body could not be decoded;
//   - 405, with an Allow header, for any method but POST.
//
// Only 200 carries the acknowledgement. Antom resends notifications, so fn
// must be idempotent: use Notification.DedupeKey to drop duplicates. fn may
// be called concurrently.
//
// Rejected notifications are logged at warn level and fn failures at error
// level, by type, IDs and outcome only: never keys, the signature or the
// body. They go to the logger of WithLogger or, without one, to
// slog.Default(), so that a merchant sees why Antom keeps resending without
// configuring anything.
func (c *Client) NotificationHandler(fn func(context.Context, *Notification) error) http.Handler {
	if fn == nil {
		panic("alipay: NotificationHandler: nil function")
	}
	return &notifyHandler{c: c, fn: fn}
}

type notifyHandler struct {
	c  *Client
	fn func(context.Context, *Notification) error
}

func (h *notifyHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	log := h.c.notifyLogger()
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		log.LogAttrs(ctx, slog.LevelWarn, "alipay: notification rejected",
			slog.Int("status", http.StatusMethodNotAllowed), slog.String("method", truncate(r.Method, 16)))
		return
	}
	n, err := h.parse(w, r)
	if err != nil {
		status := notifyStatus(err)
		http.Error(w, http.StatusText(status), status)
		log.LogAttrs(ctx, slog.LevelWarn, "alipay: notification rejected",
			slog.Int("status", status), slog.String("error", err.Error()))
		return
	}
	if err := h.call(ctx, n); err != nil {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		log.LogAttrs(ctx, slog.LevelError, "alipay: notification not acknowledged",
			slog.Any("notification", n), slog.Int("status", http.StatusInternalServerError), slog.String("error", err.Error()))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(NotificationAck))
	h.c.logger.LogAttrs(ctx, slog.LevelDebug, "alipay: notification acknowledged",
		slog.Any("notification", n), slog.String("dedupeKey", n.DedupeKey()))
}

// notifyLogger is where rejected notifications are logged: the logger of
// WithLogger, else slog.Default(), never a discarding one (a rejected
// notification that nobody sees is resent by Antom for a day).
func (c *Client) notifyLogger() *slog.Logger {
	if c.warnLog != nil {
		return c.warnLog
	}
	return slog.Default()
}

// parse reads and verifies the notification under a read deadline, so that
// a client that sends its body slowly cannot hold the connection. Network
// deadlines are wall-clock time, whatever clock the client was given.
// net/http lifts the deadline itself once the body has been read to its end
// (it starts its background read then), so it never cancels the context fn
// works with. After a timeout it stays in the past: net/http, which reads
// what is left of a body before answering, then fails at once and closes
// the connection instead of waiting on the slow client.
func (h *notifyHandler) parse(w http.ResponseWriter, r *http.Request) (*Notification, error) {
	d := h.c.notify.readTimeout
	if d <= 0 {
		d = DefaultNotificationReadTimeout
	}
	// A ResponseWriter that cannot set deadlines is not a net/http
	// connection; it is read as it is.
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(d))
	n, err := h.c.ParseNotification(r)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		w.Header().Set("Connection", "close")
	}
	return n, err
}

// call runs fn, turning a panic into an error. http.ErrAbortHandler is
// re-panicked: it asks net/http to abort the response, as documented.
func (h *notifyHandler) call(ctx context.Context, n *Notification) (err error) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler { //nolint:errorlint // sentinel compared as net/http does
				panic(v)
			}
			err = fmt.Errorf("notification function panicked: %v\n%s", v, debug.Stack())
		}
	}()
	return h.fn(ctx, n)
}

// notifyStatus maps a ParseNotification error to the handler's status.
func notifyStatus(err error) int {
	switch {
	case errors.Is(err, ErrTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, os.ErrDeadlineExceeded):
		return http.StatusRequestTimeout
	case errors.Is(err, ErrMalformedNotification):
		return http.StatusBadRequest
	case errors.Is(err, ErrMalformedSignature), errors.Is(err, ErrBadSignature), errors.Is(err, ErrStaleNotification):
		return http.StatusUnauthorized
	default: // the body could not be read
		return http.StatusBadRequest
	}
}
