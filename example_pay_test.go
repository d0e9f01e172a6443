package alipay_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/xborderpay/alipay"
)

func ExampleClient_Pay_app() {
	antom := alipay.NewFakeAntom(`{
		"result": {"resultCode": "PAYMENT_IN_PROCESS", "resultStatus": "U", "resultMessage": "payment in process"},
		"paymentRequestId": "order-1001-1", "paymentId": "20240115194010800100188640298283440",
		"paymentAmount": {"currency": "HKD", "value": "49900"},
		"applinkUrl": "https://render.alipay.hk/p/s/i18n-cashier?token=abc",
		"schemeUrl": "alipayhk://platformapi/startapp?appId=20000067&token=abc",
		"normalUrl": "https://open-sea.alipayplus.com/api/open/v1/ac/cashier/checkout.htm?token=abc",
		"appIdentifier": "hk.alipay.wallet"}`)

	c, err := alipay.NewClient(antom.ClientID,
		alipay.WithPrivateKey(antom.MerchantPrivateKey),
		alipay.WithAlipayPublicKey(antom.AntomPublicKey),
		alipay.WithEndpoint(alipay.EndpointAsia),
		alipay.WithHTTPClient(antom.HTTPClient()), // Antom answers in process; real code leaves this out
	)
	if err != nil {
		log.Fatal(err)
	}

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
	fmt.Println(resp.Result.ResultCode, resp.PaymentID)
	fmt.Println("wallet package:", resp.AppIdentifier)
	// The app tries these in order; a schemeUrl needs the wallet installed.
	for _, r := range resp.Redirects(env) {
		fmt.Println(r.Kind, r.URL)
	}
	// Output:
	// PAYMENT_IN_PROCESS 20240115194010800100188640298283440
	// wallet package: hk.alipay.wallet
	// applinkUrl https://render.alipay.hk/p/s/i18n-cashier?token=abc
	// schemeUrl alipayhk://platformapi/startapp?appId=20000067&token=abc
	// normalUrl https://open-sea.alipayplus.com/api/open/v1/ac/cashier/checkout.htm?token=abc
}

func ExampleClient_Pay_web() {
	antom := alipay.NewFakeAntom(`{
		"result": {"resultCode": "PAYMENT_IN_PROCESS", "resultStatus": "U", "resultMessage": "payment in process"},
		"paymentRequestId": "order-1002-1", "paymentId": "20240115194010800100188640298283441",
		"normalUrl": "https://open-sea.alipayplus.com/api/open/v1/ac/cashier/self/codevalue/checkout.htm?codeValue=https%3A%2F%2Fglobal.alipay.com%2F281002040098",
		"orderCodeForm": {"expireTime": "2024-01-15T01:34:45-08:00", "codeDetails": [
			{"codeValue": "https://global.alipay.com/281002040098", "displayType": "TEXT"},
			{"codeValue": "https://global.alipay.com/merchant/order/showQrImage.htm?code=281002040098&picSize=L", "displayType": "BIGIMAGE"}]}}`)

	c, err := alipay.NewClient(antom.ClientID,
		alipay.WithPrivateKey(antom.MerchantPrivateKey),
		alipay.WithAlipayPublicKey(antom.AntomPublicKey),
		alipay.WithEndpoint(alipay.EndpointAsia),
		alipay.WithHTTPClient(antom.HTTPClient()), // Antom answers in process; real code leaves this out
	)
	if err != nil {
		log.Fatal(err)
	}

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
		Env:                env,
	})
	if err != nil {
		log.Fatal(err)
	}
	// Open the cashier page in a new tab, or render the QR code yourself
	// and tell the buyer when it expires.
	fmt.Println("open:", resp.RedirectURL(env))
	for _, r := range resp.Redirects(env) {
		if r.Kind == alipay.RedirectKindCodeValue {
			fmt.Println("or show a QR code of:", r.URL)
		}
	}
	fmt.Println("code expires:", resp.OrderCodeForm.ExpireTime.UTC().Format(time.RFC3339))
	// Output:
	// open: https://open-sea.alipayplus.com/api/open/v1/ac/cashier/self/codevalue/checkout.htm?codeValue=https%3A%2F%2Fglobal.alipay.com%2F281002040098
	// or show a QR code of: https://global.alipay.com/281002040098
	// code expires: 2024-01-15T09:34:45Z
}

