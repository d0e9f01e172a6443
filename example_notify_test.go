package alipay_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/xborderpay/alipay"
)

// A merchant's notify endpoint. Antom resends a notification until it gets
// the acknowledgement, so the function drops the duplicates by DedupeKey
// (in production, a unique key in the merchant's database).
func ExampleClient_NotificationHandler() {
	c, err := alipay.NewClient("SANDBOX_5YBZ1N2Q3R4S5T6U",
		alipay.WithPrivateKey(notifyReadTestKey("testdata/merchant_private_pkcs8.pem")),
		alipay.WithAlipayPublicKey(notifyReadTestKey("testdata/antom_public.pem")),
	)
	if err != nil {
		log.Fatal(err)
	}

	var mu sync.Mutex
	handled := map[string]bool{}
	mux := http.NewServeMux()
	mux.Handle("/alipay/notify", c.NotificationHandler(func(ctx context.Context, n *alipay.Notification) error {
		mu.Lock()
		defer mu.Unlock()
		if handled[n.DedupeKey()] {
			fmt.Println("duplicate, already handled")
			return nil // acknowledge again so that Antom stops resending
		}
		switch {
		case n.NotifyType == alipay.NotifyTypePaymentResult && n.Result.ResultStatus == alipay.ResultStatusSuccess:
			fmt.Println("paid:", n.Payment.PaymentRequestID, n.Payment.PaymentAmount)
		case n.NotifyType == alipay.NotifyTypePaymentResult:
			fmt.Println("payment failed:", n.Payment.PaymentRequestID, n.Result.ResultCode)
		case n.Refund != nil:
			fmt.Println("refund", n.Refund.RefundStatus, n.Refund.RefundRequestID)
		}
		handled[n.DedupeKey()] = true // returning an error instead would make Antom resend
		return nil
	}))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	// What Antom sends, twice.
	body := `{"notifyType":"PAYMENT_RESULT","result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentRequestId":"ORD-7781-A","paymentId":"2020010123456789XXXX","paymentAmount":{"value":"1025","currency":"USD"},"paymentCreateTime":"2020-01-01T12:01:00+08:30","paymentTime":"2020-01-01T12:01:01+08:30"}`
	for range 2 {
		resp, err := notifyPostAsAntom(srv.URL, "/alipay/notify", time.Now().Format(time.RFC3339), body)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(resp)
	}
	// Output:
	// paid: ORD-7781-A 10.25 USD
	// 200 {"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}
	// duplicate, already handled
	// 200 {"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}
}

// Verifying a notification received by a framework other than net/http:
// pass the method, the path Antom called, the headers and the raw body.
func ExampleClient_VerifyNotification() {
	c, err := alipay.NewClient("SANDBOX_5YBZ1N2Q3R4S5T6U",
		alipay.WithPrivateKey(notifyReadTestKey("testdata/merchant_private_pkcs8.pem")),
		alipay.WithAlipayPublicKey(notifyReadTestKey("testdata/antom_public.pem")),
	)
	if err != nil {
		log.Fatal(err)
	}
	body := []byte(`{"notifyType":"REFUND_RESULT","refundAmount":{"currency":"HKD","value":"10000"},"refundId":"2021080419401080130018866020092XXXX","refundRequestId":"REFUND-ORD-7781-1","refundStatus":"SUCCESS","refundTime":"2021-08-04T01:52:37-07:00","result":{"resultCode":"SUCCESS","resultMessage":"Success","resultStatus":"S"}}`)
	headers := notifyAntomHeaders("/notify/refund", time.Now().Format(time.RFC3339), string(body))

	n, err := c.VerifyNotification(http.MethodPost, "/notify/refund", headers, body)
	if err != nil {
		fmt.Println("rejected:", err) // answer 401 and no acknowledgement
		return
	}
	fmt.Println(n.NotifyType, n.Refund.RefundStatus, n.Refund.RefundAmount, n.Refund.RefundTime.UTC())
	fmt.Println(n.DedupeKey())

	// A body changed on the way fails verification before it is decoded.
	_, err = c.VerifyNotification(http.MethodPost, "/notify/refund", headers, []byte(strings.Replace(string(body), "10000", "90000", 1)))
	fmt.Println(err != nil)
	// Output:
	// REFUND_RESULT SUCCESS 100.00 HKD 2021-08-04 08:52:37 +0000 UTC
	// REFUND_RESULT/REFUND-ORD-7781-1/2021080419401080130018866020092XXXX/SUCCESS/S/SUCCESS
	// true
}

// notifyAntomHeaders signs a notification as Antom does, with the test key that
// stands in for Antom's private key.
func notifyAntomHeaders(uri, requestTime, body string) http.Header {
	key, err := alipay.ParsePrivateKey(notifyReadTestKey("testdata/antom_private_pkcs8.pem"))
	if err != nil {
		log.Fatal(err)
	}
	content := alipay.SignContent(http.MethodPost, uri, "SANDBOX_5YBZ1N2Q3R4S5T6U", requestTime, []byte(body))
	sig, err := alipay.NewSigner(key).Sign(context.Background(), content)
	if err != nil {
		log.Fatal(err)
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json; charset=UTF-8")
	h.Set("Client-Id", "SANDBOX_5YBZ1N2Q3R4S5T6U")
	h.Set("Request-Time", requestTime)
	h.Set("Signature", alipay.SignatureHeader{Algorithm: alipay.AlgorithmRSA256, KeyVersion: "1", Signature: sig}.Encode())
	return h
}

// notifyPostAsAntom posts a signed notification and returns "<status> <body>".
func notifyPostAsAntom(baseURL, uri, requestTime, body string) (string, error) {
	req, err := http.NewRequest(http.MethodPost, baseURL+uri, strings.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header = notifyAntomHeaders(uri, requestTime, body)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	ack, err := io.ReadAll(resp.Body)
	return fmt.Sprint(resp.StatusCode, " ", string(ack)), err
}

func notifyReadTestKey(name string) string {
	b, err := os.ReadFile(name)
	if err != nil {
		log.Fatal(err)
	}
	return string(b)
}
