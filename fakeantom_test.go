package alipay

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
)

// fakeAntomClientID is the live (not SANDBOX_) client ID the fake answers
// for, so clients call the production /ams/api/ paths.
const fakeAntomClientID = "5YBZ1N2Q3R4S5T6U"

// fakeAntomResponseTime is the Response-Time of an answer: now, in the ISO
// 8601 form Antom uses (a fixed time would be refused as stale).
func fakeAntomResponseTime() string { return time.Now().Format("2006-01-02T15:04:05-07:00") }

// fakeAntom answers AMS calls to EndpointAsia through an httpmock transport,
// in process: nothing leaves the test. Each call gets the next queued body,
// signed as Antom signs responses (docs/protocol/ams.md §1.8) with
// testdata/antom_private_pkcs8.pem:
//
//	Signature:     SignatureHeader{...}.Encode() over SignContent("POST", uri, clientID, Response-Time, body)
//	Response-Time: fakeAntomResponseTime()
//	Client-Id:     the client ID
//
// It records each call and checks the request's own signature with
// testdata/merchant_public.pem. Its exported fields and HTTPClient let the
// package examples (package alipay_test) build a client as real code does.
type fakeAntom struct {
	ClientID           string // the client ID to pass to NewClient
	MerchantPrivateKey string // PEM, for WithPrivateKey
	AntomPublicKey     string // PEM, for WithAlipayPublicKey

	transport   *httpmock.MockTransport
	signer      Signer
	merchantPub Verifier

	mu      sync.Mutex
	replies []fakeAntomReply
	calls   []fakeAntomCall
}

// fakeAntomReply is one queued answer.
type fakeAntomReply struct {
	status   int    // default 200
	body     string // the JSON body, signed as is
	unsigned bool   // leave out the Signature header
	dropped  bool   // no answer at all: the transport fails
}

// fakeAntomCall is one request the fake received.
type fakeAntomCall struct {
	Method string
	URI    string // path and query called
	Body   string
	// SignatureOK: the request carried the fake's Client-Id and a
	// Signature that verifies with the merchant's public key over the
	// method, URI, client ID, Request-Time and body.
	SignatureOK bool
}

// newFakeAntom returns a fake for a test.
func newFakeAntom(t testing.TB) *fakeAntom {
	t.Helper()
	f, err := startFakeAntom()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func startFakeAntom() (*fakeAntom, error) {
	read := func(name string) (string, error) {
		b, err := os.ReadFile("testdata/" + name)
		return string(b), err
	}
	antomPriv, err := read("antom_private_pkcs8.pem")
	if err != nil {
		return nil, err
	}
	f := &fakeAntom{ClientID: fakeAntomClientID}
	if f.MerchantPrivateKey, err = read("merchant_private_pkcs8.pem"); err != nil {
		return nil, err
	}
	if f.AntomPublicKey, err = read("antom_public.pem"); err != nil {
		return nil, err
	}
	merchantPub, err := read("merchant_public.pem")
	if err != nil {
		return nil, err
	}
	k, err := ParsePrivateKey(antomPriv)
	if err != nil {
		return nil, err
	}
	f.signer = NewSigner(k)
	pub, err := ParsePublicKey(merchantPub)
	if err != nil {
		return nil, err
	}
	f.merchantPub = NewVerifier(pub)
	// Any POST to the host: the tests assert the exact path, so a wrong
	// one shows in their failure rather than as "no responder found".
	f.transport = httpmock.NewMockTransport()
	f.transport.RegisterRegexpResponder(http.MethodPost, regexp.MustCompile(`^`+regexp.QuoteMeta(EndpointAsia)+`/`), f.respond)
	return f, nil
}

// HTTPClient returns an *http.Client whose transport is the fake, for
// WithHTTPClient together with WithEndpoint(EndpointAsia).
func (f *fakeAntom) HTTPClient() *http.Client { return &http.Client{Transport: f.transport} }

// reply queues a signed 200 answer.
func (f *fakeAntom) reply(body string) { f.replyWith(fakeAntomReply{body: body}) }

// replyWith queues any answer.
func (f *fakeAntom) replyWith(r fakeAntomReply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.replies = append(f.replies, r)
}

// received returns the calls so far.
func (f *fakeAntom) received() []fakeAntomCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeAntomCall(nil), f.calls...)
}

// client returns a client for the fake without retries (pass WithRetry to
// change that).
func (f *fakeAntom) client(t testing.TB, opts ...Option) *Client {
	t.Helper()
	base := []Option{
		WithPrivateKey(f.MerchantPrivateKey),
		WithAlipayPublicKey(f.AntomPublicKey),
		WithEndpoint(EndpointAsia),
		WithHTTPClient(f.HTTPClient()),
		WithRetry(NoRetry),
	}
	c, err := NewClient(f.ClientID, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// respond is the httpmock responder.
func (f *fakeAntom) respond(r *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	uri := r.URL.RequestURI()
	call := fakeAntomCall{Method: r.Method, URI: uri, Body: string(body)}
	if h, err := ParseSignatureHeader(r.Header.Get("Signature")); err == nil && r.Header.Get("Client-Id") == f.ClientID {
		content := SignContent(r.Method, uri, f.ClientID, r.Header.Get("Request-Time"), body)
		call.SignatureOK = f.merchantPub.Verify(content, h.Signature) == nil
	}

	f.mu.Lock()
	f.calls = append(f.calls, call)
	var rep fakeAntomReply
	ok := len(f.replies) > 0
	if ok {
		rep, f.replies = f.replies[0], f.replies[1:]
	}
	f.mu.Unlock()
	switch {
	case !ok:
		return httpmock.NewStringResponse(http.StatusTeapot, "fake Antom: no reply queued for "+uri), nil
	case rep.dropped:
		return nil, errors.New("fake Antom: connection reset")
	}

	if rep.status == 0 {
		rep.status = http.StatusOK
	}
	resp := httpmock.NewStringResponse(rep.status, rep.body)
	resp.Request = r
	respTime := fakeAntomResponseTime()
	if !rep.unsigned {
		sig, err := antomSignature(f.signer, uri, f.ClientID, respTime, rep.body)
		if err != nil {
			return nil, err
		}
		resp.Header.Set("Signature", sig)
	}
	resp.Header.Set("Response-Time", respTime)
	resp.Header.Set("Client-Id", f.ClientID)
	resp.Header.Set("Content-Type", "application/json; charset=UTF-8")
	return resp, nil
}

// antomSignature returns the Signature header Antom sends with body in
// answer to a POST to uri (docs/protocol/ams.md §1.8): the signature over
// SignContent("POST", uri, clientID, respTime, body), as the official SDKs
// encode it.
func antomSignature(signer Signer, uri, clientID, respTime, body string) (string, error) {
	sig, err := signer.Sign(context.Background(), SignContent(http.MethodPost, uri, clientID, respTime, []byte(body)))
	if err != nil {
		return "", err
	}
	return SignatureHeader{Algorithm: AlgorithmRSA256, KeyVersion: "1", Signature: sig}.Encode(), nil
}
