package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/alipaytest"
)

// Two instances on one PostgreSQL database, behind a balancer with no
// stickiness: every request and notification may reach either.
func startPair(t *testing.T, fake *alipaytest.Server, workerA bool) (a, b *instance, lb *balancer) {
	dsn := postgresDSN(t)
	lb = newBalancer(t)
	cfgA := testConfig("a", lb.srv.URL)
	cfgA.Worker = workerA
	a = startInstance(t, dsn, fake.Client(), lb, cfgA)
	b = startInstance(t, dsn, fake.Client(), lb, testConfig("b", lb.srv.URL))
	a.reports, b.reports = fake, fake
	return a, b, lb
}

// The same notification reaching both instances at the same moment, many
// times over, has its effect once.
func TestInstancesProcessNotificationOnce(t *testing.T) {
	fake := newFake(t, alipaytest.WithManualNotifications())
	a, b, lb := startPair(t, fake, true)
	id := createOrder(t, lb.srv.URL, "mug")
	p := pay(t, lb.srv.URL, id, "ALIPAY_CN", DeviceWeb)
	n := &alipay.Notification{
		NotifyType: alipay.NotifyTypePaymentResult,
		Result:     alipay.Result{ResultCode: "SUCCESS", ResultStatus: alipay.ResultStatusSuccess},
		Payment: &alipay.PaymentNotification{PaymentRequestID: p.PaymentRequestID, PaymentID: "2026000000001",
			PaymentAmount: alipay.Amount{Currency: "USD", Value: "1250"}},
	}
	var wg sync.WaitGroup
	var errs atomic.Int64
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(s *Shop) {
			defer wg.Done()
			if err := s.handleNotification(context.Background(), n); err != nil {
				errs.Add(1)
				t.Log(err)
			}
		}([]*Shop{a.Shop, b.Shop}[i%2])
	}
	wg.Wait()
	assert.Zero(t, errs.Load(), "every copy is acknowledged")
	assert.Equal(t, 1, count(t, a.db, `SELECT COUNT(*) FROM notifications`))
	assert.Equal(t, 1, count(t, a.db, `SELECT COUNT(*) FROM ledger`))
	assert.Equal(t, OrderPaid, orderState(t, lb.srv.URL, id).Status)
}

// An instance whose pay answer went missing leaves the attempt unknown;
// the other instance's worker resolves it.
func TestInstancesResolveEachOthersUnknown(t *testing.T) {
	sw := &faultSwitch{api: alipaytest.APIPay}
	fake := newFake(t, alipaytest.WithFaultHook(sw.hook), alipaytest.WithManualNotifications())
	a, _, lb := startPair(t, fake, false) // a runs no worker: only b can resolve
	id := createOrder(t, lb.srv.URL, "mug")
	sw.kind.Store(int64(alipaytest.DropResponse))
	p, err := a.Pay(context.Background(), PayInput{OrderID: id, Method: "ALIPAY_CN", Device: DeviceWeb, Form: func(string) string { return "" }})
	sw.kind.Store(int64(alipaytest.NoFault))
	require.NoError(t, err)
	require.Equal(t, AttemptUnknown, p.Attempt.Status)

	// Notifications are held back: only an inquiry can tell the shop.
	require.NoError(t, fake.CompletePayment(p.Attempt.RequestID))
	eventually(t, 10*time.Second, func() bool { return orderState(t, lb.srv.URL, id).Status == OrderPaid }, "paid")
	got, err := a.attempt(context.Background(), a.db, p.Attempt.RequestID)
	require.NoError(t, err)
	assert.Equal(t, "b", got.ResolvedBy)
	fake.DeliverDue(context.Background())
	checkAgainstAntom(t, a.Shop, fake)
}

// The buyer presses Pay in two tabs served by different instances, and
// pays both: the order is paid once and the extra payment refunded once.
func TestInstancesNeverPayTwice(t *testing.T) {
	fake := newFake(t)
	a, b, lb := startPair(t, fake, true)
	for i := 0; i < 5; i++ {
		id := createOrder(t, lb.srv.URL, "pen")
		var wg sync.WaitGroup
		ps := make([]*PayResult, 2)
		for j, s := range []*Shop{a.Shop, b.Shop} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := s.Pay(context.Background(), PayInput{OrderID: id, Method: "ALIPAY_HK", Device: DeviceWeb, Form: func(string) string { return "" }})
				if assert.NoError(t, err) {
					ps[j] = r
				}
			}()
		}
		wg.Wait()
		for _, p := range ps {
			require.NotNil(t, p)
			require.NoError(t, fake.CompletePayment(p.Attempt.RequestID), fmt.Sprint(p.Attempt.Status))
		}
	}
	eventually(t, 15*time.Second, func() bool { return settled(t, a.db, fake) }, "settled")
	assert.Equal(t, 5, count(t, a.db, `SELECT COUNT(*) FROM refunds WHERE status = 'SUCCESS'`))
	assert.Equal(t, 5, count(t, a.db, `SELECT COUNT(*) FROM orders WHERE status = 'PAID'`))
	checkAgainstAntom(t, b.Shop, fake)
}
