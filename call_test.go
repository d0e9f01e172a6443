package alipay

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testClientID = "SANDBOX_5YBZ1N2Q3R4S5T6U"

// gatewayReply is what the scripted test gateway answers to one attempt.
type gatewayReply struct {
	status      int
	body        string
	contentType string
	unsigned    bool          // no Signature header
	tamper      bool          // sign one body, send another
	delay       time.Duration // sleep before answering
	clientID    string        // Client-Id response header; default: the request's
	noTime      bool          // no Response-Time header
	respTime    string        // the Response-Time signed and sent; default: now
	location    string        // a Location header, for a 3xx
	drip        time.Duration // write the body a byte at a time, this far apart
}

type seenRequest struct {
	uri    string
	header http.Header
	body   string
}

// scriptedGateway is an httptest server that signs its replies like Antom
// and records what it received.
type scriptedGateway struct {
	t           *testing.T
	srv         *httptest.Server
	antomSigner Signer
	reply       func(n int, r *http.Request) gatewayReply

	mu   sync.Mutex
	seen []seenRequest
}

func newScriptedGateway(t *testing.T, reply func(n int, r *http.Request) gatewayReply) *scriptedGateway {
	t.Helper()
	antomKey, err := ParsePrivateKey(readKey(t, "antom_private_pkcs8.pem"))
	require.NoError(t, err)
	g := &scriptedGateway{t: t, antomSigner: NewSigner(antomKey), reply: reply}
	g.srv = httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(g.srv.Close)
	return g
}

func (g *scriptedGateway) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	g.mu.Lock()
	g.seen = append(g.seen, seenRequest{uri: r.URL.RequestURI(), header: r.Header.Clone(), body: string(body)})
	n := len(g.seen)
	g.mu.Unlock()

	rep := g.reply(n, r)
	if rep.delay > 0 {
		select {
		case <-time.After(rep.delay):
		case <-r.Context().Done():
			return
		}
	}
	if rep.status == 0 {
		rep.status = http.StatusOK
	}
	if rep.contentType == "" {
		rep.contentType = "application/json; charset=UTF-8"
	}
	w.Header().Set("Content-Type", rep.contentType)
	if rep.location != "" {
		w.Header().Set("Location", rep.location)
	}
	if !rep.unsigned {
		respTime := rep.respTime
		if respTime == "" {
			respTime = time.Now().Format("2006-01-02T15:04:05-07:00")
		}
		clientID := rep.clientID
		if clientID == "" {
			clientID = r.Header.Get("Client-Id")
		}
		signed := rep.body
		if rep.tamper {
			signed = strings.Replace(rep.body, "S", "F", 1)
		}
		sig, err := antomSignature(g.antomSigner, r.URL.RequestURI(), clientID, respTime, signed)
		if err != nil {
			g.t.Error(err)
		}
		w.Header().Set("Signature", sig)
		w.Header().Set("Client-Id", clientID)
		if !rep.noTime {
			w.Header().Set("Response-Time", respTime)
		}
	}
	w.WriteHeader(rep.status)
	if rep.drip > 0 {
		for i := range len(rep.body) {
			io.WriteString(w, rep.body[i:i+1])
			w.(http.Flusher).Flush()
			select {
			case <-time.After(rep.drip):
			case <-r.Context().Done():
				return
			}
		}
		return
	}
	io.WriteString(w, rep.body)
}

func (g *scriptedGateway) requests() []seenRequest {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]seenRequest(nil), g.seen...)
}

func (g *scriptedGateway) client(t *testing.T, opts ...Option) *Client {
	t.Helper()
	base := []Option{
		WithPrivateKey(readKey(t, "merchant_private_pkcs8.pem")),
		WithAlipayPublicKey(readKey(t, "antom_public.pem")),
		WithEndpoint(g.srv.URL),
		WithRetry(RetryPolicy{MaxAttempts: 4, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}),
	}
	c, err := NewClient(testClientID, append(base, opts...)...)
	require.NoError(t, err)
	return c
}

