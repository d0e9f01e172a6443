package alipaytest

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// This file talks to the server with net/http and crypto/rsa only: the
// signing and verification here are written out by hand from docs/protocol/ams.md §1.6–1.9,
// independently of package alipay, so that the SDK and the fake cannot agree
// on a shared mistake.

// rawClient signs requests by hand.
type rawClient struct {
	t        *testing.T
	srv      *Server
	key      *rsa.PrivateKey
	antomPub *rsa.PublicKey
	prefix   string // "/ams/api" or "/ams/sandbox/api"
}

type rawResponse struct {
	Status  int
	Header  http.Header
	Body    []byte
	Result  map[string]string
	Fields  map[string]any
	URI     string
	Invalid string // why the response signature did not verify; "" if it did
}

func newRawClient(t *testing.T, srv *Server) *rawClient {
	t.Helper()
	return &rawClient{t: t, srv: srv, key: parsePKCS8(t, srv.MerchantPrivateKeyPEM()), antomPub: parseSPKI(t, srv.AlipayPublicKeyPEM()), prefix: "/ams/api"}
}

func parsePKCS8(t *testing.T, s string) *rsa.PrivateKey {
	t.Helper()
	b, _ := pem.Decode([]byte(s))
	require.NotNil(t, b)
	require.Equal(t, "PRIVATE KEY", b.Type)
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	require.NoError(t, err)
	return k.(*rsa.PrivateKey)
}

func parseSPKI(t *testing.T, s string) *rsa.PublicKey {
	t.Helper()
	b, _ := pem.Decode([]byte(s))
	require.NotNil(t, b)
	require.Equal(t, "PUBLIC KEY", b.Type)
	k, err := x509.ParsePKIXPublicKey(b.Bytes)
	require.NoError(t, err)
	return k.(*rsa.PublicKey)
}

// handSign returns url-escaped base64 of SHA256withRSA over
// "POST <uri>\n<clientID>.<time>.<body>".
func handSign(t *testing.T, key *rsa.PrivateKey, uri, clientID, reqTime string, body []byte) string {
	t.Helper()
	content := "POST " + uri + "\n" + clientID + "." + reqTime + "." + string(body)
	digest := sha256.Sum256([]byte(content))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	require.NoError(t, err)
	return url.QueryEscape(base64.StdEncoding.EncodeToString(sig))
}

// handVerify checks a Signature header value over the content.
func handVerify(pub *rsa.PublicKey, header, uri, clientID, tm string, body []byte) string {
	_, after, ok := strings.Cut(header, "signature=")
	if !ok {
		return "no signature= in header"
	}
	unescaped, err := url.QueryUnescape(after)
	if err != nil {
		return "signature not url-escaped: " + err.Error()
	}
	sig, err := base64.StdEncoding.DecodeString(unescaped)
	if err != nil {
		return "signature not base64: " + err.Error()
	}
	digest := sha256.Sum256([]byte("POST " + uri + "\n" + clientID + "." + tm + "." + string(body)))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig); err != nil {
		return "does not verify"
	}
	return ""
}

var isoSeconds = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$`)

// post sends body (a string, []byte or anything JSON-encodable) to api,
// signed correctly; edit, if given, may change the request after signing.
func (c *rawClient) post(api string, body any, edit ...func(*http.Request)) rawResponse {
	c.t.Helper()
	var raw []byte
	switch b := body.(type) {
	case string:
		raw = []byte(b)
	case []byte:
		raw = b
	default:
		var err error
		raw, err = json.Marshal(b)
		require.NoError(c.t, err)
	}
	req := c.request(api, raw)
	for _, e := range edit {
		e(req)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	r := rawResponse{Status: resp.StatusCode, Header: resp.Header, Body: out, URI: req.URL.RequestURI()}
	if sig := resp.Header.Get("Signature"); sig == "" {
		r.Invalid = "unsigned"
	} else {
		r.Invalid = handVerify(c.antomPub, sig, r.URI, resp.Header.Get("Client-Id"), resp.Header.Get("Response-Time"), out)
	}
	var env struct {
		Result map[string]string `json:"result"`
	}
	if json.Unmarshal(out, &env) == nil {
		r.Result = env.Result
	}
	_ = json.Unmarshal(out, &r.Fields)
	return r
}

// request returns a correctly signed request of api with body raw.
func (c *rawClient) request(api string, raw []byte) *http.Request {
	c.t.Helper()
	uri := c.prefix + "/v1/payments/" + api
	reqTime := strconv.FormatInt(time.Now().UnixMilli(), 10)
	req, err := http.NewRequest(http.MethodPost, c.srv.URL+uri, bytes.NewReader(raw))
	require.NoError(c.t, err)
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	req.Header.Set("Client-Id", c.srv.ClientID())
	req.Header.Set("Request-Time", reqTime)
	req.Header.Set("Signature", "algorithm=RSA256,keyVersion=1,signature="+handSign(c.t, c.key, uri, c.srv.ClientID(), reqTime, raw))
	return req
}

// expect asserts a signed response with the given status and code.
func (r rawResponse) expect(t *testing.T, status, code string) rawResponse {
	t.Helper()
	require.Empty(t, r.Invalid, "response signature (body %s)", r.Body)
	require.Equal(t, code, r.Result["resultCode"], "body %s", r.Body)
	require.Equal(t, status, r.Result["resultStatus"], "body %s", r.Body)
	return r
}

func (r rawResponse) str(key string) string {
	v, _ := r.Fields[key].(string)
	return v
}

// payBody is a valid pay request.
func payBody(id, terminal string) map[string]any {
	env := map[string]any{"terminalType": terminal}
	if terminal == "WAP" || terminal == "APP" {
		env["osType"] = "ANDROID"
	}
	return map[string]any{
		"productCode":        "CASHIER_PAYMENT",
		"paymentRequestId":   id,
		"order":              map[string]any{"referenceOrderId": "order-" + id, "orderDescription": "Test order"},
		"paymentAmount":      map[string]any{"currency": "USD", "value": "1000"},
		"paymentMethod":      map[string]any{"paymentMethodType": "ALIPAY_CN"},
		"paymentRedirectUrl": "https://merchant.example/return",
		"env":                env,
	}
}
