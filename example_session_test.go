package alipay_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"strings"

	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/alipaytest"
)

// A web shop sends the buyer to Antom Checkout Page, which lists the payment
// methods itself; the result comes as a notification and from
// InquiryPayment. Here the fake gateway of package alipaytest stands in for
// Antom, and an HTTP client for the buyer's browser.
func ExampleClient_CreatePaymentSession() {
	antom := alipaytest.NewServer()
	defer antom.Close()
	c := antom.Client() // real code: alipay.NewClient(clientID, options...)
	ctx := context.Background()

	amount := alipay.Amount{Currency: "HKD", Value: "49900"} // HKD 499.00
	first, second := 1, 2
	sess, err := c.CreatePaymentSession(ctx, &alipay.PaymentSessionRequest{
		ProductScene:     alipay.ProductSceneCheckoutPayment,
		PaymentRequestID: "order-1001-1",
		Order: alipay.Order{
			ReferenceOrderID: "order-1001",
			OrderDescription: "Running shoes",
			OrderAmount:      amount,
		},
		PaymentAmount:      amount,
		SettlementStrategy: &alipay.SettlementStrategy{SettlementCurrency: "USD"},
		PaymentRedirectURL: "https://shop.example/orders/1001",
		// PaymentNotifyURL would name the shop's notification endpoint;
		// it is left out here so that the fake sends nothing.
		AvailablePaymentMethod: &alipay.AvailablePaymentMethod{PaymentMethodTypeList: []alipay.PaymentMethodTypeItem{
			{PaymentMethodType: alipay.PaymentMethodTypeAlipayHK, PaymentMethodOrder: &first},
			{PaymentMethodType: alipay.PaymentMethodTypeCard, PaymentMethodOrder: &second},
		}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("session:", sess.Result.ResultCode)
	fmt.Println("redirect the browser to the Checkout Page:", strings.HasPrefix(sess.NormalURL, antom.URL+"/checkout/"))

	// The buyer chooses Alipay HK on the page and pays.
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.PostForm(sess.NormalURL, url.Values{"method": {"ALIPAY_HK"}, "action": {"pay"}})
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println("buyer sent back to:", resp.Header.Get("Location"))

	inq, err := c.InquiryPayment(ctx, &alipay.InquiryPaymentRequest{PaymentRequestID: "order-1001-1"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("payment:", inq.PaymentStatus, inq.PaymentMethodType)
	// Output:
	// session: SUCCESS
	// redirect the browser to the Checkout Page: true
	// buyer sent back to: https://shop.example/orders/1001
	// payment: SUCCESS ALIPAY_HK
}
