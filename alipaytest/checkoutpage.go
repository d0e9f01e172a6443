package alipaytest

import (
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The checkout page stands in for Antom Checkout Page at a session's
// normalUrl (https://docs.antom.com/ac/cashierpay/HOSTEDCKP): it shows the
// order and amount, lists the methods the session offers, and the buyer
// picks one and pays or declines. The form posts back to the same URL;
// either way the buyer is then sent to paymentRedirectUrl, as Antom does
// when the Dashboard skips its own result page. After that the payment is
// like any other: notification, inquiry, refunds.

var checkoutPage = template.Must(template.New("checkout").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>alipaytest Checkout Page</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:sans-serif;max-width:30em;margin:3em auto;padding:0 1em}
.amount{font-size:2em;margin:.5em 0}label{display:flex;align-items:center;gap:.8em;margin:.4em 0}
button{font-size:1.1em;padding:.5em 1.5em;margin:1em 1em 0 0}</style>
</head><body>
<p>alipaytest — fake Antom Checkout Page (no real money moves)</p>
<h1>{{.Description}}</h1>
<p class="amount" id="amount">{{.Amount}}</p>
<p>Order <code id="order-id">{{.OrderID}}</code>, payment <code id="payment-id">{{.PaymentID}}</code>, status <strong id="status">{{.Status}}</strong></p>
{{if .Payable}}<p>Pay by <time id="expiry" datetime="{{.Expiry}}">{{.Expiry}}</time></p>
<form method="post" id="checkout">
<fieldset><legend>Choose a payment method</legend>
{{range $i, $m := .Methods}}<label><input type="radio" name="method" value="{{$m}}" id="method-{{$m}}"{{if eq $i 0}} checked{{end}}>
<img src="/logo/{{$m}}.svg" alt="" width="60" height="20"> {{$m}}</label>
{{end}}</fieldset>
<button type="submit" name="action" value="pay" id="pay">Pay</button>
<button type="submit" name="action" value="decline" id="decline">Decline</button>
</form>{{else}}<p id="closed">{{.Closed}}{{if .RedirectURL}} <a href="{{.RedirectURL}}">Back to the merchant</a>{{end}}</p>{{end}}
</body></html>
`))

type checkoutView struct {
	Lang, Description, OrderID, Amount, PaymentID, Status, Expiry, Closed string
	Methods                                                               []string
	RedirectURL                                                           template.URL
	Payable                                                               bool
}

func (s *Server) serveCheckout(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/checkout/")
	var action, choice string
	if r.Method == http.MethodPost {
		// Read the form before locking: a slow browser must not hold up
		// every other call to the server.
		action, choice = r.PostFormValue("action"), r.PostFormValue("method")
	}
	s.mu.Lock()
	now := s.now()
	s.sweepLocked(now)
	ss := s.sessions[id]
	if ss == nil {
		s.mu.Unlock()
		http.Error(w, "alipaytest: no payment session "+truncate(id, 64), http.StatusNotFound)
		return
	}
	p := ss.payment
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		v := checkoutView{
			Lang:        checkoutLang(ss.locale),
			Description: p.description, OrderID: p.orderID,
			Amount: formatAmount(p.amount), PaymentID: p.id, Status: p.status,
			Expiry:  isoTime(p.expiryTime),
			Payable: p.status == StatusProcessing,
		}
		for _, m := range ss.methods {
			v.Methods = append(v.Methods, m.typ)
		}
		switch {
		case v.Payable:
		case p.status == StatusFail && p.resultCode == "ORDER_IS_CLOSED":
			v.Closed = "This payment session expired at " + isoTime(p.expiryTime) + "."
		default:
			v.Closed = "This payment session is no longer waiting for you."
		}
		if isWebURL(p.redirectURL) {
			v.RedirectURL = template.URL(p.redirectURL)
		}
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		checkoutPage.Execute(w, v)
	case http.MethodPost:
		err := s.checkoutLocked(ss, action, choice, now)
		redirect := p.redirectURL
		s.mu.Unlock()
		answerBuyer(w, r, err, redirect)
	default:
		s.mu.Unlock()
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// checkoutLocked applies the buyer's choice: the method must be one the
// session offers (a declining buyer need not choose one).
func (s *Server) checkoutLocked(ss *session, action, choice string, now time.Time) error {
	p := ss.payment
	if p.status != StatusProcessing {
		return fmt.Errorf("%w: payment %q is %s", ErrNotPayable, p.requestID, p.status)
	}
	if action != "pay" && action != "decline" {
		return fmt.Errorf("action must be pay or decline, not %q", truncate(action, 16))
	}
	offered := slices.ContainsFunc(ss.methods, func(m method) bool { return m.typ == choice })
	switch {
	case offered:
		p.methodType = choice
	case choice != "" || action == "pay":
		return fmt.Errorf("method %q is not offered by this session", truncate(choice, 32))
	}
	return s.finishLocked(p, action == "pay", now)
}

// checkoutLang turns a locale such as en_US into an HTML language tag.
func checkoutLang(locale string) string {
	if locale == "" || strings.EqualFold(locale, "automatic") {
		return "en"
	}
	return strings.ReplaceAll(locale, "_", "-")
}
