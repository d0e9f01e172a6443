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
// payment; the notification and inquiryPayment are). For BLIK, P24 and
// IDEAL without their extra information in pay, the page first asks for it
// (extrainfo.go) and Pay needs a valid value.

var cashierPage = template.Must(template.New("cashier").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>alipaytest cashier</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:sans-serif;max-width:28em;margin:3em auto;padding:0 1em}
.amount{font-size:2em;margin:.5em 0}.error{color:#b00}button{font-size:1.1em;padding:.5em 1.5em;margin-right:1em}</style>
</head><body>
<p>alipaytest — fake {{.Method}} cashier (no real money moves)</p>
<h1>{{if .Description}}{{.Description}}{{else}}Order {{.OrderID}}{{end}}</h1>
<p class="amount" id="amount">{{.Amount}}</p>
<p>Payment <code id="payment-id">{{.PaymentID}}</code>, status <strong id="status">{{.Status}}</strong></p>
{{if .Error}}<p class="error" id="error">{{.Error}}</p>{{end}}
{{if .Payable}}<form method="post">
{{with .Extra}}<p><label for="extra">{{.Label}}</label>
{{if eq .Kind "select"}}<select name="extra" id="extra"><option value="">Choose…</option>{{range .Banks}}<option value="{{.BIC}}">{{.Name}}</option>{{end}}</select>
{{else}}<input name="extra" id="extra" type="{{.Kind}}"{{if eq .Key "blikCode"}} inputmode="numeric" autocomplete="one-time-code"{{end}}>{{end}}</p>
{{end}}<button type="submit" name="action" value="pay" id="pay">Pay</button>
<button type="submit" name="action" value="decline" id="decline">Decline</button>
</form>{{else}}<p>This payment is no longer waiting for you.{{if .RedirectURL}} <a href="{{.RedirectURL}}">Back to the merchant</a>{{end}}</p>{{end}}
</body></html>
`))

type cashierView struct {
	Method, Description, OrderID, Amount, PaymentID, Status string
	RedirectURL                                             template.URL
	Payable                                                 bool
	Extra                                                   *cashierExtra // the field to fill, if any
	Error                                                   string
}

// cashierExtra is the field Antom's page shows when pay did not carry the
// method's extra information.
type cashierExtra struct {
	Key, Label, Kind string
	Banks            []idealBank
}

// cashierExtraFor returns the field p still needs, or nil.
func cashierExtraFor(p *payment) *cashierExtra {
	m, _ := findMethod(p.methodType)
	if m.extra == nil || p.extra != "" {
		return nil
	}
	x := &cashierExtra{Key: m.extra.key, Label: m.extra.label, Kind: m.extra.kind}
	if x.Kind == "select" {
		x.Banks = idealBanks
	}
	return x
}

func (s *Server) serveCashier(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/cashier/")
	var action, extra string
	if r.Method == http.MethodPost {
		// Read the form before locking: a slow browser must not hold up
		// every other call to the server.
		action = r.PostFormValue("action")
		extra = strings.TrimSpace(r.PostFormValue("extra"))
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
	view := func() cashierView {
		v := cashierView{
			Method: p.methodType, Description: p.description, OrderID: p.orderID,
			Amount: formatAmount(p.amount), PaymentID: p.id, Status: p.status,
			Payable: p.status == StatusProcessing,
		}
		if v.Payable {
			v.Extra = cashierExtraFor(p)
		}
		if isWebURL(p.redirectURL) {
			v.RedirectURL = template.URL(p.redirectURL)
		}
		return v
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		v := view()
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		cashierPage.Execute(w, v)
	case http.MethodPost:
		var err error
		switch action {
		case "pay":
			if x := cashierExtraFor(p); x != nil && p.status == StatusProcessing {
				m, _ := findMethod(p.methodType)
				if cerr := m.extra.check(extra); cerr != nil {
					// Antom's page keeps the buyer there until the value
					// is right; nothing is paid.
					v := view()
					v.Error = x.Label + " " + cerr.Error() + "."
					s.mu.Unlock()
					w.Header().Set("Content-Type", "text/html; charset=utf-8")
					w.WriteHeader(http.StatusUnprocessableEntity)
					cashierPage.Execute(w, v)
					return
				}
				p.extra = extra
			}
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
