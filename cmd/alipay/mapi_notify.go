package main

import (
	"context"
	"crypto"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/internal/httpx"
	"github.com/xborderpay/alipay/mapi"
	"golang.org/x/text/encoding/simplifiedchinese"
)

const mapiNotifyAbout = `Posts a signed MAPI notification to your notify_url, as Alipay does, and checks
that the answer is exactly "success" (lowercase, nothing else), the only answer
that stops Alipay's resends (2m, 10m, 10m, 1h, 2h, 6h, 15h).

Sign with a test key whose public half your server is configured with as
Alipay's key (-key), or with your MD5 key (-md5-key). Your server's
notify_verify call cannot confirm a notify_id made here: point its gateway at
"alipay mapi sandbox", or turn notify_verify off for the test.
`

func (a *app) mapiNotify(ctx context.Context, args []string) error {
	f := newFlags("mapi notify", "alipay mapi notify -url URL (-key FILE | -md5-key FILE) -out-trade-no ID [flags]", mapiNotifyAbout)
	target := f.String("url", "", "your notify_url")
	keyFile := f.String("key", "", "`FILE` with the RSA private key to sign with (the test \"Alipay\" key)")
	md5File := f.String("md5-key", "", "`FILE` holding the MD5 key to sign with")
	signType := f.String("sign-type", "", "sign `type`: RSA, RSA2 or MD5 (default RSA with -key, MD5 otherwise)")
	kind := f.String("kind", "trade", "`kind` of notification: trade (payment) or refund")
	outTradeNo := f.String("out-trade-no", "", "the order's out_trade_no")
	tradeNo := f.String("trade-no", "", "Alipay's trade_no (default: a made-up one)")
	status := f.String("trade-status", string(mapi.TradeStatusFinished), "trade_status of a trade notification")
	currency := f.String("currency", "USD", "currency of a trade notification")
	totalFee := f.String("total-fee", "0.01", "total_fee of a trade notification, in -currency")
	rmbFee := f.String("rmb-fee", "", "rmb_fee of a trade notification (optional)")
	outReturnNo := f.String("out-return-no", "", "out_return_no of a refund notification")
	refundStatus := f.String("refund-status", string(mapi.RefundStatusSuccess), "refund_status of a refund notification")
	notifyID := f.String("notify-id", "", "notify_id (default: made from the time)")
	charset := f.String("charset", "utf-8", "`charset` of the values and of _input_charset: utf-8 or gbk")
	if err := f.parse(a.stdout, args, 0); err != nil {
		return err
	}
	if err := requireFlags(map[string]string{"url": *target, "out-trade-no": *outTradeNo}, "url", "out-trade-no"); err != nil {
		return err
	}
	if u, err := url.Parse(*target); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usagef("-url %q is not an http:// or https:// URL", *target)
	}
	cs, err := mapi.ParseCharset(*charset)
	if err != nil || cs == mapi.CharsetAuto {
		return usagef("-charset %q is neither utf-8 nor gbk", *charset)
	}
	now := a.now().In(mapi.Beijing)
	if *notifyID == "" {
		*notifyID = "cli" + now.Format("20060102150405")
	}
	fields := map[string]string{
		"notify_id": *notifyID, "notify_time": now.Format("2006-01-02 15:04:05"),
		"out_trade_no": *outTradeNo, "_input_charset": strings.ToLower(string(cs)),
	}
	switch *kind {
	case "trade":
		if *tradeNo == "" {
			*tradeNo = now.Format("20060102") + "22001" + "000000000000001"
		}
		fields["notify_type"] = "trade_status_sync"
		fields["trade_no"] = *tradeNo
		fields["trade_status"] = *status
		fields["currency"] = *currency
		fields["total_fee"] = *totalFee
		fields["rmb_fee"] = *rmbFee
	case "refund":
		if *outReturnNo == "" {
			return usagef("-kind refund needs -out-return-no")
		}
		fields["notify_type"] = "refund_status_sync"
		fields["out_return_no"] = *outReturnNo
		fields["refund_status"] = *refundStatus
	default:
		return usagef("-kind %q is neither trade nor refund", *kind)
	}
	for k, v := range fields {
		if v == "" {
			delete(fields, k)
		}
	}
	if cs == mapi.CharsetGBK {
		for k, v := range fields {
			g, err := simplifiedchinese.GBK.NewEncoder().String(v)
			if err != nil {
				return usagef("%s cannot be written in GBK", k)
			}
			fields[k] = g
		}
	}

	st := mapi.SignType(strings.ToUpper(*signType))
	if st == "" {
		st = mapi.SignTypeMD5
		if *keyFile != "" {
			st = mapi.SignTypeRSA
		}
	}
	content := mapi.PreSignString(fields)
	var sig string
	switch st {
	case mapi.SignTypeMD5:
		if *md5File == "" {
			return usagef("sign type MD5 needs -md5-key")
		}
		b, err := a.readInput("the MD5 key", *md5File)
		if err != nil {
			return err
		}
		sum := md5.Sum([]byte(content + strings.TrimSpace(string(b))))
		sig = hex.EncodeToString(sum[:])
	case mapi.SignTypeRSA, mapi.SignTypeRSA2:
		if *keyFile == "" {
			return usagef("sign type %s needs -key", st)
		}
		b, err := a.readInput("the private key", *keyFile)
		if err != nil {
			return err
		}
		key, err := alipay.ParsePrivateKey(string(b))
		if err != nil {
			return fmt.Errorf("-key %s: %w", *keyFile, err)
		}
		h, d := crypto.SHA1, sha1Sum(content)
		if st == mapi.SignTypeRSA2 {
			h, d = crypto.SHA256, sha256Sum(content)
		}
		raw, err := rsa.SignPKCS1v15(rand.Reader, key, h, d)
		if err != nil {
			return err
		}
		sig = base64.StdEncoding.EncodeToString(raw)
	default:
		return usagef("-sign-type %q is not RSA, RSA2 or MD5", *signType)
	}
	form := url.Values{}
	for k, v := range fields {
		form.Set(k, v)
	}
	form.Set("sign", sig)
	form.Set("sign_type", string(st))

	w := a.stdout
	fmt.Fprintf(w, "POST %s\n", *target)
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(w, "  %s=%s\n", k, displayValue(fields[k], cs))
	}
	fmt.Fprintf(w, "  sign_type=%s (sign not shown)\n", st)

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, *target, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset="+strings.ToLower(string(cs)))
	resp, err := a.httpClient.Do(req)
	if err != nil {
		return fmt.Errorf("posting the notification: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if err != nil {
		return fmt.Errorf("reading the answer: %w", err)
	}
	fmt.Fprintf(w, "\nAnswer: HTTP %d, body %q\n", resp.StatusCode, httpx.Truncate(string(body), 200))
	if string(body) == mapi.NotificationAck {
		fmt.Fprintln(w, "OK: acknowledged with exactly \"success\"; Alipay would stop resending.")
		return nil
	}
	fmt.Fprintln(w, "FAIL: not acknowledged; Alipay would resend this notification for about 25 hours.")
	fmt.Fprintln(w, "Most likely: "+ackHint(resp.StatusCode, string(body)))
	return &failedError{"not acknowledged"}
}

