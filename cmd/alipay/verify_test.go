package main

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xborderpay/alipay"
)

// signValue signs content parts with key and returns the signature= value
// as Antom sends it (URL-escaped base64).
func signValue(t testing.TB, key *rsa.PrivateKey, uri, clientID, tm, body string) string {
	t.Helper()
	sig, err := alipay.NewSigner(key).Sign(context.Background(), alipay.SignContent("POST", uri, clientID, tm, []byte(body)))
	require.NoError(t, err)
	return url.QueryEscape(base64.StdEncoding.EncodeToString(sig))
}

// dump writes a saved HTTP message the way curl -i does: CRLF line ends, a
// blank line, the body.
func dump(start string, headers []string, body string) string {
	var b strings.Builder
	if start != "" {
		b.WriteString(start + "\r\n")
	}
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("\r\n")
	b.WriteString(body)
	return b.String()
}

func responseDump(clientID, tm, sig, body string) string {
	return dump("HTTP/1.1 200 OK", []string{
		"Content-Type: application/json; charset=UTF-8",
		"Client-Id: " + clientID,
		"Response-Time: " + tm,
		"Signature: algorithm=RSA256,keyVersion=1,signature=" + sig,
	}, body)
}

func notificationDump(uri, clientID, tm, sig, body string) string {
	return dump("POST "+uri+" HTTP/1.1", []string{
		"Host: shop.example",
		"Content-Type: application/json",
		"Client-Id: " + clientID,
		"Request-Time: " + tm,
		"Signature: algorithm=RSA256, keyVersion=1, signature=" + sig,
	}, body)
}

type verifyCase struct {
	name    string
	message string   // saved message
	args    []string // flags besides the message file
	body    string   // written to a separate file and passed with -body when set
	code    int
	want    string // in stdout
}

