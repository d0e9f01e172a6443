package alipaytest

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// FuzzAPI feeds correctly signed, arbitrary bodies to every API: the
// server must never panic, and must always answer a signed JSON result.
func FuzzAPI(f *testing.F) {
	seeds := []string{
		`{}`, `[]`, `null`, `{"paymentRequestId":1}`, `{"paymentAmount":{"currency":"USD","value":"1e9"}}`,
		`{"productCode":"CASHIER_PAYMENT","paymentRequestId":"a","order":{},"paymentAmount":{"currency":"USD","value":"1"},"paymentMethod":{"paymentMethodType":"CARD"},"paymentRedirectUrl":"https://x","env":{"terminalType":"WEB"},"paymentFactor":{"isAuthorization":"maybe"}}`,
		`{"refundRequestId":"r","paymentId":"p","refundAmount":{"currency":"USD","value":"99999999999999999999"}}`,
		`{"paymentExpiryTime":"2026-13-45T99:00:00Z"}`,
		`{"productCode":"CASHIER_PAYMENT","paymentRequestId":"b","order":{},"paymentAmount":{"currency":"PLN","value":"1"},"paymentMethod":{"paymentMethodType":"BLIK","paymentMethodMetaData":{"blikCode":["1"]}},"paymentRedirectUrl":"https://x","env":{"terminalType":"WEB"}}`,
		`{"productCode":"CASHIER_PAYMENT","paymentRequestId":"c","order":{},"paymentAmount":{"currency":"EUR","value":"1"},"paymentMethod":{"paymentMethodType":"IDEAL","paymentMethodMetaData":{"bankIdentifierCode":"ABNANL2AXXX"}},"paymentRedirectUrl":"https://x","env":{"terminalType":"WEB"}}`,
		`{"productCode":"CASHIER_PAYMENT","paymentRequestId":"d","order":{},"paymentAmount":{"currency":"PLN","value":"1"},"paymentMethod":{"paymentMethodType":"P24","paymentMethodMetaData":{"payerEmail":"a@\u0000"}},"paymentRedirectUrl":"https://x","env":{"terminalType":"WEB"}}`,
	}
	for _, s := range seeds {
		for api := range apiHandlers {
			f.Add(api, []byte(s))
		}
	}
	srv := NewUnstartedServer(WithManualNotifications())
	srv.URL = "http://127.0.0.1:1"
	handler := srv.routes()
	key := srv.merchant.private
	f.Fuzz(func(t *testing.T, api string, body []byte) {
		if apiHandlers[api] == nil {
			return
		}
		uri := "/ams/api/v1/payments/" + api
		const reqTime = "1700000000000"
		digest := sha256.Sum256([]byte("POST " + uri + "\n" + srv.clientID + "." + reqTime + "." + string(body)))
		sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodPost, uri, bytes.NewReader(body))
		req.Header.Set("Client-Id", srv.clientID)
		req.Header.Set("Request-Time", reqTime)
		req.Header.Set("Signature", "algorithm=RSA256,keyVersion=1,signature="+url.QueryEscape(base64.StdEncoding.EncodeToString(sig)))
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			t.Fatalf("HTTP %d", w.Code)
		}
		if w.Header().Get("Signature") == "" {
			t.Fatalf("unsigned answer: %s", w.Body)
		}
		var env struct {
			Result *wireResult `json:"result"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil || env.Result == nil || env.Result.ResultCode == "" {
			t.Fatalf("no result in %s", w.Body)
		}
		if msg := env.Result.ResultMessage; env.Result.ResultStatus == "F" && msg == "" {
			t.Fatalf("F without a message: %s", w.Body)
		}
	})
}
