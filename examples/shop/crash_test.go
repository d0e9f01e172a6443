package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xborderpay/alipay/alipaytest"
)

// child is a shop running as a separate process (this test binary started
// again with SHOP_TEST_CHILD=1), which a test can kill with SIGKILL.
type child struct {
	t      *testing.T
	name   string
	lb     *balancer
	cmd    *exec.Cmd
	base   string
	mu     sync.Mutex
	log    bytes.Buffer
	marker chan string
	exited chan struct{}
}

// crashEnv holds what every child of one test shares.
type crashEnv struct {
	t    *testing.T
	fake *alipaytest.Server
	lb   *balancer
	dsn  string
}

func newCrashEnv(t *testing.T, opts ...alipaytest.Option) *crashEnv {
	if testing.Short() {
		t.Skip("crash tests start processes; skipped with -short")
	}
	return &crashEnv{t: t, fake: newFake(t, opts...), lb: newBalancer(t), dsn: sqliteDSN(t)}
}

// dbEnv is the variable that points a child at the test's database.
func (e *crashEnv) dbEnv() string {
	if strings.HasPrefix(e.dsn, "postgres://") {
		return "DATABASE_URL=" + e.dsn
	}
	return "SHOP_DB=" + e.dsn
}

// start runs a shop process named name; crashAt names the checkpoint at
// which it stops to be killed ("" for none).
func (e *crashEnv) start(name, crashAt string) *child {
	t := e.t
	exe, err := os.Executable()
	require.NoError(t, err)
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(),
		"SHOP_TEST_CHILD=1", e.dbEnv(), "SHOP_LISTEN=127.0.0.1:0", "SHOP_INSTANCE="+name, "SHOP_PUBLIC_URL="+e.lb.srv.URL,
		"SHOP_CRASH_AT="+crashAt, "SHOP_TICK=50ms", "SHOP_PAY_TIMEOUT=1500ms", "SHOP_LEASE=2s", "SHOP_INQUIRE_AFTER=300ms",
		"ALIPAY_CLIENT_ID="+e.fake.ClientID(), "ALIPAY_ENDPOINT="+e.fake.URL,
		"ALIPAY_PRIVATE_KEY="+e.fake.MerchantPrivateKeyPEM(), "ALIPAY_PUBLIC_KEY="+e.fake.AlipayPublicKeyPEM(),
	)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	c := &child{t: t, name: name, lb: e.lb, cmd: cmd, marker: make(chan string, 4), exited: make(chan struct{})}
	require.NoError(t, cmd.Start())
	listening := make(chan string, 1)
	var wg sync.WaitGroup
	wg.Add(2)
	go c.scan(&wg, stdout, func(line string) {
		if _, after, ok := strings.Cut(line, " listening on "); ok {
			listening <- strings.Fields(after)[0]
		}
	})
	go c.scan(&wg, stderr, func(line string) {
		if m, ok := strings.CutPrefix(line, "CHECKPOINT "); ok {
			c.marker <- m
		}
	})
	go func() { wg.Wait(); _ = cmd.Wait(); close(c.exited) }()
	t.Cleanup(func() {
		c.kill()
		if t.Failed() {
			c.mu.Lock()
			t.Logf("log of shop process %s:\n%s", name, c.log.String())
			c.mu.Unlock()
		}
	})
	select {
	case c.base = <-listening:
	case <-c.exited:
		t.Fatalf("shop process %s exited at start:\n%s", name, c.log.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("shop process %s did not start", name)
	}
	e.lb.set(name, c.base)
	return c
}

func (c *child) scan(wg *sync.WaitGroup, r io.Reader, f func(string)) {
	defer wg.Done()
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		c.mu.Lock()
		c.log.WriteString(sc.Text() + "\n")
		c.mu.Unlock()
		f(sc.Text())
	}
}

// waitCheckpoint waits until the process has stopped at its checkpoint.
func (c *child) waitCheckpoint(name string) {
	c.t.Helper()
	select {
	case m := <-c.marker:
		require.Equal(c.t, name, m)
	case <-c.exited:
		c.t.Fatalf("shop process exited before checkpoint %s", name)
	case <-time.After(20 * time.Second):
		c.t.Fatalf("shop process never reached checkpoint %s", name)
	}
}

// kill is kill -9: no deferred code, no graceful shutdown, no flushing.
// The balancer stops sending to the dead process.
func (c *child) kill() {
	c.lb.set(c.name, "")
	if c.cmd.Process != nil {
		_ = c.cmd.Process.Kill()
	}
	<-c.exited
}

