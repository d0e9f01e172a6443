// Command refund shows how to refund an Antom payment safely: a partial
// refund, the same refund sent twice (Antom makes it once), a refund whose
// answer is lost (retry with the same refundRequestId, never a new one), a
// refund beyond what is left, and the inquiries that confirm it all.
//
// By default it runs offline, against the fake gateway of package
// alipaytest started in this process:
//
//	go run ./examples/refund
//
// With ALIPAY_CLIENT_ID (a SANDBOX_ client ID), ALIPAY_PRIVATE_KEY and
// ALIPAY_PUBLIC_KEY set (ALIPAY_ENDPOINT optionally picks the host) it runs
// against the real Antom sandbox: it prints the cashier URL for you to pay
// with a sandbox wallet first, and skips the lost-answer step, which needs
// the fake to lose an answer on purpose.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
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
		fmt.Fprintln(os.Stderr, "refund:", err)
		os.Exit(1)
	}
}

// run runs the walk-through and writes its transcript to w. getenv reads
// the configuration (os.Getenv in main).
func run(ctx context.Context, w io.Writer, getenv func(string) string) error {
	c, srv, err := setup(w, getenv)
	if err != nil {
		return err
	}
	if srv != nil {
		defer srv.Close()
	}
	return refunds(ctx, w, c, srv)
}