func sha1Sum(s string) []byte   { d := sha1.Sum([]byte(s)); return d[:] }
func sha256Sum(s string) []byte { d := sha256.Sum256([]byte(s)); return d[:] }

// displayValue shows a value as text even when it was encoded to GBK.
func displayValue(v string, cs mapi.Charset) string {
	if cs == mapi.CharsetGBK {
		if d, err := simplifiedchinese.GBK.NewDecoder().String(v); err == nil {
			return d
		}
	}
	return v
}

// ackHint says why an answer is not the acknowledgement.
func ackHint(status int, body string) string {
	t := strings.TrimSpace(body)
	switch {
	case status >= 300 && status < 400:
		return "your server redirected; Alipay does not follow redirects: serve the notify_url itself (https vs http, a trailing slash)"
	case t == mapi.NotificationAck:
		return "the body has white space or a line break around \"success\"; print exactly success and nothing else"
	case strings.EqualFold(t, mapi.NotificationAck):
		return "the body is " + fmt.Sprintf("%q", t) + "; Alipay's demos and SDKs answer lowercase success, the one answer every source agrees stops the resends"
	case strings.Contains(strings.ToLower(t), "<html"):
		return "the answer is an HTML page (a framework error page or a login redirect): the notify_url must be reachable without a session or CSRF token"
	case status == http.StatusUnauthorized || strings.Contains(t, "notify_verify"):
		return "your handler refused the signature or notify_verify: check that it trusts the public half of -key as Alipay's key, and that its notify_verify goes to alipay mapi sandbox for this test"
	case status >= 500:
		return "your handler failed (HTTP " + fmt.Sprint(status) + "): see your server's log"
	}
	return "your handler did not answer success: see your server's log"
}
