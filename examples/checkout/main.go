// Command checkout walks through a whole Antom cashier payment and prints a
// short transcript: consult, pay for an app and for the web, pick the
// redirect, the buyer pays, the notification arrives, inquiry, a partial
// refund and its inquiry.
//
// By default it runs offline, against the fake gateway of package
// alipaytest started in this process, and a simulated buyer pays on the
// fake's cashier page:
//
//	go run ./examples/checkout
//
// With ALIPAY_CLIENT_ID (a SANDBOX_ client ID), ALIPAY_PRIVATE_KEY and
// ALIPAY_PUBLIC_KEY set (PEM or bare base64, as Antom Dashboard shows them;
// ALIPAY_ENDPOINT optionally picks the host) it runs against the real Antom
// sandbox instead: it prints the cashier URL for you to open and pay with a
// sandbox wallet, then polls until the payment is final. Antom cannot reach
// this machine, so in that mode notifications go to the URL configured in
// Antom Dashboard, not to this program.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/alipaytest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "checkout:", err)
		os.Exit(1)
	}
}

// session is what the walk-through needs from its surroundings: a client,
// a notify URL and notifications (offline only), and a buyer.
type session struct {
	client    *alipay.Client
	notifyURL string                      // "" against the real sandbox
	notified  <-chan *alipay.Notification // nil against the real sandbox
	// pay has the buyer pay at the given URL, and says what happened.
	pay func(ctx context.Context, w io.Writer, payURL, paymentRequestID string) error
}

// run runs the walk-through and writes its transcript to w. getenv reads
// the configuration (os.Getenv in main).
func run(ctx context.Context, w io.Writer, getenv func(string) string) error {
	s, cleanup, err := setup(w, getenv)
	if err != nil {
		return err
	}
	defer cleanup()
	return checkout(ctx, w, s)
}

func setup(w io.Writer, getenv func(string) string) (*session, func(), error) {
	clientID, privateKey, publicKey := getenv("ALIPAY_CLIENT_ID"), getenv("ALIPAY_PRIVATE_KEY"), getenv("ALIPAY_PUBLIC_KEY")
	if clientID == "" && privateKey == "" && publicKey == "" {
		return offline(w)
	}
	var missing []string
	for _, name := range []string{"ALIPAY_CLIENT_ID", "ALIPAY_PRIVATE_KEY", "ALIPAY_PUBLIC_KEY"} {
		if getenv(name) == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return nil, nil, fmt.Errorf("to use the real Antom sandbox set ALIPAY_CLIENT_ID, ALIPAY_PRIVATE_KEY and ALIPAY_PUBLIC_KEY; missing: %s", strings.Join(missing, ", "))
	}
	if !strings.HasPrefix(clientID, "SANDBOX_") {
		return nil, nil, errors.New("ALIPAY_CLIENT_ID must be a SANDBOX_ client ID: this example pays and refunds, and runs only against the sandbox")
	}
	endpoint := getenv("ALIPAY_ENDPOINT")
	if endpoint == "" {
		endpoint = alipay.EndpointAsia
	}
	c, err := alipay.NewClient(clientID, alipay.WithPrivateKey(privateKey), alipay.WithAlipayPublicKey(publicKey), alipay.WithEndpoint(endpoint))
	if err != nil {
		return nil, nil, err
	}
	fmt.Fprintf(w, "Real Antom sandbox at %s, client ID %s.\n\n", endpoint, clientID)
	return &session{client: c, pay: waitForBuyer(c)}, func() {}, nil
}

// offline starts the fake gateway and a local notification endpoint.
func offline(w io.Writer) (*session, func(), error) {
	srv := alipaytest.NewServer()
	c := srv.Client()

	notified := make(chan *alipay.Notification, 8)
	mux := http.NewServeMux()
	mux.Handle("/alipay/notify", c.NotificationHandler(func(ctx context.Context, n *alipay.Notification) error {
		select {
		case notified <- n:
			return nil
		case <-ctx.Done():
			return ctx.Err() // not acknowledged: the gateway sends it again
		}
	}))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go hs.Serve(l)
	cleanup := func() {
		srv.Close() // stops the notification sender first
		hs.Close()
	}
	fmt.Fprintf(w, "Offline: fake Antom gateway (alipaytest) at %s, client ID %s.\n", srv.URL, srv.ClientID())
	fmt.Fprintln(w, "Set ALIPAY_CLIENT_ID, ALIPAY_PRIVATE_KEY and ALIPAY_PUBLIC_KEY to use the real Antom sandbox.")
	fmt.Fprintln(w)
	return &session{
		client:    c,
		notifyURL: "http://" + l.Addr().String() + "/alipay/notify",
		notified:  notified,
		pay:       cashierBuyer,
	}, cleanup, nil
}