func ExampleClient_Refund() {
	antom := alipay.NewFakeAntom(`{
		"result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
		"refundRequestId": "order-1001-refund-1", "refundId": "2024011519401080010018864029828XXXX",
		"paymentId": "20240115194010800100188640298283440",
		"refundAmount": {"currency": "HKD", "value": "10000"}, "refundTime": "2024-01-15T02:00:00-08:00"}`)

	c, err := alipay.NewClient(antom.ClientID,
		alipay.WithPrivateKey(antom.MerchantPrivateKey),
		alipay.WithAlipayPublicKey(antom.AntomPublicKey),
		alipay.WithEndpoint(alipay.EndpointAsia),
		alipay.WithHTTPClient(antom.HTTPClient()), // Antom answers in process; real code leaves this out
	)
	if err != nil {
		log.Fatal(err)
	}

	resp, err := c.Refund(context.Background(), &alipay.RefundRequest{
		RefundRequestID: "order-1001-refund-1", // reuse it to retry this refund
		PaymentID:       "20240115194010800100188640298283440",
		RefundAmount:    alipay.Amount{Currency: "HKD", Value: "10000"}, // HKD 100.00 of 499.00
		RefundReason:    "one pair returned",
	})
	var e *alipay.Error
	switch {
	case alipay.IsUnknown(err):
		// Antom may or may not have refunded: retry with the same
		// RefundRequestID, or ask with InquiryRefund. Never refund again
		// under a new ID before knowing.
		fmt.Println("unknown; inquire:", err)
	case errors.As(err, &e) && e.Result.ResultStatus == alipay.ResultStatusFail:
		// A signed F: IsUnknown is false only for answers Antom signed.
		fmt.Println("refused:", e.Result.ResultCode, e.Result.ResultMessage)
	case err != nil:
		log.Fatal(err) // invalid request, or it never reached Antom: nothing was processed
	default:
		fmt.Println(resp.Result.ResultCode, resp.RefundID, resp.RefundAmount.Value, resp.RefundAmount.Currency)
	}
	// Output:
	// SUCCESS 2024011519401080010018864029828XXXX 10000 HKD
}

func ExampleClient_WaitForPayment() {
	antom := alipay.NewFakeAntom(
		`{"result": {"resultCode": "SUCCESS", "resultStatus": "S"}, "paymentRequestId": "order-1001-1", "paymentStatus": "PROCESSING"}`,
		`{"result": {"resultCode": "SUCCESS", "resultStatus": "S"}, "paymentRequestId": "order-1001-1", "paymentStatus": "SUCCESS",
		  "paymentId": "20240115194010800100188640298283440", "paymentTime": "2024-01-15T01:22:03-08:00"}`,
	)

	c, err := alipay.NewClient(antom.ClientID,
		alipay.WithPrivateKey(antom.MerchantPrivateKey),
		alipay.WithAlipayPublicKey(antom.AntomPublicKey),
		alipay.WithEndpoint(alipay.EndpointAsia),
		alipay.WithHTTPClient(antom.HTTPClient()), // Antom answers in process; real code leaves this out
	)
	if err != nil {
		log.Fatal(err)
	}

	// Give up when the cashier payment would have expired anyway.
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	resp, err := c.WaitForPayment(ctx,
		&alipay.InquiryPaymentRequest{PaymentRequestID: "order-1001-1"},
		alipay.WaitOptions{Interval: 10 * time.Millisecond}, // real code: leave it zero for Antom's 2 s
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.PaymentStatus, "at", resp.PaymentTime.UTC().Format(time.RFC3339))
	// Output:
	// SUCCESS at 2024-01-15T09:22:03Z
}
