package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/alipaytest"
)

// TestMain doubles as the shop's main when the crash tests start this test
// binary as a child process (SHOP_TEST_CHILD=1): the child is a real shop
// process that a test can kill with SIGKILL.
func TestMain(m *testing.M) {
	if os.Getenv("SHOP_TEST_CHILD") == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
		err := run(ctx, nil, os.Getenv, os.Stdout)
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, "shop:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	code := m.Run()
	stopPostgres()
	os.Exit(code)
}

var httpClient = &http.Client{Timeout: 60 * time.Second}

// fastRetries resends unacknowledged notifications within seconds instead
// of Antom's minutes and hours, in the same eight attempts.
var fastRetries = []time.Duration{0, 100 * time.Millisecond, 300 * time.Millisecond, 500 * time.Millisecond,
	time.Second, time.Second, 2 * time.Second, 2 * time.Second}

func newFake(t testing.TB, opts ...alipaytest.Option) *alipaytest.Server {
	t.Helper()
	srv := alipaytest.NewServer(append([]alipaytest.Option{alipaytest.WithRetrySchedule(fastRetries...)}, opts...)...)
	t.Cleanup(srv.Close)
	return srv
}

// balancer is a round-robin reverse proxy: the shop's public address,
// spreading buyers and Antom's notifications over the live instances with
// no stickiness.
type balancer struct {
	mu       sync.Mutex
	backends map[string]*url.URL
	order    []string
	next     int
	srv      *httptest.Server
}

func newBalancer(t testing.TB) *balancer {
	b := &balancer{backends: map[string]*url.URL{}}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(b.pick())
			r.Out.Host = r.In.Host
		},
		ErrorLog: nil,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			http.Error(w, "no instance answered: "+err.Error(), http.StatusBadGateway)
		},
	}
	b.srv = httptest.NewServer(proxy)
	t.Cleanup(b.srv.Close)
	return b
}

func (b *balancer) set(name, base string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.backends[name]; !ok {
		b.order = append(b.order, name)
	}
	if base == "" {
		delete(b.backends, name)
		return
	}
	u, _ := url.Parse(base)
	b.backends[name] = u
}

func (b *balancer) pick() *url.URL {
	b.mu.Lock()
	defer b.mu.Unlock()
	for range b.order {
		name := b.order[b.next%len(b.order)]
		b.next++
		if u := b.backends[name]; u != nil {
			return u
		}
	}
	return &url.URL{Scheme: "http", Host: "127.0.0.1:1"} // nobody: the proxy answers 502
}

// testConfig is the shop's configuration with times short enough for tests.
func testConfig(name, publicURL string) Config {
	c := defaultConfig()
	c.Instance, c.PublicURL = name, publicURL
	c.PayTimeout = 5 * time.Second
	c.Lease = 6 * time.Second
	c.InquireAfter = 300 * time.Millisecond
	c.Tick = 50 * time.Millisecond
	return c
}

// instance is a shop running in the test process.
type instance struct {
	*Shop
	srv    *httptest.Server
	cancel context.CancelFunc
	done   chan struct{}
}

// startInstance starts a shop on dsn behind b, with its worker unless
// cfg.Worker is false.
func startInstance(t testing.TB, dsn string, c *alipay.Client, b *balancer, cfg Config) *instance {
	t.Helper()
	db, err := OpenDB(dsn)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	require.NoError(t, db.Migrate(context.Background()))
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	s, err := NewShop(cfg, db, c, logger)
	require.NoError(t, err)
	in := &instance{Shop: s, srv: httptest.NewServer(s.Handler()), done: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	in.cancel = cancel
	if cfg.Worker {
		go func() { defer close(in.done); s.RunWorker(ctx) }()
	} else {
		close(in.done)
	}
	b.set(cfg.Instance, in.srv.URL)
	t.Cleanup(func() { b.set(cfg.Instance, ""); cancel(); <-in.done; in.srv.Close() })
	return in
}

func sqliteDSN(t testing.TB) string { return filepath.Join(t.TempDir(), "shop.db") }

// api calls the shop's JSON API through base.
func api(t testing.TB, method, u string, body any, out any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, u, rd)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if out != nil && resp.StatusCode < 300 {
		require.NoError(t, json.Unmarshal(raw, out), "body %s", raw)
	}
	return resp.StatusCode
}

