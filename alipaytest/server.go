package alipaytest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/xborderpay/alipay"
)

// Server is a fake Antom gateway listening on a loopback address.
//
// It serves consult, pay, inquiryPayment, cancel, refund, inquiryRefund,
// capture and createPaymentSession under both /ams/api/ and
// /ams/sandbox/api/, verifies every request signature with the merchant's
// public key, signs every answer with its own Antom key, keeps payments in
// Antom's state machine, serves a cashier page at each payment's normalUrl
// and a Checkout Page at each session's, and sends signed notifications
// with Antom's retry schedule. All its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL of the server, e.g. http://127.0.0.1:50123, with
	// no trailing slash. Pass it to alipay.WithEndpoint.
	URL string

	ts       *httptest.Server
	opts     settings
	clock    Clock
	loc      *time.Location
	clientID string
	merchant keyPair
	antom    keyPair
	signer   alipay.Signer
	verifier alipay.Verifier
	schedule []time.Duration

	mu            sync.Mutex
	started       bool
	closed        bool
	seq           int
	payments      map[string]*payment // by paymentRequestId
	paymentsByID  map[string]*payment // by paymentId
	refunds       map[string]*refund  // by refundRequestId
	refundsByID   map[string]*refund  // by refundId
	captures      map[string]*capture // by captureRequestId
	sessions      map[string]*session // by paymentSessionId; made on first use
	charges       map[string]int      // paymentRequestId → payments that reached SUCCESS
	refundCount   map[string]int      // refundRequestId → refunds made
	notifications []*notification
	deliveries    []Delivery
	faults        []queuedFault
	replays       map[string]signedAnswer // by API, for ReplaySigned

	wake chan struct{}
	stop context.CancelFunc
	loop sync.WaitGroup
}

// RetrySchedule is Antom's notification schedule (docs/protocol/ams.md §4.4): the wait
// before each of the eight delivery attempts, counted from the previous
// attempt. A notification is resent until the merchant acknowledges it.
var RetrySchedule = []time.Duration{
	0, 2 * time.Minute, 10 * time.Minute, 10 * time.Minute,
	time.Hour, 2 * time.Hour, 6 * time.Hour, 15 * time.Hour,
}

// NewServer starts a fake gateway on 127.0.0.1 with a random port. Close it
// when done. It panics if it cannot listen, like httptest.NewServer.
func NewServer(opts ...Option) *Server {
	s := NewUnstartedServer(opts...)
	s.Start()
	return s
}

// NewUnstartedServer returns a server that is not yet listening: call
// Start, or StartAt to choose the address (for a person with a browser or
// the CLI sandbox command).
func NewUnstartedServer(opts ...Option) *Server {
	var st settings
	for _, o := range opts {
		if o != nil {
			o(&st)
		}
	}
	merchant, antom, err := processKeys()
	if err != nil {
		panic(err)
	}
	s := &Server{
		opts:         st,
		clock:        st.clock,
		loc:          st.location,
		clientID:     st.clientID,
		merchant:     merchant,
		antom:        antom,
		signer:       alipay.NewSigner(antom.private),
		verifier:     alipay.NewVerifier(&merchant.private.PublicKey),
		schedule:     slices.Clone(RetrySchedule),
		payments:     map[string]*payment{},
		paymentsByID: map[string]*payment{},
		refunds:      map[string]*refund{},
		refundsByID:  map[string]*refund{},
		captures:     map[string]*capture{},
		charges:      map[string]int{},
		refundCount:  map[string]int{},
		wake:         make(chan struct{}, 1),
	}
	if s.clock == nil {
		s.clock = realClock{}
	}
	if s.loc == nil {
		s.loc = time.UTC
	}
	if s.clientID == "" {
		s.clientID = randomClientID()
	}
	if st.scheduleIsSet {
		s.schedule = st.schedule
	}
	if st.pending == nil {
		s.opts.pending = map[string]bool{"SOFORT": true}
	}
	if st.notifyClient == nil {
		s.opts.notifyClient = &http.Client{Timeout: 10 * time.Second}
	}
	if fc, ok := s.clock.(*FakeClock); ok {
		fc.onChange(s.kick)
	}
	s.ts = httptest.NewUnstartedServer(s.routes())
	return s
}

