package alipaytest

import (
	"errors"
	"fmt"
	"time"
)

// Payment statuses (docs/protocol/ams.md §4.1).
const (
	StatusProcessing = "PROCESSING"
	StatusPending    = "PENDING"
	StatusSuccess    = "SUCCESS"
	StatusFail       = "FAIL"
	StatusCancelled  = "CANCELLED"
)

// DefaultPaymentExpiry is how long a payment waits for the user when the
// pay request sets no paymentExpiryTime (docs/protocol/ams.md §4.2).
const DefaultPaymentExpiry = 14 * time.Minute

type payment struct {
	requestID     string
	id            string
	amount        wireAmount
	value         int64
	methodType    string
	methodID      string
	terminalType  string
	osType        string
	orderID       string
	description   string
	redirectURL   string
	notifyURL     string
	manualCapture bool
	paid          bool // reached SUCCESS, even if cancelled since

	status        string
	resultCode    string // paymentResultCode once FAIL
	resultMessage string
	createTime    time.Time
	expiryTime    time.Time
	paymentTime   time.Time
	cancelTime    time.Time

	captured int64
	refunded int64
	refunds  []*refund
	captures []*capture

	payResponse payResponse // what pay answered, replayed on a repeat
	session     *session    // the Checkout Page session that made it, if any
	metadata    string      // echoed in inquiryPayment and notifications

	// extra is the method's extra information (extrainfo.go): from pay's
	// paymentMethodMetaData, or typed on the cashier page; "" until known.
	extra        string
	extraFromPay bool
}

type refund struct {
	requestID string
	id        string
	payment   *payment
	amount    wireAmount
	value     int64
	reason    string
	metadata  string
	notifyURL string
	status    string
	time      time.Time
}

type capture struct {
	requestID string
	id        string
	payment   *payment
	amount    wireAmount
	value     int64
	time      time.Time
}

// ErrNotFound is returned by CompletePayment and FailPayment for a
// paymentRequestId the server has not seen.
var ErrNotFound = errors.New("alipaytest: no such payment")

// ErrNotPayable is returned by CompletePayment and FailPayment for a payment
// that is no longer waiting for the user.
var ErrNotPayable = errors.New("alipaytest: payment is not waiting for the user")

// CompletePayment acts as the user paying: a PROCESSING payment becomes
// SUCCESS (or PENDING for the methods of WithPendingMethods), a PENDING one
// becomes SUCCESS, and the merchant is notified.
func (s *Server) CompletePayment(paymentRequestID string) error {
	return s.finish(paymentRequestID, true)
}

// FailPayment acts as the user declining (or the method refusing): a
// PROCESSING or PENDING payment becomes FAIL with PROCESS_FAIL, and the
// merchant is notified.
func (s *Server) FailPayment(paymentRequestID string) error {
	return s.finish(paymentRequestID, false)
}

func (s *Server) finish(paymentRequestID string, pay bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.sweepLocked(now)
	p := s.payments[paymentRequestID]
	if p == nil {
		return fmt.Errorf("%w: paymentRequestId %q", ErrNotFound, paymentRequestID)
	}
	if p.session != nil && p.methodType == "" && p.status == StatusProcessing {
		// The buyer of a session picks a method; acting for them,
		// take the first the session offers.
		p.methodType = p.session.methods[0].typ
	}
	return s.finishLocked(p, pay, now)
}

func (s *Server) finishLocked(p *payment, pay bool, now time.Time) error {
	if p.status != StatusProcessing && p.status != StatusPending {
		return fmt.Errorf("%w: payment %q is %s", ErrNotPayable, p.requestID, p.status)
	}
	switch {
	case !pay:
		p.status = StatusFail
		p.resultCode, p.resultMessage = "PROCESS_FAIL", "The user declined the payment."
		p.paymentTime = now
		s.notifyPaymentLocked(p, "PAYMENT_RESULT")
	case p.status == StatusProcessing && s.opts.pending[p.methodType]:
		p.status = StatusPending
		s.notifyPaymentLocked(p, "PAYMENT_PENDING")
	default:
		p.status = StatusSuccess
		p.resultCode, p.resultMessage = "SUCCESS", "Success"
		p.paymentTime = now
		p.paid = true
		s.charges[p.requestID]++
		s.notifyPaymentLocked(p, "PAYMENT_RESULT")
	}
	s.kick()
	return nil
}

