package alipay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNotificationAckBytes(t *testing.T) {
	assert.Equal(t, `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}`, NotificationAck)
}

func TestNotificationHandlerStatus(t *testing.T) {
	v := notifyVector(t, "notify-payment")
	s := newNotifySigner(t, "antom_private_pkcs8.pem")
	merchant := newNotifySigner(t, "merchant_private_pkcs8.pem")
	errDB := errors.New("database down")

	tests := []struct {
		name       string
		req        func() *http.Request
		opts       []Option
		fn         func(context.Context, *Notification) error
		wantStatus int
		wantCalled bool
	}{
		{name: "valid payment", req: func() *http.Request { return notifyVectorRequest(v) }, wantStatus: http.StatusOK, wantCalled: true},
		{name: "valid refund", req: func() *http.Request { return notifyVectorRequest(notifyVector(t, "notify-refund")) }, wantStatus: http.StatusOK, wantCalled: true},
		{name: "unknown type is acknowledged", req: func() *http.Request {
			return s.request(v.URI, v.URI, v.Time, `{"notifyType":"SOMETHING_NEW","result":{"resultCode":"SUCCESS","resultStatus":"S"}}`)
		}, wantStatus: http.StatusOK, wantCalled: true},
		{name: "GET", req: func() *http.Request { return httptest.NewRequest(http.MethodGet, v.URI, nil) }, wantStatus: http.StatusMethodNotAllowed},
		{name: "PUT with a valid signature", req: func() *http.Request {
			r := notifyVectorRequest(v)
			r.Method = http.MethodPut
			return r
		}, wantStatus: http.StatusMethodNotAllowed},
		{name: "missing signature", req: func() *http.Request {
			r := notifyVectorRequest(v)
			r.Header.Del("Signature")
			return r
		}, wantStatus: http.StatusUnauthorized},
		{name: "malformed signature header", req: func() *http.Request {
			r := notifyVectorRequest(v)
			r.Header.Set("Signature", "algorithm=HMAC,signature=abc")
			return r
		}, wantStatus: http.StatusUnauthorized},
		{name: "bad signature", req: func() *http.Request {
			r := notifyVectorRequest(v)
			r.Header.Set("Request-Time", "2020-01-01T12:01:02+08:30")
			return r
		}, wantStatus: http.StatusUnauthorized},
		{name: "wrong key", req: func() *http.Request { return merchant.request(v.URI, v.URI, v.Time, v.Body) }, wantStatus: http.StatusUnauthorized},
		{name: "wrong client id", req: func() *http.Request {
			r := notifyVectorRequest(v)
			r.Header.Set("Client-Id", "SANDBOX_SOMEONE_ELSE")
			return r
		}, wantStatus: http.StatusUnauthorized},
		{name: "missing request time", req: func() *http.Request {
			r := notifyVectorRequest(v)
			r.Header.Del("Request-Time")
			return r
		}, wantStatus: http.StatusUnauthorized},
		{name: "stale", req: func() *http.Request { return notifyVectorRequest(v) }, opts: []Option{WithNotificationTolerance(60 * 60 * 1e9)}, wantStatus: http.StatusUnauthorized},
		{name: "too large", req: func() *http.Request { return notifyVectorRequest(v) }, opts: []Option{WithNotificationMaxBytes(64)}, wantStatus: http.StatusRequestEntityTooLarge},
		{name: "malformed JSON with a valid signature", req: func() *http.Request {
			return s.request(v.URI, v.URI, v.Time, `{"notifyType":"PAYMENT_RESULT",`)
		}, wantStatus: http.StatusBadRequest},
		{name: "unreadable body", req: func() *http.Request {
			r := notifyVectorRequest(v)
			r.Body = notifyErrReader{}
			r.ContentLength = -1
			return r
		}, wantStatus: http.StatusBadRequest},
		{name: "fn error", req: func() *http.Request { return notifyVectorRequest(v) },
			fn: func(context.Context, *Notification) error { return errDB }, wantStatus: http.StatusInternalServerError, wantCalled: true},
		{name: "fn panic", req: func() *http.Request { return notifyVectorRequest(v) },
			fn: func(context.Context, *Notification) error { panic("boom") }, wantStatus: http.StatusInternalServerError, wantCalled: true},
		{name: "fn panic with an error", req: func() *http.Request { return notifyVectorRequest(v) },
			fn: func(context.Context, *Notification) error { panic(errDB) }, wantStatus: http.StatusInternalServerError, wantCalled: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var called atomic.Bool
			fn := func(ctx context.Context, n *Notification) error {
				called.Store(true)
				require.NotNil(t, n)
				if tt.fn != nil {
					return tt.fn(ctx, n)
				}
				return nil
			}
			h := notifyTestClient(t, tt.opts...).NotificationHandler(fn)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, tt.req())

			assert.Equal(t, tt.wantStatus, w.Code)
			assert.Equal(t, tt.wantCalled, called.Load(), "fn called")
			if tt.wantStatus == http.StatusOK {
				assert.Equal(t, NotificationAck, w.Body.String(), "ack byte for byte")
				assert.Equal(t, "application/json", w.Header().Get("Content-Type"))
				return
			}
			assert.NotContains(t, w.Body.String(), "SUCCESS", "no acknowledgement")
			if tt.wantStatus == http.StatusMethodNotAllowed {
				assert.Equal(t, http.MethodPost, w.Header().Get("Allow"))
			}
		})
	}
}

