package main

import (
	"context"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/skip2/go-qrcode"
	"github.com/xborderpay/alipay"
)

//go:embed templates/*.html
var templateFS embed.FS

type pages struct{ t *template.Template }

func loadPages() (*pages, error) {
	t, err := template.ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	return &pages{t: t}, nil
}

// Product is something the shop sells. Prices are minor units.
type Product struct {
	ID    string
	Name  string
	Price alipay.Amount
}

var products = []Product{
	{"mug", "Tea mug", alipay.Amount{Currency: "USD", Value: "1250"}},
	{"tee", "T-shirt", alipay.Amount{Currency: "EUR", Value: "2500"}},
	{"pen", "Fountain pen", alipay.Amount{Currency: "HKD", Value: "39900"}},
	// Priced in złoty so that consult offers BLIK and P24, the methods
	// that need extra information from the buyer.
	{"candle", "Beeswax candle", alipay.Amount{Currency: "PLN", Value: "4900"}},
}

func productByID(id string) (Product, bool) {
	for _, p := range products {
		if p.ID == id {
			return p, true
		}
	}
	return Product{}, false
}

func price(a alipay.Amount) string {
	d, err := a.Decimal()
	if err != nil {
		return a.Value + " " + a.Currency
	}
	return d + " " + a.Currency
}

// Handler serves the shop's pages, its JSON API for apps, and Antom's
// notifications.
func (s *Shop) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("POST /orders", s.newOrder)
	mux.HandleFunc("GET /orders/{id}", s.checkoutPage)
	mux.HandleFunc("POST /orders/{id}/pay", s.payForm)
	mux.HandleFunc("GET /attempts/{rid}", s.redirectPage)
	mux.HandleFunc("GET /orders/{id}/result", s.resultPage)
	mux.Handle("POST /alipay/notify", s.antom.NotificationHandler(s.handleNotification))
	mux.HandleFunc("POST /api/orders", s.apiNewOrder)
	mux.HandleFunc("POST /api/orders/{id}/pay", s.apiPay)
	mux.HandleFunc("GET /api/orders/{id}", s.apiOrder)
	mux.HandleFunc("GET /admin/reconcile", s.adminReconcile)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Forms and API bodies are small; the notification handler bounds
		// its own reads.
		if r.URL.Path != "/alipay/notify" {
			r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		}
		mux.ServeHTTP(w, r)
	})
}

type pageData map[string]any

