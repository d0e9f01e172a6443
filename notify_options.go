package alipay

import (
	"net/http"
	"time"
)

// DefaultNotificationMaxBytes bounds a notification body when
// WithNotificationMaxBytes is not given. Antom's notifications are a few
// kilobytes.
const DefaultNotificationMaxBytes = 1 << 20

// WithNotificationMaxBytes bounds the notification bodies that
// ParseNotification and NotificationHandler read (default
// DefaultNotificationMaxBytes). A larger body is refused with an error
// wrapping ErrTooLarge (HTTP 413 from the handler). n <= 0 restores
// the default.
func WithNotificationMaxBytes(n int64) Option {
	return func(s *settings) { s.notify.maxBodyBytes = n }
}

// DefaultNotificationTolerance is the replay window on a notification's
// Request-Time when WithNotificationTolerance is not given: 26 hours either
// side of the client's clock.
//
// Antom resends an unacknowledged notification up to eight times, after
// waits of 0 s, 2 min, 10 min, 10 min, 1 h, 2 h, 6 h and 15 h (the FAQ of
// https://global.alipay.com/docs/ac/cashierpay/apm_api and the result
// process logic of https://global.alipay.com/docs/ac/ams/notify_refund), so
// the last resend comes
// about 24 h 22 min after the first sending. Antom does not document whether
// a resend carries a fresh Request-Time; the window assumes it keeps the
// first one, and adds 1 h 38 min for clock skew and delivery delays. A
// genuine notification therefore always fits, while a captured one cannot be
// replayed a day later, nor a year later.
const DefaultNotificationTolerance = 26 * time.Hour

// WithNotificationTolerance sets the replay window of ParseNotification,
// VerifyNotification and NotificationHandler: a notification whose
// Request-Time header is more than d away from the client's clock (see
// WithClock), in either direction, is refused with an error wrapping
// ErrStaleNotification (HTTP 401 from the handler), as is one whose
// Request-Time is neither epoch milliseconds nor ISO 8601 with an offset.
//
// d == 0 keeps DefaultNotificationTolerance; d < 0 switches the window off,
// for servers that replay stored notifications through the handler on
// purpose. A window shorter than DefaultNotificationTolerance may refuse
// Antom's later resends. Whatever the window, handle notifications
// idempotently (see Notification.DedupeKey): resends are expected.
func WithNotificationTolerance(d time.Duration) Option {
	return func(s *settings) { s.notify.tolerance = d }
}

// DefaultNotificationReadTimeout bounds how long NotificationHandler waits
// for a notification's body when WithNotificationReadTimeout is not given.
// Antom's notifications are a few kilobytes, sent at once; a client that
// trickles a body in byte by byte is holding a connection, not notifying.
const DefaultNotificationReadTimeout = 10 * time.Second

// WithNotificationReadTimeout bounds how long NotificationHandler waits for
// a notification's body, counted from when the handler starts (default
// DefaultNotificationReadTimeout; d <= 0 restores it). The handler sets it
// as the connection's read deadline through http.ResponseController, so a
// client that sends slowly gets HTTP 408 and the connection is closed
// (net/http lifts the deadline once the body is read, so it does not bound
// the notification function). Servers should also set
// http.Server's ReadHeaderTimeout, ReadTimeout, WriteTimeout and
// IdleTimeout (see examples/webhook). A ResponseWriter that cannot set
// deadlines (such as httptest.ResponseRecorder) is read without one.
func WithNotificationReadTimeout(d time.Duration) Option {
	return func(s *settings) { s.notify.readTimeout = d }
}

// WithNotificationURI sets how ParseNotification and NotificationHandler
// find the URI that Antom signed: the path (and query, if any) of the notify
// URL as Antom called it.
//
// By default it is the request target as received (r.RequestURI, or
// r.URL.RequestURI() when that is empty), which is right when Antom reaches
// the server directly or through a proxy that forwards the path unchanged.
// Behind a proxy that rewrites the path (a gateway that maps
// /alipay/notify to /internal/notify, say), return the public path
// registered with Antom, for example:
//
//	alipay.WithNotificationURI(func(*http.Request) string { return "/alipay/notify" })
//
// An empty return value falls back to the default.
func WithNotificationURI(fn func(r *http.Request) string) Option {
	return func(s *settings) { s.notify.publicURI = fn }
}
