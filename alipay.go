// Package alipay is a Go client for Antom (Alipay cross-border) payments: the
// AMS API (consult, pay, inquiry, cancel, refund, capture), the notifications
// Antom sends, and Antom's reconciliation reports.
//
// A Client signs every request with the merchant's RSA key, verifies every
// response and notification with Antom's public key before decoding it,
// retries what is safe to retry, and reuses connections. It is safe for
// concurrent use; create one and share it.
//
//	c, err := alipay.NewClient("SANDBOX_5X00000000000000",
//		alipay.WithPrivateKey(merchantKey),
//		alipay.WithAlipayPublicKey(antomKey),
//		alipay.WithEndpoint(alipay.EndpointAsia),
//	)
//	resp, err := c.Pay(ctx, &alipay.PayRequest{...})
//
// For tests and examples, package alipaytest runs a fake Antom gateway in
// process; the legacy cross-border APP payment (MAPI gateway) lives in
// package mapi.
package alipay

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/xborderpay/alipay/internal/httpx"
)

// Version is this SDK's version, sent in the User-Agent header.
const Version = "0.2.0"

// Antom's API hosts (https://docs.antom.com/ac/ams/api_fund). Use the one Antom assigned to your account;
// the "accelerated" global hosts are the recommended ones.
const (
	// EndpointNorthAmericaUS serves merchants registered in the United States.
	EndpointNorthAmericaUS = "https://open.antglobal-us.com"
	// EndpointNorthAmerica serves non-US merchants in North America (accelerated).
	EndpointNorthAmerica = "https://open-na-global.alipay.com"
	// EndpointNorthAmericaDirect is the non-accelerated North America host.
	EndpointNorthAmericaDirect = "https://open-na.alipay.com"
	// EndpointAsia serves Asia (accelerated). It is the default.
	EndpointAsia = "https://open-sea-global.alipay.com"
	// EndpointAsiaDirect is the non-accelerated Asia host.
	EndpointAsiaDirect = "https://open-sea.alipay.com"
	// EndpointEurope serves Europe (accelerated).
	EndpointEurope = "https://open-de-global.alipay.com"
	// EndpointEuropeInStore is the European host for in-store payments only.
	EndpointEuropeInStore = "https://open-eu.alipay.com"
)

const (
	// DefaultAttemptTimeout bounds one HTTP attempt (https://global.alipay.com/docs/ac/cashierpay/apm_api: Antom
	// recommends 10 s for pay). The caller's context bounds the whole call.
	DefaultAttemptTimeout = 10 * time.Second
	// maxResponseBytes bounds every response body read from Antom.
	maxResponseBytes = 4 << 20
)

// Client calls Antom's AMS API. Create it with NewClient; it is safe for
// concurrent use and keeps connections alive between calls.
type Client struct {
	clientID  string
	base      *url.URL
	sandbox   bool
	signer    Signer
	antomKeys []antomKey // Antom's public keys (keyring.go)
	// ownVerifiers: every key is checked by this package's own Verifier,
	// which keeps nothing, so the signed content and the signature may be
	// built in reused buffers.
	ownVerifiers bool
	keyVersion   string
	agentToken   string
	userAgent    string
	logger       *slog.Logger
	retry        RetryPolicy
	http         *retryablehttp.Client
	notify       notifyConfig
	// respTolerance is WithResponseTimeTolerance; negative turns the
	// freshness check off.
	respTolerance time.Duration
	now           func() time.Time
	origin        string              // scheme://host of the endpoint
	uris          sync.Map            // API path → *apiTarget, so a call builds no string
	fixedHeaders  map[string][]string // the request headers that never change

	// attemptTimeout is WithAttemptTimeout, the default of
	// CallAttemptTimeout.
	attemptTimeout time.Duration
	warnLog        *slog.Logger // WithLogger's, or nil: see notifyLogger
}