const (
	okBody         = `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentId":"P1"}`
	inProcessBody  = `{"result":{"resultCode":"PAYMENT_IN_PROCESS","resultStatus":"U","resultMessage":"payment in process"},"paymentId":"P1"}`
	unknownBody    = `{"result":{"resultCode":"UNKNOWN_EXCEPTION","resultStatus":"U","resultMessage":"unknown"}}`
	throttleBody   = `{"result":{"resultCode":"REQUEST_TRAFFIC_EXCEED_LIMIT","resultStatus":"U","resultMessage":"limit"}}`
	failBody       = `{"result":{"resultCode":"ORDER_IS_CLOSED","resultStatus":"F","resultMessage":"closed"}}`
	badSigFailBody = `{"result":{"resultCode":"INVALID_SIGNATURE","resultStatus":"F","resultMessage":"invalid signature"}}`
)

type testReq struct {
	PaymentRequestID string `json:"paymentRequestId"`
	Note             string `json:"note,omitempty"`
}

func (r testReq) requestID() string { return r.PaymentRequestID }

func (r testReq) validate() error {
	if r.PaymentRequestID == "" {
		return &ValidationError{Field: "paymentRequestId", Reason: "required"}
	}
	return nil
}

type testResp struct {
	Result    Result `json:"result"`
	PaymentID string `json:"paymentId"`
}

const payPath = "/ams/api/v1/payments/pay"

func TestDoSendsExactlyTheSpecHeadersAndSignsTheSandboxPath(t *testing.T) {
	g := newScriptedGateway(t, func(int, *http.Request) gatewayReply { return gatewayReply{body: okBody} })
	c := g.client(t)
	var resp testResp
	require.NoError(t, c.Do(context.Background(), payPath, testReq{PaymentRequestID: "R1", Note: "Größe"}, &resp))
	assert.Equal(t, "P1", resp.PaymentID)
	assert.Equal(t, ResultCodeSuccess, resp.Result.ResultCode)

	seen := g.requests()
	require.Len(t, seen, 1)
	r := seen[0]
	assert.Equal(t, "/ams/sandbox/api/v1/payments/pay", r.uri)
	assert.Equal(t, `{"paymentRequestId":"R1","note":"Größe"}`, r.body)
	assert.Equal(t, []string{"application/json; charset=UTF-8"}, r.header.Values("Content-Type"))
	assert.Equal(t, []string{testClientID}, r.header.Values("Client-Id"))
	assert.Empty(t, r.header.Values("Agent-Token"))
	assert.True(t, strings.HasPrefix(r.header.Get("User-Agent"), "xborderpay-alipay-go/"+Version))
	reqTime := r.header.Get("Request-Time")
	ms, err := strconv.ParseInt(reqTime, 10, 64)
	require.NoError(t, err, "Request-Time must be epoch milliseconds")
	assert.InDelta(t, time.Now().UnixMilli(), ms, 60_000)

	assert.Regexp(t, `^algorithm=RSA256,keyVersion=1,signature=[A-Za-z0-9%]+$`, r.header.Get("Signature"))
	h, err := ParseSignatureHeader(r.header.Get("Signature"))
	require.NoError(t, err)
	merchantPub, err := ParsePublicKey(readKey(t, "merchant_public.pem"))
	require.NoError(t, err)
	assert.NoError(t, NewVerifier(merchantPub).Verify(SignContent("POST", "/ams/sandbox/api/v1/payments/pay", testClientID, reqTime, []byte(r.body)), h.Signature))
}

func TestDoProductionPathAgentTokenAndKeyVersion(t *testing.T) {
	g := newScriptedGateway(t, func(int, *http.Request) gatewayReply { return gatewayReply{body: okBody} })
	c := g.client(t, WithSandbox(false), WithAgentToken("agent-123"), WithKeyVersion("3"))
	require.NoError(t, c.Do(context.Background(), payPath, testReq{PaymentRequestID: "R1"}, nil))
	r := g.requests()[0]
	assert.Equal(t, payPath, r.uri)
	assert.Equal(t, []string{"agent-123"}, r.header.Values("Agent-Token"))
	assert.Contains(t, r.header.Get("Signature"), "keyVersion=3,")
}