func verifyCases(t *testing.T) []verifyCase {
	_, vectors := loadVectors(t)
	resp, pay := vectors["pay-response-iso-time"], vectors["notify-payment"]
	antom := readPrivateKey(t, antomPrivateFile)
	merchant := readPrivateKey(t, merchantPrivateFile)
	okResp := responseDump(resp.ClientID, resp.Time, resp.Signature, resp.Body)
	okNotify := notificationDump(pay.URI, pay.ClientID, pay.Time, pay.Signature, pay.Body)
	prodURI := []string{"-uri", resp.URI}
	unescaped, _ := url.QueryUnescape(pay.Signature)
	require.Contains(t, unescaped, "+", "the vector must have a + to lose")

	var indented bytes.Buffer
	require.NoError(t, json.Indent(&indented, []byte(resp.Body), "", "  "))

	small, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)

	digest := sha1.Sum(alipay.SignContent("POST", pay.URI, pay.ClientID, pay.Time, []byte(pay.Body)))
	sha1Sig, err := rsa.SignPKCS1v15(rand.Reader, antom, crypto.SHA1, digest[:])
	require.NoError(t, err)

	// A body Antom sent with non-ASCII characters escaped, saved after a
	// JSON round trip that unescaped them.
	escapedBody := `{"notifyType":"PAYMENT_RESULT","result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentRequestId":"\u6771\u4eac-1","paymentId":"1"}`
	decodedBody := `{"notifyType":"PAYMENT_RESULT","result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentRequestId":"東京-1","paymentId":"1"}`

	return []verifyCase{
		{name: "ok_response", message: okResp, args: prodURI, code: exitOK, want: "OK: the signature verifies with Antom's public key.\n"},
		{name: "ok_response_uri_found", message: okResp, code: exitOK, want: "OK: the signature verifies with Antom's public key for URI /ams/api/v1/payments/pay.\n"},
		{name: "ok_headers_and_body_apart", message: responseDump(resp.ClientID, resp.Time, resp.Signature, ""), body: resp.Body, args: prodURI, code: exitOK, want: "OK:"},
		{name: "ok_notification", message: okNotify, code: exitOK, want: "Checking a notification from Antom.\n  URI           POST /alipay/notify\n"},
		{name: "ok_lf_line_ends", message: strings.ReplaceAll(strings.TrimSuffix(okNotify, pay.Body), "\r\n", "\n") + pay.Body, code: exitOK, want: "OK:"},
		{name: "ok_after_100_continue", message: "HTTP/1.1 100 Continue\r\n\r\n" + okResp, args: prodURI, code: exitOK, want: "OK:"},
		{name: "ok_unescaped_signature", message: notificationDump(pay.URI, pay.ClientID, pay.Time, unescaped, pay.Body), code: exitOK, want: "Note: the signature value is not URL-escaped"},

		{name: "key_wrong", message: okNotify, args: []string{"-key", merchantPublicFile}, code: exitFail, want: "Most likely wrong: the key.\n  The signature was not made with the private half of this public key"},
		{name: "key_merchant_as_antom", message: okNotify, args: []string{"-key", merchantPublicFile, "-merchant-key", merchantPrivateFile}, code: exitFail, want: "The key given as Antom's public key is your own merchant public key."},
		{name: "key_signed_by_merchant", message: notificationDump(pay.URI, pay.ClientID, pay.Time, signValue(t, merchant, pay.URI, pay.ClientID, pay.Time, pay.Body), pay.Body), args: []string{"-merchant-key", merchantPublicFile}, code: exitFail, want: "The signature was made with your merchant private key, not Antom's"},
		{name: "key_size_differs", message: notificationDump(pay.URI, pay.ClientID, pay.Time, signValue(t, small, pay.URI, pay.ClientID, pay.Time, pay.Body), pay.Body), code: exitFail, want: "The signature is 128 bytes (as from a 1024-bit key) but the key is 2048-bit, so its signatures are 256 bytes"},

		{name: "uri_sandbox_vs_production", message: okResp, args: []string{"-uri", "/ams/sandbox/api/v1/payments/pay"}, code: exitFail, want: "Most likely wrong: the URI.\n  Antom signed the production path /ams/api/v1/payments/pay, not /ams/sandbox/api/v1/payments/pay."},
		{name: "uri_other_api", message: okResp, args: []string{"-uri", "/ams/api/v1/payments/inquiryPayment"}, code: exitFail, want: "This response answers a call to /ams/api/v1/payments/pay, not to /ams/api/v1/payments/inquiryPayment."},
		{name: "uri_request_line_wins", message: okNotify, args: []string{"-uri", "/gateway/alipay/notify"}, code: exitOK, want: "Note: Antom signed the URI on the request line, /alipay/notify; -uri /gateway/alipay/notify is not the URI Antom called."},
		{name: "uri_request_line_rewritten", message: notificationDump("/hooks/alipay?src=antom", pay.ClientID, pay.Time, pay.Signature, pay.Body), args: []string{"-uri", pay.URI}, code: exitOK, want: "Antom signed the URI given with -uri, /alipay/notify; the request line says /hooks/alipay?src=antom"},
		{name: "uri_proxy_prefix", message: notificationDump("/gateway/alipay/notify", pay.ClientID, pay.Time, pay.Signature, pay.Body), code: exitFail, want: "Antom signed /alipay/notify; the prefix /gateway is not part of the signed URI"},
		{name: "time_changed", message: responseDump(resp.ClientID, shiftISO(t, resp.Time, 90*time.Second), resp.Signature, resp.Body), args: []string{"-uri", resp.URI}, code: exitFail, want: "Most likely wrong: the time header.\n  Antom signed Response-Time " + resp.Time},
		{name: "uri_full_url", message: okResp, args: []string{"-uri", "https://open-sea-global.alipay.com/ams/api/v1/payments/pay"}, code: exitOK, want: "OK:"},
		{name: "uri_base_path_prefix", message: okResp, args: []string{"-uri", "/antom/ams/api/v1/payments/pay"}, code: exitFail, want: "the prefix /antom was added by a proxy or base URL"},
		{name: "uri_query_not_signed", message: notificationDump(pay.URI+"?src=antom", pay.ClientID, pay.Time, pay.Signature, pay.Body), code: exitFail, want: "Antom signed the path /alipay/notify without the query string."},

		{name: "body_pretty_printed", message: responseDump(resp.ClientID, resp.Time, resp.Signature, indented.String()), args: prodURI, code: exitFail, want: "Most likely wrong: the body.\n  Antom signed it compact (no whitespace); the body you have was re-serialised after it arrived."},
		{name: "body_pretty_printed_uri_unknown", message: responseDump(resp.ClientID, resp.Time, resp.Signature, indented.String()), code: exitFail, want: "Most likely wrong: the body.\n  Antom signed it compact (no whitespace)"},
		{name: "body_line_break_added", message: strings.Replace(okResp, "\r\n\r\n", "\r\nContent-Length: "+strconv.Itoa(len(resp.Body))+"\r\n\r\n", 1) + "\n", args: prodURI, code: exitFail, want: fmt.Sprintf("Content-Length is %d but the body has %d bytes", len(resp.Body), len(resp.Body)+1)},
		{name: "body_line_break_lost", message: responseDump(resp.ClientID, resp.Time, signValue(t, antom, resp.URI, resp.ClientID, resp.Time, resp.Body+"\n"), resp.Body), args: prodURI, code: exitFail, want: "Its final line break was lost"},
		{name: "body_unicode_unescaped", message: notificationDump(pay.URI, pay.ClientID, pay.Time, signValue(t, antom, pay.URI, pay.ClientID, pay.Time, escapedBody), decodedBody), code: exitFail, want: `Antom signed it with non-ASCII characters as \u escapes`},
		{name: "body_changed_bytes", message: strings.Replace(okNotify, `"paymentId":"2020`, `"paymentId":"2021`, 1), code: exitFail, want: "Most likely wrong: the signed content (most likely the body).\n  The key is right"},

		{name: "time_reformatted", message: responseDump(resp.ClientID, "2019-05-28T04:12:14Z", resp.Signature, resp.Body), args: prodURI, code: exitFail, want: "Most likely wrong: the time header.\n  Antom signed 2019-05-28T12:12:14+08:00, the same instant written differently from Response-Time 2019-05-28T04:12:14Z"},
		{name: "time_other_header", message: strings.Replace(responseDump(resp.ClientID, "2019-05-28T12:12:15+08:00", resp.Signature, resp.Body), "\r\n\r\n", "\r\nRequest-Time: "+resp.Time+"\r\n\r\n", 1), args: prodURI, code: exitFail, want: "The Request-Time value 2019-05-28T12:12:14+08:00 was signed, not Response-Time 2019-05-28T12:12:15+08:00"},
		{name: "client_id_differs", message: responseDump("SANDBOX_OTHER", resp.Time, resp.Signature, resp.Body), args: append([]string{"-client-id", resp.ClientID}, prodURI...), code: exitFail, want: "Most likely wrong: the client ID.\n  SANDBOX_5YBZ1N2Q3R4S5T6U was signed, not the Client-Id header's SANDBOX_OTHER."},

		{name: "signature_plus_became_space", message: notificationDump(pay.URI, pay.ClientID, pay.Time, strings.ReplaceAll(unescaped, "+", " "), pay.Body), code: exitFail, want: "Most likely wrong: the signature encoding.\n  The Signature header's value is malformed: its + characters became spaces"},
		{name: "signature_escaped_twice", message: notificationDump(pay.URI, pay.ClientID, pay.Time, url.QueryEscape(pay.Signature), pay.Body), code: exitFail, want: "it was URL-escaped twice"},
		{name: "signature_not_base64", message: notificationDump(pay.URI, pay.ClientID, pay.Time, "***", pay.Body), code: exitFail, want: "The signature value in the Signature header is not base64"},
		{name: "signature_sha1", message: notificationDump(pay.URI, pay.ClientID, pay.Time, url.QueryEscape(base64.StdEncoding.EncodeToString(sha1Sig)), pay.Body), code: exitFail, want: "The signature uses SHA-1, not SHA-256"},

		{name: "missing_signature", message: dump("HTTP/1.1 200 OK", []string{"Client-Id: C", "Response-Time: " + resp.Time}, resp.Body), code: exitFail, want: "FAIL: the signature cannot be checked.\n  There is no Signature header in this response. Antom leaves some failures unsigned"},
		{name: "missing_time", message: strings.Replace(okNotify, "Request-Time: "+pay.Time+"\r\n", "", 1), code: exitFail, want: "There is no Request-Time header"},
		{name: "missing_client_id", message: strings.Replace(okNotify, "Client-Id: "+pay.ClientID+"\r\n", "", 1), code: exitFail, want: "There is no Client-Id header; pass your client ID with -client-id."},
		{name: "missing_request_line", message: strings.SplitN(okNotify, "\r\n", 2)[1], code: exitFail, want: "pass the path of your notify URL with -uri"},
		{name: "missing_request_line_uri_given", message: strings.SplitN(okNotify, "\r\n", 2)[1], args: []string{"-uri", pay.URI}, code: exitOK, want: "OK:"},
		{name: "missing_client_id_given", message: strings.Replace(okNotify, "Client-Id: "+pay.ClientID+"\r\n", "", 1), args: []string{"-client-id", pay.ClientID}, code: exitOK, want: "OK:"},
	}
}

