package alipay_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/alipaytest"
)

// An ISV shares one Client among the merchants it serves and names the
// merchant of each call with its agent token. The other options bound this
// call's attempts and retries without changing the client's defaults.
func ExampleCallOption() {
	antom := alipaytest.NewServer() // a fake Antom, so that this runs offline
	defer antom.Close()
	c := antom.Client()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := c.Pay(ctx, &alipay.PayRequest{
		PaymentRequestID: "merchant-7-order-88-1",
		Order: alipay.Order{
			ReferenceOrderID: "merchant-7-order-88",
			OrderDescription: "Gift card",
			OrderAmount:      alipay.Amount{Currency: "USD", Value: "2500"},
		},
		PaymentAmount:      alipay.Amount{Currency: "USD", Value: "2500"},
		PaymentMethod:      alipay.PaymentMethod{PaymentMethodType: alipay.PaymentMethodTypeAlipayCN},
		PaymentRedirectURL: "https://merchant-7.example/orders/88",
		PaymentNotifyURL:   "https://isv.example/alipay/notify",
		Env:                alipay.Env{TerminalType: alipay.TerminalTypeWeb},
	},
		alipay.CallAgentToken("agent-token-of-merchant-7"),
		alipay.CallAttemptTimeout(5*time.Second),
		alipay.CallRetry(alipay.RetryPolicy{MaxAttempts: 2, MinBackoff: 500 * time.Millisecond, MaxBackoff: time.Second}),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Result.ResultCode)

	// A status page that must answer quickly asks once.
	inq, err := c.InquiryPayment(ctx, &alipay.InquiryPaymentRequest{PaymentRequestID: "merchant-7-order-88-1"},
		alipay.CallAgentToken("agent-token-of-merchant-7"),
		alipay.CallRetry(alipay.NoRetry))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(inq.PaymentStatus)
	// Output:
	// PAYMENT_IN_PROCESS
	// PROCESSING
}

// During a key rotation the client accepts Antom's current and next public
// keys; each answer and notification is verified with the key its
// Signature header's keyVersion names.
func ExampleWithAlipayPublicKeyVersion() {
	c, err := alipay.NewClient(os.Getenv("ANTOM_CLIENT_ID"),
		alipay.WithPrivateKey(os.Getenv("MERCHANT_PRIVATE_KEY")),
		alipay.WithAlipayPublicKeyVersion("1", os.Getenv("ANTOM_PUBLIC_KEY_V1")),
		alipay.WithAlipayPublicKeyVersion("2", os.Getenv("ANTOM_PUBLIC_KEY_V2")),
		alipay.WithEndpoint(alipay.EndpointAsia),
	)
	if err != nil {
		log.Fatal(err)
	}
	_ = c
}
