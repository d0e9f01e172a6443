package alipay_test

import (
	"context"
	"net/http"
	"os"
	"testing"

	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/alipaytest"
)

// readmeQuickStart is the README's quick start, kept here so that it
// compiles and runs; keep the two in step.
func readmeQuickStart(ctx context.Context, c *alipay.Client, markPaid func(context.Context, *alipay.Notification) error) (string, error) {
	env := alipay.Env{TerminalType: alipay.TerminalTypeApp, OSType: alipay.OSTypeIOS}
	amount, err := alipay.NewAmount("10.25", "USD") // exact: {USD 1025}, no floats
	if err != nil {
		return "", err
	}
	resp, err := c.Pay(ctx, &alipay.PayRequest{
		PaymentRequestID:   "order-1001-attempt-1",
		PaymentAmount:      amount,
		Order:              alipay.Order{ReferenceOrderID: "order-1001", OrderDescription: "T-shirt", OrderAmount: amount},
		PaymentMethod:      alipay.PaymentMethod{PaymentMethodType: "ALIPAY_CN"},
		PaymentRedirectURL: "https://shop.example/return",
		PaymentNotifyURL:   "https://shop.example/alipay/notify",
		Env:                env,
	})
	var redirectTo string
	switch {
	case alipay.IsUnknown(err):
		// Antom may or may not have the payment: inquire before trying a new request ID. This includes
		// an unsigned F (e.Unverified): anyone on the path could have written it, so it is no refusal.
		return "", err
	case err != nil:
		// *alipay.ValidationError (nothing was sent), *alipay.Error with a signed F result (a refusal;
		// resultCode says why), or an *alipay.Error for a request that never reached Antom.
		return "", err
	default:
		redirectTo = resp.RedirectURL(env) // applinkUrl / schemeUrl / normalUrl in the right order
	}

	// Notifications: verified, decoded, acknowledged with Antom's exact body.
	mux := http.NewServeMux()
	mux.Handle("/alipay/notify", c.NotificationHandler(func(ctx context.Context, n *alipay.Notification) error {
		return markPaid(ctx, n) // return an error and Antom sends again
	}))
	return redirectTo, nil
}

func TestReadmeQuickStart(t *testing.T) {
	if _, err := alipay.NewClient("SANDBOX_5X00000000000000",
		alipay.WithPrivateKey(os.Getenv("ALIPAY_PRIVATE_KEY")),
		alipay.WithAlipayPublicKey(os.Getenv("ALIPAY_PUBLIC_KEY")),
		alipay.WithEndpoint(alipay.EndpointAsia),
	); err == nil && os.Getenv("ALIPAY_PRIVATE_KEY") == "" {
		t.Fatal("NewClient accepted an empty key")
	}
	srv := alipaytest.NewServer()
	defer srv.Close()
	url, err := readmeQuickStart(context.Background(), srv.Client(), func(context.Context, *alipay.Notification) error { return nil })
	if err != nil || url == "" {
		t.Fatalf("quick start: %q, %v", url, err)
	}
}
