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
//		mapi.WithPrivateKey(merchantKey),      // signs the order string and gateway calls: RSA by default
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
// Signing follows Alipay's rules byte for byte
// (https://docs.antom.com/ac/website_hk/presign,
// https://docs.antom.com/ac/app/pre_sign): PreSignString for gateway calls
// and notifications, QuotedPreSignString for the App order string. Times that
// Alipay sends are Beijing time; they are parsed in the fixed zone Beijing
// (UTC+8), never the host's zone or tzdata. Amounts stay decimal strings.
//
// # Sign types
//
// Gateway calls are signed with the sign type of the App order string —
// RSA unless WithAppOrderSignType says RSA2 — or MD5 when WithSignType says
// so (a client holding only an MD5 key must); never RSA2 merely because a
// private key is set, since
// Alipay refuses (ILLEGAL_SIGN) a sign type the merchant has not
// registered a key for. WithSignType chooses another. Notifications and
// signed answers are accepted only in the sign types the client chose
// (WithAlipaySignTypes), whatever sign_type a message claims.
//
// # What each service's answer is worth
//
// An *Error for which IsUnknown is true means Alipay may have acted on the
// call: confirm with the query service before acting, using the same
// out_trade_no (single_trade_query) or the same out_return_no
// (alipay.acquire.refund.query) — never by sending a refund with a new
// out_return_no, which may refund twice. IsUnknown is false for a call
// that cannot have reached Alipay (refused connection, context done before
// sending). Redirects are never followed: a 3xx is unknown.
//
//	Service                      Answer  Signed  Retried with the same signed parameters  Unknown when
//	single_trade_query           XML     yes     T, S                                     U, R, B, L
//	forex_refund                 XML     yes     T, S                                     U, R, B, L
//	alipay.acquire.refund.query  XML     yes     T, S                                     U, R, B, L
//	notify_verify                text    never   T                                        L, X, not true/false/invalid
//	forex_rate_file              text    never   T, "System exception"                    L, X
//	forex_compare_file           text    never   T; then read until ctx or idle timeout   L, X
//	forex_liquidation_file       text    never   T; then read until ctx or idle timeout   L, X
//
//	T  transport errors, HTTP 429 and 5xx (not 501)
//	S  is_success=F with SYSTEM_ERROR or SYSTEM_EXCEPTION, which the docs say to retry
//	U  an unsigned answer, success or failure (its code is shown), or a bad signature
//	R  a retryable failure (T or S) still there when the retries run out
//	B  an answer not bound to the request: out_trade_no, trade_no or out_return_no
//	   echoed (in <request> or in the signed fields) differs, or the signed
//	   <response> lacks one the request named; or a signed <response> under
//	   an unsigned is_success=F
//	L  a redirect, or an answer that could not be read
//	X  an XML envelope instead of text (always unsigned: its code is shown)
//
// The XML services sign their answers (https://docs.antom.com/ac/web_cn/sync).
// Only the fields a signature covers are read — the children of the element
// under <response>, or, without one, the top-level fields — so is_success
// and the <request> echo of an answer with a <response> are never trusted.
// Gateway access errors (ILLEGAL_PARTNER, ILLEGAL_SIGN, ...) come unsigned,
// so their Code is shown but the error is unknown like any unsigned
// failure. A signed is_success=F with a business code (TRADE_NOT_EXIST,
// RETURN_AMOUNT_EXCEED, REPEATED_REFUNDMENT_REQUEST, ...) is final:
// Unknown is false. A successful forex_refund answer signs only
// is_success, so it cannot be bound to its out_return_no; a refund whose
// answer was lost is still refunded once because every retry repeats the
// same out_return_no.
//
// The file services answer unsigned text; only ExchangeRates' and the
// download readers' own checks stand between the bytes and the caller, so
// treat their figures as reports to reconcile, not as payment outcomes.
//
// # Notifications
//
// A notification is accepted when its signature verifies in an accepted
// sign type, none of its values holds an embedded "&name=" (which would
// let a genuine notification be re-cut into another that verifies), and
// notify_verify answers "true". Since notify_id expires after about a
// minute and Alipay's resends keep it, a "false" for a notification whose
// signature verifies is settled with a signed single_trade_query (or
// alipay.acquire.refund.query), bound to the notification's ids: accepted
// if the status matches, refused otherwise, left unanswered (Alipay
// resends) when the query's outcome is unknown.
//
// The daily transaction file <PID>_fptrade_<yyyyMMdd>.csv, which Alipay
// delivers by SFTP, is fetched with package
// github.com/xborderpay/alipay/reports/sftp (Fetcher.FetchDay matches it by
// its date; that module keeps SSH out of this one) and read with
// NewFPTradeReader.
//
// Package mapitest runs a fake MAPI gateway for tests.
package mapi
