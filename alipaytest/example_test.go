package alipaytest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/alipaytest"
)

func ExampleNewServer() {
	srv := alipaytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	pay, err := c.Pay(ctx, &alipay.PayRequest{
		PaymentRequestID:   "order-1001-attempt-1",
		Order:              alipay.Order{OrderDescription: "Two mugs", OrderAmount: alipay.Amount{Currency: "USD", Value: "2500"}},
		PaymentAmount:      alipay.Amount{Currency: "USD", Value: "2500"},
		PaymentMethod:      alipay.PaymentMethod{PaymentMethodType: "ALIPAY_CN"},
		PaymentRedirectURL: "https://shop.example/return",
		Env:                alipay.Env{TerminalType: alipay.TerminalTypeWeb},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(pay.Result.ResultCode)

	// The buyer pays (a test can also post the form at pay.NormalURL).
	if err := srv.CompletePayment("order-1001-attempt-1"); err != nil {
		fmt.Println(err)
		return
	}
	inq, err := c.InquiryPayment(ctx, &alipay.InquiryPaymentRequest{PaymentRequestID: "order-1001-attempt-1"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(inq.PaymentStatus, srv.Charges("order-1001-attempt-1"))
	// Output:
	// PAYMENT_IN_PROCESS
	// SUCCESS 1
}

func ExampleFakeClock() {
	clock := alipaytest.NewFakeClock(time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC))
	srv := alipaytest.NewServer(alipaytest.WithClock(clock))
	defer srv.Close()
	c := srv.Client()

	_, err := c.Pay(context.Background(), &alipay.PayRequest{
		PaymentRequestID:   "expiring",
		Order:              alipay.Order{OrderDescription: "Tea", OrderAmount: alipay.Amount{Currency: "USD", Value: "500"}},
		PaymentAmount:      alipay.Amount{Currency: "USD", Value: "500"},
		PaymentMethod:      alipay.PaymentMethod{PaymentMethodType: "ALIPAY_CN"},
		PaymentRedirectURL: "https://shop.example/return",
		Env:                alipay.Env{TerminalType: alipay.TerminalTypeWeb},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	clock.Advance(alipaytest.DefaultPaymentExpiry) // the buyer never pays
	status, _ := srv.PaymentStatus("expiring")
	fmt.Println(status)
	// Output: FAIL
}

func ExampleServer_InjectFault() {
	srv := alipaytest.NewServer()
	defer srv.Close()
	c := srv.Client(alipay.WithRetry(alipay.NoRetry))

	srv.InjectFault(alipaytest.APIInquiryPayment, alipaytest.Fault{Kind: alipaytest.UnknownException})
	_, err := c.InquiryPayment(context.Background(), &alipay.InquiryPaymentRequest{PaymentRequestID: "p-1"})
	fmt.Println(alipay.IsUnknown(err))
	// Output: true
}

func ExampleServer_DeliverDue() {
	// The merchant's notification endpoint, failing at first.
	calls := 0
	merchant := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if calls == 1 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, alipaytest.Ack)
	}))
	defer merchant.Close()

	clock := alipaytest.NewFakeClock(time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC))
	srv := alipaytest.NewServer(alipaytest.WithClock(clock), alipaytest.WithManualNotifications(), alipaytest.WithNotifyURL(merchant.URL))
	defer srv.Close()
	ctx := context.Background()
	_, err := srv.Client().Pay(ctx, &alipay.PayRequest{
		PaymentRequestID:   "notified",
		Order:              alipay.Order{OrderDescription: "Tea", OrderAmount: alipay.Amount{Currency: "USD", Value: "500"}},
		PaymentAmount:      alipay.Amount{Currency: "USD", Value: "500"},
		PaymentMethod:      alipay.PaymentMethod{PaymentMethodType: "ALIPAY_CN"},
		PaymentRedirectURL: "https://shop.example/return",
		Env:                alipay.Env{TerminalType: alipay.TerminalTypeWeb},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := srv.CompletePayment("notified"); err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range srv.DeliverDue(ctx) {
		fmt.Println(d.Attempt, d.NotifyType, d.StatusCode, d.Acknowledged)
	}
	clock.Advance(2 * time.Minute) // Antom's second attempt comes 2 minutes later
	for _, d := range srv.DeliverDue(ctx) {
		fmt.Println(d.Attempt, d.NotifyType, d.StatusCode, d.Acknowledged)
	}
	// Output:
	// 1 PAYMENT_RESULT 503 false
	// 2 PAYMENT_RESULT 200 true
}
