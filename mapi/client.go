package mapi

import (
	"crypto"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/internal/httpx"
)

// Gateway URLs (docs/protocol/mapi.md §1.1). Pass one of them, or any other gateway.do URL,
// to WithGateway.
const (
	// GatewayProduction is the production gateway of the current docs.
	GatewayProduction = "https://intlmapi.alipay.com/gateway.do"
	// GatewayProductionLegacy is the production gateway of older docs and
	// most SDKs.
	GatewayProductionLegacy = "https://mapi.alipay.com/gateway.do"
	// GatewaySandbox is the sandbox gateway of the current docs.
	GatewaySandbox = "https://mapi.alipaydev.com/gateway.do"
	// GatewaySandboxLegacy is the older sandbox several SDKs still use.
	GatewaySandboxLegacy = "https://openapi.alipaydev.com/gateway.do"
)

// Fixed values of the App product (docs/protocol/mapi.md §3.1), set by the Client.
const (
	// ServiceAppPay is the service of the App order string.
	ServiceAppPay = "mobile.securitypay.pay"
	// ProductCodeApp is the product_code of App and WAP orders.
	ProductCodeApp = "NEW_WAP_OVERSEAS_SELLER"
	// ForexBizFP is the only forex_biz value.
	ForexBizFP = "FP"
	// PaymentTypeGoods is the default payment_type (purchase of goods).
	PaymentTypeGoods = "1"
	// InputCharset is the _input_charset of the App order string.
	InputCharset = "UTF-8"
)

// DefaultAttemptTimeout bounds one HTTP attempt unless WithAttemptTimeout
// says otherwise.
const DefaultAttemptTimeout = 10 * time.Second

// Bounds on what is read from the network.
const (
	maxResponseBytes       = 4 << 20  // an XML or text answer
	defaultMaxNotifyBytes  = 64 << 10 // a notification body
	defaultMaxFileLineSize = 64 << 10 // one line of a download or SFTP file
)

// Client builds signed App order strings, verifies notifications and app
// results, and calls the MAPI gateway. Create it with NewClient; it is safe
// for concurrent use.
type Client struct {
	partner       string
	seller        string
	signType      SignType // gateway calls
	orderSignType SignType // App order string
	keys          keys
	gateway       *url.URL
	notifyVerify  bool
	maxNotify     int64
	logger        *slog.Logger
	warnLog       *slog.Logger // WithLogger's, or nil: see notifyLogger
	retry         alipay.RetryPolicy
	http          *retryablehttp.Client // calls: each attempt bounded by attemptTimeout
	download      *retryablehttp.Client // file downloads: caller's context and an idle timeout
	now           func() time.Time

	attemptTimeout time.Duration
	// notifySignTypes and answerSignTypes are the sign types in which
	// notifications and signed gateway answers are accepted: the client's
	// choice, never the message's.
	notifySignTypes, answerSignTypes []SignType
}

// An Option configures a Client in NewClient.
type Option func(*settings)

type settings struct {
	seller, privateKey, alipayKey, alipayRSA2Key, md5Key, gateway string
	signer                                                        crypto.Signer
	signType, orderSignType                                       SignType
	alipaySignTypes                                               []SignType
	notifyVerify                                                  *bool
	httpClient                                                    *http.Client
	attemptTimeout                                                time.Duration
	retry                                                         *alipay.RetryPolicy
	logger                                                        *slog.Logger
	maxNotify                                                     int64
	now                                                           func() time.Time

	// WithAlipayPublicKeys and WithAlipayRSA2PublicKeys: the keys of a
	// rotation window, after alipayKey and alipayRSA2Key.
	alipayKeys, alipayRSA2Keys []string
}

// WithSellerID sets seller_id for App orders (a 2088 PID or the seller's
// Alipay account). It defaults to the partner ID.
func WithSellerID(id string) Option { return func(s *settings) { s.seller = id } }

// WithPrivateKey sets the merchant's RSA private key (PKCS #8 or PKCS #1,
// PEM or bare base64; parsed once by alipay.ParsePrivateKey). It signs the
// App order string and RSA/RSA2 gateway calls.
func WithPrivateKey(key string) Option { return func(s *settings) { s.privateKey = key } }

