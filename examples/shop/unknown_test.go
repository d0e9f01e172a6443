package main

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xborderpay/alipay/alipaytest"
)

// faultSwitch injects one kind of fault into every call of one API while
// it is on, retries included, so that the SDK gives up with an unknown
// outcome.
type faultSwitch struct {
	api  string
	kind atomic.Int64
}

func (f *faultSwitch) hook(api string) alipaytest.Fault {
	if api == f.api {
		return alipaytest.Fault{Kind: alipaytest.FaultKind(f.kind.Load())}
	}
	return alipaytest.Fault{}
}

// Every way a pay answer can go missing or be unusable: the attempt is
// recorded as unknown, never as failed, and the worker finds out from
// Antom what happened.
func TestUnknownPayOutcomeResolved(t *testing.T) {
	tests := []struct {
		name      string
		fault     alipaytest.FaultKind
		processed bool // the fake created the payment before the fault
	}{
		{"response dropped", alipaytest.DropResponse, true},
		{"bad signature", alipaytest.BadSignature, true},
		{"HTTP 500", alipaytest.Status500, false},
		{"proxy 502 HTML", alipaytest.Status502HTML, false},
		{"U UNKNOWN_EXCEPTION", alipaytest.UnknownException, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sw := &faultSwitch{api: alipaytest.APIPay}
			fake := newFake(t, alipaytest.WithFaultHook(sw.hook))
			b := newBalancer(t)
			in := startInstance(t, sqliteDSN(t), fake.Client(), b, testConfig("a", b.srv.URL))
			in.reports = fake
			id := createOrder(t, b.srv.URL, "mug")

			sw.kind.Store(int64(tt.fault))
			p := pay(t, b.srv.URL, id, "ALIPAY_CN", DeviceWeb)
			sw.kind.Store(int64(alipaytest.NoFault))
			require.Equal(t, AttemptUnknown, p.Status)
			assert.Empty(t, p.Redirects)

			if tt.processed {
				eventually(t, 10*time.Second, func() bool {
					return orderState(t, b.srv.URL, id).Attempts[0].Status == AttemptProcessing
				}, "worker learns the payment exists")
				require.NoError(t, fake.CompletePayment(p.PaymentRequestID))
				eventually(t, 10*time.Second, func() bool { return orderState(t, b.srv.URL, id).Status == OrderPaid }, "paid")
			} else {
				eventually(t, 10*time.Second, func() bool {
					return orderState(t, b.srv.URL, id).Attempts[0].Status == AttemptAbandoned
				}, "worker learns the payment never arrived")
				// The buyer pays again, with a new paymentRequestId.
				p2 := pay(t, b.srv.URL, id, "ALIPAY_CN", DeviceWeb)
				require.Equal(t, AttemptProcessing, p2.Status)
				require.NoError(t, fake.CompletePayment(p2.PaymentRequestID))
				eventually(t, 10*time.Second, func() bool { return orderState(t, b.srv.URL, id).Status == OrderPaid }, "paid")
			}
			eventually(t, 10*time.Second, func() bool { return settled(t, in.db, fake) }, "settled")
			checkAgainstAntom(t, in.Shop, fake)
		})
	}
}

// Notifications resent, duplicated, reordered or lost on the way: each
// event is processed once, and every delivery is in the end acknowledged.
func TestNotificationsProcessedOnce(t *testing.T) {
	var n atomic.Int64
	fake := newFake(t, alipaytest.WithFaultHook(func(api string) alipaytest.Fault {
		if api != alipaytest.APINotifyPayment && api != alipaytest.APINotifyRefund {
			return alipaytest.Fault{}
		}
		return alipaytest.Fault{Kind: []alipaytest.FaultKind{alipaytest.Duplicate, alipaytest.DropNotification, alipaytest.OutOfOrder}[n.Add(1)%3]}
	}))
	b := newBalancer(t)
	in := startInstance(t, sqliteDSN(t), fake.Client(), b, testConfig("a", b.srv.URL))
	in.reports = fake
	var ids []string
	for i := 0; i < 6; i++ {
		id := createOrder(t, b.srv.URL, "mug")
		p := pay(t, b.srv.URL, id, "ALIPAY_CN", DeviceWeb)
		require.NoError(t, fake.CompletePayment(p.PaymentRequestID))
		ids = append(ids, id)
	}
	eventually(t, 15*time.Second, func() bool { return settled(t, in.db, fake) }, "settled")
	for _, id := range ids {
		assert.Equal(t, OrderPaid, orderState(t, b.srv.URL, id).Status)
	}
	assert.Equal(t, 6, count(t, in.db, `SELECT COUNT(*) FROM notifications`))
	assert.Equal(t, 6, count(t, in.db, `SELECT COUNT(*) FROM ledger`))
	deliveries := 0
	for _, d := range fake.Deliveries() {
		if !d.Dropped && d.StatusCode != 0 {
			deliveries++
		}
	}
	assert.Greater(t, deliveries, 6, "the faults sent some notifications more than once")
	checkAgainstAntom(t, in.Shop, fake)
}
