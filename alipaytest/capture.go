package alipaytest

type captureResponse struct {
	Result           wireResult `json:"result"`
	CaptureRequestID string     `json:"captureRequestId"`
	CaptureID        string     `json:"captureId"`
	PaymentID        string     `json:"paymentId"`
	CaptureAmount    wireAmount `json:"captureAmount"`
	CaptureTime      string     `json:"captureTime"`
}

// capture captures an authorized CARD payment made with manual capture
// (docs/protocol/ams.md §2.8): once, up to the authorized amount, idempotent on
// captureRequestId. The result is notified to paymentNotifyUrl.
func (s *Server) capture(body []byte) (any, *apiError) {
	var req captureRequest
	if e := decodeBody(body, &req); e != nil {
		return nil, e
	}
	if e := checkRequestID("captureRequestId", req.CaptureRequestID); e != nil {
		return nil, e
	}
	if e := checkRequestID("paymentId", req.PaymentID); e != nil {
		return nil, e
	}
	value, e := checkAmount("captureAmount", req.CaptureAmount)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.sweepLocked(now)
	if c := s.captures[req.CaptureRequestID]; c != nil {
		if c.payment.id != req.PaymentID || c.amount != *req.CaptureAmount {
			return nil, fail("REPEAT_REQ_INCONSISTENT", "captureRequestId %s was used before with a different paymentId or captureAmount.", c.requestID)
		}
		return c.response(), nil
	}
	p := s.paymentsByID[req.PaymentID]
	switch {
	case p == nil:
		return nil, fail("ORDER_NOT_EXIST", "No payment has paymentId %s.", truncate(req.PaymentID, 64))
	case p.status == StatusCancelled:
		return nil, fail("ORDER_IS_CANCELED", "The payment was cancelled.")
	case !p.manualCapture:
		return nil, fail("ORDER_STATUS_INVALID", "The payment was not made with captureMode MANUAL; it is captured automatically.")
	case p.status != StatusSuccess:
		return nil, fail("ORDER_STATUS_INVALID", "The payment is %s; only an authorized (SUCCESS) payment can be captured.", p.status)
	case len(p.captures) > 0:
		return nil, fail("MULTI_CAPTURE_NOT_SUPPORTED", "The payment has already been captured.")
	case req.CaptureAmount.Currency != p.amount.Currency:
		return nil, fail("CURRENCY_NOT_SUPPORT", "captureAmount.currency %s is not the payment currency %s.", req.CaptureAmount.Currency, p.amount.Currency)
	case value > p.value:
		return nil, fail("CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT", "captureAmount %d is more than the authorized %d.", value, p.value)
	}
	c := &capture{requestID: req.CaptureRequestID, id: s.nextIDLocked("19"), payment: p, amount: *req.CaptureAmount, value: value, time: now}
	p.captured += value
	p.captures = append(p.captures, c)
	s.captures[c.requestID] = c
	s.notifyCaptureLocked(c)
	s.kick()
	return c.response(), nil
}

func (c *capture) response() captureResponse {
	return captureResponse{
		Result: resultSuccess, CaptureRequestID: c.requestID, CaptureID: c.id,
		PaymentID: c.payment.id, CaptureAmount: c.amount, CaptureTime: isoTime(c.time),
	}
}