// WithSigner signs with a crypto.Signer holding an RSA key (a KMS or HSM
// key) instead of WithPrivateKey. It receives a SHA-1 or SHA-256 digest.
func WithSigner(k crypto.Signer) Option { return func(s *settings) { s.signer = k } }

// WithAlipayPublicKey sets Alipay's RSA public key (SubjectPublicKeyInfo,
// PKCS #1 or certificate; PEM or bare base64). It verifies RSA and, unless
// WithAlipayRSA2PublicKey is given, RSA2 signatures. Alipay supplies it;
// this package embeds none (docs/protocol/mapi.md §9.2).
func WithAlipayPublicKey(key string) Option { return func(s *settings) { s.alipayKey = key } }

// WithAlipayPublicKeys adds Alipay RSA public keys that verify like the one
// of WithAlipayPublicKey, for a key rotation window. The legacy protocol
// names no key version (a sign carries only its sign_type), so a signature
// is checked with each key in turn, the WithAlipayPublicKey key first and
// then these in the order given, and is refused only when none verifies
// (the error says how many were tried). Drop the old key once the rotation
// is over: every extra key is one more key a forger may hold. Repeating the
// option adds more keys.
func WithAlipayPublicKeys(keys ...string) Option {
	return func(s *settings) { s.alipayKeys = append(s.alipayKeys, keys...) }
}

// WithAlipayRSA2PublicKeys adds Alipay RSA2 public keys, tried in turn
// after the one of WithAlipayRSA2PublicKey, as WithAlipayPublicKeys does for
// the RSA key. Given any RSA2 key, RSA2 signatures are checked with the RSA2
// keys alone.
func WithAlipayRSA2PublicKeys(keys ...string) Option {
	return func(s *settings) { s.alipayRSA2Keys = append(s.alipayRSA2Keys, keys...) }
}

// WithAlipayRSA2PublicKey sets a separate Alipay public key for RSA2
// signatures, for merchants whose RSA and RSA2 keys differ (docs/protocol/mapi.md §8.8).
func WithAlipayRSA2PublicKey(key string) Option {
	return func(s *settings) { s.alipayRSA2Key = key }
}

// WithMD5Key sets the merchant's MD5 key (the 32-character key of the
// merchant portal), which signs and verifies MD5 gateway calls and
// notifications. NewClient refuses an RSA key given here, and a client
// holding only an MD5 key unless WithSignType(SignTypeMD5) says it is for
// gateway calls alone: App order strings need an RSA key.
func WithMD5Key(key string) Option { return func(s *settings) { s.md5Key = key } }

// WithSignType sets the sign type of gateway calls (forex_refund,
// single_trade_query, alipay.acquire.refund.query and the file services).
//
// THE DEFAULT IS THE SIGN TYPE OF THE APP ORDER STRING — RSA (SHA-1) unless
// WithAppOrderSignType says RSA2. (A client holding only an MD5 key has no
// default: it must say WithSignType(SignTypeMD5), see WithMD5Key.) It is
// never RSA2 by surprise: Alipay accepts a sign type only once the
// merchant has registered a key for it (RSA public keys
// are sent to Alipay by e-mail, RSA2 keys are uploaded on the Alipay Global
// site: https://docs.antom.com/ac/tool/key_pair), and a gateway call signed
// with an unregistered type is refused with ILLEGAL_SIGN. Alipay's PHP and
// Java demos sign refunds and queries with RSA or MD5.
func WithSignType(t SignType) Option { return func(s *settings) { s.signType = t } }

// WithAppOrderSignType sets the sign type of the App order string: RSA
// (the default, which every source supports) or RSA2 (accepted by the
// current API page only; test it in the sandbox first, docs/protocol/mapi.md §9.1).
func WithAppOrderSignType(t SignType) Option { return func(s *settings) { s.orderSignType = t } }

// WithGateway sets the gateway URL (default GatewayProduction). Plain http
// is allowed only on loopback, for tests.
func WithGateway(u string) Option { return func(s *settings) { s.gateway = u } }

// WithNotifyVerify turns the notify_verify round trip for notifications on
// (the default, as in Alipay's demo) or off.
func WithNotifyVerify(on bool) Option { return func(s *settings) { s.notifyVerify = &on } }