// setup returns a client, and the fake gateway when running offline.
func setup(w io.Writer, getenv func(string) string) (*alipay.Client, *alipaytest.Server, error) {
	clientID, privateKey, publicKey := getenv("ALIPAY_CLIENT_ID"), getenv("ALIPAY_PRIVATE_KEY"), getenv("ALIPAY_PUBLIC_KEY")
	if clientID == "" && privateKey == "" && publicKey == "" {
		srv := alipaytest.NewServer()
		fmt.Fprintf(w, "Offline: fake Antom gateway (alipaytest) at %s, client ID %s.\n", srv.URL, srv.ClientID())
		fmt.Fprintln(w, "Set ALIPAY_CLIENT_ID, ALIPAY_PRIVATE_KEY and ALIPAY_PUBLIC_KEY to use the real Antom sandbox.")
		fmt.Fprintln(w)
		return srv.Client(), srv, nil
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
	return c, nil, nil
}

func refunds(ctx context.Context, w io.Writer, c *alipay.Client, srv *alipaytest.Server) error {
	paid, err := paidPayment(ctx, w, c, srv)
	if err != nil {
		return err
	}

	// 2. A partial refund. Keep the refundRequestId with the order: it is
	// the refund's idempotency key.
	first := &alipay.RefundRequest{RefundRequestID: "refund-" + newID(), PaymentID: paid.PaymentID, RefundAmount: mustUSD("15.00"), RefundReason: "one item returned"}
	ref, err := c.Refund(ctx, first)
	if err != nil {
		return fmt.Errorf("refund: %w", err)
	}
	fmt.Fprintf(w, "2. refund %s (%s): %s, refundId %s\n", show(first.RefundAmount), first.RefundRequestID, ref.Result.ResultCode, ref.RefundID)

	// 3. Sent again (a double click, a retried job): refunded once.
	again, err := c.Refund(ctx, first)
	if err != nil {
		return fmt.Errorf("refund again: %w", err)
	}
	fmt.Fprintf(w, "3. the same refundRequestId again: %s, refundId %s (same refund: %t)\n", again.Result.ResultCode, again.RefundID, again.RefundID == ref.RefundID)

	// 4. A refund whose answer is lost. The outcome is unknown: the money
	// may or may not have moved. Retry with the same refundRequestId (or
	// ask with InquiryRefund); a new ID could refund twice.
	second := &alipay.RefundRequest{RefundRequestID: "refund-" + newID(), PaymentID: paid.PaymentID, RefundAmount: mustUSD("20.00")}
	if srv != nil {
		// The client retries lost answers by itself; this one has retries
		// off so that the loss reaches us.
		once := srv.Client(alipay.WithRetry(alipay.NoRetry))
		srv.InjectFault(alipaytest.APIRefund, alipaytest.Fault{Kind: alipaytest.DropResponse})
		_, err := once.Refund(ctx, second)
		fmt.Fprintf(w, "4. refund %s (%s): the answer is lost; outcome unknown: %t\n", show(second.RefundAmount), second.RefundRequestID, alipay.IsUnknown(err))
		if !alipay.IsUnknown(err) {
			return fmt.Errorf("expected an unknown outcome, got %v", err)
		}
	} else {
		fmt.Fprintf(w, "4. refund %s (%s)\n", show(second.RefundAmount), second.RefundRequestID)
	}
	ref2, err := c.Refund(ctx, second)
	if err != nil {
		return fmt.Errorf("refund: %w", err)
	}
	fmt.Fprintf(w, "   sent with the same refundRequestId: %s, refundId %s\n", ref2.Result.ResultCode, ref2.RefundID)
	if srv != nil {
		fmt.Fprintf(w, "   refunds the gateway made under %s: %d\n", second.RefundRequestID, srv.Refunds(second.RefundRequestID))
	}

	// 5. More than is left: refused, with a reason to show. Only a signed
	// F is a refusal: an unknown outcome (an unsigned F included, which
	// anyone on the path could have written) is retried with the same
	// refundRequestId or inquired, never sent again under a new ID.
	_, err = c.Refund(ctx, &alipay.RefundRequest{RefundRequestID: "refund-" + newID(), PaymentID: paid.PaymentID, RefundAmount: mustUSD("10.00")})
	var e *alipay.Error
	switch {
	case alipay.IsUnknown(err):
		return fmt.Errorf("refund: outcome unknown, inquire before anything else: %w", err)
	case errors.As(err, &e) && e.Result.ResultCode != "":
		fmt.Fprintf(w, "5. refund USD 10.00 more: refused: %s %s\n", e.Result.ResultStatus, e.Result.ResultCode)
	case err != nil:
		return fmt.Errorf("refund: %w", err)
	default:
		return errors.New("refund beyond the paid amount was accepted")
	}

	// 6. The refunds as Antom records them.
	for i, id := range []string{first.RefundRequestID, second.RefundRequestID} {
		ir, err := c.InquiryRefund(ctx, &alipay.InquiryRefundRequest{RefundRequestID: id})
		if err != nil {
			return fmt.Errorf("inquiryRefund: %w", err)
		}
		prefix := "6."
		if i > 0 {
			prefix = "  "
		}
		fmt.Fprintf(w, "%s inquiryRefund %s: %s, %s\n", prefix, id, ir.RefundStatus, show(ir.RefundAmount))
	}
	inq, err := c.InquiryPayment(ctx, &alipay.InquiryPaymentRequest{PaymentID: paid.PaymentID})
	if err != nil {
		return fmt.Errorf("inquiryPayment: %w", err)
	}
	fmt.Fprintf(w, "7. inquiryPayment: %s (a payment stays SUCCESS after refunds), %d refunds listed\n", inq.PaymentStatus, countRefunds(inq))
	return nil
}

// paidPayment creates a USD 40.00 payment and has the buyer pay it: the
// fake's CompletePayment offline, a person with a sandbox wallet otherwise.
func paidPayment(ctx context.Context, w io.Writer, c *alipay.Client, srv *alipaytest.Server) (*alipay.PayResponse, error) {
	web := alipay.Env{TerminalType: alipay.TerminalTypeWeb}
	amount := mustUSD("40.00")
	req := &alipay.PayRequest{
		PaymentRequestID:   "pay-" + newID(),
		Order:              alipay.Order{ReferenceOrderID: "order-" + newID(), OrderDescription: "Three linen towels", OrderAmount: amount},
		PaymentAmount:      amount,
		PaymentMethod:      alipay.PaymentMethod{PaymentMethodType: "ALIPAY_CN"},
		PaymentRedirectURL: "https://shop.example/return",
		Env:                web,
	}
	pay, err := c.Pay(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("pay: %w", err)
	}
	if srv != nil {
		if err := srv.CompletePayment(req.PaymentRequestID); err != nil {
			return nil, err
		}
	} else {
		fmt.Fprintf(w, "1. open %s and pay with a sandbox wallet; waiting up to 10 minutes...\n", pay.RedirectURL(web))
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	inq, err := c.WaitForPayment(wctx, &alipay.InquiryPaymentRequest{PaymentRequestID: req.PaymentRequestID}, alipay.WaitOptions{})
	if err != nil {
		return nil, fmt.Errorf("waiting for the payment: %w", err)
	}
	if inq.PaymentStatus != alipay.PaymentStatusSuccess {
		return nil, fmt.Errorf("the payment ended %s; nothing to refund", inq.PaymentStatus)
	}
	step := "1."
	if srv == nil {
		step = "  "
	}
	fmt.Fprintf(w, "%s paid %s: %s, paymentId %s\n", step, show(amount), inq.PaymentStatus, pay.PaymentID)
	return pay, nil
}

func countRefunds(inq *alipay.InquiryPaymentResponse) int {
	n := 0
	for _, t := range inq.Transactions {
		if t.TransactionType == alipay.TransactionTypeRefund {
			n++
		}
	}
	return n
}

// mustUSD converts a decimal literal; it panics only on a typo in this file.
func mustUSD(decimal string) alipay.Amount {
	a, err := alipay.NewAmount(decimal, "USD")
	if err != nil {
		panic(err)
	}
	return a
}

// show formats an amount in major units: "USD 15.00".
func show(a alipay.Amount) string {
	d, err := a.Decimal()
	if err != nil {
		return a.Currency + " " + a.Value + " (minor units)"
	}
	return a.Currency + " " + d
}

// newID returns a short random suffix for request IDs.
func newID() string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return fmt.Sprint(time.Now().UnixNano())
	}
	return hex.EncodeToString(b)
}