func checkout(ctx context.Context, w io.Writer, s *session) error {
	c := s.client
	amount, err := alipay.NewAmount("25.00", "USD")
	if err != nil {
		return err
	}
	order := alipay.Order{ReferenceOrderID: "order-" + newID(), OrderDescription: "Two ceramic mugs", OrderAmount: amount}
	web := alipay.Env{TerminalType: alipay.TerminalTypeWeb}
	app := alipay.Env{TerminalType: alipay.TerminalTypeApp, OSType: alipay.OSTypeAndroid}

	// 1. Which methods can take USD 25.00 on the web?
	consult, err := c.Consult(ctx, &alipay.ConsultRequest{PaymentAmount: amount, Env: web})
	if err != nil {
		return fmt.Errorf("consult: %w", err)
	}
	var enabled []string
	for _, o := range consult.PaymentOptions {
		if o.Enabled {
			enabled = append(enabled, string(o.PaymentMethodType))
		}
	}
	fmt.Fprintf(w, "1. consult %s on WEB: %s\n", show(amount), strings.Join(enabled, ", "))

	// 2. Pay from an Android app: the app opens the first redirect.
	appPay, err := c.Pay(ctx, payRequest(order, amount, app, s.notifyURL))
	if err != nil {
		return fmt.Errorf("pay (APP): %w", err)
	}
	r := appPay.Redirects(app)
	if len(r) == 0 {
		return errors.New("pay (APP): no redirect in the response")
	}
	fmt.Fprintf(w, "2. pay APP/ANDROID %s: %s; the app opens %s %s\n", appPay.PaymentRequestID, appPay.Result.ResultCode, r[0].Kind, r[0].URL)

	// 3. The same order paid on the web instead, with a new paymentRequestId.
	webReq := payRequest(order, amount, web, s.notifyURL)
	webPay, err := c.Pay(ctx, webReq)
	if err != nil {
		return fmt.Errorf("pay (WEB): %w", err)
	}
	payURL := webPay.RedirectURL(web)
	fmt.Fprintf(w, "3. pay WEB %s: %s; the browser opens %s\n", webPay.PaymentRequestID, webPay.Result.ResultCode, payURL)

	// 4. The buyer pays.
	if err := s.pay(ctx, w, payURL, webPay.PaymentRequestID); err != nil {
		return err
	}

	// 5. The notification is the proof of payment (with inquiry, below).
	if s.notified != nil {
		n, err := receive(ctx, s.notified)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "5. notification %s %s for %s: verified and acknowledged\n", n.NotifyType, n.Result.ResultStatus, n.Payment.PaymentRequestID)
	} else {
		fmt.Fprintln(w, "5. notification: sent by Antom to the notify URL of your Dashboard")
	}

	// 6. Inquiry.
	inq, err := c.InquiryPayment(ctx, &alipay.InquiryPaymentRequest{PaymentRequestID: webPay.PaymentRequestID})
	if err != nil {
		return fmt.Errorf("inquiryPayment: %w", err)
	}
	fmt.Fprintf(w, "6. inquiryPayment: %s, paid %s\n", inq.PaymentStatus, show(inq.PaymentAmount))
	if inq.PaymentStatus != alipay.PaymentStatusSuccess {
		return fmt.Errorf("the payment ended %s; nothing to refund", inq.PaymentStatus)
	}

	// 7. A partial refund: one mug comes back.
	back, err := alipay.NewAmount("12.50", "USD")
	if err != nil {
		return err
	}
	ref, err := c.Refund(ctx, &alipay.RefundRequest{
		RefundRequestID: "refund-" + newID(),
		PaymentID:       webPay.PaymentID,
		RefundAmount:    back,
		RefundReason:    "one mug returned",
		RefundNotifyURL: s.notifyURL,
	})
	if err != nil {
		return fmt.Errorf("refund: %w", err)
	}
	fmt.Fprintf(w, "7. refund %s: %s, refundId %s\n", show(back), ref.Result.ResultCode, ref.RefundID)
	if s.notified != nil {
		n, err := receive(ctx, s.notified)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "   notification %s %s: refund %s\n", n.NotifyType, n.Result.ResultStatus, n.Refund.RefundStatus)
	}

	// 8. Refund inquiry.
	ir, err := c.InquiryRefund(ctx, &alipay.InquiryRefundRequest{RefundRequestID: ref.RefundRequestID})
	if err != nil {
		return fmt.Errorf("inquiryRefund: %w", err)
	}
	fmt.Fprintf(w, "8. inquiryRefund: %s, %s refunded\n", ir.RefundStatus, show(ir.RefundAmount))
	return nil
}

