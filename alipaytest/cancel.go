package alipaytest

import "time"

type cancelResponse struct {
	Result           wireResult `json:"result"`
	PaymentRequestID string     `json:"paymentRequestId"`
	PaymentID        string     `json:"paymentId"`
	CancelTime       string     `json:"cancelTime"`
}

// cancelGrace is how long after midnight ending the payment's day a
// cancellation is still accepted ("T day before T+1 00:15", docs/protocol/ams.md §2.5).
const cancelGrace = 15 * time.Minute

// cancel applies the rules of docs/protocol/ams.md §4.1: PROCESSING, PENDING and (within
// the window, before any refund) SUCCESS payments become CANCELLED; a FAIL
// payment answers SUCCESS but stays FAIL; a refunded payment gets
// PROCESS_FAIL; cancelling twice answers the first cancellation again.
func (s *Server) cancel(body []byte) (any, *apiError) {
	var req idRequest
	if e := decodeBody(body, &req); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.sweepLocked(now)
	p, e := s.lookupPaymentLocked(req)
	if e != nil {
		return nil, e
	}
	switch p.status {
	case StatusCancelled, StatusFail:
		if p.cancelTime.IsZero() {
			p.cancelTime = now
		}
	case StatusSuccess:
		if p.refunded > 0 {
			return nil, fail("PROCESS_FAIL", "The payment has been refunded and can no longer be cancelled.")
		}
		y, m, d := p.createTime.In(s.loc).Date()
		if !now.Before(time.Date(y, m, d+1, 0, 0, 0, 0, s.loc).Add(cancelGrace)) {
			return nil, fail("CANCEL_WINDOW_EXCEED", "The payment can be cancelled only until 00:15 the day after it was made.")
		}
		p.status = StatusCancelled
		p.cancelTime = now
	default: // PROCESSING, PENDING
		p.status = StatusCancelled
		p.cancelTime = now
	}
	return cancelResponse{Result: resultSuccess, PaymentRequestID: p.requestID, PaymentID: p.id, CancelTime: isoTime(p.cancelTime)}, nil
}