func TestNotificationHandlerNilFunc(t *testing.T) {
	assert.PanicsWithValue(t, "alipay: NotificationHandler: nil function", func() {
		notifyTestClient(t).NotificationHandler(nil)
	})
}

func TestNotificationHandlerAbortHandlerPanics(t *testing.T) {
	h := notifyTestClient(t).NotificationHandler(func(context.Context, *Notification) error { panic(http.ErrAbortHandler) })
	assert.PanicsWithValue(t, http.ErrAbortHandler, func() {
		h.ServeHTTP(httptest.NewRecorder(), notifyVectorRequest(notifyVector(t, "notify-payment")))
	})
}

// notifyPost sends a notification to a live server and returns the status
// and the body of the answer.
func notifyPost(t *testing.T, srv *httptest.Server, r *http.Request) (int, string) {
	t.Helper()
	status, body, err := notifySend(srv, r)
	require.NoError(t, err)
	return status, body
}

// notifySend is notifyPost for goroutines other than the test's.
func notifySend(srv *httptest.Server, r *http.Request) (int, string, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return 0, "", err
	}
	req, err := http.NewRequest(http.MethodPost, srv.URL+r.RequestURI, bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header = r.Header.Clone()
	resp, err := srv.Client().Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(got), err
}

func TestNotificationHandlerKeepsServingAfterPanic(t *testing.T) {
	var calls atomic.Int32
	c := notifyTestClient(t)
	srv := httptest.NewServer(c.NotificationHandler(func(context.Context, *Notification) error {
		if calls.Add(1) == 1 {
			panic("first delivery fails")
		}
		return nil
	}))
	defer srv.Close()

	v := notifyVector(t, "notify-payment")
	status, _ := notifyPost(t, srv, notifyVectorRequest(v))
	assert.Equal(t, http.StatusInternalServerError, status)
	status, body := notifyPost(t, srv, notifyVectorRequest(v))
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, NotificationAck, body)
	assert.Equal(t, int32(2), calls.Load())
}