// WithNotificationMaxBytes bounds notification bodies (default 64 KiB).
func WithNotificationMaxBytes(n int64) Option { return func(s *settings) { s.maxNotify = n } }

// WithHTTPClient sets the HTTP client whose transport every call uses.
// Redirects are never followed whatever its CheckRedirect says, and its
// Timeout, if shorter than the attempt timeout, bounds each attempt of an
// ordinary call but not a file download (see CompareFile).
func WithHTTPClient(hc *http.Client) Option { return func(s *settings) { s.httpClient = hc } }

// WithAttemptTimeout bounds each HTTP attempt (default 10 s); the caller's
// context bounds the whole call.
func WithAttemptTimeout(d time.Duration) Option { return func(s *settings) { s.attemptTimeout = d } }

// WithRetry sets the retry policy, as in package alipay; WithRetry(alipay.NoRetry)
// turns retries off.
func WithRetry(p alipay.RetryPolicy) Option { return func(s *settings) { s.retry = &p } }

// WithLogger sends debug logs (attempts, retries) and the warnings of
// rejected notifications to l. Without it, debug logs are dropped and the
// warnings go to slog.Default(), so that a merchant sees why Alipay keeps
// resending without configuring anything. Logs never hold keys,
// signatures or notification bodies.
func WithLogger(l *slog.Logger) Option { return func(s *settings) { s.logger = l } }

// WithClock sets the clock the client reads (default the real time), for
// gmt_return defaults. Tests pass the clock their fake gateway runs on
// (mapitest.WithClock), such as an alipaytest.FakeClock. A nil clock keeps
// the real time.
func WithClock(c alipay.Clock) Option {
	return func(s *settings) {
		s.now = nil
		if c != nil {
			s.now = c.Now
		}
	}
}

// NewClient returns a client for the merchant's partner ID (PID: 16 digits
// starting with 2088). Keys are parsed here, once; errors never echo key
// material.
func NewClient(partnerID string, opts ...Option) (*Client, error) {
	if err := checkPID("partner", partnerID); err != nil {
		return nil, err // "mapi: invalid partner: ...", a *ValidationError
	}
	var s settings
	for _, o := range opts {
		if o != nil {
			o(&s)
		}
	}
	if err := checkKeyKinds(&s); err != nil {
		return nil, err
	}
	c := &Client{
		partner:      partnerID,
		seller:       partnerID,
		notifyVerify: true,
		maxNotify:    defaultMaxNotifyBytes,
		logger:       s.logger,
		warnLog:      s.logger,
		retry:        alipay.DefaultRetryPolicy,
		now:          time.Now,
	}
	if s.seller != "" {
		c.seller = s.seller
	}
	if s.notifyVerify != nil {
		c.notifyVerify = *s.notifyVerify
	}
	if s.maxNotify > 0 {
		c.maxNotify = s.maxNotify
	}
	if s.now != nil {
		c.now = s.now
	}
	if c.logger == nil {
		c.logger = httpx.DiscardLogger()
	}
	if s.retry != nil {
		p := *s.retry
		if p.MaxAttempts < 1 || p.MinBackoff < 0 || p.MaxBackoff < p.MinBackoff {
			return nil, errors.New("mapi: NewClient: WithRetry: MaxAttempts must be ≥ 1 and 0 ≤ MinBackoff ≤ MaxBackoff")
		}
		c.retry = p
	}

	switch {
	case s.signer != nil:
		c.keys.private = s.signer
	case s.privateKey != "":
		k, err := alipay.ParsePrivateKey(s.privateKey)
		if err != nil {
			return nil, fmt.Errorf("mapi: NewClient: WithPrivateKey: %w", err)
		}
		c.keys.private = k
	}
	var err error
	if c.keys.alipayRSA, err = parseAlipayKeys("WithAlipayPublicKey", s.alipayKey, "WithAlipayPublicKeys", s.alipayKeys); err != nil {
		return nil, err
	}
	if c.keys.alipayRS2, err = parseAlipayKeys("WithAlipayRSA2PublicKey", s.alipayRSA2Key, "WithAlipayRSA2PublicKeys", s.alipayRSA2Keys); err != nil {
		return nil, err
	}
	if s.md5Key != "" {
		if strings.TrimSpace(s.md5Key) != s.md5Key {
			return nil, errors.New("mapi: NewClient: WithMD5Key: the key has leading or trailing white space")
		}
		c.keys.md5Key = s.md5Key
	}
	if c.keys.private == nil && c.keys.md5Key == "" {
		return nil, errors.New("mapi: NewClient: no signing key: use WithPrivateKey, WithSigner or WithMD5Key")
	}

	c.orderSignType = s.orderSignType
	if c.orderSignType == "" {
		c.orderSignType = SignTypeRSA
	}
	if c.orderSignType != SignTypeRSA && c.orderSignType != SignTypeRSA2 {
		return nil, fmt.Errorf("mapi: NewClient: WithAppOrderSignType: %q: the App order string is signed with RSA or RSA2 only", c.orderSignType)
	}
	c.signType = s.signType
	if c.signType == "" {
		c.signType = c.orderSignType // checkKeyKinds refused a client with no private key
	}
	if !c.signType.valid() {
		return nil, fmt.Errorf("mapi: NewClient: WithSignType: %q is not RSA, RSA2 or MD5", c.signType)
	}
	if c.signType != SignTypeMD5 && c.keys.private == nil {
		return nil, fmt.Errorf("mapi: NewClient: sign type %s needs WithPrivateKey or WithSigner", c.signType)
	}
	if c.signType == SignTypeMD5 && c.keys.md5Key == "" {
		return nil, errors.New("mapi: NewClient: sign type MD5 needs WithMD5Key")
	}
	if err := c.setAlipaySignTypes(s.alipaySignTypes); err != nil {
		return nil, err
	}

	gw := s.gateway
	if gw == "" {
		gw = GatewayProduction
	}
	u, err := parseGateway(gw)
	if err != nil {
		return nil, err
	}
	c.gateway = u
	c.http, c.download = c.newRetryClients(s.httpClient, s.attemptTimeout)
	return c, nil
}

