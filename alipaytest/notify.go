package alipaytest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/xborderpay/alipay"
)

// Ack is the exact acknowledgement body Antom expects from the merchant,
// alipay.NotificationAck.
const Ack = alipay.NotificationAck

// ErrNoNotifyURL is the Err of a Delivery that was never sent: the request
// named no notify URL (paymentNotifyUrl, refundNotifyUrl) and the server has
// none from WithNotifyURL. Antom, too, then notifies only the URL set in
// Antom Dashboard, which the fake does not have.
var ErrNoNotifyURL = errors.New("alipaytest: notification not sent: the request had no notify URL and the server has no WithNotifyURL")

// Delivery records one attempt to deliver a notification, or a
// notification that could not be sent (Err is ErrNoNotifyURL).
type Delivery struct {
	API        string    // APINotifyPayment, APINotifyRefund or APINotifyCapture
	NotifyType string    // PAYMENT_RESULT, PAYMENT_PENDING, REFUND_RESULT or CAPTURE_RESULT
	RequestID  string    // the paymentRequestId, refundRequestId or captureRequestId notified
	URL        string    // where it was sent
	Attempt    int       // 1 for the first delivery of this notification
	Time       time.Time // on the server's clock
	Body       []byte    // the notification body, as signed
	StatusCode int       // the merchant's HTTP status; 0 if none came back
	// Acknowledged is true when the merchant answered HTTP 200 with
	// exactly the acknowledgement body, byte for byte (see Ack).
	Acknowledged bool
	// Dropped is true when a DropNotification fault lost this attempt.
	Dropped bool
	Err     error // transport error, if any
}

type notification struct {
	api        string
	notifyType string
	requestID  string
	url        string
	body       []byte
	attempts   int
	due        time.Time
	done       bool // acknowledged, or every attempt used
	inFlight   bool
	faulted    bool // the fault hook was asked
	heldBack   bool // OutOfOrder: wait for another notification
	duplicate  bool
	dropNext   bool
}

type paymentNotifyBody struct {
	NotifyType        string     `json:"notifyType"`
	Result            wireResult `json:"result"`
	PaymentRequestID  string     `json:"paymentRequestId"`
	PaymentID         string     `json:"paymentId"`
	PaymentAmount     wireAmount `json:"paymentAmount"`
	PaymentCreateTime string     `json:"paymentCreateTime"`
	PaymentTime       string     `json:"paymentTime,omitempty"`
	PaymentMethodType string     `json:"paymentMethodType,omitempty"`
	Metadata          string     `json:"metadata,omitempty"`
}

type refundNotifyBody struct {
	NotifyType      string     `json:"notifyType"`
	Result          wireResult `json:"result"`
	RefundStatus    string     `json:"refundStatus"`
	RefundRequestID string     `json:"refundRequestId"`
	RefundID        string     `json:"refundId"`
	RefundAmount    wireAmount `json:"refundAmount"`
	RefundTime      string     `json:"refundTime,omitempty"`
	Metadata        string     `json:"metadata,omitempty"`
}

type captureNotifyBody struct {
	NotifyType       string     `json:"notifyType"`
	Result           wireResult `json:"result"`
	CaptureRequestID string     `json:"captureRequestId"`
	PaymentID        string     `json:"paymentId"`
	CaptureID        string     `json:"captureId"`
	CaptureAmount    wireAmount `json:"captureAmount"`
	CaptureTime      string     `json:"captureTime,omitempty"`
}

func (s *Server) notifyPaymentLocked(p *payment, notifyType string) {
	b := paymentNotifyBody{
		NotifyType:        notifyType,
		Result:            resultSuccess,
		PaymentRequestID:  p.requestID,
		PaymentID:         p.id,
		PaymentAmount:     p.amount,
		PaymentCreateTime: isoTime(p.createTime),
		PaymentMethodType: p.methodType,
		Metadata:          p.metadata,
	}
	if p.status == StatusFail {
		b.Result = wireResult{ResultCode: p.resultCode, ResultStatus: "F", ResultMessage: p.resultMessage}
	}
	if p.status == StatusSuccess || p.status == StatusFail {
		b.PaymentTime = isoTime(p.paymentTime)
	}
	s.enqueueLocked(APINotifyPayment, notifyType, p.requestID, p.notifyURL, b)
}

