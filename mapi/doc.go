// Package mapi implements Alipay's legacy cross-border APP payment, which
// runs over the MAPI gateway (gateway.do) rather than the Antom AMS API of
// package alipay.
//
// The merchant server signs an order string (service
// mobile.securitypay.pay) that the Alipay app SDK executes; Alipay posts a
// form notification that the server verifies by signature and, optionally,
// by notify_verify; the server queries trades, refunds, reads exchange rates
// and reconciliation files through the gateway.
//
//	c, err := mapi.NewClient("2088101122136241",
//		mapi.WithPrivateKey(merchantKey),      // signs the order string (RSA) and RSA/RSA2 calls
//		mapi.WithAlipayPublicKey(alipayKey),   // verifies notifications and responses
//		mapi.WithGateway(mapi.GatewaySandbox),
//	)
//	orderString, err := c.AppOrderString(&mapi.AppOrder{...})
//	http.Handle("/alipay/notify", c.NotificationMux(mapi.NotificationFuncs{Trade: onPaid, Refund: onRefunded}))
//
// The file services take calendar dates (Date), never shifted between
// zones; the file readers decide UTF-8 or GBK once per file. Merchants
// porting a backend from Alipay's PHP or Java demo will find each demo
// function and configuration value, and where this package is stricter,
// in docs/mapi-migration.md of this repository.
//
// Signing follows spec §2 byte for byte: PreSignString for gateway calls and
// notifications, QuotedPreSignString for the App order string. Times that
// Alipay sends are Beijing time; they are parsed in the fixed zone Beijing
// (UTC+8), never the host's zone or tzdata. Amounts stay decimal strings.
//
// The daily transaction file <PID>_fptrade_<yyyyMMdd>.csv, which Alipay
// delivers by SFTP, is fetched with package
// github.com/xborderpay/alipay/reports/sftp (Fetcher.FetchDay matches it by
// its date; that module keeps SSH out of this one) and read with
// NewFPTradeReader.
//
// Package mapitest runs a fake MAPI gateway for tests.
package mapi
