package alipay

import (
	"context"
	"crypto/rsa"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
)

// fakeAntomClientID is the sandbox client ID the fake answers for; being a
// SANDBOX_ ID, clients call the /ams/sandbox/api/ paths.
const fakeAntomClientID = "SANDBOX_5YBZ1N2Q3R4S5T6U"

// fakeAntomResponseTime is the Response-Time of every answer, in the ISO 8601
// form Antom uses.
const fakeAntomResponseTime = "2024-01-15T01:20:46-08:00"

// fakeAntom is an httptest server that answers each AMS call with the next
// queued body, signed as Antom signs responses (spec §1.8) with
// testdata/antom_private_pkcs8.pem:
//
//	Signature:     SignatureHeader{...}.Encode() over SignContent("POST", uri, clientID, Response-Time, body)
//	Response-Time: fakeAntomResponseTime
//	Client-Id:     the client ID
//
// It records each call and checks the request's own signature with
// testdata/merchant_public.pem. Its exported fields let the package examples
// (package alipay_test) build a client exactly as real code does.
type fakeAntom struct {
	*httptest.Server
	ClientID           string // the client ID to pass to NewClient
	MerchantPrivateKey string // PEM, for WithPrivateKey
	AntomPublicKey     string // PEM, for WithAlipayPublicKey

	signer      Signer
	merchantPub *rsa.PublicKey

	mu      sync.Mutex
	replies []fakeAntomReply
	calls   []fakeAntomCall
}

// fakeAntomReply is one queued answer.
type fakeAntomReply struct {
	status   int    // default 200
	body     string // the JSON body, signed as is
	unsigned bool   // leave out the Signature header
}

// fakeAntomCall is one request the fake received.
type fakeAntomCall struct {
	URI         string // path and query called
	Body        string
	SignatureOK bool // the request verified with the merchant's public key over URI and Request-Time
}

// NewFakeAntom starts a fake Antom gateway on loopback that answers the
// queued bodies in order, each signed like an Antom response. It exists
// only in this package's tests, for the runnable examples; the tests use
// newFakeAntom. Close it when done.
func NewFakeAntom(bodies ...string) *fakeAntom {
	f, err := startFakeAntom()
	if err != nil {
		panic("fake Antom: " + err.Error()) // test keys are fixed files; this is a broken checkout
	}
	for _, b := range bodies {
		f.reply(b)
	}
	return f
}

// newFakeAntom starts the fake for a test and closes it at the end.
func newFakeAntom(t testing.TB) *fakeAntom {
	t.Helper()
	f, err := startFakeAntom()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
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
	if f.merchantPub, err = ParsePublicKey(merchantPub); err != nil {
		return nil, err
	}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f, nil
}

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
		WithEndpoint(f.URL),
		WithRetry(NoRetry),
	}
	c, err := NewClient(f.ClientID, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *fakeAntom) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	uri := r.URL.RequestURI()
	call := fakeAntomCall{URI: uri, Body: string(body)}
	if h, err := ParseSignatureHeader(r.Header.Get("Signature")); err == nil {
		content := SignContent(r.Method, uri, r.Header.Get("Client-Id"), r.Header.Get("Request-Time"), body)
		call.SignatureOK = NewVerifier(f.merchantPub).Verify(content, h.Signature) == nil
	}

	f.mu.Lock()
	f.calls = append(f.calls, call)
	var rep fakeAntomReply
	ok := len(f.replies) > 0
	if ok {
		rep, f.replies = f.replies[0], f.replies[1:]
	}
	f.mu.Unlock()
	if !ok {
		http.Error(w, "fake Antom: no reply queued for "+uri, http.StatusTeapot)
		return
	}

	if !rep.unsigned {
		sig, err := f.signer.Sign(context.Background(), SignContent(http.MethodPost, uri, f.ClientID, fakeAntomResponseTime, []byte(rep.body)))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Signature", SignatureHeader{Algorithm: AlgorithmRSA256, KeyVersion: "1", Signature: sig}.Encode())
	}
	w.Header().Set("Response-Time", fakeAntomResponseTime)
	w.Header().Set("Client-Id", f.ClientID)
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	if rep.status == 0 {
		rep.status = http.StatusOK
	}
	w.WriteHeader(rep.status)
	io.WriteString(w, rep.body)
}
