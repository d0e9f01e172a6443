// Package mapitest runs a fake Alipay MAPI gateway for tests and examples,
// in the spirit of net/http/httptest.
//
// The server listens on loopback, verifies request signatures like Alipay
// — in the sign types the merchant registered (WithSignTypes: RSA and MD5
// by default), answering ILLEGAL_SIGN to any other — answers signed XML,
// keeps trades and refunds, acts as the Alipay app (Pay verifies an order
// string, marks the trade paid, returns the signed synchronous result and
// posts the signed notification to notify_url), answers notify_verify
// (a notify_id is valid for NotifyIDTTL from its first delivery; resends
// keep it), serves the rate and download files, and writes
// <PID>_fptrade_<YYYYMMDD>.csv files.
//
// It can also misbehave, to test a client's classification of what it
// cannot trust: InjectFault queues transport faults (HTTP 503 before or
// after acting) and hostile answers (unsigned, a forged failure beside a
// signed answer, replayed for another trade, redirect, SYSTEM_ERROR), as
// alipaytest.Server.InjectFault does for Antom, and ExpireNotifyIDs makes
// notify_verify forget every notification sent so far.
//
// It also plays what a legacy integration meets after the first payment:
// Alipay's resend schedule for unacknowledged notifications (ResendDue),
// orders left unpaid until it_b_pay closes them (Open), refund
// notifications, notifications in GBK (WithNotifyCharset), and the
// merchant's own keys (WithMerchantPublicKey, WithAlipayKey) on a fixed
// address (WithListener), with /app/pay and /app/open so that code in
// another language can act as the app over HTTP.
package mapitest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/mapi"
)

// Defaults of a new Server.
const (
	DefaultPartnerID = "2088101122136241"
	DefaultMD5Key    = "760bdzec6y9goq7ctyx96ezkz78287de" // the public sandbox key of docs/protocol/mapi.md §2.6
	// NotifyIDTTL is how long notify_verify answers true for a notify_id.
	NotifyIDTTL = time.Minute
)

// Server is a fake MAPI gateway. Create it with NewServer and Close it
// when done. It is safe for concurrent use.
type Server struct {
	// URL is the gateway URL to pass to mapi.WithGateway.
	URL string

	ts         *httptest.Server
	partner    string
	md5Key     string
	keys       *rsaKeys
	registered map[mapi.SignType]bool // sign types the merchant registered a key for
	notifyST   mapi.SignType
	notifyCS   mapi.Charset // WithNotifyCharset's
	hc         *http.Client
	listener   net.Listener // WithListener's, or nil for a new loopback port

	mu         sync.Mutex
	now        func() time.Time
	trades     map[string]*Trade // by out_trade_no
	byTradeNo  map[string]*Trade
	refunds    map[string]*Refund // by out_return_no
	notifyIDs  map[string]time.Time
	deliveries []Delivery
	outbox     map[string]*outboxEntry // by notify_id: what Alipay still resends
	rates      map[string]string       // currency -> CNY per unit
	seq        int
	faults     []queuedFault
	strays     int // requests that followed a Redirect fault
}

// Option configures a Server.
type Option func(*Server)

// WithPartnerID sets the partner ID the server accepts (default
// DefaultPartnerID).
func WithPartnerID(id string) Option { return func(s *Server) { s.partner = id } }

// WithMD5Key sets the merchant's MD5 key (default DefaultMD5Key).
func WithMD5Key(k string) Option { return func(s *Server) { s.md5Key = k } }

// WithSignTypes sets the sign types the merchant has registered keys for
// (default RSA and MD5, a legacy merchant's registration). Alipay accepts
// a request only in a registered sign type: RSA keys are registered by
// e-mail, RSA2 keys on the Alipay Global site
// (https://docs.antom.com/ac/tool/key_pair); any other sign type is
// answered ILLEGAL_SIGN (the app refuses an order string with ALIN10070).
// The merchant's RSA key of MerchantPrivateKeyPEM is the one registered
// for RSA and RSA2, the MD5 key of MD5Key for MD5.
func WithSignTypes(types ...mapi.SignType) Option {
	return func(s *Server) {
		s.registered = map[mapi.SignType]bool{}
		for _, t := range types {
			s.registered[t] = true
		}
	}
}

// WithNotifySignType sets how notifications are signed (default RSA).
func WithNotifySignType(t mapi.SignType) Option { return func(s *Server) { s.notifyST = t } }

// WithClock sets the server's clock (trade times, notify_id expiry), such
// as an alipaytest.FakeClock; pass the client the same clock
// (mapi.WithClock). A nil clock keeps the real time.
func WithClock(c alipay.Clock) Option {
	return func(s *Server) {
		if c != nil {
			s.now = c.Now
		}
	}
}