func TestNotificationHandlerDuplicates(t *testing.T) {
	s := newNotifySigner(t, "antom_private_pkcs8.pem")
	v := notifyVector(t, "notify-payment")
	var keys []string
	h := notifyTestClient(t).NotificationHandler(func(_ context.Context, n *Notification) error {
		keys = append(keys, n.DedupeKey())
		return nil
	})
	deliveries := []*http.Request{
		notifyVectorRequest(v),
		notifyVectorRequest(v),
		s.request(v.URI, v.URI, "2020-01-01T12:03:01+08:30", v.Body), // resend 2 min later
	}
	for _, r := range deliveries {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		require.Equal(t, http.StatusOK, w.Code)
	}
	require.Len(t, keys, 3)
	assert.Equal(t, keys[0], keys[1])
	assert.Equal(t, keys[0], keys[2])
}

func TestNotificationHandlerConcurrent(t *testing.T) {
	s := newNotifySigner(t, "antom_private_pkcs8.pem")
	var mu sync.Mutex
	seen := map[string]int{}
	c := notifyTestClient(t, WithLogger(slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	srv := httptest.NewServer(c.NotificationHandler(func(_ context.Context, n *Notification) error {
		mu.Lock()
		defer mu.Unlock()
		seen[n.DedupeKey()]++
		return nil
	}))
	defer srv.Close()

	const orders, copies = 10, 4
	requests := make([]*http.Request, 0, orders*copies)
	for i := range orders {
		body := fmt.Sprintf(`{"notifyType":"PAYMENT_RESULT","result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentRequestId":"ORD-%d","paymentId":"P-%d","paymentAmount":{"currency":"USD","value":"100"},"paymentCreateTime":"2024-01-01T00:00:00Z"}`, i, i)
		for range copies {
			requests = append(requests, s.request("/", "/", "2024-01-01T00:00:05Z", body))
		}
	}
	var wg sync.WaitGroup
	statuses := make([]int, len(requests))
	errs := make([]error, len(requests))
	for i, r := range requests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i], _, errs[i] = notifySend(srv, r)
		}()
	}
	wg.Wait()
	for i, st := range statuses {
		require.NoError(t, errs[i])
		assert.Equal(t, http.StatusOK, st, "delivery %d", i)
	}
	assert.Len(t, seen, orders)
	for k, n := range seen {
		assert.Equal(t, copies, n, k)
	}
}

func TestNotificationHandlerLogs(t *testing.T) {
	const card = "4111111111111111"
	s := newNotifySigner(t, "antom_private_pkcs8.pem")
	body := `{"notifyType":"PAYMENT_RESULT","result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentRequestId":"ORD-9","paymentId":"P-9","paymentAmount":{"currency":"USD","value":"100"},"paymentCreateTime":"2024-01-01T00:00:00Z","paymentResultInfo":{"cardNo":"` + card + `"}}`
	good := func() *http.Request { return s.request("/n", "/n", "2024-01-01T00:00:05Z", body) }
	sigValue := good().Header.Get("Signature")
	sigValue = sigValue[strings.Index(sigValue, "signature=")+len("signature="):]

	var logs bytes.Buffer
	c := notifyTestClient(t, WithLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	fail := true
	h := c.NotificationHandler(func(context.Context, *Notification) error {
		if fail {
			return errors.New("not stored")
		}
		return nil
	})

	tampered := good()
	tampered.Header.Set("Request-Time", "2024-01-01T00:00:06Z")
	for _, r := range []*http.Request{tampered, good()} {
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	fail = false
	h.ServeHTTP(httptest.NewRecorder(), good())

	out := logs.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 3, out)
	assert.Contains(t, lines[0], `"level":"WARN"`)
	assert.Contains(t, lines[0], `"status":401`)
	assert.Contains(t, lines[1], `"level":"ERROR"`)
	assert.Contains(t, lines[1], `"paymentRequestId":"ORD-9"`)
	assert.Contains(t, lines[1], "not stored")
	assert.Contains(t, lines[2], `"level":"DEBUG"`)
	assert.Contains(t, lines[2], `"dedupeKey":"PAYMENT_RESULT/ORD-9/P-9/S/SUCCESS"`)
	assert.NotContains(t, out, card)
	assert.NotContains(t, out, sigValue[:40])
	assert.NotContains(t, out, `"paymentResultInfo"`)
}