func TestVerify_diagnoses(t *testing.T) {
	for _, tt := range verifyCases(t) {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			msgFile := filepath.Join(dir, "message.txt")
			require.NoError(t, os.WriteFile(msgFile, []byte(tt.message), 0o600))
			args := append([]string{"verify", "-key", antomPublicFile}, tt.args...)
			if tt.body != "" {
				bodyFile := filepath.Join(dir, "body.json")
				require.NoError(t, os.WriteFile(bodyFile, []byte(tt.body), 0o600))
				args = append(args, "-body", bodyFile)
			}
			r := runApp(t, "", append(args, msgFile)...)
			assert.Equal(t, tt.code, r.code, r.stdout+r.stderr)
			assert.Empty(t, r.stderr)
			assert.Contains(t, r.stdout, tt.want)
			if tt.code == exitOK {
				assert.Contains(t, r.stdout, "OK: the signature verifies")
			} else {
				assert.Contains(t, r.stdout, "FAIL: ")
			}
			checkGolden(t, "verify_"+tt.name, r.stdout)
		})
	}
}

func TestVerify_stdin(t *testing.T) {
	_, vectors := loadVectors(t)
	pay := vectors["notify-payment"]
	r := runApp(t, notificationDump(pay.URI, pay.ClientID, pay.Time, pay.Signature, pay.Body), "verify", "-key", antomPublicFile, "-in", "-")
	assert.Equal(t, exitOK, r.code, r.stdout+r.stderr)
}

