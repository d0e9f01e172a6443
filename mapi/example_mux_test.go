package mapi_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/xborderpay/alipay/mapi"
	"github.com/xborderpay/alipay/mapi/mapitest"
)

// ExampleClient_NotificationMux serves one notify_url for payments and
// refunds, as Alipay's PHP and Java demos set it up.
func ExampleClient_NotificationMux() {
	srv := mapitest.NewServer()
	defer srv.Close()
	c := srv.Client()
	mux := http.NewServeMux()
	mux.Handle("/alipay/notify", c.NotificationMux(mapi.NotificationFuncs{
		Trade: func(ctx context.Context, n *mapi.TradeNotification) error {
			fmt.Println("paid:", n.OutTradeNo, n.TotalFee, n.Currency)
			return nil // an error makes Alipay resend
		},
		Refund: func(ctx context.Context, n *mapi.RefundNotification) error {
			fmt.Println("refund:", n.OutReturnNo, n.RefundStatus)
			return nil
		},
	}))
	_ = mux // http.ListenAndServe(":443", mux) in production
	// Output:
}

// ExampleClient_CompareFile is a nightly job in Seoul: it asks for its own
// yesterday, by calendar date.
func ExampleClient_CompareFile() {
	seoul := time.FixedZone("KST", 9*60*60)
	now := time.Date(2026, 11, 29, 1, 30, 0, 0, seoul) // time.Now().In(seoul) in production
	yesterday := mapi.DateOf(now).AddDays(-1)
	fmt.Println("start_date and end_date:", yesterday)
	// fr, err := c.CompareFile(ctx, yesterday, yesterday); then fr.All(),
	// and fr.NoData() to tell a day without transactions from a failure.

	// Output:
	// start_date and end_date: 2026-11-28
}
