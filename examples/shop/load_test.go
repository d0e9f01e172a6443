package main

import (
	"errors"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xborderpay/alipay/alipaytest"
)

// loadFaults injects faults at random (from a fixed seed) into a share of
// every API call and notification.
type loadFaults struct {
	mu  sync.Mutex
	rng *rand.Rand
	n   atomic.Int64
}

func (f *loadFaults) hook(api string) alipaytest.Fault {
	f.mu.Lock()
	r := f.rng.Float64()
	f.mu.Unlock()
	pick := func(kinds ...alipaytest.FaultKind) alipaytest.Fault {
		// Each listed kind gets 3% of the calls.
		if i := int(r / 0.03); i < len(kinds) {
			f.n.Add(1)
			return alipaytest.Fault{Kind: kinds[i]}
		}
		return alipaytest.Fault{}
	}
	switch api {
	case alipaytest.APIPay:
		return pick(alipaytest.DropResponse, alipaytest.Status500, alipaytest.UnknownException, alipaytest.BadSignature, alipaytest.Status502HTML)
	case alipaytest.APIInquiryPayment, alipaytest.APIInquiryRefund:
		return pick(alipaytest.Status500, alipaytest.DropResponse, alipaytest.MissingSignature)
	case alipaytest.APIRefund:
		return pick(alipaytest.DropResponse, alipaytest.Status500, alipaytest.BadSignature, alipaytest.UnknownException)
	case alipaytest.APINotifyPayment, alipaytest.APINotifyRefund:
		return pick(alipaytest.Duplicate, alipaytest.OutOfOrder, alipaytest.DropNotification, alipaytest.Duplicate, alipaytest.DropNotification)
	}
	return alipaytest.Fault{}
}

// TestLoadTwoInstances runs many checkouts through two instances sharing
// one database (PostgreSQL when it can be had, else one SQLite file), with
// faults injected into every kind of call, buyers who pay, decline, pay in
// two tabs and pay again after errors; then checks every order against
// Antom's records and reconciles the ledger with zero discrepancies.
// SHOP_LOAD_CHECKOUTS sets the number of checkouts (default 200, to keep
// CI short; the figure is 1000).
func TestLoadTwoInstances(t *testing.T) {
	if testing.Short() {
		t.Skip("load test skipped with -short")
	}
	checkouts := 200
	if v := os.Getenv("SHOP_LOAD_CHECKOUTS"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, "SHOP_LOAD_CHECKOUTS")
		checkouts = n
	}
	faults := &loadFaults{rng: rand.New(rand.NewPCG(17, 2026))}
	fake := newFake(t, alipaytest.WithFaultHook(faults.hook))
	pgOnce.Do(startPostgres)
	dsn := ""
	if pgSkip == "" {
		dsn = postgresDSN(t)
	} else {
		t.Logf("PostgreSQL not available (%s): both instances share one SQLite file", pgSkip)
		dsn = sqliteDSN(t)
	}
	lb := newBalancer(t)
	var shops []*instance
	for _, name := range []string{"a", "b"} {
		cfg := testConfig(name, lb.srv.URL)
		cfg.PaymentTTL = 4 * time.Second // attempts the buyer never sees close soon
		in := startInstance(t, dsn, fake.Client(), lb, cfg)
		in.reports = fake
		shops = append(shops, in)
	}
	base := lb.srv.URL

	var paidByBuyer, twoTabs, declined, retries atomic.Int64
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 99))
			for i := range work {
				product, method := []string{"mug", "tee", "pen"}[i%3], "ALIPAY_CN"
				if product == "pen" {
					method = "ALIPAY_HK"
				}
				id := createOrder(t, base, product)
				for try := 0; try < 4; try++ {
					if try > 0 {
						retries.Add(1)
					}
					var p apiPayResponse
					code := api(t, "POST", base+"/api/orders/"+id+"/pay", apiPayRequest{Method: method, Device: DeviceWeb}, &p)
					if code == http.StatusConflict {
						break // paid meanwhile (an unknown attempt was resolved)
					}
					require.Equal(t, http.StatusOK, code)
					if p.Status != AttemptProcessing {
						continue // unknown or refused: pay again, with a new paymentRequestId
					}
					r := rng.Float64()
					switch {
					case r < 0.1:
						declined.Add(1)
						ignoreNotPayable(t, fake.FailPayment(p.PaymentRequestID))
						continue
					case r < 0.2:
						var p2 apiPayResponse
						if api(t, "POST", base+"/api/orders/"+id+"/pay", apiPayRequest{Method: method, Device: DeviceWeb}, &p2) == http.StatusOK && p2.Status == AttemptProcessing {
							twoTabs.Add(1)
							ignoreNotPayable(t, fake.CompletePayment(p2.PaymentRequestID))
						}
					}
					paidByBuyer.Add(1)
					ignoreNotPayable(t, fake.CompletePayment(p.PaymentRequestID))
					break
				}
			}
		}(w)
	}
	for i := 0; i < checkouts; i++ {
		work <- i
	}
	close(work)
	wg.Wait()

	eventually(t, 120*time.Second, func() bool { return settled(t, shops[0].db, fake) }, "every attempt, refund and notification settled")
	t.Logf("%d checkouts over 2 instances: %d paid by the buyer, %d paid in two tabs, %d declined, %d extra attempts, %d faults injected",
		checkouts, paidByBuyer.Load(), twoTabs.Load(), declined.Load(), retries.Load(), faults.n.Load())
	require.Equal(t, checkouts, count(t, shops[0].db, `SELECT COUNT(*) FROM orders`))
	checkAgainstAntom(t, shops[0].Shop, fake)
	t.Logf("paid orders: %d, refunded duplicates: %d, ledger entries: %d, reconciliation: 0 discrepancies",
		count(t, shops[0].db, `SELECT COUNT(*) FROM orders WHERE status = 'PAID'`),
		count(t, shops[0].db, `SELECT COUNT(*) FROM refunds WHERE status = 'SUCCESS'`),
		count(t, shops[0].db, `SELECT COUNT(*) FROM ledger`))
}

func ignoreNotPayable(t testing.TB, err error) {
	t.Helper()
	if err != nil && !errors.Is(err, alipaytest.ErrNotPayable) {
		require.NoError(t, err)
	}
}