// Start starts the server on 127.0.0.1 with a random port.
func (s *Server) Start() {
	s.mu.Lock()
	if s.started {
		s.mu.Unlock()
		panic("alipaytest: Server already started")
	}
	s.started = true
	s.mu.Unlock()
	// URL is set before the first request can arrive: handlers read it.
	s.URL = "http://" + s.ts.Listener.Addr().String()
	s.ts.Start()
	s.startLoop()
}

// StartAt starts the server on addr, such as "127.0.0.1:8080" or
// "localhost:0". URL names the address actually bound; an unspecified host
// (":8080") is reached through localhost.
func (s *Server) StartAt(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("alipaytest: listening on %s: %w", addr, err)
	}
	s.mu.Lock()
	if s.started {
		s.mu.Unlock()
		l.Close()
		return errors.New("alipaytest: Server already started")
	}
	s.started = true
	s.mu.Unlock()
	s.ts.Listener.Close()
	s.ts.Listener = l
	tcp := l.Addr().(*net.TCPAddr)
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host = "localhost"
	}
	// URL is set before the first request can arrive: handlers read it.
	s.URL = "http://" + net.JoinHostPort(host, fmt.Sprint(tcp.Port))
	s.ts.Start()
	s.startLoop()
	return nil
}

// Close stops notification delivery, then shuts the server down and waits
// for requests in flight.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	started := s.started
	s.mu.Unlock()
	if s.stop != nil {
		s.stop()
	}
	s.loop.Wait()
	if started {
		s.ts.Close()
	}
}

// ClientID returns the client ID the server accepts, "SANDBOX_…" unless
// WithClientID chose another.
func (s *Server) ClientID() string { return s.clientID }

// MerchantPrivateKeyPEM returns the merchant private key (PKCS #8 PEM) whose
// public half the server verifies requests with.
func (s *Server) MerchantPrivateKeyPEM() string { return s.merchant.privatePEM }

// MerchantPublicKeyPEM returns the public half of the merchant key
// (SubjectPublicKeyInfo PEM).
func (s *Server) MerchantPublicKeyPEM() string { return s.merchant.publicPEM }

// AlipayPublicKeyPEM returns the public key (SubjectPublicKeyInfo PEM) that
// verifies the server's responses and notifications.
func (s *Server) AlipayPublicKeyPEM() string { return s.antom.publicPEM }

// Client returns an alipay.Client for this server: its client ID and keys,
// its URL as the endpoint, a transport to it, the server's clock (so that
// notifications and answers the server signs at a FakeClock's time are
// fresh for the client), and a retry policy with millisecond backoffs so
// that tests of retries stay fast. opts are applied
// after these and may override any of them. Client panics if NewClient
// refuses the options, like httptest.Server.Client it has no error to
// return.
func (s *Server) Client(opts ...alipay.Option) *alipay.Client {
	base := []alipay.Option{
		alipay.WithPrivateKey(s.merchant.privatePEM),
		alipay.WithAlipayPublicKey(s.antom.publicPEM),
		alipay.WithEndpoint(s.URL),
		alipay.WithHTTPClient(s.ts.Client()),
		alipay.WithClock(s.clock),
		alipay.WithRetry(alipay.RetryPolicy{MaxAttempts: 4, MinBackoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond}),
	}
	c, err := alipay.NewClient(s.clientID, append(base, opts...)...)
	if err != nil {
		panic(fmt.Sprintf("alipaytest: Server.Client: %v", err))
	}
	return c
}

// linkBase is the base URL of the links in answers.
func (s *Server) linkBase() string {
	if s.opts.publicURL != "" {
		return s.opts.publicURL
	}
	return s.URL
}

// now returns the server clock's time in the server's location.
func (s *Server) now() time.Time { return s.clock.Now().In(s.loc) }

// nextID returns a new Antom-style transaction ID; kind tells payments,
// refunds and captures apart.
func (s *Server) nextIDLocked(kind string) string {
	s.seq++
	return fmt.Sprintf("%s19401080%s%014d", s.now().Format("20060102"), kind, s.seq)
}

func randomClientID() string {
	const digits = "0123456789"
	var b strings.Builder
	b.WriteString("SANDBOX_5X")
	for range 14 {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(digits))))
		if err != nil {
			b.WriteByte('0')
			continue
		}
		b.WriteByte(digits[n.Int64()])
	}
	return b.String()
}