// PartnerID returns the merchant's partner ID.
func (c *Client) PartnerID() string { return c.partner }

// SignType returns the sign type of gateway calls.
func (c *Client) SignType() SignType { return c.signType }

// Gateway returns the gateway URL.
func (c *Client) Gateway() string { return c.gateway.String() }

// String describes the client without key material.
func (c *Client) String() string {
	return fmt.Sprintf("mapi.Client{partner: %s, signType: %s, gateway: %s}", c.partner, c.signType, c.gateway)
}

// GoString keeps keys out of %#v output.
func (c *Client) GoString() string { return c.String() }

func checkPID(field, id string) error {
	if len(id) != 16 || !strings.HasPrefix(id, "2088") || strings.Trim(id, "0123456789") != "" {
		return invalid(field, "%q is not a partner ID (16 digits starting with 2088)", truncate(id, 40))
	}
	return nil
}

func parseGateway(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("mapi: NewClient: gateway %q is not an http(s) URL", s)
	}
	if u.Scheme == "http" {
		host := u.Hostname()
		ip := net.ParseIP(host)
		if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return nil, fmt.Errorf("mapi: NewClient: gateway %q uses plain http; only loopback test servers may", s)
		}
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("mapi: NewClient: gateway %q must not have a query or fragment", s)
	}
	return u, nil
}

// parseAlipayKeys parses the key of option one (if given) and the keys of
// option many, in that order, refusing an empty or repeated key.
func parseAlipayKeys(one, key, many string, more []string) ([]*rsa.PublicKey, error) {
	var keys []*rsa.PublicKey
	if key != "" {
		k, err := alipay.ParsePublicKey(key)
		if err != nil {
			return nil, fmt.Errorf("mapi: NewClient: %s: %w", one, err)
		}
		keys = append(keys, k)
	}
	for i, pem := range more {
		if strings.TrimSpace(pem) == "" {
			return nil, fmt.Errorf("mapi: NewClient: %s: key %d is empty", many, i+1)
		}
		k, err := alipay.ParsePublicKey(pem)
		if err != nil {
			return nil, fmt.Errorf("mapi: NewClient: %s: key %d: %w", many, i+1, err)
		}
		for _, seen := range keys {
			if seen.Equal(k) {
				return nil, fmt.Errorf("mapi: NewClient: %s: key %d is given twice", many, i+1)
			}
		}
		keys = append(keys, k)
	}
	return keys, nil
}
