package alipay_test

import (
	"context"
	"fmt"
	"log"

	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/alipaytest"
)

// A two-level payment menu: categories first, methods inside, the ones that
// cannot take this payment greyed out with their reason.
func ExampleConsultResponse_GroupsByCategory() {
	srv := alipaytest.NewServer()
	defer srv.Close()
	c := srv.Client()

	resp, err := c.Consult(context.Background(), &alipay.ConsultRequest{
		PaymentAmount: alipay.Amount{Currency: "EUR", Value: "2500"},
		Env:           alipay.Env{TerminalType: alipay.TerminalTypeWeb},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, g := range resp.GroupsByCategory() {
		fmt.Println(g.Category)
		for _, o := range g.Options {
			if o.Enabled {
				fmt.Println("  ", o.PaymentMethodType)
			} else {
				fmt.Println("  ", o.PaymentMethodType, "(unavailable:", o.DisableReason+")")
			}
		}
	}
	fmt.Println(len(resp.EnabledOptions()), "enabled,", len(resp.DisabledOptions()), "disabled")
	// Output:
	// WALLET
	//    ALIPAY_CN
	//    ALIPAY_HK (unavailable: CHANNEL_NOT_SUPPORT_CURRENCY)
	//    GCASH (unavailable: CHANNEL_NOT_SUPPORT_CURRENCY)
	//    DANA (unavailable: CHANNEL_NOT_SUPPORT_CURRENCY)
	//    KAKAOPAY (unavailable: CHANNEL_NOT_SUPPORT_CURRENCY)
	//    TNG (unavailable: CHANNEL_NOT_SUPPORT_CURRENCY)
	//    TRUEMONEY (unavailable: CHANNEL_NOT_SUPPORT_CURRENCY)
	// CARD
	//    CARD
	// ONLINE_BANKING
	//    SOFORT
	//    BLIK (unavailable: CHANNEL_NOT_SUPPORT_CURRENCY)
	//    P24
	//    IDEAL
	// 5 enabled, 7 disabled
}
