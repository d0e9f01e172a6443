package alipaytest

import "fmt"

type refundResponse struct {
	Result          wireResult `json:"result"`
	RefundRequestID string     `json:"refundRequestId"`
	RefundID        string     `json:"refundId"`
	PaymentID       string     `json:"paymentId"`
	RefundAmount    wireAmount `json:"refundAmount"`
	RefundTime      string     `json:"refundTime"`
}

type inquiryRefundResponse struct {
	Result          wireResult `json:"result"`
	RefundRequestID string     `json:"refundRequestId"`
	RefundID        string     `json:"refundId"`
	RefundAmount    wireAmount `json:"refundAmount"`
	RefundStatus    string     `json:"refundStatus"`
	RefundTime      string     `json:"refundTime,omitempty"`
	Metadata        string     `json:"metadata,omitempty"`
}

// refund refunds part or all of a SUCCESS payment (docs/protocol/ams.md §2.6): several
// refunds may add up to the paid (or, for manual capture, captured) amount,
// beyond which REFUND_AMOUNT_EXCEED; the same refundRequestId with the same
// paymentId and amount answers the first refund again, with different ones
// REPEAT_REQ_INCONSISTENT. Refunds succeed at once and are notified to
// refundNotifyUrl.
func (s *Server) refund(body []byte) (any, *apiError) {
	var req refundRequest
	if e := decodeBody(body, &req); e != nil {
		return nil, e
	}
	if e := checkRequestID("refundRequestId", req.RefundRequestID); e != nil {
		return nil, e
	}
	if e := checkRequestID("paymentId", req.PaymentID); e != nil {
		return nil, e
	}
	value, e := checkAmount("refundAmount", req.RefundAmount)
	if e != nil {
		return nil, e
	}
	if e := checkNotifyURL("refundNotifyUrl", req.RefundNotifyURL); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.sweepLocked(now)
	if f := s.refunds[req.RefundRequestID]; f != nil {
		if f.payment.id != req.PaymentID || f.amount != *req.RefundAmount {
			return nil, fail("REPEAT_REQ_INCONSISTENT", "refundRequestId %s was used before with a different paymentId or refundAmount.", f.requestID)
		}
		return f.response(), nil
	}
	p := s.paymentsByID[req.PaymentID]
	if p == nil {
		return nil, fail("ORDER_NOT_EXIST", "No payment has paymentId %s.", truncate(req.PaymentID, 64))
	}
	switch p.status {
	case StatusSuccess:
	case StatusCancelled:
		return nil, fail("ORDER_IS_CANCELED", "The payment was cancelled; nothing to refund.")
	default:
		return nil, fail("ORDER_STATUS_INVALID", "The payment is %s; only SUCCESS payments can be refunded.", p.status)
	}
	if req.RefundAmount.Currency != p.amount.Currency {
		return nil, fail("CURRENCY_NOT_SUPPORT", "refundAmount.currency %s is not the payment currency %s.", req.RefundAmount.Currency, p.amount.Currency)
	}
	refundable := p.value
	if p.manualCapture {
		refundable = p.captured
	}
	if p.refunded+value > refundable {
		return nil, fail("REFUND_AMOUNT_EXCEED", "Refunds would total %d, more than the %s of %d %s.", p.refunded+value, refundableName(p), refundable, p.amount.Currency)
	}
	notifyURL := req.RefundNotifyURL
	if notifyURL == "" {
		notifyURL = s.opts.notifyURL
	}
	f := &refund{
		requestID: req.RefundRequestID,
		id:        s.nextIDLocked("13"),
		payment:   p,
		amount:    *req.RefundAmount,
		value:     value,
		reason:    req.RefundReason,
		metadata:  req.Metadata,
		notifyURL: notifyURL,
		status:    StatusSuccess,
		time:      now,
	}
	p.refunded += value
	p.refunds = append(p.refunds, f)
	s.refunds[f.requestID] = f
	s.refundsByID[f.id] = f
	s.refundCount[f.requestID]++
	s.notifyRefundLocked(f)
	s.kick()
	return f.response(), nil
}

func refundableName(p *payment) string {
	if p.manualCapture {
		return "captured amount"
	}
	return "paid amount"
}

func (f *refund) response() refundResponse {
	return refundResponse{
		Result: resultSuccess, RefundRequestID: f.requestID, RefundID: f.id,
		PaymentID: f.payment.id, RefundAmount: f.amount, RefundTime: isoTime(f.time),
	}
}

// inquiryRefund reports a refund (docs/protocol/ams.md §2.7); refundId wins over
// refundRequestId.
func (s *Server) inquiryRefund(body []byte) (any, *apiError) {
	var req inquiryRefundRequest
	if e := decodeBody(body, &req); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var f *refund
	switch {
	case req.RefundID != "":
		f = s.refundsByID[req.RefundID]
	case req.RefundRequestID != "":
		f = s.refunds[req.RefundRequestID]
	default:
		return nil, paramIllegal("refundId", "or refundRequestId is required")
	}
	if f == nil {
		return nil, fail("ORDER_NOT_EXIST", "No refund has %s.", refundKey(req))
	}
	r := inquiryRefundResponse{
		Result: resultSuccess, RefundRequestID: f.requestID, RefundID: f.id,
		RefundAmount: f.amount, RefundStatus: f.status, Metadata: f.metadata,
	}
	if f.status == StatusSuccess {
		r.RefundTime = isoTime(f.time)
	}
	return r, nil
}

func refundKey(req inquiryRefundRequest) string {
	if req.RefundID != "" {
		return fmt.Sprintf("refundId %s", truncate(req.RefundID, 64))
	}
	return fmt.Sprintf("refundRequestId %s", truncate(req.RefundRequestID, 64))
}