func TestDoInProcessIsNotAnError(t *testing.T) {
	g := newScriptedGateway(t, func(int, *http.Request) gatewayReply { return gatewayReply{body: inProcessBody} })
	var resp testResp
	require.NoError(t, g.client(t).Do(context.Background(), payPath, testReq{PaymentRequestID: "R1"}, &resp))
	assert.Equal(t, ResultCodePaymentInProcess, resp.Result.ResultCode)
	assert.Len(t, g.requests(), 1, "in-process results are never retried")
}

func TestDoResponseOutcomes(t *testing.T) {
	cases := []struct {
		name       string
		reply      gatewayReply
		attempts   int
		unknown    bool
		is         error
		code       ResultCode
		unverified bool
		contains   []string
	}{
		{name: "F result", reply: gatewayReply{body: failBody}, attempts: 1, code: "ORDER_IS_CLOSED", contains: []string{"F ORDER_IS_CLOSED", "(closed)", "request R1", "HTTP 200"}},
		// Anyone on the path could have written it: shown, never final.
		{name: "unsigned F", reply: gatewayReply{body: badSigFailBody, unsigned: true}, attempts: 1, unknown: true, is: ErrUnsignedResponse, code: ResultCodeInvalidSignature, unverified: true, contains: []string{"unsigned response", "not signed", "outcome unknown"}},
		{name: "tampered body", reply: gatewayReply{body: okBody, tamper: true}, attempts: 1, unknown: true, is: ErrBadSignature, contains: []string{"Antom's public key", "/ams/sandbox/api/v1/payments/pay"}},
		{name: "unsigned success", reply: gatewayReply{body: okBody, unsigned: true}, attempts: 1, unknown: true, is: ErrUnsignedResponse, code: ResultCodeSuccess, unverified: true, contains: []string{"no Signature header", "HTTP 200"}},
		{name: "no Response-Time", reply: gatewayReply{body: okBody, noTime: true}, attempts: 1, unknown: true, is: ErrBadSignature, contains: []string{"Response-Time"}},
		{name: "other Client-Id", reply: gatewayReply{body: okBody, clientID: "SANDBOX_OTHER"}, attempts: 1, unknown: true, is: ErrBadSignature, contains: []string{"SANDBOX_OTHER"}},
		{name: "502 HTML", reply: gatewayReply{status: 502, body: "<html><body>Bad Gateway</body></html>", contentType: "text/html", unsigned: true}, attempts: 4, unknown: true, contains: []string{"HTTP 502", "127.0.0.1", "<html><body>Bad Gateway", "text/html", "4 attempts"}},
		{name: "U after every retry", reply: gatewayReply{body: unknownBody}, attempts: 4, unknown: true, code: ResultCodeUnknownException, contains: []string{"U UNKNOWN_EXCEPTION", "outcome unknown"}},
		{name: "signed but no result", reply: gatewayReply{body: `{"x":1}`}, attempts: 1, unknown: true, contains: []string{"no result envelope"}},
		{name: "signed, not JSON", reply: gatewayReply{body: `not json`}, attempts: 1, unknown: true, contains: []string{"no result envelope", "not json"}},
		// Antom accepted the call: the error must not read as a refusal.
		{name: "signed S that does not decode", reply: gatewayReply{body: `{"result":{"resultCode":"SUCCESS","resultStatus":"S"},"paymentId":42}`}, attempts: 1, unknown: true, code: ResultCodeSuccess, contains: []string{"S SUCCESS: decoding signed response", "paymentId", "outcome unknown"}},
		{name: "signed, status not S, F or U", reply: gatewayReply{body: `{"result":{"resultCode":"ODD","resultStatus":"X"}}`}, attempts: 1, unknown: true, code: "ODD", contains: []string{"X ODD: response has resultStatus \"X\", not S, F or U"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := newScriptedGateway(t, func(int, *http.Request) gatewayReply { return tc.reply })
			var resp testResp
			err := g.client(t).Do(context.Background(), payPath, testReq{PaymentRequestID: "R1"}, &resp)
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tc.unknown, IsUnknown(err))
			assert.Equal(t, tc.code, e.Result.ResultCode)
			assert.Equal(t, tc.unverified, e.Unverified)
			assert.Equal(t, "R1", e.RequestID)
			assert.Equal(t, tc.unknown, e.Unknown())
			assert.Equal(t, "pay", e.API)
			assert.Equal(t, "/ams/sandbox/api/v1/payments/pay", e.Path)
			assert.Len(t, g.requests(), tc.attempts)
			assert.Empty(t, resp.PaymentID, "nothing is decoded from a failed call")
			if tc.is != nil {
				assert.ErrorIs(t, err, tc.is)
			}
			for _, s := range tc.contains {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
}

func TestDoRetriesSameBodyWithFreshRequestTime(t *testing.T) {
	g := newScriptedGateway(t, func(n int, _ *http.Request) gatewayReply {
		switch n {
		case 1:
			return gatewayReply{status: 500, body: "oops", unsigned: true}
		case 2:
			return gatewayReply{body: unknownBody}
		case 3:
			return gatewayReply{status: 429, body: "slow down", unsigned: true}
		default:
			return gatewayReply{body: okBody}
		}
	})
	c := g.client(t)
	var clock atomic.Int64
	clock.Store(time.Now().UnixMilli())
	c.now = func() time.Time { return time.UnixMilli(clock.Add(1)) }

	var resp testResp
	require.NoError(t, c.Do(context.Background(), payPath, testReq{PaymentRequestID: "R1"}, &resp))
	assert.Equal(t, "P1", resp.PaymentID)

	seen := g.requests()
	require.Len(t, seen, 4)
	merchantPub, err := ParsePublicKey(readKey(t, "merchant_public.pem"))
	require.NoError(t, err)
	times := map[string]bool{}
	for _, r := range seen {
		assert.Equal(t, seen[0].body, r.body, "every attempt sends the same body")
		reqTime := r.header.Get("Request-Time")
		times[reqTime] = true
		h, err := ParseSignatureHeader(r.header.Get("Signature"))
		require.NoError(t, err)
		assert.NoError(t, NewVerifier(merchantPub).Verify(SignContent("POST", r.uri, testClientID, reqTime, []byte(r.body)), h.Signature), "each attempt is signed again")
	}
	assert.Len(t, times, 4, "each attempt has its own Request-Time")
}

func TestDoRetryLimitAndNoRetry(t *testing.T) {
	always503 := func(int, *http.Request) gatewayReply {
		return gatewayReply{status: 503, body: "busy", unsigned: true}
	}
	g := newScriptedGateway(t, always503)
	err := g.client(t, WithRetry(RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})).
		Do(context.Background(), payPath, testReq{PaymentRequestID: "R1"}, nil)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 3, e.Attempts)
	assert.Len(t, g.requests(), 3)
	assert.True(t, IsUnknown(err))

	g2 := newScriptedGateway(t, always503)
	err = g2.client(t, WithRetry(NoRetry)).Do(context.Background(), payPath, testReq{PaymentRequestID: "R1"}, nil)
	require.Error(t, err)
	assert.Len(t, g2.requests(), 1)
}

func TestDoStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Cancelled once the request has arrived, not after a fixed sleep: on
	// a loaded machine a sleep may end before the request is sent, and the
	// outcome would then rightly be known.
	g := newScriptedGateway(t, func(int, *http.Request) gatewayReply {
		cancel()
		return gatewayReply{body: okBody, delay: 5 * time.Second}
	})
	err := g.client(t).Do(ctx, payPath, testReq{PaymentRequestID: "R1"}, nil)
	require.Error(t, err)
	assert.ErrorIs(t, err, context.Canceled)
	assert.True(t, IsUnknown(err), "a call cut off in flight has an unknown outcome")
	assert.Len(t, g.requests(), 1, "no retry after the context ends")
}

