package alipaytest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/xborderpay/alipay"
)

// maxRequestBytes bounds a request body.
const maxRequestBytes = 1 << 20

// apiHandlers maps the last path element of /ams/api/v1/payments/… to its
// handler.
var apiHandlers = map[string]func(*Server, []byte) (any, *apiError){
	APIConsult:        (*Server).consult,
	APIPay:            (*Server).pay,
	APIInquiryPayment: (*Server).inquiryPayment,
	APICancel:         (*Server).cancel,
	APIRefund:         (*Server).refund,
	APIInquiryRefund:  (*Server).inquiryRefund,
	APICapture:        (*Server).capture,

	APICreatePaymentSession: (*Server).createPaymentSession,
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/ams/api/", s.serveAPI)
	mux.HandleFunc("/ams/sandbox/api/", s.serveAPI)
	mux.HandleFunc("/cashier/", s.serveCashier)
	mux.HandleFunc("/checkout/", s.serveCheckout)
	mux.HandleFunc("/applink/", s.serveAppLink)
	mux.HandleFunc("/logo/", serveLogo)
	mux.HandleFunc("/{$}", s.serveIndex)
	return mux
}

// apiName returns the API of a path such as /ams/sandbox/api/v1/payments/pay.
func apiName(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, "/ams/api/")
	if !ok {
		rest, ok = strings.CutPrefix(path, "/ams/sandbox/api/")
	}
	if !ok {
		return "", false
	}
	name, ok := strings.CutPrefix(rest, "v1/payments/")
	if !ok || apiHandlers[name] == nil {
		return "", false
	}
	return name, true
}

// serveAPI checks the request like Antom (docs/protocol/ams.md §1.4–§1.6), applies any
// injected fault, runs the API and writes a signed answer (docs/protocol/ams.md §1.5, §1.8).
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	clientID := r.Header.Get("Client-Id")
	if clientID == "" {
		clientID = s.clientID
	}
	api, known := apiName(r.URL.Path)
	if r.Method != http.MethodPost {
		s.writeSigned(w, r, clientID, http.StatusMethodNotAllowed, fail("METHOD_NOT_SUPPORTED", "Only the POST method is supported.").response(), Fault{})
		return
	}
	if !known {
		s.writeSigned(w, r, clientID, http.StatusNotFound, fail("NO_INTERFACE_DEF", "No API is defined at %s.", truncate(r.URL.Path, 128)).response(), Fault{})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBytes+1))
	if err != nil {
		return // the client went away
	}
	if len(body) > maxRequestBytes {
		s.writeSigned(w, r, clientID, http.StatusOK, paramIllegal("request body", "is larger than 1 MiB").response(), Fault{})
		return
	}
	if e := s.checkHeaders(r); e != nil {
		s.writeSigned(w, r, clientID, http.StatusOK, e.response(), Fault{})
		return
	}
	if !s.verifyRequest(r, body) {
		// Antom leaves this answer unsigned (docs/protocol/ams.md §1.5).
		writeJSON(w, http.StatusOK, fail("INVALID_SIGNATURE", "The signature is invalid: it does not verify with the public key registered for client ID %s.", s.clientID).response())
		return
	}

	f := s.nextFault(api)
	switch f.Kind {
	case Status500:
		w.WriteHeader(http.StatusInternalServerError)
		return
	case Status502HTML:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusBadGateway)
		io.WriteString(w, "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>\n")
		return
	case UnknownException:
		s.writeSigned(w, r, clientID, http.StatusOK, errorResponse{Result: wireResult{ResultCode: "UNKNOWN_EXCEPTION", ResultStatus: "U", ResultMessage: "An API call has failed, which is caused by unknown reasons."}}, Fault{})
		return
	case Delay:
		if !sleep(r.Context(), f.Delay) {
			return
		}
	}

	resp, e := apiHandlers[api](s, body)
	switch {
	case f.Kind == ForgedFail:
		code := "PROCESS_FAIL"
		if strings.HasPrefix(api, "inquiry") {
			code = "ORDER_NOT_EXIST"
		}
		writeJSON(w, http.StatusOK, fail(code, "Forged by a fault: this answer is not signed.").response())
		return
	case f.Kind == ReplaySigned:
		if s.replay(w, api) {
			return
		}
	}
	if e != nil {
		s.writeSigned(w, r, clientID, http.StatusOK, e.response(), f)
		return
	}
	s.writeSigned(w, r, clientID, http.StatusOK, resp, f)
}

// checkHeaders requires the headers of docs/protocol/ams.md §1.4 that the signature needs.
func (s *Server) checkHeaders(r *http.Request) *apiError {
	switch id := r.Header.Get("Client-Id"); {
	case id == "":
		return paramIllegal("header Client-Id", "is required")
	case id != s.clientID:
		return fail("CLIENT_INVALID", "The client ID %s is invalid.", truncate(id, 64))
	}
	if r.Header.Get("Request-Time") == "" {
		return paramIllegal("header Request-Time", "is required")
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			return fail("MEDIA_TYPE_NOT_ACCEPTABLE", "Content-Type must be application/json.")
		}
	}
	return nil
}

// verifyRequest checks the Signature header over "POST <path and
// query>\n<client-id>.<request-time>.<body>" with the merchant's key.
func (s *Server) verifyRequest(r *http.Request, body []byte) bool {
	h, err := alipay.ParseSignatureHeader(r.Header.Get("Signature"))
	if err != nil {
		return false
	}
	content := alipay.SignContent(http.MethodPost, r.URL.RequestURI(), r.Header.Get("Client-Id"), r.Header.Get("Request-Time"), body)
	return s.verifier.Verify(content, h.Signature) == nil
}

// writeSigned writes v as JSON signed over the URI that was called, with
// Response-Time in ISO 8601; f may drop the answer or spoil its signature.
func (s *Server) writeSigned(w http.ResponseWriter, r *http.Request, clientID string, status int, v any, f Fault) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "alipaytest: encoding response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	if f.Kind == DropResponse {
		dropConnection(w)
		return
	}
	respTime := isoTime(s.now())
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=UTF-8")
	h.Set("Client-Id", clientID)
	h.Set("Response-Time", respTime)
	if f.Kind != MissingSignature {
		sig, err := s.signer.Sign(r.Context(), alipay.SignContent(http.MethodPost, r.URL.RequestURI(), clientID, respTime, body))
		if err != nil {
			http.Error(w, "alipaytest: signing response: "+err.Error(), http.StatusInternalServerError)
			return
		}
		if f.Kind == BadSignature {
			sig[len(sig)/2] ^= 0xff
		}
		h.Set("Signature", alipay.SignatureHeader{Algorithm: alipay.AlgorithmRSA256, KeyVersion: alipay.DefaultKeyVersion, Signature: sig}.Encode())
		if api, ok := apiName(r.URL.Path); ok && status == http.StatusOK && f.Kind == NoFault && bytes.Contains(body, []byte(`"resultStatus":"S"`)) {
			s.record(api, h.Clone(), body)
		}
	}
	w.WriteHeader(status)
	w.Write(body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	w.Write(body)
}

// dropConnection closes the connection without an answer.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler) // the server closes the connection quietly
}

// sleep waits d or until ctx ends, and reports whether it waited d.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
