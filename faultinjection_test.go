package alipay_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/alipaytest"
)

// faultPlan injects faults at random, reproducibly from a seed, and counts
// them by kind.
type faultPlan struct {
	mu     sync.Mutex
	rng    *rand.Rand
	counts map[string]int
}

var faultNames = map[alipaytest.FaultKind]string{
	alipaytest.DropResponse:     "response dropped after processing",
	alipaytest.Status500:        "HTTP 500",
	alipaytest.Status502HTML:    "HTTP 502 HTML",
	alipaytest.UnknownException: "U UNKNOWN_EXCEPTION",
	alipaytest.Delay:            "slow answer past the attempt timeout",
	alipaytest.ForgedFail:       "forged unsigned F after processing",
	alipaytest.ReplaySigned:     "signed answer replayed after processing",
	alipaytest.Duplicate:        "notification delivered twice",
	alipaytest.OutOfOrder:       "notification out of order",
	alipaytest.DropNotification: "notification lost on the way",
}

const slowAnswer = 250 * time.Millisecond // longer than the client's attempt timeout below

func (p *faultPlan) hook(api string) alipaytest.Fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	x := p.rng.Float64()
	var f alipaytest.Fault
	if strings.HasPrefix(api, "notify") {
		switch {
		case x < 0.06:
			f.Kind = alipaytest.Duplicate
		case x < 0.10:
			f.Kind = alipaytest.OutOfOrder
		case x < 0.14:
			f.Kind = alipaytest.DropNotification
		}
	} else {
		switch {
		case x < 0.04:
			f.Kind = alipaytest.DropResponse
		case x < 0.07:
			f.Kind = alipaytest.Status500
		case x < 0.10:
			f.Kind = alipaytest.Status502HTML
		case x < 0.14:
			f.Kind = alipaytest.UnknownException
		case x < 0.145:
			f = alipaytest.Fault{Kind: alipaytest.Delay, Delay: slowAnswer}
		case x < 0.175:
			f.Kind = alipaytest.ForgedFail
		case x < 0.205:
			f.Kind = alipaytest.ReplaySigned
		}
	}
	if f.Kind != alipaytest.NoFault {
		p.counts[faultNames[f.Kind]]++
	}
	return f
}

// countingTransport counts HTTP attempts.
type countingTransport struct {
	next     http.RoundTripper
	attempts atomic.Int64
}

func (t *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.attempts.Add(1)
	return t.next.RoundTrip(r)
}

// retryCounter counts the SDK's own "retrying" debug records.
type retryCounter struct{ retries atomic.Int64 }

func (h *retryCounter) Enabled(context.Context, slog.Level) bool { return true }
func (h *retryCounter) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "alipay: retrying" {
		h.retries.Add(1)
	}
	return nil
}
func (h *retryCounter) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *retryCounter) WithGroup(string) slog.Handler      { return h }

// merchant is the merchant's side: its notification endpoint and what it
// learned.
type merchant struct {
	mu         sync.Mutex
	deliveries int
	byKey      map[string]*alipay.Notification
}

func (m *merchant) handle(_ context.Context, n *alipay.Notification) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.deliveries++
	if _, dup := m.byKey[n.DedupeKey()]; !dup {
		m.byKey[n.DedupeKey()] = n
	}
	return nil
}

type flowResult struct {
	id        string
	userPaid  bool
	status    alipay.PaymentStatus
	refundIDs []string
	unknowns  int
}