func (s *Server) notifyRefundLocked(f *refund) {
	s.enqueueLocked(APINotifyRefund, "REFUND_RESULT", f.requestID, f.notifyURL, refundNotifyBody{
		NotifyType: "REFUND_RESULT", Result: resultSuccess, RefundStatus: f.status,
		RefundRequestID: f.requestID, RefundID: f.id, RefundAmount: f.amount, RefundTime: isoTime(f.time),
		Metadata: f.metadata,
	})
}

func (s *Server) notifyCaptureLocked(c *capture) {
	s.enqueueLocked(APINotifyCapture, "CAPTURE_RESULT", c.requestID, c.payment.notifyURL, captureNotifyBody{
		NotifyType: "CAPTURE_RESULT", Result: resultSuccess, CaptureRequestID: c.requestID,
		PaymentID: c.payment.id, CaptureID: c.id, CaptureAmount: c.amount, CaptureTime: isoTime(c.time),
	})
}

// enqueueLocked queues a notification for immediate delivery. Without a
// notify URL there is nowhere to send it, as at Antom; the delivery log
// then says so (ErrNoNotifyURL) instead of staying silent.
func (s *Server) enqueueLocked(api, notifyType, requestID, notifyURL string, body any) {
	b, err := json.Marshal(body)
	if err != nil {
		return // cannot happen: the bodies are plain structs of strings
	}
	if notifyURL == "" {
		s.deliveries = append(s.deliveries, Delivery{API: api, NotifyType: notifyType, RequestID: requestID, Attempt: 1, Time: s.now(), Body: b, Err: ErrNoNotifyURL})
		return
	}
	s.notifications = append(s.notifications, &notification{
		api: api, notifyType: notifyType, requestID: requestID, url: notifyURL, body: b, due: s.now(),
	})
}

