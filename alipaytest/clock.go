package alipaytest

import (
	"sync"
	"time"

	"github.com/xborderpay/alipay"
)

// A Clock tells the server what time it is. Payment expiry, notification
// retries, Response-Time and Request-Time headers and report dates all read
// it, so a test that replaces it controls them all. It is alipay.Clock: the
// same clock can be given to the server, to alipay.WithClock and to the
// mapi and mapitest clock options.
type Clock = alipay.Clock

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

// FakeClock is a Clock that moves only when told to. Give it to the server
// with WithClock, then call Advance to expire payments or bring the next
// notification retry due without waiting.
//
// The server signs notifications at the fake time. Server.Client gives its
// client the same clock; a client made with alipay.NewClient needs
// alipay.WithClock(clock), or it refuses them as outside its replay
// window (alipay.DefaultNotificationTolerance) once the fake time is more
// than a day from the real one.
//
// A FakeClock is safe for concurrent use.
type FakeClock struct {
	mu        sync.Mutex
	now       time.Time
	listeners []func()
}

// NewFakeClock returns a FakeClock stopped at t.
func NewFakeClock(t time.Time) *FakeClock {
	return &FakeClock{now: t}
}

// Now returns the clock's current time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d (a negative d is ignored) and wakes
// any server using it, which then expires payments and sends notifications
// that have come due.
func (c *FakeClock) Advance(d time.Duration) {
	if d < 0 {
		return
	}
	c.mu.Lock()
	c.now = c.now.Add(d)
	ls := append([]func(){}, c.listeners...)
	c.mu.Unlock()
	for _, f := range ls {
		f()
	}
}

// Set moves the clock to t, forward or back, and wakes any server using it.
func (c *FakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	ls := append([]func(){}, c.listeners...)
	c.mu.Unlock()
	for _, f := range ls {
		f()
	}
}

// onChange registers f to run after every Advance or Set.
func (c *FakeClock) onChange(f func()) {
	c.mu.Lock()
	c.listeners = append(c.listeners, f)
	c.mu.Unlock()
}

// isoTime formats t as Antom's ISO 8601 timestamps, accurate to seconds with
// a numeric offset: 2019-05-28T12:12:14+08:00.
func isoTime(t time.Time) string { return t.Format("2006-01-02T15:04:05-07:00") }
