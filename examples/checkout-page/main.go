// Command checkout-page walks through a payment on Antom Checkout Page and
// prints a short transcript: the merchant creates a payment session, the
// buyer opens the hosted page at its normalUrl, chooses a payment method
// there and pays, the notification arrives, inquiry, and a partial refund.
// Unlike examples/checkout, the merchant never picks the payment method: the
// session only narrows the choice (availablePaymentMethod).
//
// By default it runs offline, against the fake gateway of package
// alipaytest started in this process, and a simulated buyer chooses the
// first method on the fake's checkout page and pays:
//
//	go run ./examples/checkout-page
//
// With ALIPAY_CLIENT_ID (a SANDBOX_ client ID), ALIPAY_PRIVATE_KEY and
// ALIPAY_PUBLIC_KEY set (PEM or bare base64, as Antom Dashboard shows them;
// ALIPAY_ENDPOINT optionally picks the host, ALIPAY_SETTLEMENT_CURRENCY the
// settlement currency of your contract, USD by default) it runs against the
// real Antom sandbox instead: it prints the Checkout Page URL for you to
// open and pay with a sandbox wallet, then polls until the payment is final.
// Antom cannot reach this machine, so in that mode notifications go to the
// URL configured in Antom Dashboard, not to this program.
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
	"regexp"
	"strings"
	"time"

	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/alipaytest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "checkout-page:", err)
		os.Exit(1)
	}
}

// shop is what the walk-through needs from its surroundings: a client, a
// notify URL and notifications (offline only), and a buyer.
type shop struct {
	client     *alipay.Client
	settlement string
	notifyURL  string                      // "" against the real sandbox
	notified   <-chan *alipay.Notification // nil against the real sandbox
	// pay has the buyer pay on the Checkout Page at pageURL, and says
	// what happened.
	pay func(ctx context.Context, w io.Writer, pageURL, paymentRequestID string) error
}

// run runs the walk-through and writes its transcript to w. getenv reads
// the configuration (os.Getenv in main).
func run(ctx context.Context, w io.Writer, getenv func(string) string) error {
	s, cleanup, err := setup(w, getenv)
	if err != nil {
		return err
	}
	defer cleanup()
	return checkoutPage(ctx, w, s)
}

func setup(w io.Writer, getenv func(string) string) (*shop, func(), error) {
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
	settlement := getenv("ALIPAY_SETTLEMENT_CURRENCY")
	if settlement == "" {
		settlement = "USD"
	}
	c, err := alipay.NewClient(clientID, alipay.WithPrivateKey(privateKey), alipay.WithAlipayPublicKey(publicKey), alipay.WithEndpoint(endpoint))
	if err != nil {
		return nil, nil, err
	}
	fmt.Fprintf(w, "Real Antom sandbox at %s, client ID %s.\n\n", endpoint, clientID)
	return &shop{client: c, settlement: settlement, pay: waitForBuyer(c)}, func() {}, nil
}

// offline starts the fake gateway and a local notification endpoint.
func offline(w io.Writer) (*shop, func(), error) {
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
	return &shop{
		client:     c,
		settlement: "USD",
		notifyURL:  "http://" + l.Addr().String() + "/alipay/notify",
		notified:   notified,
		pay:        pageBuyer,
	}, cleanup, nil
}