// kick wakes the delivery loop.
func (s *Server) kick() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Server) startLoop() {
	if s.opts.manualNotify {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	s.loop.Add(1)
	go func() {
		defer s.loop.Done()
		_, fake := s.clock.(*FakeClock)
		for {
			s.DeliverDue(ctx)
			var timer *time.Timer
			var fire <-chan time.Time
			if !fake {
				if next, ok := s.nextWake(); ok {
					timer = time.NewTimer(max(next.Sub(s.clock.Now()), time.Millisecond))
					fire = timer.C
				}
			}
			select {
			case <-ctx.Done():
			case <-s.wake:
			case <-fire:
			}
			if timer != nil {
				timer.Stop()
			}
			if ctx.Err() != nil {
				return
			}
		}
	}()
}

// nextWake is the earliest time at which a notification comes due or a
// payment expires.
func (s *Server) nextWake() (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	next, ok := s.nextExpiryLocked()
	for _, n := range s.notifications {
		if !n.done && !n.inFlight && (!ok || n.due.Before(next)) {
			next, ok = n.due, true
		}
	}
	return next, ok
}

// DeliverDue expires payments whose time has passed and makes every
// notification delivery that is due on the server's clock, waiting for each
// merchant answer. It returns the attempts it made. A server started with
// WithManualNotifications delivers only when DeliverDue is called; others
// call it by themselves, and a test rarely needs to.
func (s *Server) DeliverDue(ctx context.Context) []Delivery {
	var made []Delivery
	for {
		batch := s.takeDue()
		if len(batch) == 0 {
			return made
		}
		for _, n := range batch {
			made = append(made, s.deliver(ctx, n)...)
		}
	}
}

// takeDue marks the due notifications in flight and returns them in the
// order they were created.
func (s *Server) takeDue() []*notification {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.sweepLocked(now)
	var due []*notification
	for _, n := range s.notifications {
		if !n.done && !n.inFlight && !n.due.After(now) {
			n.inFlight = true
			due = append(due, n)
		}
	}
	return due
}

// deliver makes one delivery attempt of n (two for a Duplicate fault) and
// schedules the next one unless the merchant acknowledged.
func (s *Server) deliver(ctx context.Context, n *notification) []Delivery {
	if !n.faulted {
		n.faulted = true
		f := s.nextFault(n.api)
		switch f.Kind {
		case Duplicate:
			n.duplicate = true
		case DropNotification:
			n.dropNext = true
		case OutOfOrder:
			s.mu.Lock()
			n.heldBack = true
			n.inFlight = false
			n.due = s.now().Add(s.retryWait(1))
			s.mu.Unlock()
			return nil
		}
	}
	var made []Delivery
	sends := 1
	if n.duplicate {
		sends = 2
		n.duplicate = false
	}
	acked := false
	for range sends {
		d := s.send(ctx, n)
		acked = acked || d.Acknowledged
		made = append(made, d)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	n.attempts++
	n.inFlight = false
	n.heldBack = false
	switch {
	case acked:
		n.done = true
	case n.attempts >= len(s.schedule):
		n.done = true // Antom gives up after the last attempt
	default:
		n.due = now.Add(s.retryWait(n.attempts))
	}
	// A notification held back by OutOfOrder goes right after this one.
	for _, h := range s.notifications {
		if h.heldBack && h != n {
			h.heldBack = false
			h.due = now
		}
	}
	s.deliveries = append(s.deliveries, made...)
	return made
}

// retryWait is the wait before attempt number k+1, after k attempts.
func (s *Server) retryWait(k int) time.Duration {
	if k < len(s.schedule) {
		return s.schedule[k]
	}
	if len(s.schedule) > 0 {
		return s.schedule[len(s.schedule)-1]
	}
	return 0
}

// send signs and posts one notification as Antom does (docs/protocol/ams.md §1.9): the
// signature covers "POST <path and query of the notify URL>\n<client
// ID>.<Request-Time>.<body>", Request-Time is ISO 8601.
func (s *Server) send(ctx context.Context, n *notification) Delivery {
	now := s.now()
	d := Delivery{API: n.api, NotifyType: n.notifyType, RequestID: n.requestID, URL: n.url, Attempt: n.attempts + 1, Time: now, Body: n.body}
	if n.dropNext {
		n.dropNext = false
		d.Dropped = true
		return d
	}
	u, err := url.Parse(n.url)
	if err != nil {
		d.Err = fmt.Errorf("alipaytest: notify URL %q: %w", n.url, err)
		return d
	}
	reqTime := isoTime(now)
	sig, err := s.signer.Sign(ctx, alipay.SignContent(http.MethodPost, u.RequestURI(), s.clientID, reqTime, n.body))
	if err != nil {
		d.Err = err
		return d
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.url, bytes.NewReader(n.body))
	if err != nil {
		d.Err = err
		return d
	}
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	req.Header.Set("Client-Id", s.clientID)
	req.Header.Set("Request-Time", reqTime)
	req.Header.Set("Signature", alipay.SignatureHeader{Algorithm: alipay.AlgorithmRSA256, KeyVersion: alipay.DefaultKeyVersion, Signature: sig}.Encode())
	resp, err := s.opts.notifyClient.Do(req)
	if err != nil {
		d.Err = err
		return d
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	d.StatusCode = resp.StatusCode
	d.Acknowledged = resp.StatusCode == http.StatusOK && isAck(body)
	return d
}

// isAck reports whether body is the acknowledgement byte for byte. Antom's
// pages give only the exact body; a fake that also took other spacing, key
// orders or a final line break would pass a merchant Antom may not, and
// would contradict alipay notify and the sandbox log, which ask for the
// exact bytes.
func isAck(body []byte) bool { return string(body) == Ack }

// Deliveries returns every notification delivery attempt so far, oldest
// first.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.deliveries)
}

// PendingNotifications returns how many notifications are still waiting
// for an acknowledgement and have attempts left.
func (s *Server) PendingNotifications() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, x := range s.notifications {
		if !x.done {
			n++
		}
	}
	return n
}
