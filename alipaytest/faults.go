package alipaytest

import "time"

// FaultKind says what goes wrong.
type FaultKind int

// Faults for API calls (the API name is "pay", "refund", ...):
const (
	// NoFault: behave normally.
	NoFault FaultKind = iota
	// DropResponse processes the request, then closes the connection
	// without answering: the client cannot know that the payment or refund
	// went through.
	DropResponse
	// Status500 answers HTTP 500 with an empty body, without processing.
	Status500
	// Status502HTML answers HTTP 502 with an HTML page, as a proxy in front
	// of the gateway would, without processing.
	Status502HTML
	// UnknownException answers a signed U UNKNOWN_EXCEPTION without
	// processing.
	UnknownException
	// Delay waits Fault.Delay (real time, or until the client gives up),
	// then processes and answers normally.
	Delay
	// BadSignature processes the request and answers with a Signature
	// header that does not verify.
	BadSignature
	// MissingSignature processes the request and answers without a
	// Signature header.
	MissingSignature
	// ForgedFail processes the request, then answers an unsigned F, as an
	// attacker on the path would to make the merchant pay or refund again:
	// ORDER_NOT_EXIST for inquiries, PROCESS_FAIL otherwise. A client must
	// not take it as a refusal.
	ForgedFail
	// ReplaySigned processes the request, then answers with the signed
	// success answer the server last sent for the same API, to whichever
	// request that was, as a replaying proxy would; before the first such
	// answer it answers normally. Its signature verifies; a client must
	// notice that it answers another request (or, for the same request,
	// that it is stale).
	ReplaySigned
)

// Faults for notifications (the API name is "notifyPayment", "notifyRefund"
// or "notifyCapture"), applied when a notification is first sent:
const (
	// Duplicate delivers the notification twice in a row, each signed with
	// its own Request-Time.
	Duplicate FaultKind = iota + 100
	// OutOfOrder holds the notification back and delivers it right after
	// the next notification the server sends (or at its first retry time
	// if none comes first).
	OutOfOrder
	// DropNotification loses the first delivery attempt on the way: the
	// merchant sees nothing, and the server resends it on the schedule.
	DropNotification
)

// A Fault is a failure to inject into one API call or notification. A
// notification fault given for an API call, or the other way round, is
// ignored.
type Fault struct {
	Kind  FaultKind
	Delay time.Duration // for Delay
}

// API names, as used by InjectFault and the fault hook.
const (
	APIConsult        = "consult"
	APIPay            = "pay"
	APIInquiryPayment = "inquiryPayment"
	APICancel         = "cancel"
	APIRefund         = "refund"
	APIInquiryRefund  = "inquiryRefund"
	APICapture        = "capture"
	APINotifyPayment  = "notifyPayment"
	APINotifyRefund   = "notifyRefund"
	APINotifyCapture  = "notifyCapture"
)

// APICreatePaymentSession is createPaymentSession, for InjectFault and the
// fault hook.
const APICreatePaymentSession = "createPaymentSession"

type queuedFault struct {
	api   string // "" = any
	fault Fault
}

// InjectFault queues f for the next call of api (an API constant such as
// APIPay or APINotifyRefund; "" means whichever call comes next). Queued
// faults are used once each, in order, before the fault hook is asked.
func (s *Server) InjectFault(api string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, queuedFault{api: api, fault: f})
}

// nextFault takes the first queued fault for api, or asks the hook.
func (s *Server) nextFault(api string) Fault {
	s.mu.Lock()
	for i, q := range s.faults {
		if q.api == "" || q.api == api {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			s.mu.Unlock()
			return q.fault
		}
	}
	hook := s.opts.faultHook
	s.mu.Unlock()
	if hook != nil {
		return hook(api)
	}
	return Fault{}
}
