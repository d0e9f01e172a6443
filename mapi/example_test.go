package mapi_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/xborderpay/alipay/mapi"
	"github.com/xborderpay/alipay/mapi/mapitest"
)

func ExamplePreSignString() {
	fmt.Println(mapi.PreSignString(map[string]string{
		"service":        "single_trade_query",
		"partner":        "2088101122136241",
		"_input_charset": "utf-8",
		"out_trade_no":   "SAMPLE_TRANSACTION_ID",
		"sign":           "excluded",
		"sign_type":      "MD5",
		"trade_no":       "", // empty: excluded
	}))
	// Output: _input_charset=utf-8&out_trade_no=SAMPLE_TRANSACTION_ID&partner=2088101122136241&service=single_trade_query
}

func ExampleFormatFee() {
	for _, in := range [][2]string{{"10", "USD"}, {"9.5", "EUR"}, {"1500", "JPY"}, {"1.999", "USD"}} {
		fee, err := mapi.FormatFee("total_fee", in[0], in[1])
		var ve *mapi.ValidationError
		if errors.As(err, &ve) {
			fmt.Println("invalid", ve.Field)
			continue
		}
		fmt.Println(fee)
	}
	// Output:
	// 10.00
	// 9.50
	// 1500
	// invalid total_fee
}

func ExampleClient_AppOrderString() {
	srv := mapitest.NewServer() // stands in for Alipay; use your own keys and mapi.GatewayProduction
	defer srv.Close()
	c, err := mapi.NewClient(srv.PartnerID(),
		mapi.WithPrivateKey(srv.MerchantPrivateKeyPEM()),
		mapi.WithAlipayPublicKey(srv.AlipayPublicKeyPEM()),
		mapi.WithGateway(srv.URL),
	)
	if err != nil {
		panic(err)
	}
	order, err := c.AppOrderString(&mapi.AppOrder{
		OutTradeNo: "ORDER-20261122-0001",
		Subject:    "Flat white",
		Currency:   "USD",
		TotalFee:   "4.5",
		NotifyURL:  "https://shop.example/alipay/notify",
	})
	if err != nil {
		panic(err)
	}
	signed, _, _ := strings.Cut(order, `&sign="`)
	fmt.Println(signed)
	fmt.Println(strings.HasSuffix(order, `"&sign_type="RSA"`))
	// Output:
	// _input_charset="UTF-8"&currency="USD"&forex_biz="FP"&notify_url="https://shop.example/alipay/notify"&out_trade_no="ORDER-20261122-0001"&partner="2088101122136241"&payment_type="1"&product_code="NEW_WAP_OVERSEAS_SELLER"&seller_id="2088101122136241"&service="mobile.securitypay.pay"&subject="Flat white"&total_fee="4.50"
	// true
}

func ExampleClient_NotificationHandler() {
	srv := mapitest.NewServer()
	defer srv.Close()
	c := srv.Client() // notify_verify is on: the fake gateway answers it
	notify := httptest.NewServer(c.NotificationHandler(func(ctx context.Context, n *mapi.TradeNotification) error {
		// Deduplicate on n.NotifyID, check amount and currency against the
		// order, then record the payment. Returning an error makes Alipay
		// resend later.
		fmt.Println(n.OutTradeNo, n.TradeStatus, n.TotalFee, n.Currency)
		return nil
	}))
	defer notify.Close()

	order, _ := c.AppOrderString(&mapi.AppOrder{OutTradeNo: "ORDER-7", Subject: "Tea", Currency: "EUR", TotalFee: "3", NotifyURL: notify.URL})
	pay, err := srv.Pay(context.Background(), order) // the app pays
	if err != nil {
		panic(err)
	}
	fmt.Println("acknowledged:", pay.Delivery.Acked)
	// Output:
	// ORDER-7 TRADE_FINISHED 3.00 EUR
	// acknowledged: true
}

func ExampleClient_Refund() {
	srv := mapitest.NewServer()
	defer srv.Close()
	c := srv.Client()
	notify := httptest.NewServer(c.NotificationHandler(func(context.Context, *mapi.TradeNotification) error { return nil }))
	defer notify.Close()
	order, _ := c.AppOrderString(&mapi.AppOrder{OutTradeNo: "ORDER-8", Subject: "Cake", Currency: "JPY", TotalFee: "1200", NotifyURL: notify.URL})
	if _, err := srv.Pay(context.Background(), order); err != nil {
		panic(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Retries reuse out_return_no, so the refund happens at most once.
	_, err := c.Refund(ctx, &mapi.RefundRequest{OutReturnNo: "REFUND-8-1", OutTradeNo: "ORDER-8", ReturnAmount: "200", Currency: "JPY", Reason: "late"})
	fmt.Println("refund:", err)
	_, err = c.Refund(ctx, &mapi.RefundRequest{OutReturnNo: "REFUND-8-2", OutTradeNo: "ORDER-8", ReturnAmount: "1100", Currency: "JPY"})
	fmt.Println("too much:", mapi.ErrorCodeOf(err))
	// Output:
	// refund: <nil>
	// too much: RETURN_AMOUNT_EXCEED
}

func ExampleNewFPTradeReader() {
	file := "Partner_transaction_id,amount,currency,Payment_time,type,status\n" +
		"\tORDER-1,10.00,USD,2026-11-21 15:00:00,P,P\n" +
		"\tREFUND-1,-4.00,USD,2026-11-21 16:00:00,R,P\n"
	fr := mapi.NewFPTradeReader(strings.NewReader(file)) // GBK or UTF-8
	for row, err := range fr.All() {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(row.Type, row.PartnerTransactionID, row.Amount, row.Currency, row.PaymentTime.Format(time.RFC3339))
	}
	// Output:
	// P ORDER-1 10.00 USD 2026-11-21T15:00:00+08:00
	// R REFUND-1 -4.00 USD 2026-11-21T16:00:00+08:00
}

// An answer that cannot be trusted — here an unsigned one — leaves the
// refund's outcome unknown: confirm it with the same out_return_no.
func ExampleIsUnknown() {
	srv := mapitest.NewServer()
	defer srv.Close()
	c := srv.Client()
	order, _ := c.AppOrderString(&mapi.AppOrder{OutTradeNo: "ORDER-9", Subject: "Cake", Currency: "GBP", TotalFee: "12"})
	if _, err := srv.Pay(context.Background(), order); err != nil {
		panic(err)
	}
	ctx := context.Background()

	srv.InjectFault("forex_refund", mapitest.Fault{Kind: mapitest.MissingSignature})
	req := &mapi.RefundRequest{OutReturnNo: "REFUND-9-1", OutTradeNo: "ORDER-9", ReturnAmount: "2", Currency: "GBP"}
	_, err := c.Refund(ctx, req)
	fmt.Println("unknown:", mapi.IsUnknown(err))
	if mapi.IsUnknown(err) {
		q, err := c.QueryRefund(ctx, &mapi.QueryRefundRequest{OutTradeNo: req.OutTradeNo, OutReturnNo: req.OutReturnNo})
		if err != nil {
			panic(err) // still unknown: try again later, never with a new out_return_no
		}
		fmt.Println("confirmed:", q.ResponseCode, q.RefundResultCode)
	}
	// Output:
	// unknown: true
	// confirmed: SUCCESS SUCCESS
}
