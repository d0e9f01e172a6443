package alipay_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/alipaytest"
)

func ExampleClient_Pay_app() {
	// alipaytest is a fake Antom, so that this runs offline. Real code
	// builds its client once at start-up:
	//
	//	c, err := alipay.NewClient(clientID,
	//		alipay.WithPrivateKey(merchantPrivateKeyPEM),
	//		alipay.WithAlipayPublicKey(antomPublicKeyPEM),
	//		alipay.WithEndpoint(alipay.EndpointAsia))
	antom := alipaytest.NewServer()
	defer antom.Close()
	c := antom.Client()

	// The buyer pays from the merchant's Android app.
	env := alipay.Env{TerminalType: alipay.TerminalTypeApp, OSType: alipay.OSTypeAndroid, ClientIP: "203.0.113.7"}
	resp, err := c.Pay(context.Background(), &alipay.PayRequest{
		PaymentRequestID: "order-1001-1", // new for every attempt at the order
		Order: alipay.Order{
			ReferenceOrderID: "order-1001",
			OrderDescription: "Running shoes",
			OrderAmount:      alipay.Amount{Currency: "HKD", Value: "49900"}, // HKD 499.00
		},
		PaymentAmount:      alipay.Amount{Currency: "HKD", Value: "49900"},
		PaymentMethod:      alipay.PaymentMethod{PaymentMethodType: alipay.PaymentMethodTypeAlipayHK},
		PaymentRedirectURL: "myshop://orders/1001",
		PaymentNotifyURL:   "https://shop.example/alipay/notify",
		Env:                env,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Result.ResultCode, resp.PaymentAmount)
	fmt.Println("wallet package:", resp.AppIdentifier)
	// The app tries these in order; a schemeUrl needs the wallet installed.
	for _, r := range resp.Redirects(env) {
		fmt.Println(r.Kind)
	}
	// Output:
	// PAYMENT_IN_PROCESS 499.00 HKD
	// wallet package: hk.alipay.wallet
	// applinkUrl
	// schemeUrl
	// normalUrl
}

func ExampleClient_Pay_web() {
	antom := alipaytest.NewServer() // a fake Antom, so that this runs offline
	defer antom.Close()
	c := antom.Client()

	// The buyer pays from a desktop browser.
	env := alipay.Env{TerminalType: alipay.TerminalTypeWeb, ClientIP: "203.0.113.7"}
	resp, err := c.Pay(context.Background(), &alipay.PayRequest{
		PaymentRequestID: "order-1002-1",
		Order: alipay.Order{
			ReferenceOrderID: "order-1002",
			OrderDescription: "Gift card",
			OrderAmount:      alipay.Amount{Currency: "HKD", Value: "10000"},
		},
		PaymentAmount:      alipay.Amount{Currency: "HKD", Value: "10000"},
		PaymentMethod:      alipay.PaymentMethod{PaymentMethodType: alipay.PaymentMethodTypeAlipayHK},
		PaymentRedirectURL: "https://shop.example/orders/1002",
		PaymentNotifyURL:   "https://shop.example/alipay/notify",
		Env:                env,
	})
	if err != nil {
		log.Fatal(err)
	}
	// Open the cashier page in a new tab, or render the QR code yourself
	// and tell the buyer when it expires.
	fmt.Println("open the cashier page:", resp.RedirectURL(env) != "")
	if f := resp.OrderCodeForm; f != nil && len(f.CodeDetails) > 0 {
		fmt.Println("or show a QR code of:", f.CodeDetails[0].CodeValue != "")
		fmt.Println("until after the payment was created:", f.ExpireTime.After(resp.PaymentCreateTime))
	}
	// Output:
	// open the cashier page: true
	// or show a QR code of: true
	// until after the payment was created: true
}

func ExampleClient_Refund() {
	antom := alipaytest.NewServer() // a fake Antom, so that this runs offline
	defer antom.Close()
	c := antom.Client()
	ctx := context.Background()

	// A paid order to refund: the buyer paid HKD 499.00.
	env := alipay.Env{TerminalType: alipay.TerminalTypeWeb}
	paid, err := c.Pay(ctx, &alipay.PayRequest{
		PaymentRequestID:   "order-1001-1",
		Order:              alipay.Order{ReferenceOrderID: "order-1001", OrderDescription: "Running shoes", OrderAmount: alipay.Amount{Currency: "HKD", Value: "49900"}},
		PaymentAmount:      alipay.Amount{Currency: "HKD", Value: "49900"},
		PaymentMethod:      alipay.PaymentMethod{PaymentMethodType: alipay.PaymentMethodTypeAlipayHK},
		PaymentRedirectURL: "https://shop.example/orders/1001",
		PaymentNotifyURL:   "https://shop.example/alipay/notify",
		Env:                env,
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := antom.CompletePayment("order-1001-1"); err != nil { // the buyer pays on the cashier page
		log.Fatal(err)
	}

	resp, err := c.Refund(ctx, &alipay.RefundRequest{
		RefundRequestID: "order-1001-refund-1", // reuse it to retry this refund
		PaymentID:       paid.PaymentID,
		RefundAmount:    alipay.Amount{Currency: "HKD", Value: "10000"}, // HKD 100.00 of 499.00
		RefundReason:    "one pair returned",
	})
	var e *alipay.Error
	switch {
	case alipay.IsUnknown(err):
		// Antom may or may not have refunded (no answer, or one that was
		// not signed): retry with the same RefundRequestID, or ask with
		// InquiryRefund. Never refund again under a new ID before knowing.
		fmt.Println("unknown; inquire:", err)
	case errors.As(err, &e) && e.Result.ResultStatus == alipay.ResultStatusFail:
		// A signed F result (IsUnknown is false only for answers Antom
		// signed): Antom refused this refund.
		fmt.Println("refused:", e.Result.ResultCode, e.Result.ResultMessage)
	case err != nil:
		log.Fatal(err) // invalid request, or it never reached Antom: nothing was processed
	default:
		fmt.Println(resp.Result.ResultCode, resp.RefundAmount)
	}
	// Output:
	// SUCCESS 100.00 HKD
}

func ExampleClient_WaitForPayment() {
	antom := alipaytest.NewServer() // a fake Antom, so that this runs offline
	defer antom.Close()
	c := antom.Client()
	ctx := context.Background()

	env := alipay.Env{TerminalType: alipay.TerminalTypeWeb}
	if _, err := c.Pay(ctx, &alipay.PayRequest{
		PaymentRequestID:   "order-1003-1",
		Order:              alipay.Order{ReferenceOrderID: "order-1003", OrderDescription: "Gift card", OrderAmount: alipay.Amount{Currency: "USD", Value: "2500"}},
		PaymentAmount:      alipay.Amount{Currency: "USD", Value: "2500"},
		PaymentMethod:      alipay.PaymentMethod{PaymentMethodType: alipay.PaymentMethodTypeAlipayCN},
		PaymentRedirectURL: "https://shop.example/orders/1003",
		PaymentNotifyURL:   "https://shop.example/alipay/notify",
		Env:                env,
	}); err != nil {
		log.Fatal(err)
	}
	go func() {
		time.Sleep(50 * time.Millisecond) // the buyer takes a moment to pay
		if err := antom.CompletePayment("order-1003-1"); err != nil {
			log.Print(err)
		}
	}()

	// Give up when the cashier payment would have expired anyway.
	ctx, cancel := context.WithTimeout(ctx, 15*time.Minute)
	defer cancel()
	resp, err := c.WaitForPayment(ctx,
		&alipay.InquiryPaymentRequest{PaymentRequestID: "order-1003-1"},
		alipay.WaitOptions{Interval: 10 * time.Millisecond}, // real code: leave it zero for Antom's 2 s
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.PaymentStatus, resp.PaymentAmount, !resp.PaymentTime.IsZero())
	// Output:
	// SUCCESS 25.00 USD true
}
