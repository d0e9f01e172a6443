package mapitest

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
)

// FaultKind says what goes wrong. The kinds mirror alipaytest's where
// the meaning is the same (DropResponse, MissingSignature, ForgedFail,
// ReplaySigned); the others are what only the MAPI gateway does.
type FaultKind int

const (
	// NoFault: behave normally.
	NoFault FaultKind = iota
	// Status503 answers HTTP 503 without acting, as Alipay's front end
	// does when the gateway is unavailable. It applies to notify_verify
	// too.
	Status503
	// DropResponse acts as usual, then throws the answer away and answers
	// HTTP 503, as if the response had been lost on the way back: the
	// client cannot know that a refund went through. It applies to
	// notify_verify too.
	DropResponse
	// MissingSignature acts as usual, then strips sign and sign_type from
	// the answer: what a man in the middle who cannot sign would send.
	MissingSignature
	// ForgedFail acts as usual, then keeps the signed <response> of a
	// successful answer but turns the unsigned is_success into F with
	// error TRADE_NOT_EXIST, as an attacker on the path would to make the
	// merchant act again. A client must not take it as a refusal.
	ForgedFail
	// ReplaySigned answers single_trade_query with the genuine signed
	// answer for another trade (one the server keeps, or a made-up paid
	// trade when it keeps no other), without the <request> echo. Other
	// services answer normally.
	ReplaySigned
	// Redirect answers 307 to another path of the server, which counts the
	// requests that follow it (StrayRequests) and acts on none.
	Redirect
	// SystemError answers a signed is_success=F SYSTEM_ERROR without
	// acting, as Alipay does when its system fails.
	SystemError
)

// A Fault is a failure to inject into one gateway call.
type Fault struct {
	Kind FaultKind
}

// serviceNotifyVerify is the one unsigned service: only transport faults
// (Status503, DropResponse) apply to it.
const serviceNotifyVerify = "notify_verify"

// appliesTo reports whether a fault of kind k can be played for service.
func (k FaultKind) appliesTo(service string) bool {
	return service != serviceNotifyVerify || k == Status503 || k == DropResponse
}

type queuedFault struct {
	service string // "" = any
	fault   Fault
}

// InjectFault queues f for the next gateway call of service, a MAPI
// service name such as "single_trade_query", "forex_refund",
// "alipay.acquire.refund.query", "forex_rate_file", "forex_compare_file",
// "forex_liquidation_file" or "notify_verify" (mapi.Error.Service names
// the service of a failed call); "" means whichever call comes next.
// Queued faults are used once each, in order; a call of notify_verify
// takes only Status503 and DropResponse, leaving the others for the next
// signed call.
func (s *Server) InjectFault(service string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, queuedFault{service: service, fault: f})
}

// StrayRequests returns how many requests followed a Redirect fault.
func (s *Server) StrayRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.strays
}

// ExpireNotifyIDs ends the validity of every notify_id issued so far, as if
// more than NotifyIDTTL had passed: notify_verify answers "false" for them,
// also when their notification is resent.
func (s *Server) ExpireNotifyIDs() {
	s.mu.Lock()
	for id, at := range s.notifyIDs {
		s.notifyIDs[id] = at.Add(-NotifyIDTTL - 1)
	}
	s.mu.Unlock()
}

// nextFault takes the first queued fault for service.
func (s *Server) nextFault(service string) Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, q := range s.faults {
		if (q.service == "" || q.service == service) && q.fault.Kind.appliesTo(service) {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			return q.fault
		}
	}
	return Fault{}
}

func (s *Server) serveStray(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	s.strays++
	s.mu.Unlock()
	writeText(w, "stolen")
}

var signElems = regexp.MustCompile(`<sign>[^<]*</sign><sign_type>[^<]*</sign_type>`)

// rewriteBody returns an answer as fault makes it.
func rewriteBody(fault FaultKind, body string) string {
	switch fault {
	case MissingSignature:
		return signElems.ReplaceAllString(body, "")
	case ForgedFail:
		if strings.Contains(body, "<response>") {
			return strings.Replace(body, "<is_success>T</is_success>", "<is_success>F</is_success><error>TRADE_NOT_EXIST</error>", 1)
		}
	}
	return body
}

// faultWriter buffers an answer and writes it rewritten by its fault.
type faultWriter struct {
	orig  http.ResponseWriter
	fault FaultKind
	rec   *httptest.ResponseRecorder
}

func newFaultWriter(w http.ResponseWriter, f FaultKind) *faultWriter {
	return &faultWriter{orig: w, fault: f, rec: httptest.NewRecorder()}
}

func (f *faultWriter) Header() http.Header         { return f.rec.Header() }
func (f *faultWriter) Write(b []byte) (int, error) { return f.rec.Write(b) }
func (f *faultWriter) WriteHeader(code int)        { f.rec.WriteHeader(code) }

func (f *faultWriter) flush() {
	for k, v := range f.rec.Header() {
		f.orig.Header()[k] = v
	}
	f.orig.WriteHeader(f.rec.Code)
	_, _ = f.orig.Write([]byte(rewriteBody(f.fault, f.rec.Body.String())))
}
