// Package alipaytest runs a fake Antom gateway in process, for tests and
// examples, as net/http/httptest runs a fake HTTP server.
//
//	srv := alipaytest.NewServer()
//	defer srv.Close()
//	c := srv.Client() // an *alipay.Client with the server's keys and URL
//	resp, err := c.Pay(ctx, &alipay.PayRequest{...})
//	err = srv.CompletePayment(paymentRequestID) // the user pays
//
// The server behaves like Antom as far as the protocol notes in docs/protocol/ams.md
// know it: it verifies request signatures (an unsigned F
// INVALID_SIGNATURE when they fail), names the field in PARAM_ILLEGAL, signs
// every other answer, keeps payments in Antom's state machine with expiry on
// its own clock, enforces idempotency (REPEAT_REQ_INCONSISTENT), serves a
// cashier page at each payment's normalUrl, and sends signed notifications
// that it resends on Antom's schedule until they are acknowledged.
//
// createPaymentSession makes a Checkout Page session: its normalUrl is a
// hosted page listing the methods the session allows, where the buyer picks
// one and pays or declines; from there the payment is like one made by pay.
// What Antom does not document about sessions (result codes, repeats,
// expiry) is the fake's choice, listed in session.go.
//
// The catalogue has wallets (ALIPAY_CN, ALIPAY_HK, GCASH, DANA, KAKAOPAY,
// TNG, TRUEMONEY), CARD, and the online-banking methods SOFORT (EUR), BLIK
// (PLN), P24 (PLN, EUR) and IDEAL (EUR), the last three on WEB and WAP
// only. BLIK, P24 and IDEAL take the buyer's blikCode, payerEmail or
// bankIdentifierCode in pay's paymentMethod.paymentMethodMetaData
// (https://global.alipay.com/docs/ac/cashierpay/noncard_payment, step 4);
// pay refuses a bad one with PARAM_ILLEGAL naming the key, and without one
// the cashier page asks the buyer for it, as Antom's own page does. The
// fake's checks: blikCode is 6 digits, payerEmail a plain address,
// bankIdentifierCode one of ABNANL2A, ASNBNL21, BUNQNL2A, INGBNL2A,
// KNABNL2H, RABONL2U, RBRBNL21, SNSBNL2A, TRIONL2U, FVLBNL22.
// PaymentMethodMetaData reports what a payment was given.
//
// Tests control it through a FakeClock (WithClock), manual notification
// delivery (WithManualNotifications, DeliverDue), injected faults
// (InjectFault, WithFaultHook) and the records it keeps (Deliveries,
// Charges, Refunds, PaymentStatus).
//
// Keys are RSA-2048 pairs generated once per process; they protect nothing
// and must never be used outside tests.
package alipaytest
