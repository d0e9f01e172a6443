package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/xborderpay/alipay"
)

// maxLoggedBody bounds how much of a body the sandbox reads to describe it.
const maxLoggedBody = 1 << 20

// middleware logs each request to the gateway with what it was about and
// how it was answered.
func (l *sandboxLog) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		api := strings.HasPrefix(p, "/ams/")
		cashier := strings.HasPrefix(p, "/cashier/")
		checkout := strings.HasPrefix(p, "/checkout/")
		var body []byte
		if r.Method == http.MethodPost && (api || cashier || checkout) {
			body, _ = io.ReadAll(io.LimitReader(r.Body, maxLoggedBody))
			r.Body = struct {
				io.Reader
				io.Closer
			}{io.MultiReader(bytes.NewReader(body), r.Body), r.Body}
		}
		rec := &sandboxRecorder{ResponseWriter: w, status: http.StatusOK, capture: api}
		next.ServeHTTP(rec, r)
		switch {
		case api:
			what := describeFields(body, "paymentRequestId", "refundRequestId", "captureRequestId", "paymentId", "paymentAmount", "refundAmount", "captureAmount")
			answer := describeResult(rec.body.Bytes())
			if rec.Header().Get("Signature") == "" {
				answer += " (unsigned)"
			}
			l.printf("API     %-14s %s → %d %s", path.Base(p), what, rec.status, answer)
		case cashier && r.Method == http.MethodPost:
			action := "?"
			if form, err := url.ParseQuery(string(body)); err == nil {
				action = form.Get("action")
			}
			l.printf("CASHIER %s %s → %d", action, path.Base(p), rec.status)
		case cashier:
			l.printf("CASHIER %s page %s → %d", strings.ToLower(r.Method), path.Base(p), rec.status)
		case checkout && r.Method == http.MethodPost:
			action, method := "?", ""
			if form, err := url.ParseQuery(string(body)); err == nil {
				action, method = checkoutToken(form.Get("action")), checkoutToken(form.Get("method"))
			}
			l.printf("CHECKOUT %s %s session %s → %d", action, method, path.Base(p), rec.status)
		case checkout:
			l.printf("CHECKOUT %s page %s → %d", strings.ToLower(r.Method), path.Base(p), rec.status)
		case strings.HasPrefix(p, "/logo/"), p == "/favicon.ico":
		default:
			l.printf("HTTP    %s %s → %d", r.Method, p, rec.status)
		}
	})
}

// sandboxRecorder notes the status and, for API calls, the body answered.
type sandboxRecorder struct {
	http.ResponseWriter
	status  int
	capture bool
	body    bytes.Buffer
}

func (r *sandboxRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

func (r *sandboxRecorder) Write(b []byte) (int, error) {
	if r.capture && r.body.Len() < maxLoggedBody {
		r.body.Write(b)
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the real writer.
func (r *sandboxRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// notifyLogger logs every notification the gateway sends and how the
// merchant answered it.
type notifyLogger struct {
	log  *sandboxLog
	next http.RoundTripper
}

func (n *notifyLogger) RoundTrip(req *http.Request) (*http.Response, error) {
	what := ""
	if req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			b, _ := io.ReadAll(io.LimitReader(rc, maxLoggedBody))
			rc.Close()
			what = describeFields(b, "notifyType", "paymentRequestId", "refundRequestId", "captureRequestId")
		}
	}
	resp, err := n.next.RoundTrip(req)
	if err != nil {
		n.log.printf("NOTIFY  %s → %s: not delivered: %v", what, req.URL, err)
		return nil, err
	}
	b, readErr := io.ReadAll(io.LimitReader(resp.Body, maxLoggedBody))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(b), resp.Body), resp.Body}
	switch {
	case readErr != nil:
		n.log.printf("NOTIFY  %s → %s: %d, answer unreadable: %v", what, req.URL, resp.StatusCode, readErr)
	case resp.StatusCode == http.StatusOK && string(b) == alipay.NotificationAck:
		n.log.printf("NOTIFY  %s → %s: %d, acknowledged", what, req.URL, resp.StatusCode)
	default:
		n.log.printf("NOTIFY  %s → %s: %d, not acknowledged (sent again on Antom's schedule)", what, req.URL, resp.StatusCode)
	}
	return resp, nil
}

// describeFields lists the named top-level fields of a JSON object body:
// strings as name=value, amounts in major units.
func describeFields(body []byte, names ...string) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return "(no JSON body)"
	}
	var parts []string
	for _, name := range names {
		raw, ok := m[name]
		if !ok {
			continue
		}
		var s string
		var amt alipay.Amount
		switch {
		case json.Unmarshal(raw, &s) == nil:
			parts = append(parts, name+"="+s)
		case json.Unmarshal(raw, &amt) == nil && amt.Currency != "":
			parts = append(parts, amt.String())
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, " ")
}

// describeResult gives the result of an AMS answer: "S SUCCESS".
func describeResult(body []byte) string {
	var v struct {
		Result alipay.Result `json:"result"`
	}
	if json.Unmarshal(body, &v) != nil || v.Result.ResultStatus == "" {
		return fmt.Sprintf("(no result, %d bytes)", len(body))
	}
	return string(v.Result.ResultStatus) + " " + string(v.Result.ResultCode)
}

// checkoutToken keeps a form value the buyer's browser sent out of the log
// unless it is a plain word, such as "pay" or "ALIPAY_HK": the log is read
// in a terminal.
func checkoutToken(v string) string {
	if v == "" || len(v) > 32 || strings.IndexFunc(v, func(r rune) bool {
		return !(r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z')
	}) >= 0 {
		return "?"
	}
	return v
}
