package alipaytest

type transaction struct {
	TransactionResult    wireResult `json:"transactionResult"`
	TransactionID        string     `json:"transactionId"`
	TransactionType      string     `json:"transactionType"`
	TransactionStatus    string     `json:"transactionStatus"`
	TransactionAmount    wireAmount `json:"transactionAmount"`
	TransactionRequestID string     `json:"transactionRequestId"`
	TransactionTime      string     `json:"transactionTime"`
}

type inquiryPaymentResponse struct {
	Result               wireResult    `json:"result"`
	PaymentStatus        string        `json:"paymentStatus"`
	PaymentResultCode    string        `json:"paymentResultCode,omitempty"`
	PaymentResultMessage string        `json:"paymentResultMessage,omitempty"`
	PaymentRequestID     string        `json:"paymentRequestId"`
	PaymentID            string        `json:"paymentId"`
	PaymentAmount        wireAmount    `json:"paymentAmount"`
	PaymentCreateTime    string        `json:"paymentCreateTime"`
	PaymentTime          string        `json:"paymentTime,omitempty"`
	PaymentMethodType    string        `json:"paymentMethodType,omitempty"` // empty until the buyer chose a method (sessions)
	Transactions         []transaction `json:"transactions,omitempty"`
	Metadata             string        `json:"metadata,omitempty"`
}

// inquiryPayment reports a payment's status (docs/protocol/ams.md §2.4); paymentId wins
// over paymentRequestId, an unknown one is ORDER_NOT_EXIST.
func (s *Server) inquiryPayment(body []byte) (any, *apiError) {
	var req idRequest
	if e := decodeBody(body, &req); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweepLocked(s.now())
	p, e := s.lookupPaymentLocked(req)
	if e != nil {
		return nil, e
	}
	r := inquiryPaymentResponse{
		Result:            resultSuccess,
		PaymentStatus:     p.status,
		PaymentRequestID:  p.requestID,
		PaymentID:         p.id,
		PaymentAmount:     p.amount,
		PaymentCreateTime: isoTime(p.createTime),
		PaymentMethodType: p.methodType,
		Metadata:          p.metadata,
	}
	if p.status == StatusSuccess || p.status == StatusFail {
		r.PaymentResultCode, r.PaymentResultMessage = p.resultCode, p.resultMessage
	}
	if p.status == StatusSuccess {
		r.PaymentTime = isoTime(p.paymentTime)
	}
	for _, c := range p.captures {
		r.Transactions = append(r.Transactions, transaction{
			TransactionResult: resultSuccess, TransactionID: c.id, TransactionType: "CAPTURE",
			TransactionStatus: StatusSuccess, TransactionAmount: c.amount,
			TransactionRequestID: c.requestID, TransactionTime: isoTime(c.time),
		})
	}
	for _, f := range p.refunds {
		r.Transactions = append(r.Transactions, transaction{
			TransactionResult: resultSuccess, TransactionID: f.id, TransactionType: "REFUND",
			TransactionStatus: f.status, TransactionAmount: f.amount,
			TransactionRequestID: f.requestID, TransactionTime: isoTime(f.time),
		})
	}
	return r, nil
}
