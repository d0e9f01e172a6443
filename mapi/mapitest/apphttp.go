package mapitest

import (
	"errors"
	"fmt"
	"net/http"
)

// serveApp lets what cannot call Pay or Open in Go (a PHP backend's test
// script, a phone pointed at the server) act as the Alipay app over HTTP:
// POST /app/pay or /app/open with the order string in the form field
// "order". /app/pay answers the app SDK's synchronous result, /app/open the
// trade number; a refused order is 400 with the app's error code and
// reason, as text/plain.
func (s *Server) serveApp(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST the order string in the form field order", http.StatusMethodNotAllowed)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	order := r.PostFormValue("order")
	if order == "" {
		http.Error(w, "no order string in the form field order", http.StatusBadRequest)
		return
	}
	var out string
	var err error
	if r.URL.Path == "/app/open" {
		var t Trade
		if t, err = s.Open(r.Context(), order); err == nil {
			out = t.TradeNo
		}
	} else {
		var p *Payment
		if p, err = s.Pay(r.Context(), order); err == nil {
			out = p.AppResult
		}
	}
	var ae *AppError
	switch {
	case errors.As(err, &ae):
		http.Error(w, ae.Code+": "+ae.Reason, http.StatusBadRequest)
	case err != nil:
		http.Error(w, err.Error(), http.StatusInternalServerError)
	default:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, out)
	}
}
