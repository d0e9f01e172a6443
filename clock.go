package alipay

import "time"

// A Clock tells the time. The client, the legacy mapi client and the fake
// gateways in alipaytest and mapi/mapitest all read time through one, so a
// test passes the same clock (such as an alipaytest.FakeClock) to each of
// them and they agree on what "now" is.
type Clock interface {
	Now() time.Time
}

// WithClock sets the clock the client reads (default the real time): the
// Request-Time it signs and the replay window it applies to notifications
// (see WithNotificationTolerance). Tests that run a fake gateway on a fake
// clock, such as alipaytest with a FakeClock, pass the same clock here so
// that what the gateway signs "now" is now for the client too. A nil clock
// keeps the real time.
func WithClock(c Clock) Option {
	return func(s *settings) {
		if c == nil {
			s.now = nil
			return
		}
		s.now = c.Now
	}
}