func TestDoNoRetryPastDeadline(t *testing.T) {
	g := newScriptedGateway(t, func(int, *http.Request) gatewayReply { return gatewayReply{body: unknownBody} })
	// The deadline leaves the first attempt ample time on a loaded machine
	// but no room for the backoff before a second one.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	err := g.client(t, WithRetry(RetryPolicy{MaxAttempts: 5, MinBackoff: 10 * time.Second, MaxBackoff: 20 * time.Second})).
		Do(ctx, payPath, testReq{PaymentRequestID: "R1"}, nil)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, ResultCodeUnknownException, e.Result.ResultCode, "the last answer is kept, not hidden by a doomed retry")
	assert.Len(t, g.requests(), 1)
}

func TestDoAttemptTimeoutIsRetried(t *testing.T) {
	g := newScriptedGateway(t, func(n int, _ *http.Request) gatewayReply {
		if n == 1 {
			return gatewayReply{body: okBody, delay: 10 * time.Second}
		}
		return gatewayReply{body: okBody}
	})
	var resp testResp
	// A second long enough for the retry on a loaded machine (a new
	// connection, under the race detector), far shorter than the stall.
	require.NoError(t, g.client(t, WithAttemptTimeout(time.Second)).Do(context.Background(), payPath, testReq{PaymentRequestID: "R1"}, &resp))
	assert.Equal(t, "P1", resp.PaymentID)
	assert.Len(t, g.requests(), 2)
}

