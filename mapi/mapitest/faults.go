package mapitest

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
)

// Fault is a hostile or faulty gateway answer that the server plays
// instead of its own, for testing how a client classifies it. Inject
// queues faults; each signed gateway call (not notify_verify) takes the
// next one.
type Fault int

const (
	// FaultUnsigned acts as usual, then strips sign and sign_type from the
	// answer: what a man in the middle who cannot sign would send.
	FaultUnsigned Fault = iota + 1
	// FaultPartlySigned acts as usual, then keeps the signed <response> of
	// a successful answer but turns the unsigned is_success into F with
	// error TRADE_NOT_EXIST.
	FaultPartlySigned
	// FaultReplay answers single_trade_query with the genuine signed
	// answer for another trade (one the server keeps, or a made-up paid
	// trade when it keeps no other), without the <request> echo.
	FaultReplay
	// FaultRedirect answers 307 to another path of the server, which counts
	// the requests that follow it (StrayRequests) and acts on none.
	FaultRedirect
	// FaultSystemError answers a signed is_success=F SYSTEM_ERROR without
	// acting, as Alipay does when its system fails.
	FaultSystemError
)

// Inject queues faults for the next gateway calls, one per call.
func (s *Server) Inject(faults ...Fault) {
	s.mu.Lock()
	s.faults = append(s.faults, faults...)
	s.mu.Unlock()
}

// StrayRequests returns how many requests followed a FaultRedirect.
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

func (s *Server) nextFault() Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) == 0 {
		return 0
	}
	f := s.faults[0]
	s.faults = s.faults[1:]
	return f
}

func (s *Server) serveStray(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	s.strays++
	s.mu.Unlock()
	writeText(w, "stolen")
}

var signElems = regexp.MustCompile(`<sign>[^<]*</sign><sign_type>[^<]*</sign_type>`)

// rewriteBody returns an answer as fault makes it.
func rewriteBody(fault Fault, body string) string {
	switch fault {
	case FaultUnsigned:
		return signElems.ReplaceAllString(body, "")
	case FaultPartlySigned:
		if strings.Contains(body, "<response>") {
			return strings.Replace(body, "<is_success>T</is_success>", "<is_success>F</is_success><error>TRADE_NOT_EXIST</error>", 1)
		}
	}
	return body
}

// faultWriter buffers an answer and writes it rewritten by its fault.
type faultWriter struct {
	orig  http.ResponseWriter
	fault Fault
	rec   *httptest.ResponseRecorder
}

func newFaultWriter(w http.ResponseWriter, f Fault) *faultWriter {
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
