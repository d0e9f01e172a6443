package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xborderpay/alipay/alipaytest"
)

// A phone browser is sent straight on to the first of Redirects for WAP.
func TestPayFormRedirectsPhone(t *testing.T) {
	fake := newFake(t)
	b := newBalancer(t)
	startInstance(t, sqliteDSN(t), fake.Client(), b, testConfig("a", b.srv.URL))
	id := createOrder(t, b.srv.URL, "mug")
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.PostForm(b.srv.URL+"/orders/"+id+"/pay", url.Values{"method": {"ALIPAY_CN"}, "device": {"WAP_IOS"}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.True(t, strings.HasPrefix(resp.Header.Get("Location"), fake.URL+"/cashier/"), resp.Header.Get("Location"))

	// No method chosen: the page says so.
	resp, err = noFollow.PostForm(b.srv.URL+"/orders/"+id+"/pay", url.Values{"device": {"WEB"}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
}

// No notification ever arrives: the worker asks Antom once InquireAfter
// has passed.
func TestWorkerInquiresWithoutNotification(t *testing.T) {
	var inquiries atomic.Int64
	fake := newFake(t, alipaytest.WithManualNotifications(), alipaytest.WithFaultHook(func(api string) alipaytest.Fault {
		if api == alipaytest.APIInquiryPayment {
			inquiries.Add(1)
		}
		return alipaytest.Fault{}
	}))
	b := newBalancer(t)
	in := startInstance(t, sqliteDSN(t), fake.Client(), b, testConfig("a", b.srv.URL))
	id := createOrder(t, b.srv.URL, "mug")
	p := pay(t, b.srv.URL, id, "ALIPAY_CN", DeviceWeb)
	require.NoError(t, fake.CompletePayment(p.PaymentRequestID))
	eventually(t, 10*time.Second, func() bool { return orderState(t, b.srv.URL, id).Status == OrderPaid }, "paid by inquiry")
	assert.GreaterOrEqual(t, inquiries.Load(), int64(1))
	a, err := in.attempt(context.Background(), in.db, p.PaymentRequestID)
	require.NoError(t, err)
	assert.Equal(t, "a", a.ResolvedBy)
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// Shortly after midnight the worker reconciles the day before.
func TestWorkerReconcilesNightly(t *testing.T) {
	fake := newFake(t)
	db, err := OpenDB(sqliteDSN(t))
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Migrate(context.Background()))
	var logs syncBuffer
	cfg := testConfig("a", "http://shop.example")
	s, err := NewShop(cfg, db, fake.Client(), slog.New(slog.NewTextHandler(&logs, nil)))
	require.NoError(t, err)
	s.reports = fake
	var now atomic.Int64
	day := time.Now().UTC().Truncate(24 * time.Hour)
	now.Store(day.Add(23*time.Hour + 59*time.Minute).UnixMilli())
	var reads atomic.Int64
	s.now = func() time.Time { reads.Add(1); return time.UnixMilli(now.Load()).UTC() }

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); s.RunWorker(ctx) }()
	defer func() { cancel(); <-done }()
	// With nothing due, a worker loop reads the clock four times (expiry,
	// two queues, the nightly check): twelve reads mean the worker has
	// decided at 23:59 at least twice, so the assertion below is not met
	// merely because it has not looked yet.
	eventually(t, 10*time.Second, func() bool { return reads.Load() >= 12 }, "the worker ran")
	assert.NotContains(t, logs.String(), "nightly reconciliation")
	now.Store(day.Add(24*time.Hour + 11*time.Minute).UnixMilli())
	want := "nightly reconciliation\" instance=a day=" + day.Format(time.DateOnly) + " discrepancies=0"
	eventually(t, 10*time.Second, func() bool { return strings.Contains(logs.String(), want) }, "reconciliation of %s logged", day.Format(time.DateOnly))
}