func TestDoThrottledWaitsLonger(t *testing.T) {
	g := newScriptedGateway(t, func(n int, _ *http.Request) gatewayReply {
		if n == 1 {
			return gatewayReply{body: throttleBody}
		}
		return gatewayReply{body: okBody}
	})
	c := g.client(t)
	require.NoError(t, c.Do(context.Background(), payPath, testReq{PaymentRequestID: "R1"}, nil))
	assert.Len(t, g.requests(), 2)

	// The backoff itself: throttling multiplies the wait.
	st := &callState{throttled: true}
	req := httptest.NewRequest("POST", "/", nil).WithContext(context.WithValue(context.Background(), callStateKey{}, st))
	resp := &http.Response{Request: req, Header: http.Header{}}
	for range 20 {
		st.throttled = true
		w := c.backoff(100*time.Millisecond, 10*time.Second, 0, resp)
		assert.GreaterOrEqual(t, w, 200*time.Millisecond)
		assert.LessOrEqual(t, w, 400*time.Millisecond)
		plain := c.backoff(100*time.Millisecond, 10*time.Second, 0, resp)
		assert.LessOrEqual(t, plain, 100*time.Millisecond)
	}
	// Retry-After on a 429 is honoured, within MaxBackoff.
	retryAfter := func(v string) *http.Response {
		return &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {v}}}
	}
	assert.Equal(t, 2*time.Second, c.backoff(100*time.Millisecond, 5*time.Second, 0, retryAfter("2")))
	assert.Equal(t, 5*time.Second, c.backoff(100*time.Millisecond, 5*time.Second, 0, retryAfter("86400")))
}

func TestDoValidatesBeforeSending(t *testing.T) {
	g := newScriptedGateway(t, func(int, *http.Request) gatewayReply { return gatewayReply{body: okBody} })
	err := g.client(t).Do(context.Background(), payPath, testReq{}, nil)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "paymentRequestId", ve.Field)
	assert.Empty(t, g.requests())
}

func TestDoBoundsTheResponse(t *testing.T) {
	huge := `{"result":{"resultCode":"SUCCESS","resultStatus":"S"},"pad":"` + strings.Repeat("x", maxResponseBytes) + `"}`
	g := newScriptedGateway(t, func(int, *http.Request) gatewayReply { return gatewayReply{body: huge} })
	err := g.client(t).Do(context.Background(), payPath, testReq{PaymentRequestID: "R1"}, nil)
	assert.ErrorIs(t, err, ErrTooLarge)
	assert.True(t, IsUnknown(err))
}

// A refused connection cannot have delivered anything: not unknown, and
// the message does not send the merchant to inquire.
func TestDoRefusedConnectionIsNotUnknown(t *testing.T) {
	g := newScriptedGateway(t, func(int, *http.Request) gatewayReply { return gatewayReply{body: okBody} })
	c := g.client(t, WithRetry(RetryPolicy{MaxAttempts: 2, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}))
	g.srv.Close()
	err := c.Do(context.Background(), payPath, testReq{PaymentRequestID: "R1"}, nil)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.False(t, IsUnknown(err))
	assert.Equal(t, 2, e.Attempts)
	assert.Contains(t, err.Error(), "connect")
	assert.Contains(t, err.Error(), "did not reach Antom")
	assert.NotContains(t, err.Error(), "inquire")
}