func checkoutPage(ctx context.Context, w io.Writer, s *shop) error {
	c := s.client
	amount, err := alipay.NewAmount("100.00", "HKD")
	if err != nil {
		return err
	}
	orderID := "order-" + newID()
	rank := func(n int) *int { return &n }

	// 1. The session: the buyer may pay with Alipay HK, Alipay (mainland)
	// or a card, in that order, within 30 minutes.
	req := &alipay.PaymentSessionRequest{
		ProductCode:      alipay.ProductCodeCashierPayment,
		ProductScene:     alipay.ProductSceneCheckoutPayment,
		PaymentRequestID: "pay-" + newID(),
		Order: alipay.Order{
			ReferenceOrderID: orderID,
			OrderDescription: "Two ceramic mugs",
			OrderAmount:      amount,
		},
		PaymentAmount:      amount,
		SettlementStrategy: &alipay.SettlementStrategy{SettlementCurrency: s.settlement},
		PaymentRedirectURL: "https://shop.example/orders/" + orderID + "/return",
		PaymentNotifyURL:   s.notifyURL,
		// Antom checks the expiry against its own clock: stay well inside
		// its one-hour limit.
		PaymentSessionExpiryTime: time.Now().Add(30 * time.Minute),
		AvailablePaymentMethod: &alipay.AvailablePaymentMethod{PaymentMethodTypeList: []alipay.PaymentMethodTypeItem{
			{PaymentMethodType: alipay.PaymentMethodTypeAlipayHK, PaymentMethodOrder: rank(1)},
			{PaymentMethodType: alipay.PaymentMethodTypeAlipayCN, PaymentMethodOrder: rank(2)},
			{PaymentMethodType: alipay.PaymentMethodTypeCard, PaymentMethodOrder: rank(3)},
		}},
		Env: &alipay.Env{TerminalType: alipay.TerminalTypeWeb},
	}
	sess, err := c.CreatePaymentSession(ctx, req)
	if err != nil {
		return fmt.Errorf("createPaymentSession: %w", err)
	}
	fmt.Fprintf(w, "1. createPaymentSession %s for %s: %s, open until %s\n", req.PaymentRequestID, show(amount), sess.Result.ResultCode, sess.PaymentSessionExpiryTime.UTC().Format(time.RFC3339))
	if sess.NormalURL == "" {
		return errors.New("createPaymentSession: no normalUrl in the answer for a Checkout Page session")
	}

	// 2. A web shop sends the browser to the hosted page (an app would
	// hand PaymentSessionData to Antom's SDK instead).
	fmt.Fprintf(w, "2. the browser opens the Checkout Page %s\n", sess.NormalURL)
	if err := s.pay(ctx, w, sess.NormalURL, req.PaymentRequestID); err != nil {
		return err
	}

	// 4. The notification is the proof of payment (with inquiry, below).
	if s.notified != nil {
		n, err := receive(ctx, s.notified)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "4. notification %s %s for %s, paid with %s: verified and acknowledged\n", n.NotifyType, n.Result.ResultStatus, n.Payment.PaymentRequestID, n.Payment.PaymentMethodType)
	} else {
		fmt.Fprintln(w, "4. notification: sent by Antom to the notify URL of your Dashboard")
	}

	// 5. Inquiry: the session's paymentRequestId names the payment.
	inq, err := c.InquiryPayment(ctx, &alipay.InquiryPaymentRequest{PaymentRequestID: req.PaymentRequestID})
	if err != nil {
		return fmt.Errorf("inquiryPayment: %w", err)
	}
	fmt.Fprintf(w, "5. inquiryPayment: %s, paid %s with %s, paymentId %s\n", inq.PaymentStatus, show(inq.PaymentAmount), inq.PaymentMethodType, inq.PaymentID)
	if inq.PaymentStatus != alipay.PaymentStatusSuccess {
		return fmt.Errorf("the payment ended %s; nothing to refund", inq.PaymentStatus)
	}

	// 6. A partial refund: one mug comes back.
	back, err := alipay.NewAmount("50.00", "HKD")
	if err != nil {
		return err
	}
	ref, err := c.Refund(ctx, &alipay.RefundRequest{
		RefundRequestID: "refund-" + newID(),
		PaymentID:       inq.PaymentID,
		RefundAmount:    back,
		RefundReason:    "one mug returned",
		RefundNotifyURL: s.notifyURL,
	})
	if err != nil {
		return fmt.Errorf("refund: %w", err)
	}
	fmt.Fprintf(w, "6. refund %s: %s, refundId %s\n", show(back), ref.Result.ResultCode, ref.RefundID)
	if s.notified != nil {
		n, err := receive(ctx, s.notified)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "   notification %s %s: refund %s\n", n.NotifyType, n.Result.ResultStatus, n.Refund.RefundStatus)
	}
	return nil
}

// methodChoice finds the payment methods offered on the fake's checkout
// page, in order.
var methodChoice = regexp.MustCompile(`name="method" value="([A-Z0-9_]+)"`)

// pageBuyer is the simulated buyer: it opens the fake's checkout page,
// chooses the first method offered and presses Pay, as a person would in a
// browser.
func pageBuyer(ctx context.Context, w io.Writer, pageURL, _ string) error {
	browser := &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, // the shop's return page is not on this machine
	}
	get, err := http.NewRequestWithContext(ctx, http.MethodGet, pageURL, nil)
	if err != nil {
		return err
	}
	page, err := browser.Do(get)
	if err != nil {
		return fmt.Errorf("opening the checkout page: %w", err)
	}
	body, err := io.ReadAll(io.LimitReader(page.Body, 1<<20))
	page.Body.Close()
	if err != nil {
		return fmt.Errorf("reading the checkout page: %w", err)
	}
	if page.StatusCode != http.StatusOK {
		return fmt.Errorf("checkout page: HTTP %d", page.StatusCode)
	}
	var offered []string
	for _, m := range methodChoice.FindAllSubmatch(body, -1) {
		offered = append(offered, string(m[1]))
	}
	if len(offered) == 0 {
		return errors.New("checkout page: no payment method offered")
	}
	post, err := http.NewRequestWithContext(ctx, http.MethodPost, pageURL, strings.NewReader(url.Values{"method": {offered[0]}, "action": {"pay"}}.Encode()))
	if err != nil {
		return err
	}
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := browser.Do(post)
	if err != nil {
		return fmt.Errorf("paying on the checkout page: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("paying on the checkout page: HTTP %d", resp.StatusCode)
	}
	fmt.Fprintf(w, "3. the page offers %s; the buyer chooses %s, presses Pay and is sent back to %s\n", strings.Join(offered, ", "), offered[0], resp.Header.Get("Location"))
	return nil
}

// waitForBuyer asks the person running the example to pay, then polls.
func waitForBuyer(c *alipay.Client) func(context.Context, io.Writer, string, string) error {
	return func(ctx context.Context, w io.Writer, pageURL, id string) error {
		fmt.Fprintf(w, "3. open %s, choose a method and pay with a sandbox account; waiting up to 30 minutes...\n", pageURL)
		ctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
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

// show formats an amount in major units: "HKD 100.00".
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
