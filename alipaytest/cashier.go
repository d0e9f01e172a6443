package alipaytest

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/xborderpay/alipay"
)

// The cashier page stands in for the wallet's checkout at normalUrl: it
// shows the order and the amount with Pay and Decline buttons, which post
// back to the same URL. Either way the user is then sent to
// paymentRedirectUrl, as Antom does (the result page is not proof of
// payment; the notification and inquiryPayment are).

var cashierPage = template.Must(template.New("cashier").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>alipaytest cashier</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:sans-serif;max-width:28em;margin:3em auto;padding:0 1em}
.amount{font-size:2em;margin:.5em 0}button{font-size:1.1em;padding:.5em 1.5em;margin-right:1em}</style>
</head><body>
<p>alipaytest — fake {{.Method}} cashier (no real money moves)</p>
<h1>{{if .Description}}{{.Description}}{{else}}Order {{.OrderID}}{{end}}</h1>
<p class="amount" id="amount">{{.Amount}}</p>
<p>Payment <code id="payment-id">{{.PaymentID}}</code>, status <strong id="status">{{.Status}}</strong></p>
{{if .Payable}}<form method="post">
<button type="submit" name="action" value="pay" id="pay">Pay</button>
<button type="submit" name="action" value="decline" id="decline">Decline</button>
</form>{{else}}<p>This payment is no longer waiting for you.{{if .RedirectURL}} <a href="{{.RedirectURL}}">Back to the merchant</a>{{end}}</p>{{end}}
</body></html>
`))

type cashierView struct {
	Method, Description, OrderID, Amount, PaymentID, Status string
	RedirectURL                                             template.URL
	Payable                                                 bool
}

func (s *Server) serveCashier(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/cashier/")
	var action string
	if r.Method == http.MethodPost {
		// Read the form before locking: a slow browser must not hold up
		// every other call to the server.
		action = r.PostFormValue("action")
	}
	s.mu.Lock()
	now := s.now()
	s.sweepLocked(now)
	p := s.paymentsByID[id]
	if p == nil {
		s.mu.Unlock()
		http.Error(w, "alipaytest: no payment "+truncate(id, 64), http.StatusNotFound)
		return
	}
	if p.session != nil {
		// A session's buyer chooses the method on the checkout page.
		s.mu.Unlock()
		http.Redirect(w, r, "/checkout/"+url.PathEscape(p.session.id), http.StatusSeeOther)
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		v := cashierView{
			Method: p.methodType, Description: p.description, OrderID: p.orderID,
			Amount: formatAmount(p.amount), PaymentID: p.id, Status: p.status,
			Payable: p.status == StatusProcessing,
		}
		if isWebURL(p.redirectURL) {
			v.RedirectURL = template.URL(p.redirectURL)
		}
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		cashierPage.Execute(w, v)
	case http.MethodPost:
		var err error
		switch action {
		case "pay":
			err = s.finishLocked(p, true, now)
		case "decline":
			err = s.finishLocked(p, false, now)
		default:
			err = fmt.Errorf("action must be pay or decline, not %q", truncate(action, 16))
		}
		redirect := p.redirectURL
		s.mu.Unlock()
		answerBuyer(w, r, err, redirect)
	default:
		s.mu.Unlock()
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// answerBuyer answers the buyer's choice on a cashier or checkout page:
// back to the merchant's page when it took, else why not (409 when the
// payment can no longer be paid).
func answerBuyer(w http.ResponseWriter, r *http.Request, err error, redirect string) {
	switch {
	case errors.Is(err, ErrNotPayable):
		http.Error(w, err.Error(), http.StatusConflict)
	case err != nil:
		http.Error(w, "alipaytest: "+err.Error(), http.StatusBadRequest)
	default:
		http.Redirect(w, r, redirect, http.StatusSeeOther)
	}
}

// serveAppLink stands in for an App Link / Universal Link: with no wallet
// app on the machine it falls back to the web cashier.
func (s *Server) serveAppLink(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/applink/")
	http.Redirect(w, r, "/cashier/"+url.PathEscape(id), http.StatusFound)
}

var logoSVG = template.Must(template.New("logo").Parse(`<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" rx="6" fill="#1677ff"/><text x="60" y="25" font-family="sans-serif" font-size="12" fill="#fff" text-anchor="middle">{{.}}</text></svg>`))

func serveLogo(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/logo/"), ".svg")
	if _, ok := findMethod(name); !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	logoSVG.Execute(w, name)
}

var indexPage = template.Must(template.New("index").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>alipaytest</title></head><body>
<h1>alipaytest fake Antom gateway</h1><p>Client ID <code>{{.ClientID}}</code>. API under <code>/ams/api/</code> and <code>/ams/sandbox/api/</code>.</p>
<table><tr><th>paymentRequestId</th><th>amount</th><th>status</th></tr>
{{range .Payments}}<tr><td><a href="/cashier/{{.ID}}">{{.RequestID}}</a></td><td>{{.Amount}}</td><td>{{.Status}}</td></tr>
{{end}}</table></body></html>
`))

func (s *Server) serveIndex(w http.ResponseWriter, r *http.Request) {
	type row struct{ ID, RequestID, Amount, Status string }
	s.mu.Lock()
	s.sweepLocked(s.now())
	rows := make([]row, 0, len(s.payments))
	for _, p := range s.payments {
		rows = append(rows, row{p.id, p.requestID, formatAmount(p.amount), p.status})
	}
	s.mu.Unlock()
	sort.Slice(rows, func(i, j int) bool { return rows[i].ID < rows[j].ID })
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	indexPage.Execute(w, struct {
		ClientID string
		Payments []row
	}{s.clientID, rows})
}

func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https")
}

// formatAmount shows a minor-unit amount in major units, "USD 10.25", or
// as it came when its currency has no ISO 4217 minor unit.
func formatAmount(a wireAmount) string {
	if d, err := (alipay.Amount{Currency: a.Currency, Value: a.Value}).Decimal(); err == nil {
		return a.Currency + " " + d
	}
	return a.Currency + " " + a.Value + " (minor units)"
}
