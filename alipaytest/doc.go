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
// Tests control it through a FakeClock (WithClock), manual notification
// delivery (WithManualNotifications, DeliverDue), injected faults
// (InjectFault, WithFaultHook) and the records it keeps (Deliveries,
// Charges, Refunds, PaymentStatus).
//
// Keys are RSA-2048 pairs generated once per process; they protect nothing
// and must never be used outside tests.
package alipaytest