// TestFaultInjection drives checkout flows (pay, the user pays or declines,
// notification, inquiry, partial refunds) through the SDK against the fake
// gateway while faults are injected at random, and checks that nothing is
// charged or refunded twice, that every payment ends in a state the merchant
// knows, and that every notification reaches the merchant and is
// acknowledged. Run it with -v to see the figures.
func TestFaultInjection(t *testing.T) {
	flows := faultFlows
	if testing.Short() {
		flows = 100
	}
	plan := &faultPlan{rng: rand.New(rand.NewPCG(2026, 11)), counts: map[string]int{}}
	srv := alipaytest.NewServer(
		alipaytest.WithFaultHook(plan.hook),
		alipaytest.WithRetrySchedule(0, 20*time.Millisecond, 50*time.Millisecond, 100*time.Millisecond, 200*time.Millisecond, 400*time.Millisecond, time.Second, 2*time.Second),
	)
	defer srv.Close()

	m := &merchant{byKey: map[string]*alipay.Notification{}}
	transport := &countingTransport{next: http.DefaultTransport.(*http.Transport).Clone()}
	retries := &retryCounter{}
	c := srv.Client(
		alipay.WithLogger(slog.New(retries)),
		alipay.WithHTTPClient(&http.Client{Transport: transport}),
		alipay.WithAttemptTimeout(150*time.Millisecond),
		// Two attempts per call, so that some calls do end unknown and the
		// merchant's inquire-then-retry path runs too.
		alipay.WithRetry(alipay.RetryPolicy{MaxAttempts: 2, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}),
	)
	hook := httptest.NewServer(c.NotificationHandler(m.handle))
	defer hook.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	results := make([]flowResult, flows)
	var wg sync.WaitGroup
	work := make(chan int)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				results[i] = runFlow(ctx, t, c, srv, hook.URL, i)
			}
		}()
	}
	for i := range flows {
		work <- i
	}
	close(work)
	wg.Wait()
	require.NoError(t, ctx.Err(), "flows did not finish in time")

	// Every notification is eventually acknowledged (lost ones are resent).
	require.Eventually(t, func() bool { return srv.PendingNotifications() == 0 }, 30*time.Second, 10*time.Millisecond,
		"notifications still unacknowledged")

	var unknowns, paid, refunds int
	for _, r := range results {
		unknowns += r.unknowns
		status, ok := srv.PaymentStatus(r.id)
		require.True(t, ok, r.id)
		want := alipay.PaymentStatusFail
		if r.userPaid {
			want = alipay.PaymentStatusSuccess
			paid++
		}
		assert.Equal(t, want, r.status, "%s: the merchant knows the final state", r.id)
		assert.Equal(t, string(want), status, "%s: the gateway agrees", r.id)
		wantCharges := 0
		if r.userPaid {
			wantCharges = 1
		}
		assert.Equal(t, wantCharges, srv.Charges(r.id), "%s: charged exactly %d time(s)", r.id, wantCharges)
		for _, rid := range r.refundIDs {
			assert.Equal(t, 1, srv.Refunds(rid), "%s: refunded exactly once", rid)
			refunds++
		}
	}

	// Every final notification reached the merchant, once per dedupe key.
	m.mu.Lock()
	defer m.mu.Unlock()
	paymentKeys, refundKeys := 0, 0
	for _, n := range m.byKey {
		switch n.NotifyType {
		case alipay.NotifyTypePaymentResult:
			paymentKeys++
		case alipay.NotifyTypeRefundResult:
			refundKeys++
		}
	}
	assert.Equal(t, flows, paymentKeys, "one payment result per flow")
	assert.Equal(t, refunds, refundKeys, "one refund result per refund")
	acked := 0
	for _, d := range srv.Deliveries() {
		if d.Acknowledged {
			acked++
		}
	}
	assert.Equal(t, m.deliveries, acked, "every delivery the merchant's function accepted was acknowledged")
	assert.Greater(t, m.deliveries, len(m.byKey), "duplicates were delivered, and recognised by the dedupe key")

	attempts, retried := int(transport.attempts.Load()), int(retries.retries.Load())
	var kinds []string
	total := 0
	for k, n := range plan.counts {
		kinds = append(kinds, fmt.Sprintf("  %-40s %5d", k, n))
		total += n
	}
	sort.Strings(kinds)
	report := fmt.Sprintf("fault injection: %d flows (%d paid, %d declined), %d HTTP attempts, %d of them retries by the SDK; %d calls still ended unknown and were resolved by inquiry or a resend with the same ID\n"+
		"faults injected: %d\n%s\n"+
		"charges: %d, refunds: %d (each exactly once); notifications: %d deliveries reached the merchant, %d distinct (duplicates dropped by DedupeKey)\n",
		flows, paid, flows-paid, attempts, retried, unknowns, total, strings.Join(kinds, "\n"), paid, refunds, m.deliveries, len(m.byKey))
	if testing.Verbose() {
		_, _ = io.WriteString(os.Stdout, report)
	} else {
		t.Log("\n" + report) // shown if the test fails
	}
	for _, k := range []alipaytest.FaultKind{alipaytest.DropResponse, alipaytest.Status500, alipaytest.Status502HTML, alipaytest.UnknownException, alipaytest.ForgedFail, alipaytest.ReplaySigned, alipaytest.Duplicate, alipaytest.DropNotification} {
		assert.Positive(t, plan.counts[faultNames[k]], "fault %q was injected", faultNames[k])
	}
}