func payRequest(order alipay.Order, amount alipay.Amount, env alipay.Env, notifyURL string) *alipay.PayRequest {
	return &alipay.PayRequest{
		PaymentRequestID:   "pay-" + newID(),
		Order:              order,
		PaymentAmount:      amount,
		PaymentMethod:      alipay.PaymentMethod{PaymentMethodType: "ALIPAY_CN"},
		PaymentRedirectURL: "https://shop.example/orders/" + order.ReferenceOrderID + "/return",
		PaymentNotifyURL:   notifyURL,
		Env:                env,
	}
}

// cashierBuyer is the simulated buyer: it opens the fake's cashier page and
// presses Pay, as a person would in a browser.
func cashierBuyer(ctx context.Context, w io.Writer, payURL, _ string) error {
	browser := &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, // the shop's return page is not on this machine
	}
	get, err := http.NewRequestWithContext(ctx, http.MethodGet, payURL, nil)
	if err != nil {
		return err
	}
	page, err := browser.Do(get)
	if err != nil {
		return fmt.Errorf("opening the cashier page: %w", err)
	}
	page.Body.Close()
	if page.StatusCode != http.StatusOK {
		return fmt.Errorf("cashier page: HTTP %d", page.StatusCode)
	}
	post, err := http.NewRequestWithContext(ctx, http.MethodPost, payURL, strings.NewReader(url.Values{"action": {"pay"}}.Encode()))
	if err != nil {
		return err
	}
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := browser.Do(post)
	if err != nil {
		return fmt.Errorf("paying on the cashier page: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("paying on the cashier page: HTTP %d", resp.StatusCode)
	}
	fmt.Fprintf(w, "4. the buyer presses Pay on the cashier page and is sent back to %s\n", resp.Header.Get("Location"))
	return nil
}

// waitForBuyer asks the person running the example to pay, then polls.
func waitForBuyer(c *alipay.Client) func(context.Context, io.Writer, string, string) error {
	return func(ctx context.Context, w io.Writer, payURL, id string) error {
		fmt.Fprintf(w, "4. open %s and pay with a sandbox wallet; waiting up to 10 minutes...\n", payURL)
		ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
		defer cancel()
		inq, err := c.WaitForPayment(ctx, &alipay.InquiryPaymentRequest{PaymentRequestID: id}, alipay.WaitOptions{})
		if err != nil {
			return fmt.Errorf("waiting for the payment: %w", err)
		}
		fmt.Fprintf(w, "   the payment is %s\n", inq.PaymentStatus)
		return nil
	}
}

func receive(ctx context.Context, ch <-chan *alipay.Notification) (*alipay.Notification, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	select {
	case n := <-ch:
		return n, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for a notification: %w", ctx.Err())
	}
}

// show formats an amount in major units: "USD 25.00".
func show(a alipay.Amount) string {
	d, err := a.Decimal()
	if err != nil {
		return a.Currency + " " + a.Value + " (minor units)"
	}
	return a.Currency + " " + d
}

// newID returns a short random suffix for request IDs, which must be new
// for every payment attempt and refund.
func newID() string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return fmt.Sprint(time.Now().UnixNano())
	}
	return hex.EncodeToString(b)
}