// TestVerify_everyOneByteChangeFails checks that no alteration of the
// message slips through as OK.
func TestVerify_everyOneByteChangeFails(t *testing.T) {
	_, vectors := loadVectors(t)
	pay := vectors["notify-payment"]
	msg := notificationDump(pay.URI, pay.ClientID, pay.Time, pay.Signature, pay.Body)
	bodyStart := len(msg) - len(pay.Body)
	for i := bodyStart; i < len(msg); i += 7 {
		b := []byte(msg)
		b[i] ^= 0x01
		file := filepath.Join(t.TempDir(), "m.txt")
		require.NoError(t, os.WriteFile(file, b, 0o600))
		r := runApp(t, "", "verify", "-key", antomPublicFile, file)
		assert.Equal(t, exitFail, r.code, "byte %d: %s", i, r.stdout)
	}
}

func TestVerify_usageAndErrors(t *testing.T) {
	dir := t.TempDir()
	msg := filepath.Join(dir, "m.txt")
	require.NoError(t, os.WriteFile(msg, []byte(dump("HTTP/1.1 200 OK", []string{"Client-Id: C"}, "{}")), 0o600))
	bad := filepath.Join(dir, "bad.txt")
	require.NoError(t, os.WriteFile(bad, []byte("HTTP/1.1 200 OK\r\nthis is not a header\r\n\r\n{}"), 0o600))
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no message", []string{"-key", antomPublicFile}, exitUsage, "no message file: give the saved response or notification as the argument"},
		{"no key", []string{msg}, exitUsage, "flag -key is required"},
		{"message twice", []string{"-key", antomPublicFile, "-in", msg, msg}, exitUsage, "either with -in or as the argument, not both"},
		{"body twice", []string{"-key", antomPublicFile, "-body", msg, msg}, exitUsage, "the message file already has a body"},
		{"stdin twice", []string{"-key", antomPublicFile, "-body", "-", "-"}, exitUsage, "only one of the message and -body can come from standard input"},
		{"private key as Antom's", []string{"-key", antomPrivateFile, msg}, exitError, "found a private key"},
		{"missing key file", []string{"-key", "nope.pem", msg}, exitError, "reading -key nope.pem: open nope.pem"},
		{"malformed message", []string{"-key", antomPublicFile, bad}, exitError, "line 2 is not a header (Name: value)"},
		{"missing message file", []string{"-key", antomPublicFile, msg + ".nope"}, exitError, "reading the message: open "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runApp(t, "", append([]string{"verify"}, tt.args...)...)
			assert.Equal(t, tt.code, r.code, r.stdout+r.stderr)
			assert.Contains(t, r.stderr, tt.stderr)
		})
	}
}

// shiftISO returns the ISO 8601 time v moved by d, written the same way.
func shiftISO(t *testing.T, v string, d time.Duration) string {
	t.Helper()
	at, err := time.Parse(time.RFC3339, v)
	require.NoError(t, err)
	return at.Add(d).Format(time.RFC3339)
}