// NewClient returns a client for the given Antom client ID. It needs the
// merchant's private key (WithPrivateKey or WithSigner) and Antom's public key
// (WithAlipayPublicKey or WithVerifier); keys are parsed here, once. The
// endpoint defaults to EndpointAsia; sandbox mode defaults to on when
// clientID starts with "SANDBOX_".
func NewClient(clientID string, opts ...Option) (*Client, error) {
	if clientID == "" {
		return nil, errors.New("alipay: NewClient: client ID is empty")
	}
	if strings.TrimSpace(clientID) != clientID || strings.ContainsAny(clientID, " \t\r\n") {
		return nil, errors.New("alipay: NewClient: client ID contains white space")
	}
	var s settings
	for _, opt := range opts {
		if opt != nil {
			opt(&s)
		}
	}
	c := &Client{
		clientID:   clientID,
		sandbox:    strings.HasPrefix(clientID, "SANDBOX_"),
		keyVersion: DefaultKeyVersion,
		agentToken: s.agentToken,
		userAgent:  "xborderpay-alipay-go/" + Version,
		logger:     s.logger,
		retry:      DefaultRetryPolicy,
		notify:     s.notify,
		now:        time.Now,
	}
	if s.now != nil {
		c.now = s.now
	}
	switch {
	case s.respTolerance == 0:
		c.respTolerance = DefaultResponseTimeTolerance
	case s.respTolerance < 0:
		c.respTolerance = -1
	default:
		c.respTolerance = s.respTolerance
	}
	if s.sandbox != nil {
		c.sandbox = *s.sandbox
	}
	if s.keyVersion != "" {
		c.keyVersion = s.keyVersion
	}
	if s.retry != nil {
		if err := s.retry.validate(); err != nil {
			return nil, err
		}
		c.retry = *s.retry
	}
	c.warnLog = c.logger
	if c.logger == nil {
		c.logger = httpx.DiscardLogger()
	}
	endpoint := s.endpoint
	if endpoint == "" {
		endpoint = EndpointAsia
	}
	base, err := parseEndpoint(endpoint)
	if err != nil {
		return nil, err
	}
	c.base = base
	c.origin = base.Scheme + "://" + base.Host
	c.fixedHeaders = map[string][]string{
		"Content-Type": {"application/json; charset=UTF-8"},
		"Client-Id":    {c.clientID},
		"User-Agent":   {c.userAgent},
	}
	if c.agentToken != "" {
		c.fixedHeaders["Agent-Token"] = []string{c.agentToken}
	}

	switch {
	case s.signer != nil:
		c.signer = s.signer
	case s.privateKey != "":
		k, err := ParsePrivateKey(s.privateKey)
		if err != nil {
			return nil, fmt.Errorf("alipay: NewClient: WithPrivateKey: %w", err)
		}
		c.signer = NewSigner(k)
	default:
		return nil, errors.New("alipay: NewClient: no merchant private key: use WithPrivateKey or WithSigner")
	}
	if c.antomKeys, err = antomKeysOf(&s, c.signer); err != nil {
		return nil, err
	}
	c.ownVerifiers = true
	for _, k := range c.antomKeys {
		if _, own := k.v.(rsaVerifier); !own {
			c.ownVerifiers = false
		}
	}

	c.attemptTimeout = s.attemptTimeout
	if c.attemptTimeout <= 0 {
		c.attemptTimeout = DefaultAttemptTimeout
	}
	c.http = c.newRetryClient(s.httpClient, c.attemptTimeout)
	return c, nil
}

// ClientID returns the Antom client ID the client signs with.
func (c *Client) ClientID() string { return c.clientID }

// Sandbox reports whether requests go to Antom's sandbox paths.
func (c *Client) Sandbox() bool { return c.sandbox }

// String describes the client without any key material.
func (c *Client) String() string {
	return fmt.Sprintf("alipay.Client{clientID: %s, endpoint: %s, sandbox: %t}", c.clientID, c.base, c.sandbox)
}

// GoString keeps keys out of %#v output.
func (c *Client) GoString() string { return c.String() }

// requestURI is the URI to call and sign for an API path such as
// /ams/api/v1/payments/pay, with the first /ams/api/ turned into /ams/sandbox/api/ in sandbox mode
// (docs/protocol/ams.md §1.3, as all official SDKs do before signing).
func (c *Client) requestURI(path string) string {
	return c.target(path).uri
}

// apiTarget is what a call to one API path needs: the URI it signs and
// the URL it posts to.
type apiTarget struct{ uri, url string }

// target returns the apiTarget of path, built once per path.
func (c *Client) target(path string) *apiTarget {
	if t, ok := c.uris.Load(path); ok {
		return t.(*apiTarget)
	}
	uri := c.buildURI(path)
	t := &apiTarget{uri: uri, url: c.origin + uri}
	c.uris.Store(path, t) // a handful of API paths: the cache stays small
	return t
}

func (c *Client) buildURI(path string) string {
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	if c.sandbox && strings.HasPrefix(path, "/ams/api/") {
		path = "/ams/sandbox/api/" + strings.TrimPrefix(path, "/ams/api/")
	}
	return path
}

func parseEndpoint(endpoint string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(endpoint))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("alipay: NewClient: endpoint %q is not an http(s) base URL", endpoint)
	}
	if u.Scheme == "http" && !httpx.IsLoopbackHost(u.Hostname()) {
		return nil, fmt.Errorf("alipay: NewClient: endpoint %q uses plain http; signed payment requests go over https (plain http is allowed only on loopback, for tests)", endpoint)
	}
	// Antom verifies the signature over the path it receives, so a path in
	// the endpoint is always wrong: signed as part of the URI it fails
	// verification, and a proxy that strips it leaves the SDK signing a URI
	// Antom never sees. The usual mistake is a whole API URL
	// (".../ams/api"), which would call /ams/api/ams/api/v1/....
	var extra string
	switch {
	case u.Path != "" && u.Path != "/":
		extra = "a path"
	case u.RawQuery != "" || u.ForceQuery:
		extra = "a query"
	case u.Fragment != "":
		extra = "a fragment"
	}
	if extra != "" {
		return nil, fmt.Errorf("alipay: NewClient: endpoint %q has %s; it must be a scheme and host only, such as %s: the client adds /ams/api/... (or /ams/sandbox/api/...) itself", endpoint, extra, EndpointAsia)
	}
	u.Path, u.RawPath = "", ""
	return u, nil
}
