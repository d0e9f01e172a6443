package alipay

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkNotificationHandler pairs a full handler round (read the body,
// parse the Signature header, verify, decode, acknowledge) with the RSA
// verification it cannot avoid, in the same run:
//
//	go test -run '^$' -bench NotificationHandler -benchmem .
func BenchmarkNotificationHandler(b *testing.B) {
	v := notifyVector(b, "notify-payment")
	h := notifyTestClient(b).NotificationHandler(func(context.Context, *Notification) error { return nil })
	pub, err := ParsePublicKey(readKey(b, "antom_public.pem"))
	if err != nil {
		b.Fatal(err)
	}
	sh, err := ParseSignatureHeader("algorithm=RSA256,signature=" + v.Signature)
	if err != nil {
		b.Fatal(err)
	}
	content := []byte(v.Method + " " + v.URI + "\n" + v.ClientID + "." + v.Time + "." + v.Body)
	benchPair{
		sdk: func(b *testing.B) {
			r := httptest.NewRequest(http.MethodPost, v.URI, strings.NewReader(v.Body))
			r.Header = notifyHeaders(v.ClientID, v.Time, v.Signature)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != http.StatusOK {
				b.Fatal(w.Code)
			}
		},
		raw: func(b *testing.B) {
			digest := sha256.Sum256(content)
			if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sh.Signature); err != nil {
				b.Fatal(err)
			}
		},
	}.run(b)
}