// runFlow is one checkout as a careful merchant writes it.
func runFlow(ctx context.Context, t *testing.T, c *alipay.Client, srv *alipaytest.Server, notifyURL string, i int) flowResult {
	r := flowResult{id: fmt.Sprintf("flow-%04d", i), userPaid: i%4 != 3}
	amount := alipay.Amount{Currency: "USD", Value: "1000"}
	pay := &alipay.PayRequest{
		PaymentRequestID:   r.id,
		Order:              alipay.Order{ReferenceOrderID: "order-" + r.id, OrderDescription: "fault test", OrderAmount: amount},
		PaymentAmount:      amount,
		PaymentMethod:      alipay.PaymentMethod{PaymentMethodType: "ALIPAY_CN"},
		PaymentRedirectURL: "https://shop.example/return",
		PaymentNotifyURL:   notifyURL,
		Env:                alipay.Env{TerminalType: alipay.TerminalTypeWeb},
	}
	// Pay: on an unknown outcome, inquire; resend with the same ID only if
	// Antom has no such payment. Never a new request ID.
	var paymentID string
	for paymentID == "" {
		resp, err := c.Pay(ctx, pay)
		if err == nil {
			paymentID = resp.PaymentID
			break
		}
		require.True(t, alipay.IsUnknown(err), "%s: pay: %v", r.id, err)
		r.unknowns++
		inq, err := c.InquiryPayment(ctx, &alipay.InquiryPaymentRequest{PaymentRequestID: r.id})
		var e *alipay.Error
		switch {
		case err == nil:
			paymentID = inq.PaymentID
		case errors.As(err, &e) && !alipay.IsUnknown(err) && e.Result.ResultCode == alipay.ResultCodeOrderNotExist:
			// not created: resend the same request
		default:
			require.True(t, alipay.IsUnknown(err), "%s: inquiry: %v", r.id, err)
			r.unknowns++
		}
	}

	if r.userPaid {
		require.NoError(t, srv.CompletePayment(r.id))
	} else {
		require.NoError(t, srv.FailPayment(r.id))
	}

	waitCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	inq, err := c.WaitForPayment(waitCtx, &alipay.InquiryPaymentRequest{PaymentRequestID: r.id}, alipay.WaitOptions{Interval: 2 * time.Millisecond, MaxInterval: 20 * time.Millisecond})
	require.NoError(t, err, r.id)
	r.status = inq.PaymentStatus
	if r.status != alipay.PaymentStatusSuccess {
		return r
	}

	// Partial refunds, each retried with its own ID until the outcome is known.
	for k, value := range []string{"300", "200"}[:1+i%2] {
		rid := fmt.Sprintf("%s-refund-%d", r.id, k)
		req := &alipay.RefundRequest{RefundRequestID: rid, PaymentID: paymentID, RefundAmount: alipay.Amount{Currency: "USD", Value: value}, RefundNotifyURL: notifyURL}
		for {
			_, err := c.Refund(ctx, req)
			if err == nil {
				break
			}
			require.True(t, alipay.IsUnknown(err), "%s: refund: %v", rid, err)
			r.unknowns++
		}
		for {
			resp, err := c.InquiryRefund(ctx, &alipay.InquiryRefundRequest{RefundRequestID: rid})
			if err == nil {
				require.Equal(t, alipay.RefundStatusSuccess, resp.RefundStatus, rid)
				break
			}
			require.True(t, alipay.IsUnknown(err), "%s: inquiryRefund: %v", rid, err)
			r.unknowns++
		}
		r.refundIDs = append(r.refundIDs, rid)
	}
	return r
}
