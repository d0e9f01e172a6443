package alipaytest

import "net/http"

// signedAnswer is a signed answer as sent, for the ReplaySigned fault.
type signedAnswer struct {
	header http.Header
	body   []byte
}

// record keeps the latest signed success answer of api.
func (s *Server) record(api string, h http.Header, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.replays == nil {
		s.replays = map[string]signedAnswer{}
	}
	s.replays[api] = signedAnswer{header: h, body: body}
}

// replay writes the recorded answer of api, headers and signature as they
// were, and reports whether there was one.
func (s *Server) replay(w http.ResponseWriter, api string) bool {
	s.mu.Lock()
	a, ok := s.replays[api]
	s.mu.Unlock()
	if !ok {
		return false
	}
	for k, v := range a.header {
		w.Header()[k] = v
	}
	w.WriteHeader(http.StatusOK)
	w.Write(a.body)
	return true
}