func (s *Shop) render(w http.ResponseWriter, status int, name string, d pageData) {
	if d["Title"] == nil {
		d["Title"] = name
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := s.pages.t.ExecuteTemplate(w, name, d); err != nil {
		s.log.Error("render", "page", name, "err", err)
	}
}

func (s *Shop) fail(w http.ResponseWriter, err error) {
	s.log.Error("request failed", "err", err)
	http.Error(w, "Something went wrong on our side; please try again.", http.StatusInternalServerError)
}

func (s *Shop) home(w http.ResponseWriter, r *http.Request) {
	type row struct{ ID, Name, Price string }
	var rows []row
	for _, p := range products {
		rows = append(rows, row{p.ID, p.Name, price(p.Price)})
	}
	s.render(w, http.StatusOK, "home", pageData{"Title": "Products", "Products": rows})
}

func (s *Shop) newOrder(w http.ResponseWriter, r *http.Request) {
	p, ok := productByID(r.FormValue("product"))
	if !ok {
		http.Error(w, "no such product", http.StatusBadRequest)
		return
	}
	o, err := s.createOrder(r.Context(), newID("order-"), p.Name, p.Price)
	if err != nil {
		s.fail(w, err)
		return
	}
	http.Redirect(w, r, "/orders/"+o.ID, http.StatusSeeOther)
}

// checkoutPage is step 1 of Antom's guide: consult for this device, then a
// two-level menu with the merchant's order, logos and promotions, the
// disabled methods greyed out with their reason, and the extra fields
// some methods need.
func (s *Shop) checkoutPage(w http.ResponseWriter, r *http.Request) {
	s.showCheckout(w, r, http.StatusOK, deviceOf(r.FormValue("device"), r.UserAgent()), "", "")
}

func (s *Shop) showCheckout(w http.ResponseWriter, r *http.Request, status int, d Device, method, msg string) {
	o, err := s.order(r.Context(), r.PathValue("id"))
	if errors.Is(err, errNotFound) {
		http.NotFound(w, r)
		return
	} else if err != nil {
		s.fail(w, err)
		return
	}
	if o.Status != OrderOpen {
		http.Redirect(w, r, "/orders/"+o.ID+"/result", http.StatusSeeOther)
		return
	}
	groups, disabled, err := s.paymentMenu(r.Context(), o, d)
	if err != nil {
		// Without consult there is nothing to choose from; say so rather
		// than guess.
		s.log.Error("consult failed", "order", o.ID, "err", err)
		msg = "Payment methods cannot be shown just now; please reload the page in a moment."
		status = http.StatusServiceUnavailable
	}
	s.render(w, status, "checkout", pageData{"Title": "Checkout", "Order": o, "Price": price(o.Amount), "Groups": groups,
		"Disabled": disabled, "Device": d, "Devices": []Device{DeviceWeb, DeviceWapIOS, DeviceWapAndroid},
		"Method": method, "Error": msg})
}

// payForm is step 2: pay, then send the buyer where their device needs.
func (s *Shop) payForm(w http.ResponseWriter, r *http.Request) {
	d := deviceOf(r.FormValue("device"), r.UserAgent())
	method := r.FormValue("method")
	if method == "" {
		s.showCheckout(w, r, http.StatusBadRequest, d, "", "Choose a payment method.")
		return
	}
	res, err := s.Pay(r.Context(), PayInput{OrderID: r.PathValue("id"), Method: method, Device: d, Form: r.FormValue})
	var be *BuyerError
	switch {
	case errors.As(err, &be):
		s.showCheckout(w, r, http.StatusBadRequest, d, method, be.Msg)
		return
	case err != nil:
		s.fail(w, err)
		return
	}
	a := res.Attempt
	switch a.Status {
	case AttemptProcessing:
		if len(res.Redirects) == 0 {
			// Nowhere to send the buyer: Antom's guide says to pay again
			// with a new paymentRequestId; this one expires unpaid.
			s.showCheckout(w, r, http.StatusOK, d, method, "The payment page could not be opened. Please try again.")
			return
		}
		if d == DeviceWeb {
			http.Redirect(w, r, "/attempts/"+a.RequestID, http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, res.Redirects[0].URL, http.StatusSeeOther)
		return
	case AttemptFail, AttemptAbandoned:
		// Antom refused: the buyer may try again, which is a new attempt
		// with a new paymentRequestId.
		s.showCheckout(w, r, http.StatusOK, d, method, fmt.Sprintf("The payment could not be started (%s). Try again or choose another method.", a.ResultCode))
		return
	}
	http.Redirect(w, r, "/orders/"+a.OrderID+"/result?attempt="+a.RequestID, http.StatusSeeOther)
}

// redirectPage sends a desktop buyer on: the order code as a QR code when
// Antom gave one (the buyer scans it with the wallet), and a link to the
// payment page either way.
func (s *Shop) redirectPage(w http.ResponseWriter, r *http.Request) {
	a, err := s.attempt(r.Context(), s.db, r.PathValue("rid"))
	if errors.Is(err, errNotFound) {
		http.NotFound(w, r)
		return
	} else if err != nil {
		s.fail(w, err)
		return
	}
	if a.Status != AttemptProcessing {
		http.Redirect(w, r, "/orders/"+a.OrderID+"/result?attempt="+a.RequestID, http.StatusSeeOther)
		return
	}
	var redirects []alipay.Redirect
	_ = json.Unmarshal([]byte(a.Redirects), &redirects)
	d := pageData{"Title": "Pay", "Attempt": a, "Refresh": 5}
	for _, rd := range redirects {
		switch rd.Kind {
		case alipay.RedirectKindCodeValue:
			if png, err := qrcode.Encode(rd.URL, qrcode.Medium, 200); err == nil && d["QR"] == nil {
				d["QR"] = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
			}
		default:
			if d["URL"] == nil && (strings.HasPrefix(rd.URL, "https://") || strings.HasPrefix(rd.URL, "http://")) {
				d["URL"] = rd.URL
			}
		}
	}
	s.render(w, http.StatusOK, "redirect", d)
}

// resultPageInquiryGap is the least time between two inquiries the result
// page makes about one payment, however often buyers reload it.
const resultPageInquiryGap = 3 * time.Second

// resultPage is where the buyer lands from the payment method, or comes
// back to. The URL proves nothing (anyone can type it): the page shows what
// the database says, and asks Antom first when the payment is still open
// (step 3.3 of Antom's guide: inquire before showing the result).
func (s *Shop) resultPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	o, err := s.order(ctx, r.PathValue("id"))
	if errors.Is(err, errNotFound) {
		http.NotFound(w, r)
		return
	} else if err != nil {
		s.fail(w, err)
		return
	}
	attempts, err := s.attemptsOf(ctx, o.ID)
	if err != nil {
		s.fail(w, err)
		return
	}
	waiting, failure, continueID := false, "", ""
	if o.Status == OrderOpen {
		for _, a := range attempts {
			if a.Open() && s.now().Sub(a.CheckedAt) >= resultPageInquiryGap {
				if ok, err := s.claim(ctx, "payment_attempts", a.RequestID); err == nil && ok {
					s.resolveAttempt(ctx, a.RequestID)
				}
			}
		}
		if o, err = s.order(ctx, o.ID); err != nil {
			s.fail(w, err)
			return
		}
		if attempts, err = s.attemptsOf(ctx, o.ID); err != nil {
			s.fail(w, err)
			return
		}
		for _, a := range attempts {
			waiting = waiting || a.Open()
			if a.Status == AttemptProcessing && a.Redirects != "[]" && a.Redirects != "null" {
				continueID = a.RequestID // the latest one with somewhere to go
			}
			if a.Status == AttemptFail && a.ResultCode != "" {
				failure = a.ResultCode
			}
		}
	}
	type refund struct{ Amount, Status string }
	var refunds []refund
	rows, err := s.db.QueryContext(ctx, `SELECT amount_minor, currency, status FROM refunds WHERE order_id = $1`, o.ID)
	if err != nil {
		s.fail(w, err)
		return
	}
	for rows.Next() {
		var amt int64
		var cur, st string
		if rows.Scan(&amt, &cur, &st) == nil {
			refunds = append(refunds, refund{price(amountOf(amt, cur)), st})
		}
	}
	rows.Close()
	d := pageData{"Title": "Order " + o.ID, "Order": o, "Price": price(o.Amount), "Waiting": waiting && o.Status == OrderOpen,
		"Failure": failure, "Refunds": refunds, "Continue": continueID}
	if waiting && o.Status == OrderOpen {
		d["Refresh"] = 3
	}
	s.render(w, http.StatusOK, "result", d)
}

// The JSON API: what a mobile app's backend calls. The app opens the
// first redirect it can (applinkUrl, schemeUrl, normalUrl in Antom's order).

type apiPayRequest struct {
	Method string            `json:"method"`
	Device Device            `json:"device"`
	Extra  map[string]string `json:"extra,omitempty"`
}

type apiPayResponse struct {
	PaymentRequestID string        `json:"paymentRequestId"`
	Status           string        `json:"status"`
	ResultCode       string        `json:"resultCode,omitempty"`
	Redirects        []apiRedirect `json:"redirects,omitempty"`
}

// apiRedirect is one of PayResponse.Redirects, in the order to try them.
type apiRedirect struct {
	Kind alipay.RedirectKind `json:"kind"`
	URL  string              `json:"url"`
}

type apiOrderResponse struct {
	ID       string            `json:"id"`
	Status   string            `json:"status"`
	Amount   alipay.Amount     `json:"amount"`
	PaidBy   string            `json:"paidBy,omitempty"`
	Attempts []apiPayResponse  `json:"attempts"`
	Refunds  map[string]string `json:"refunds,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Shop) apiNewOrder(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Product string `json:"product"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "body is not a JSON object"})
		return
	}
	p, ok := productByID(req.Product)
	if !ok {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "no such product"})
		return
	}
	o, err := s.createOrder(r.Context(), newID("order-"), p.Name, p.Price)
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"id": o.ID})
}

