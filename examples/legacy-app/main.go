// Command legacy-app walks through Alipay's legacy cross-border APP payment
// (package mapi) offline, against the fake gateway of package mapitest: it
// builds and signs an order string, lets the fake Alipay app pay it,
// receives the notification through the handler, verifies the app's
// synchronous result, queries the trade, refunds part of it and reads the
// day's fptrade reconciliation file.
//
// Against the real gateway, replace the fake with your partner ID, keys and
// mapi.GatewaySandbox or mapi.GatewayProduction; the app SDK, not Pay,
// executes the order string.
package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/xborderpay/alipay/mapi"
	"github.com/xborderpay/alipay/mapi/mapitest"
)

func main() {
	if err := run(os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(w io.Writer) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	srv := mapitest.NewServer()
	defer srv.Close()
	c, err := mapi.NewClient(srv.PartnerID(),
		mapi.WithPrivateKey(srv.MerchantPrivateKeyPEM()),   // signs the order string and gateway calls, both RSA (the key Alipay registered)
		mapi.WithAlipayPublicKey(srv.AlipayPublicKeyPEM()), // verifies notifications, results, responses
		mapi.WithGateway(srv.URL),
	)
	if err != nil {
		return err
	}

	// The merchant's notify_url.
	paid := make(chan *mapi.TradeNotification, 1)
	notify := httptest.NewServer(c.NotificationHandler(func(_ context.Context, n *mapi.TradeNotification) error {
		paid <- n
		return nil
	}))
	defer notify.Close()

	// 1. The server signs the order and hands it to the app.
	order, err := c.AppOrderString(&mapi.AppOrder{
		OutTradeNo: "ORDER-0001",
		Subject:    "Flat white",
		Currency:   "USD",
		TotalFee:   "12",
		ItBPay:     "30m",
		NotifyURL:  notify.URL + "/alipay/notify",
		TradeInformation: &mapi.TradeInformation{
			BusinessType: "4", GoodsInfo: "Flat white^2", TotalQuantity: "2",
		},
	})
	if err != nil {
		return err
	}
	signed, _, _ := strings.Cut(order, `&sign="`)
	fmt.Fprintf(w, "order string: %s&sign=\"…\"&sign_type=\"RSA\"\n", signed)

	// 2. The app pays (here: the fake Alipay app).
	pay, err := srv.Pay(ctx, order)
	if err != nil {
		return err
	}

	// 3. Alipay's notification arrived at the handler, which verified its
	// signature and notify_verify, and acknowledged it.
	var n *mapi.TradeNotification
	select {
	case n = <-paid:
	case <-ctx.Done():
		return ctx.Err()
	}
	fmt.Fprintf(w, "notification: %s %s %s %s (trade %s, acknowledged %t)\n",
		n.OutTradeNo, n.TradeStatus, n.TotalFee, n.Currency, n.TradeNo, pay.Delivery.Acked)

	// 4. The app's synchronous result, for display only.
	res, err := c.VerifyAppResult(pay.AppResult)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "app result: resultStatus %s, success %t, signature verified\n", res.ResultStatus, res.Success)

	// 5. Query and refund through the gateway.
	t, err := c.QueryTrade(ctx, &mapi.QueryTradeRequest{TradeNo: n.TradeNo})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "query: %s %s, paid %s\n", t.OutTradeNo, t.TradeStatus, t.GmtPayment.Format("2006-01-02 15:04:05 -07:00"))

	// An answer that cannot be trusted (unsigned, lost, SYSTEM_ERROR to the
	// end) is unknown: the refund may have been made. Confirm it with the
	// same out_return_no — a new one could refund twice.
	srv.InjectFault("forex_refund", mapitest.Fault{Kind: mapitest.MissingSignature})
	_, err = c.Refund(ctx, &mapi.RefundRequest{
		OutReturnNo: "REFUND-0001-1", OutTradeNo: "ORDER-0001",
		ReturnAmount: "4.50", Currency: "USD", Reason: "one cup spilled",
	})
	if err != nil && !mapi.IsUnknown(err) {
		return err
	}
	if err != nil {
		fmt.Fprintln(w, "refund: outcome unknown (unsigned answer); confirming by query")
	}
	q, err := c.QueryRefund(ctx, &mapi.QueryRefundRequest{OutTradeNo: "ORDER-0001", OutReturnNo: "REFUND-0001-1"})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "refund: REFUND-0001-1 %s %s\n", q.ResponseCode, q.RefundResultCode)

	// 6. Reconciliation: the day's SFTP file (GBK CSV).
	var file bytes.Buffer
	if err := srv.WriteFPTrade(&file, time.Now()); err != nil {
		return err
	}
	fmt.Fprintln(w, "fptrade file:")
	for row, err := range mapi.NewFPTradeReader(&file).All() {
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %s %s %s %s\n", row.Type, row.PartnerTransactionID, row.Amount, row.Currency)
	}
	return nil
}
