package alipay

import "time"

// WithClock sets the clock the client reads (default time.Now): the
// Request-Time it signs and the replay window it applies to notifications
// (see WithNotificationTolerance). Tests that run a fake gateway on a fake
// clock, such as alipaytest with a FakeClock, pass the same clock here so
// that what the gateway signs "now" is now for the client too. A nil now
// keeps time.Now.
func WithClock(now func() time.Time) Option {
	return func(s *settings) { s.now = now }
}