func (s *Shop) apiPay(w http.ResponseWriter, r *http.Request) {
	var req apiPayRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "body is not a JSON object"})
		return
	}
	res, err := s.Pay(r.Context(), PayInput{OrderID: r.PathValue("id"), Method: req.Method, Device: deviceOf(string(req.Device), ""),
		Form: func(k string) string { return req.Extra[k] }})
	var be *BuyerError
	switch {
	case errors.As(err, &be):
		writeJSON(w, http.StatusConflict, map[string]string{"error": be.Msg})
		return
	case err != nil:
		s.fail(w, err)
		return
	}
	out := apiPayResponse{PaymentRequestID: res.Attempt.RequestID, Status: res.Attempt.Status, ResultCode: res.Attempt.ResultCode}
	for _, r := range res.Redirects {
		out.Redirects = append(out.Redirects, apiRedirect{Kind: r.Kind, URL: r.URL})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Shop) apiOrder(w http.ResponseWriter, r *http.Request) {
	o, err := s.order(r.Context(), r.PathValue("id"))
	if errors.Is(err, errNotFound) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such order"})
		return
	} else if err != nil {
		s.fail(w, err)
		return
	}
	attempts, err := s.attemptsOf(r.Context(), o.ID)
	if err != nil {
		s.fail(w, err)
		return
	}
	resp := apiOrderResponse{ID: o.ID, Status: o.Status, Amount: o.Amount, PaidBy: o.PaidRequestID, Attempts: []apiPayResponse{}}
	for _, a := range attempts {
		resp.Attempts = append(resp.Attempts, apiPayResponse{PaymentRequestID: a.RequestID, Status: a.Status, ResultCode: a.ResultCode})
	}
	writeJSON(w, http.StatusOK, resp)
}

// adminReconcile runs the reconciliation for ?day=YYYY-MM-DD (default
// today, UTC) and lists the discrepancies, one a line.
func (s *Shop) adminReconcile(w http.ResponseWriter, r *http.Request) {
	day := s.now()
	if v := r.FormValue("day"); v != "" {
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			http.Error(w, "day must be YYYY-MM-DD", http.StatusBadRequest)
			return
		}
		day = t
	}
	ctx, cancel := context.WithTimeout(r.Context(), time.Minute)
	defer cancel()
	ds, err := s.Reconcile(ctx, day)
	if err != nil {
		s.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "%s: %d discrepancies\n", day.Format(time.DateOnly), len(ds))
	for _, d := range ds {
		fmt.Fprintln(w, d)
	}
}