func createOrder(t testing.TB, base, product string) string {
	t.Helper()
	var out struct{ ID string }
	require.Equal(t, http.StatusCreated, api(t, "POST", base+"/api/orders", map[string]string{"product": product}, &out))
	return out.ID
}

func pay(t testing.TB, base, orderID, method string, device Device) apiPayResponse {
	t.Helper()
	var out apiPayResponse
	code := api(t, "POST", base+"/api/orders/"+orderID+"/pay", apiPayRequest{Method: method, Device: device}, &out)
	require.Equal(t, http.StatusOK, code, "pay %s", orderID)
	return out
}

func orderState(t testing.TB, base, orderID string) apiOrderResponse {
	t.Helper()
	var out apiOrderResponse
	require.Equal(t, http.StatusOK, api(t, "GET", base+"/api/orders/"+orderID, nil, &out))
	return out
}

// eventually polls cond every 20 ms until it holds or the wait is over.
// The wait is generous: it bounds a hang, it does not measure speed.
func eventually(t testing.TB, wait time.Duration, cond func() bool, format string, args ...any) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: "+format, args...)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// count runs a COUNT(*) query.
func count(t testing.TB, db *DB, query string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, db.QueryRow(query, args...).Scan(&n))
	return n
}

// settled reports whether the shop has nothing left to learn from Antom:
// no open attempt, no refund to do, and no notification still to deliver.
func settled(t testing.TB, db *DB, fake *alipaytest.Server) bool {
	return count(t, db, `SELECT COUNT(*) FROM payment_attempts WHERE status IN ('SENDING', 'UNKNOWN', 'PROCESSING', 'PENDING')`) == 0 &&
		count(t, db, `SELECT COUNT(*) FROM refunds WHERE status IN ('TODO', 'UNKNOWN', 'PROCESSING')`) == 0 &&
		fake.PendingNotifications() == 0
}

// checkAgainstAntom checks every order against the fake's own records: an
// order is PAID exactly when Antom charged it, every charge beyond the
// first is refunded exactly once, and the shop's ledger and Antom's
// transaction details reconcile with no discrepancy.
func checkAgainstAntom(t testing.TB, s *Shop, fake *alipaytest.Server) {
	t.Helper()
	ctx := context.Background()
	rows, err := s.db.Query(`SELECT id, status, COALESCE(paid_request_id, '') FROM orders`)
	require.NoError(t, err)
	type ord struct{ id, status, paidBy string }
	var orders []ord
	for rows.Next() {
		var o ord
		require.NoError(t, rows.Scan(&o.id, &o.status, &o.paidBy))
		orders = append(orders, o)
	}
	require.NoError(t, rows.Close())
	for _, o := range orders {
		attempts, err := s.attemptsOf(ctx, o.id)
		require.NoError(t, err)
		charges, refunds := 0, 0
		for _, a := range attempts {
			c := fake.Charges(a.RequestID)
			require.LessOrEqual(t, c, 1, "attempt %s charged more than once", a.RequestID)
			st, known := fake.PaymentStatus(a.RequestID)
			if known {
				require.Equal(t, st, a.Status, "attempt %s of order %s: the shop and Antom disagree", a.RequestID, o.id)
			} else {
				require.Contains(t, []string{AttemptAbandoned, AttemptFail}, a.Status, "attempt %s unknown to Antom", a.RequestID)
			}
			charges += c
			r := fake.Refunds("refund-" + a.RequestID)
			require.LessOrEqual(t, r, 1)
			refunds += r
			if a.Duplicate {
				require.Equal(t, 1, r, "duplicate %s not refunded", a.RequestID)
			} else {
				require.Equal(t, 0, r, "attempt %s refunded but not a duplicate", a.RequestID)
			}
		}
		if charges > 0 {
			require.Equal(t, OrderPaid, o.status, "order %s charged %d times", o.id, charges)
			require.Equal(t, 1, charges-refunds, "order %s: %d charges, %d refunds", o.id, charges, refunds)
			require.Equal(t, 1, fake.Charges(o.paidBy), "order %s paid by %s", o.id, o.paidBy)
		} else {
			require.NotEqual(t, OrderPaid, o.status, "order %s paid without a charge", o.id)
		}
	}
	ds, err := s.Reconcile(ctx, time.Now())
	require.NoError(t, err)
	require.Empty(t, ds, "reconciliation found discrepancies")
}
