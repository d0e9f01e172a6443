package alipaytest

import (
	"net/http"
	"strings"
	"time"
)

// An Option configures a Server.
type Option func(*settings)

type settings struct {
	clock         Clock
	clientID      string
	notifyURL     string
	manualNotify  bool
	faultHook     func(api string) Fault
	pending       map[string]bool
	location      *time.Location
	notifyClient  *http.Client
	schedule      []time.Duration
	scheduleIsSet bool
	publicURL     string
}

// WithPublicURL sets the base URL of the links the server hands out (the
// cashier page at normalUrl, applinkUrl, logos) when browsers reach it
// through another address, such as a logging proxy in front of it. The
// default is the server's own URL.
func WithPublicURL(baseURL string) Option {
	return func(s *settings) { s.publicURL = strings.TrimSuffix(baseURL, "/") }
}

// WithClock replaces the server's clock (the real time by default). Pass a
// *FakeClock to control expiry and notification retries from a test.
func WithClock(c Clock) Option { return func(s *settings) { s.clock = c } }

// WithClientID sets the client ID the server accepts and answers with
// (default: a random "SANDBOX_" ID).
func WithClientID(id string) Option { return func(s *settings) { s.clientID = id } }

// WithNotifyURL sets the notification URL "configured in Antom Dashboard":
// it is used for payments and refunds whose request has no
// paymentNotifyUrl or refundNotifyUrl. The request field wins, as at Antom.
// Without either, a notification is not sent: Deliveries records it with
// Err ErrNoNotifyURL.
func WithNotifyURL(url string) Option { return func(s *settings) { s.notifyURL = url } }

// WithManualNotifications stops the server from sending notifications by
// itself: they are sent only when the test calls DeliverDue, which makes
// their timing deterministic.
func WithManualNotifications() Option { return func(s *settings) { s.manualNotify = true } }

// WithFaultHook asks f before every API call and every first notification
// delivery which fault to inject (return Fault{} for none). Faults queued
// with InjectFault are used first. f may be called from several goroutines
// at once, and must not call the server's methods.
func WithFaultHook(f func(api string) Fault) Option { return func(s *settings) { s.faultHook = f } }

// WithPendingMethods sets the payment method types (default "SOFORT") whose
// payments go to PENDING, not SUCCESS, when the user pays: the merchant gets
// a PAYMENT_PENDING notification, and the final result comes when the test
// calls CompletePayment or FailPayment again.
func WithPendingMethods(types ...string) Option {
	return func(s *settings) {
		s.pending = make(map[string]bool, len(types))
		for _, t := range types {
			s.pending[t] = true
		}
	}
}

// WithLocation sets the time zone of the server's timestamps and of the
// contract day that bounds cancellation (default UTC).
func WithLocation(loc *time.Location) Option { return func(s *settings) { s.location = loc } }

// WithNotifyHTTPClient sets the HTTP client that delivers notifications
// (default: a client with a 10-second timeout).
func WithNotifyHTTPClient(c *http.Client) Option { return func(s *settings) { s.notifyClient = c } }

// WithRetrySchedule replaces the notification retry schedule (default
// RetrySchedule): the waits before each delivery attempt, the first one
// included. An empty schedule sends each notification once.
func WithRetrySchedule(waits ...time.Duration) Option {
	return func(s *settings) {
		s.schedule = append([]time.Duration(nil), waits...)
		s.scheduleIsSet = true
	}
}