// readShop opens the crash test's database in the test process, to check
// it against the fake's records.
func (e *crashEnv) readShop() *Shop {
	db, err := OpenDB(e.dsn)
	require.NoError(e.t, err)
	e.t.Cleanup(func() { db.Close() })
	s, err := NewShop(testConfig("checker", e.lb.srv.URL), db, e.fake.Client(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(e.t, err)
	s.reports = e.fake
	return s
}

// The process dies after Antom created the payment and before the shop
// recorded the answer. After a restart the shop inquires, finds the
// payment, and the buyer's payment lands on the order.
func TestCrashBetweenPayAndCommit(t *testing.T) {
	e := newCrashEnv(t)
	c := e.start("a", "pay-sent")
	id := createOrder(t, e.lb.srv.URL, "mug")
	go func() {
		_, _ = httpPostJSON(e.lb.srv.URL+"/api/orders/"+id+"/pay", `{"method":"ALIPAY_CN","device":"WEB"}`)
	}()
	c.waitCheckpoint("pay-sent")
	c.kill()

	s := e.readShop()
	attempts, err := s.attemptsOf(context.Background(), id)
	require.NoError(t, err)
	require.Len(t, attempts, 1)
	rid := attempts[0].RequestID
	require.Equal(t, AttemptSending, attempts[0].Status, "the answer was never recorded")
	st, ok := e.fake.PaymentStatus(rid)
	require.True(t, ok, "Antom has the payment")
	require.Equal(t, alipaytest.StatusProcessing, st)

	e.start("a2", "")
	eventually(t, 20*time.Second, func() bool { a, _ := s.attempt(context.Background(), s.db, rid); return a.Status == AttemptProcessing }, "restarted shop inquires")
	require.NoError(t, e.fake.CompletePayment(rid))
	eventually(t, 20*time.Second, func() bool { return settled(t, s.db, e.fake) }, "settled")
	assert.Equal(t, OrderPaid, orderState(t, e.lb.srv.URL, id).Status)
	assert.Equal(t, 1, e.fake.Charges(rid))
	checkAgainstAntom(t, s, e.fake)
}

// The process dies after writing the attempt and before sending pay:
// Antom never hears of it, and the restarted shop closes the attempt.
func TestCrashBeforePaySent(t *testing.T) {
	e := newCrashEnv(t)
	c := e.start("a", "pay-before-send")
	id := createOrder(t, e.lb.srv.URL, "mug")
	go func() {
		_, _ = httpPostJSON(e.lb.srv.URL+"/api/orders/"+id+"/pay", `{"method":"ALIPAY_CN","device":"WEB"}`)
	}()
	c.waitCheckpoint("pay-before-send")
	c.kill()
	s := e.readShop()
	e.start("a2", "")
	eventually(t, 20*time.Second, func() bool {
		st := orderState(t, e.lb.srv.URL, id)
		return len(st.Attempts) == 1 && st.Attempts[0].Status == AttemptAbandoned
	}, "restarted shop finds the payment never reached Antom")
	// The buyer can still pay.
	p := pay(t, e.lb.srv.URL, id, "ALIPAY_CN", DeviceWeb)
	require.NoError(t, e.fake.CompletePayment(p.PaymentRequestID))
	eventually(t, 20*time.Second, func() bool { return settled(t, s.db, e.fake) }, "settled")
	assert.Equal(t, OrderPaid, orderState(t, e.lb.srv.URL, id).Status)
	checkAgainstAntom(t, s, e.fake)
}

// The process dies after committing a notification's effect and before
// acknowledging it. Antom sends it again; the restarted shop acknowledges
// without booking the payment twice.
func TestCrashBetweenNotificationAndAck(t *testing.T) {
	e := newCrashEnv(t)
	c := e.start("a", "notify-committed")
	id := createOrder(t, e.lb.srv.URL, "mug")
	p := pay(t, e.lb.srv.URL, id, "ALIPAY_CN", DeviceWeb)
	require.NoError(t, e.fake.CompletePayment(p.PaymentRequestID))
	c.waitCheckpoint("notify-committed")
	c.kill()

	s := e.readShop()
	assert.Equal(t, 1, count(t, s.db, `SELECT COUNT(*) FROM notifications`), "the effect was committed")
	e.start("a2", "")
	eventually(t, 20*time.Second, func() bool { return settled(t, s.db, e.fake) }, "the resent notification is acknowledged")
	acked := 0
	for _, d := range e.fake.Deliveries() {
		if d.RequestID == p.PaymentRequestID && d.Acknowledged {
			acked++
		}
	}
	assert.Equal(t, 1, acked)
	assert.Greater(t, len(e.fake.Deliveries()), 1, "the first delivery was not acknowledged")
	assert.Equal(t, 1, count(t, s.db, `SELECT COUNT(*) FROM notifications`))
	assert.Equal(t, 1, count(t, s.db, `SELECT COUNT(*) FROM ledger`))
	checkAgainstAntom(t, s, e.fake)
}

// The process dies after sending the refund of a duplicate payment and
// before recording it. The restarted shop sends it again with the same
// refundRequestId: Antom refunds once.
func TestCrashDuringRefund(t *testing.T) {
	// Notifications only when the test says, so that the refund's own
	// notification cannot tell the shop before the crash.
	e := newCrashEnv(t, alipaytest.WithManualNotifications())
	ctx := context.Background()
	c := e.start("a", "refund-sent")
	id := createOrder(t, e.lb.srv.URL, "pen")
	p1 := pay(t, e.lb.srv.URL, id, "ALIPAY_HK", DeviceWeb)
	p2 := pay(t, e.lb.srv.URL, id, "ALIPAY_HK", DeviceWeb)
	require.NoError(t, e.fake.CompletePayment(p1.PaymentRequestID))
	require.NoError(t, e.fake.CompletePayment(p2.PaymentRequestID))
	e.fake.DeliverDue(ctx)
	s := e.readShop()
	st := orderState(t, e.lb.srv.URL, id)
	require.Equal(t, OrderPaid, st.Status)
	extra := p2.PaymentRequestID // the one that did not pay the order
	if st.PaidBy == extra {
		extra = p1.PaymentRequestID
	}
	c.waitCheckpoint("refund-sent")
	c.kill()
	assert.Equal(t, 1, e.fake.Refunds("refund-"+extra), "Antom refunded")
	assert.Equal(t, 0, count(t, s.db, `SELECT COUNT(*) FROM ledger WHERE kind = 'REFUND'`), "the shop did not record it")

	e.start("a2", "")
	eventually(t, 20*time.Second, func() bool {
		return count(t, s.db, `SELECT COUNT(*) FROM refunds WHERE status = 'SUCCESS'`) == 1
	}, "the restarted shop resends the refund")
	e.fake.DeliverDue(ctx) // the refund's notification, now a duplicate
	require.True(t, settled(t, s.db, e.fake))
	assert.Equal(t, 1, e.fake.Refunds("refund-"+extra))
	assert.Equal(t, 1, count(t, s.db, `SELECT COUNT(*) FROM ledger WHERE kind = 'REFUND'`))
	checkAgainstAntom(t, s, e.fake)
}

// Two shop processes on one PostgreSQL database: the one that sent pay
// dies before recording the answer, and the other takes the payment over
// once the dead one's lease has run out.
func TestCrashOtherProcessTakesOver(t *testing.T) {
	e := newCrashEnv(t, alipaytest.WithManualNotifications())
	e.dsn = postgresDSN(t)
	a := e.start("a", "pay-sent")
	e.start("b", "")
	id := createOrder(t, e.lb.srv.URL, "mug")
	go func() {
		_, _ = httpPostJSON(a.base+"/api/orders/"+id+"/pay", `{"method":"ALIPAY_CN","device":"WEB"}`)
	}()
	a.waitCheckpoint("pay-sent")
	a.kill()

	s := e.readShop()
	attempts, err := s.attemptsOf(context.Background(), id)
	require.NoError(t, err)
	require.Len(t, attempts, 1)
	rid := attempts[0].RequestID
	require.Equal(t, AttemptSending, attempts[0].Status)
	// Notifications are held back: only b's inquiry can learn the outcome.
	require.NoError(t, e.fake.CompletePayment(rid))
	eventually(t, 20*time.Second, func() bool { return orderState(t, e.lb.srv.URL, id).Status == OrderPaid }, "b resolves a's payment")
	got, err := s.attempt(context.Background(), s.db, rid)
	require.NoError(t, err)
	assert.Equal(t, "b", got.ResolvedBy)
	e.fake.DeliverDue(context.Background())
	require.True(t, settled(t, s.db, e.fake))
	checkAgainstAntom(t, s, e.fake)
}

func httpPostJSON(u, body string) (int, error) {
	resp, err := httpClient.Post(u, "application/json", strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
