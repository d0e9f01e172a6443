package alipay

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRejectedNotificationsLogToDefault(t *testing.T) {
	var def bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&def, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { slog.SetDefault(old) })

	v := notifyVector(t, "notify-payment")
	forged := func() *http.Request {
		r := notifyVectorRequest(v)
		r.Body = io.NopCloser(strings.NewReader(strings.Replace(v.Body, "1025", "1", 1)))
		return r
	}
	otherClient := func() *http.Request {
		r := notifyVectorRequest(v)
		r.Header.Set("Client-Id", "SANDBOX_SOMEONE_ELSE")
		return r
	}
	ok := func(context.Context, *Notification) error { return nil }
	cases := []struct {
		name   string
		opts   []Option
		req    func() *http.Request
		status int
	}{
		{"bad signature", nil, forged, http.StatusUnauthorized},
		{"wrong Client-Id", nil, otherClient, http.StatusUnauthorized},
		{"stale", []Option{WithNotificationTolerance(DefaultNotificationTolerance)}, func() *http.Request { return notifyVectorRequest(v) }, http.StatusUnauthorized},
		{"too large", []Option{WithNotificationMaxBytes(64)}, func() *http.Request { return notifyVectorRequest(v) }, http.StatusRequestEntityTooLarge},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			def.Reset()
			rec := httptest.NewRecorder()
			notifyTestClient(t, tc.opts...).NotificationHandler(ok).ServeHTTP(rec, tc.req())
			require.Equal(t, tc.status, rec.Code)
			out := def.String()
			assert.Contains(t, out, "level=WARN")
			assert.Contains(t, out, "alipay: notification rejected")
			assert.NotContains(t, out, v.Signature[:16], "the signature is never logged")
			assert.NotContains(t, out, "ORD-7781-A", "the body is never logged")
		})
	}

	def.Reset()
	var own bytes.Buffer
	c := notifyTestClient(t, WithLogger(slog.New(slog.NewTextHandler(&own, nil))))
	rec := httptest.NewRecorder()
	c.NotificationHandler(ok).ServeHTTP(rec, forged())
	require.Equal(t, http.StatusUnauthorized, rec.Code)
	assert.Empty(t, def.String(), "WithLogger replaces slog.Default")
	assert.Contains(t, own.String(), "alipay: notification rejected")

	// Debug logs stay off without a logger.
	def.Reset()
	rec = httptest.NewRecorder()
	notifyTestClient(t).NotificationHandler(ok).ServeHTTP(rec, notifyVectorRequest(v))
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Empty(t, def.String())
}
