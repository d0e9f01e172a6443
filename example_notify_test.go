package alipay_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/alipaytest"
)

// A merchant's notify endpoint. Antom sends a notification again until it
// gets the acknowledgement, so the function returns an error when it cannot
// record the outcome, and drops duplicates by DedupeKey (in production, a
// unique key in the merchant's database).
func ExampleClient_NotificationHandler() {
	// alipaytest is a fake Antom, so that this runs offline; its clock is
	// moved by hand to show a resend.
	clock := alipaytest.NewFakeClock(time.Now())
	antom := alipaytest.NewServer(alipaytest.WithClock(clock), alipaytest.WithManualNotifications())
	defer antom.Close()
	c := antom.Client()

	var mu sync.Mutex
	handled := map[string]bool{}
	databaseUp := false // the shop's database is down at first
	mux := http.NewServeMux()
	mux.Handle("/alipay/notify", c.NotificationHandler(func(ctx context.Context, n *alipay.Notification) error {
		mu.Lock()
		defer mu.Unlock()
		if !databaseUp {
			fmt.Println("database down: not acknowledged, Antom will send again")
			databaseUp = true
			return errors.New("database unavailable")
		}
		if handled[n.DedupeKey()] {
			return nil // acknowledge again so that Antom stops resending
		}
		switch {
		case n.NotifyType == alipay.NotifyTypePaymentResult && n.Result.ResultStatus == alipay.ResultStatusSuccess:
			fmt.Println("paid:", n.Payment.PaymentRequestID, n.Payment.PaymentAmount)
		case n.NotifyType == alipay.NotifyTypePaymentResult:
			fmt.Println("payment failed:", n.Payment.PaymentRequestID, n.Result.ResultCode)
		case n.Refund != nil:
			fmt.Println("refund", n.Refund.RefundStatus, n.Refund.RefundRequestID)
		}
		handled[n.DedupeKey()] = true
		return nil
	}))
	shop := httptest.NewServer(mux)
	defer shop.Close()

	ctx := context.Background()
	if _, err := c.Pay(ctx, &alipay.PayRequest{
		PaymentRequestID:   "order-1001-1",
		Order:              alipay.Order{ReferenceOrderID: "order-1001", OrderDescription: "Running shoes", OrderAmount: alipay.Amount{Currency: "HKD", Value: "49900"}},
		PaymentAmount:      alipay.Amount{Currency: "HKD", Value: "49900"},
		PaymentMethod:      alipay.PaymentMethod{PaymentMethodType: alipay.PaymentMethodTypeAlipayHK},
		PaymentRedirectURL: "https://shop.example/orders/1001",
		PaymentNotifyURL:   shop.URL + "/alipay/notify",
		Env:                alipay.Env{TerminalType: alipay.TerminalTypeWeb},
	}); err != nil {
		log.Fatal(err)
	}
	if err := antom.CompletePayment("order-1001-1"); err != nil { // the buyer pays
		log.Fatal(err)
	}
	for range 2 {
		for _, d := range antom.DeliverDue(ctx) {
			fmt.Println("attempt", d.Attempt, "HTTP", d.StatusCode, "acknowledged:", d.Acknowledged)
		}
		clock.Advance(2 * time.Minute) // Antom's first resend comes two minutes later
	}
	// Output:
	// database down: not acknowledged, Antom will send again
	// attempt 1 HTTP 500 acknowledged: false
	// paid: order-1001-1 499.00 HKD
	// attempt 2 HTTP 200 acknowledged: true
}

// Verifying a notification received by a framework other than net/http's
// handlers: pass the method, the path and query Antom called, the headers
// and the raw body, and answer with NotificationAck only when it verifies.
func ExampleClient_VerifyNotification() {
	antom := alipaytest.NewServer(alipaytest.WithManualNotifications()) // a fake Antom, so that this runs offline
	defer antom.Close()
	c := antom.Client()

	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		n, err := c.VerifyNotification(r.Method, r.URL.RequestURI(), r.Header, body)
		if err != nil {
			http.Error(w, "not verified", http.StatusUnauthorized) // no acknowledgement
			return
		}
		fmt.Println(n.NotifyType, n.Payment.PaymentRequestID, n.Payment.PaymentAmount)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, alipay.NotificationAck)
	}))
	defer shop.Close()

	ctx := context.Background()
	if _, err := c.Pay(ctx, &alipay.PayRequest{
		PaymentRequestID:   "order-1002-1",
		Order:              alipay.Order{ReferenceOrderID: "order-1002", OrderDescription: "Gift card", OrderAmount: alipay.Amount{Currency: "USD", Value: "2500"}},
		PaymentAmount:      alipay.Amount{Currency: "USD", Value: "2500"},
		PaymentMethod:      alipay.PaymentMethod{PaymentMethodType: alipay.PaymentMethodTypeAlipayCN},
		PaymentRedirectURL: "https://shop.example/orders/1002",
		PaymentNotifyURL:   shop.URL + "/notify?src=antom",
		Env:                alipay.Env{TerminalType: alipay.TerminalTypeWeb},
	}); err != nil {
		log.Fatal(err)
	}
	if err := antom.CompletePayment("order-1002-1"); err != nil {
		log.Fatal(err)
	}
	for _, d := range antom.DeliverDue(ctx) {
		fmt.Println("acknowledged:", d.Acknowledged)
	}
	// Output:
	// PAYMENT_RESULT order-1002-1 25.00 USD
	// acknowledged: true
}
