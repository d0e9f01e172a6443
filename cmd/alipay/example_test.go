package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The verify command on a notification whose body was pretty-printed after
// it arrived: the diagnosis names the body and how it was changed.
func Example_verify() {
	dir, err := os.MkdirTemp("", "alipay-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	saved := strings.Join([]string{
		"POST /notify/refund HTTP/1.1",
		"Client-Id: SANDBOX_5YBZ1N2Q3R4S5T6U",
		"Request-Time: 2021-08-04T01:52:38-07:00",
		"Signature: algorithm=RSA256,keyVersion=1,signature=" + exampleRefundSignature,
		"",
		exampleRefundBodyIndented,
	}, "\r\n")
	file := filepath.Join(dir, "notification.txt")
	if err := os.WriteFile(file, []byte(saved), 0o600); err != nil {
		fmt.Println(err)
		return
	}
	code := run(context.Background(), []string{"verify", "-key", "../../testdata/antom_public.pem", file}, nil, os.Stdout, os.Stderr)
	fmt.Println("exit status", code)
	// Output:
	// Checking a notification from Antom.
	//   URI           POST /notify/refund
	//   Client-Id     SANDBOX_5YBZ1N2Q3R4S5T6U
	//   Request-Time  2021-08-04T01:52:38-07:00
	//   body          377 bytes
	// FAIL: the signature does not verify.
	// Most likely wrong: the body.
	//   Antom signed it compact (no whitespace); the body you have was re-serialised after it arrived. Verify over the raw bytes exactly as received, before any JSON decoding or pretty-printing.
	//   With that, the signature verifies; the key is right.
	// exit status 1
}

// Antom's signature of the notify-refund vector in ../../testdata/ams_signatures.json.
const exampleRefundSignature = "UOXZQ2nmI0AyBoCrF1qeuO9Rqn3rM6hOBbSBgyzZc8pC44T1BpeNYp34vwGLoTA%2B%2FQFFDFtJxxCsU822DQuNTGJ5QciF6%2BF2s0gc0Na4DdfZuiykVhzdJh17C5n%2F8b%2BNC3jv82U081i8anYKmAZ29u4MR%2B903lnJPAAWusP3oNBYIMEyGQu07yQ%2B8eUUaKJhVJwDAmjKHXBBi78hFAdgy5mAn1ALjVH0Rxg6eunlvdG51asfN5K%2Bfb3aaCM63R%2BywdyR5mEy08cOUHIvuVXWmlxvlMo6rZ288wrOZXmJCwGIxZZ8I%2BEFQZEhEBGAKVup3XTraBO5margeFJRA%2BIhew%3D%3D"

// The vector's body after a JSON pretty-printer.
const exampleRefundBodyIndented = `{
  "notifyType": "REFUND_RESULT",
  "refundAmount": {
    "currency": "HKD",
    "value": "10000"
  },
  "refundId": "2021080419401080130018866020092XXXX",
  "refundRequestId": "REFUND-ORD-7781-1",
  "refundStatus": "SUCCESS",
  "refundTime": "2021-08-04T01:52:37-07:00",
  "result": {
    "resultCode": "SUCCESS",
    "resultMessage": "Success",
    "resultStatus": "S"
  }
}`
