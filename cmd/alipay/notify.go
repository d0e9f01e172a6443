package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/xborderpay/alipay"
)

// notifyAck is Antom's documented acknowledgement, byte for byte (docs/protocol/ams.md §2.9).
const notifyAck = alipay.NotificationAck

const notifyAbout = `Sends your server a notification signed the way Antom signs them, and checks
the answer: Antom counts a notification as received only on HTTP 200 with the
acknowledgement body
  ` + notifyAck + `
and otherwise sends it again.

The notification is signed over
  POST <path and query of -url>
  <client ID>.<Request-Time>.<body>
with the private key in -key: the private half of the key your server uses as
Antom's public key (for a local test, a pair made with "alipay keygen").
Point -url at a server you run, e.g. on localhost.
`

func (a *app) notify(ctx context.Context, args []string) error {
	f := newFlags("notify", "alipay notify -url URL -key FILE -client-id ID [-type payment|refund|capture] [-status success|fail]", notifyAbout)
	target := f.String("url", "", "`URL` of your notification endpoint, e.g. http://127.0.0.1:8080/alipay/notify")
	keyFile := f.String("key", "", "`FILE` with the private key to sign with, standing in for Antom's")
	clientID := f.String("client-id", "", "the client `ID` your server expects in Client-Id")
	kind := f.String("type", "payment", "notification `type`: payment (PAYMENT_RESULT), refund (REFUND_RESULT) or capture (CAPTURE_RESULT)")
	status := f.String("status", "success", "`outcome` to report: success or fail")
	requestID := f.String("request-id", "", "paymentRequestId, refundRequestId or captureRequestId: the merchant's `ID` (default: TEST-<time>)")
	id := f.String("id", "", "paymentId, refundId or captureId: Antom's `ID` (default: derived from the time)")
	paymentID := f.String("payment-id", "", "for -type capture: the `paymentId` of the captured payment (default: derived from the time)")
	amount := f.String("amount", "100", "amount `value` in minor units (100 = 1.00 USD)")
	currency := f.String("currency", "USD", "ISO 4217 currency `code`")
	bodyFile := f.String("body", "", "`FILE` with a body to send instead of a generated one")
	uri := f.String("uri", "", "`URI` to sign instead of the path and query of -url (to test a path-rewriting proxy)")
	reqTime := f.String("time", "", "the Request-Time header `T` (default: now, ISO 8601 as Antom sends it)")
	timeout := f.Duration("timeout", 10*time.Second, "how long to wait for the answer")
	if err := f.parse(a.stdout, args, 0); err != nil {
		return err
	}
	if err := requireFlags(map[string]string{"url": *target, "key": *keyFile, "client-id": *clientID}, "url", "key", "client-id"); err != nil {
		return err
	}
	signURI, err := requestURIOf(*target)
	if err != nil || !(strings.HasPrefix(*target, "http://") || strings.HasPrefix(*target, "https://")) {
		return usagef("-url %q is not an http:// or https:// URL", *target)
	}
	if *uri != "" {
		if signURI, err = requestURIOf(*uri); err != nil {
			return err
		}
	}
	now := a.now()
	if *reqTime == "" {
		*reqTime = now.Format(time.RFC3339)
	}

	var body []byte
	if *bodyFile != "" {
		if body, err = a.readInput("the body", *bodyFile); err != nil {
			return err
		}
	} else {
		n := notifyFields{kind: *kind, status: *status, requestID: *requestID, id: *id, paymentID: *paymentID,
			amount: alipay.Amount{Currency: *currency, Value: *amount}, now: now}
		if body, err = n.body(); err != nil {
			return err
		}
	}

	keyPEM, err := a.readInput("the private key", *keyFile)
	if err != nil {
		return err
	}
	key, err := alipay.ParsePrivateKey(string(keyPEM))
	if err != nil {
		return fmt.Errorf("-key %s: %w", *keyFile, err)
	}
	sig, err := alipay.NewSigner(key).Sign(ctx, alipay.SignContent(http.MethodPost, signURI, *clientID, *reqTime, body))
	if err != nil {
		return err
	}
	header := alipay.SignatureHeader{Algorithm: alipay.AlgorithmRSA256, KeyVersion: alipay.DefaultKeyVersion, Signature: sig}

	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, *target, bytes.NewReader(body))
	if err != nil {
		return usagef("-url %q: %v", *target, err)
	}
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	req.Header.Set("Client-Id", *clientID)
	req.Header.Set("Request-Time", *reqTime)
	req.Header.Set("Signature", header.Encode())

	w := a.stdout
	fmt.Fprintf(w, "Sent POST %s\n", *target)
	fmt.Fprintf(w, "  Client-Id: %s\n  Request-Time: %s\n  Signature: %s (signed URI %s)\n", *clientID, *reqTime, header, signURI)
	fmt.Fprintf(w, "  Body: %s\n", body)

	resp, err := a.httpClient.Do(req)
	if errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("sending the notification: nothing is listening at %s; start your server first (%w)", *target, err)
	}
	if err != nil {
		return fmt.Errorf("sending the notification: %w", err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return fmt.Errorf("reading the answer: %w", err)
	}
	fmt.Fprintf(w, "Answer: %s (Content-Type: %s)\n", resp.Status, valueOr(resp.Header.Get("Content-Type"), "none"))
	fmt.Fprintf(w, "  Body: %s\n", clipBody(answer, 500))
	if problems := judgeAck(resp.StatusCode, answer); len(problems) > 0 {
		fmt.Fprintln(w, "FAIL: Antom would not count this notification as received and would send it again.")
		for _, p := range problems {
			fmt.Fprintln(w, "  "+p)
		}
		return &failedError{"not acknowledged"}
	}
	fmt.Fprintln(w, "OK: acknowledged with status 200 and the exact acknowledgement body.")
	return nil
}

// judgeAck explains what keeps an answer from being Antom's acknowledgement.
func judgeAck(status int, body []byte) []string {
	var problems []string
	switch {
	case status == http.StatusOK:
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		problems = append(problems, fmt.Sprintf("The status is %d, not 200: the server refused the signature. Check that it uses the public half of -key as Antom's public key, expects this client ID, and verifies over the raw body and the path Antom calls (see -uri).", status))
	case status >= 300 && status < 400:
		problems = append(problems, fmt.Sprintf("The status is %d, not 200: Antom does not follow redirects; register the final URL.", status))
	default:
		problems = append(problems, fmt.Sprintf("The status is %d, not 200.", status))
	}
	if status != http.StatusOK || string(body) == notifyAck {
		return problems
	}
	var got, want any
	switch {
	case len(bytes.TrimSpace(body)) == 0:
		problems = append(problems, "The body is empty; it must be exactly "+notifyAck)
	case json.Unmarshal(body, &got) == nil && json.Unmarshal([]byte(notifyAck), &want) == nil && jsonEqual(got, want):
		problems = append(problems, "The body has the right JSON but not the exact bytes (white space, key order or a final line break). Send exactly "+notifyAck)
	default:
		problems = append(problems, "The body is not the acknowledgement; it must be exactly "+notifyAck+` (resultCode SUCCESS, resultStatus S, resultMessage "success")`)
	}
	return problems
}

func jsonEqual(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

func valueOr(v, fallback string) string {
	if v == "" {
		return fallback
	}
	return v
}

// clipBody shows at most n bytes of an answer body.
func clipBody(b []byte, n int) string {
	b = bytes.TrimRight(b, "\r\n")
	if len(b) == 0 {
		return "(empty)"
	}
	if len(b) > n {
		return fmt.Sprintf("%s… (%d bytes)", b[:n], len(b))
	}
	return string(b)
}