func TestDoConcurrentCalls(t *testing.T) {
	g := newScriptedGateway(t, func(n int, _ *http.Request) gatewayReply {
		if n%5 == 0 {
			return gatewayReply{status: 502, body: "x", unsigned: true}
		}
		return gatewayReply{body: okBody}
	})
	c := g.client(t)
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var resp testResp
			if err := c.Do(context.Background(), payPath, testReq{PaymentRequestID: "R" + strconv.Itoa(i)}, &resp); err != nil {
				errs <- err
				return
			}
			if resp.PaymentID != "P1" {
				errs <- errors.New("wrong response")
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestNewClientValidation(t *testing.T) {
	priv := WithPrivateKey(readKey(t, "merchant_private_pkcs8.pem"))
	pub := WithAlipayPublicKey(readKey(t, "antom_public.pem"))
	cases := []struct {
		name     string
		clientID string
		opts     []Option
		want     string
	}{
		{"empty client ID", "", []Option{priv, pub}, "client ID is empty"},
		{"space in client ID", "SANDBOX_ X", []Option{priv, pub}, "white space"},
		{"no private key", "X", []Option{pub}, "no merchant private key"},
		{"no public key", "X", []Option{priv}, "no Antom public key"},
		{"plain http remote", "X", []Option{priv, pub, WithEndpoint("http://open-sea-global.alipay.com")}, "plain http"},
		{"not a URL", "X", []Option{priv, pub, WithEndpoint("open-sea-global.alipay.com")}, "not an http(s) base URL"},
		{"query", "X", []Option{priv, pub, WithEndpoint("https://h.example/?a=1")}, "query"},
		{"bad retry", "X", []Option{priv, pub, WithRetry(RetryPolicy{})}, "MaxAttempts"},
		{"bad backoff", "X", []Option{priv, pub, WithRetry(RetryPolicy{MaxAttempts: 2, MinBackoff: time.Second})}, "MaxBackoff"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewClient(tc.clientID, tc.opts...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}

	c, err := NewClient("2188000000000000", priv, pub)
	require.NoError(t, err)
	assert.False(t, c.Sandbox())
	assert.Equal(t, "2188000000000000", c.ClientID())
	assert.Equal(t, "/ams/api/v1/payments/pay", c.requestURI(payPath))
	assert.Equal(t, "https://open-sea-global.alipay.com", c.base.String())
	assert.NotContains(t, c.String(), "PRIVATE")

	c, err = NewClient("SANDBOX_1", priv, pub, WithEndpoint("http://localhost:8080/"))
	require.NoError(t, err)
	assert.True(t, c.Sandbox())
	assert.Equal(t, "/ams/sandbox/api/v1/payments/pay", c.requestURI("ams/api/v1/payments/pay"))
	u, _ := url.Parse("http://localhost:8080")
	assert.Equal(t, u.Host, c.base.Host)
}

func TestWithHTTPClientKeepsTransport(t *testing.T) {
	tr := &http.Transport{}
	hc := &http.Client{Transport: tr}
	c, err := NewClient("X", WithPrivateKey(readKey(t, "merchant_private_pkcs8.pem")), WithAlipayPublicKey(readKey(t, "antom_public.pem")), WithHTTPClient(hc))
	require.NoError(t, err)
	assert.Zero(t, hc.Timeout, "the caller's client is not modified")
	assert.Same(t, tr, hc.Transport)
	assert.Nil(t, hc.CheckRedirect)
	assert.NotNil(t, c.http.HTTPClient.CheckRedirect, "redirects are refused")
}

func TestDoNilTypedResponseIsAnErrorNotAPanic(t *testing.T) {
	g := newScriptedGateway(t, func(int, *http.Request) gatewayReply { return gatewayReply{body: okBody} })
	var resp *InquiryPaymentResponse // a nil pointer to a type with its own UnmarshalJSON
	err := g.client(t).Do(context.Background(), payPath, testReq{PaymentRequestID: "R1"}, resp)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "json: Unmarshal(nil *alipay.InquiryPaymentResponse)")
	assert.True(t, IsUnknown(err), "Antom accepted the call; only decoding failed")
}
