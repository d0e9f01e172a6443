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
// wrapping ErrResponseTooLarge (HTTP 413 from the handler). n <= 0 restores
// the default.
func WithNotificationMaxBytes(n int64) Option {
	return func(s *settings) { s.notify.maxBodyBytes = n }
}

// WithNotificationTolerance makes ParseNotification and VerifyNotification
// refuse a notification whose Request-Time header is more than d away from
// the client's clock, in either direction, with an error wrapping
// ErrStaleNotification. Request-Time may be epoch milliseconds or ISO 8601.
//
// It is off by default (d <= 0) because Antom documents no replay window:
// it resends an unacknowledged notification for about 24 hours (spec §4.4),
// and it is not documented whether a resend carries a fresh Request-Time. A
// tolerance shorter than a day may therefore refuse genuine resends. Handle
// notifications idempotently (see Notification.DedupeKey) instead of relying
// on a window.
func WithNotificationTolerance(d time.Duration) Option {
	return func(s *settings) { s.notify.tolerance = d }
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