// sweepLocked closes PROCESSING payments whose expiry time has passed on
// the server's clock (docs/protocol/ams.md §4.1: PROCESSING → FAIL after 14 minutes).
func (s *Server) sweepLocked(now time.Time) {
	for _, p := range s.payments {
		if p.status == StatusProcessing && !now.Before(p.expiryTime) {
			p.status = StatusFail
			p.resultCode, p.resultMessage = "ORDER_IS_CLOSED", "The payment expired before the user paid; the order is closed."
			p.paymentTime = p.expiryTime
			s.notifyPaymentLocked(p, "PAYMENT_RESULT")
		}
	}
}

// nextExpiryLocked returns the earliest expiry of a PROCESSING payment.
func (s *Server) nextExpiryLocked() (time.Time, bool) {
	var next time.Time
	for _, p := range s.payments {
		if p.status == StatusProcessing && (next.IsZero() || p.expiryTime.Before(next)) {
			next = p.expiryTime
		}
	}
	return next, !next.IsZero()
}

// lookupPaymentLocked finds a payment by paymentId (which wins, docs/protocol/ams.md §2.4)
// or paymentRequestId.
func (s *Server) lookupPaymentLocked(req idRequest) (*payment, *apiError) {
	switch {
	case req.PaymentID != "":
		if p := s.paymentsByID[req.PaymentID]; p != nil {
			return p, nil
		}
		return nil, fail("ORDER_NOT_EXIST", "No payment has paymentId %s.", truncate(req.PaymentID, 64))
	case req.PaymentRequestID != "":
		if p := s.payments[req.PaymentRequestID]; p != nil {
			return p, nil
		}
		return nil, fail("ORDER_NOT_EXIST", "No payment has paymentRequestId %s.", truncate(req.PaymentRequestID, 64))
	}
	return nil, paramIllegal("paymentId", "or paymentRequestId is required")
}

// Charges returns how many times the payment with this paymentRequestId
// reached SUCCESS: 1 after a successful payment however many times pay was
// repeated, 0 if the user never paid.
func (s *Server) Charges(paymentRequestID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.charges[paymentRequestID]
}

// Refunds returns how many refunds were made under this refundRequestId:
// 1 after a refund however many times it was repeated.
func (s *Server) Refunds(refundRequestID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refundCount[refundRequestID]
}

// PaymentStatus returns the status of the payment with this
// paymentRequestId (StatusProcessing, StatusSuccess, ...), after expiring it
// if its time has passed; ok is false if there is no such payment.
func (s *Server) PaymentStatus(paymentRequestID string) (status string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweepLocked(s.now())
	p := s.payments[paymentRequestID]
	if p == nil {
		return "", false
	}
	return p.status, true
}

// PaymentID returns the paymentId the server gave the payment with this
// paymentRequestId.
func (s *Server) PaymentID(paymentRequestID string) (paymentID string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.payments[paymentRequestID]
	if p == nil {
		return "", false
	}
	return p.id, true
}

// PaymentMethodMetaData returns the extra information the payment with this
// paymentRequestId holds for its method (BLIK: blikCode, P24: payerEmail,
// IDEAL: bankIdentifierCode), and whether pay sent it in
// paymentMethod.paymentMethodMetaData (fromPay false: the buyer typed it on
// the cashier page, or it is not known yet and the map is empty). The map is
// nil when there is no such payment or its method needs nothing.
func (s *Server) PaymentMethodMetaData(paymentRequestID string) (meta map[string]string, fromPay bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.payments[paymentRequestID]
	if p == nil {
		return nil, false
	}
	m, _ := findMethod(p.methodType)
	if m.extra == nil {
		return nil, false
	}
	meta = map[string]string{}
	if p.extra != "" {
		meta[m.extra.key] = p.extra
	}
	return meta, p.extraFromPay
}