// NewServer starts a fake gateway on 127.0.0.1. It panics only if the
// test key pair cannot be generated or the listener cannot start, as
// httptest does.
func NewServer(opts ...Option) *Server {
	mk, ak, err := testKeys()
	if err != nil {
		panic("mapitest: generating keys: " + err.Error())
	}
	s := &Server{
		partner:    DefaultPartnerID,
		md5Key:     DefaultMD5Key,
		keys:       &rsaKeys{merchant: mk, alipay: ak},
		notifyST:   mapi.SignTypeRSA,
		registered: map[mapi.SignType]bool{mapi.SignTypeRSA: true, mapi.SignTypeMD5: true},
		now:        time.Now,
		trades:     map[string]*Trade{},
		byTradeNo:  map[string]*Trade{},
		refunds:    map[string]*Refund{},
		notifyIDs:  map[string]time.Time{},
		rates:      map[string]string{"USD": "7.1234", "EUR": "7.7654", "HKD": "0.9123", "JPY": "0.048123", "GBP": "9.0123", "KRW": "0.005234"},
	}
	for _, o := range opts {
		o(s)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/gateway.do", s.serveGateway)
	mux.HandleFunc("/app/pay", s.serveApp)
	mux.HandleFunc("/app/open", s.serveApp)
	mux.HandleFunc("/elsewhere", s.serveStray)
	s.ts = httptest.NewUnstartedServer(mux)
	if s.listener != nil {
		s.ts.Listener.Close()
		s.ts.Listener = s.listener
	}
	s.ts.Start()
	s.URL = s.ts.URL + "/gateway.do"
	s.hc = &http.Client{Timeout: 10 * time.Second}
	return s
}

// Close shuts the server down.
func (s *Server) Close() { s.ts.Close() }

// PartnerID returns the partner ID the server accepts.
func (s *Server) PartnerID() string { return s.partner }

// MD5Key returns the merchant's MD5 key.
func (s *Server) MD5Key() string { return s.md5Key }

// MerchantPrivateKeyPEM returns the merchant's RSA private key (PKCS #8
// PEM) whose public half the server verifies requests with.
// It is empty when the server was given only the public key
// (WithMerchantPublicKey).
func (s *Server) MerchantPrivateKeyPEM() string {
	if s.keys.merchant == nil {
		return ""
	}
	return privatePEM(s.keys.merchant)
}

// AlipayPublicKeyPEM returns the public key of the server's own signing key.
func (s *Server) AlipayPublicKeyPEM() string { return publicPEM(&s.keys.alipay.PublicKey) }

// Client returns a mapi.Client configured for this server: its partner ID,
// both keys, the MD5 key, the gateway URL and short retry backoffs. opts
// are applied after these. Its gateway sign type is mapi's default, RSA.
// Client panics if mapi.NewClient refuses the options: like
// httptest.Server.Client and alipaytest.Server.Client, it has no error to
// return.
func (s *Server) Client(opts ...mapi.Option) *mapi.Client {
	base := []mapi.Option{
		mapi.WithPrivateKey(s.MerchantPrivateKeyPEM()),
		mapi.WithAlipayPublicKey(s.AlipayPublicKeyPEM()),
		mapi.WithMD5Key(s.md5Key),
		mapi.WithGateway(s.URL),
		mapi.WithRetry(alipay.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}),
	}
	c, err := mapi.NewClient(s.partner, append(base, opts...)...)
	if err != nil {
		panic(fmt.Sprintf("mapitest: Server.Client: %v", err))
	}
	return c
}

// SetRate sets the CNY price of one unit of currency (a decimal string).
func (s *Server) SetRate(currency, rate string) { s.mu.Lock(); s.rates[currency] = rate; s.mu.Unlock() }

// Trade returns a copy of the trade with outTradeNo.
func (s *Server) Trade(outTradeNo string) (Trade, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expireUnpaid()
	t, ok := s.trades[outTradeNo]
	if !ok {
		return Trade{}, false
	}
	return *t, true
}

// Deliveries returns every notification delivery attempt so far.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}

// nextID returns a new id: prefix, the Beijing date, a sequence number.
// Trade numbers use prefix "22001", which makes them 28 digits like
// Alipay's.
func (s *Server) nextID(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s%s%015d", s.now().In(mapi.Beijing).Format("20060102"), prefix, s.seq)
}

// Resend posts the last notification of outTradeNo again, as Alipay does
// until it is acknowledged, with the same notify_id.
func (s *Server) Resend(ctx context.Context, outTradeNo string) (Delivery, error) {
	s.mu.Lock()
	var last *Delivery
	for i := range s.deliveries {
		if s.deliveries[i].OutTradeNo == outTradeNo {
			last = &s.deliveries[i]
		}
	}
	if last == nil {
		s.mu.Unlock()
		return Delivery{}, fmt.Errorf("mapitest: no notification for %q", outTradeNo)
	}
	d := resendOf(*last)
	s.mu.Unlock()
	return s.deliver(ctx, d)
}
