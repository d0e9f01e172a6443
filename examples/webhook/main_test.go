package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xborderpay/alipay"
)

func TestRunOfflineDemo(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, nil))

	got := out.String()
	assert.Contains(t, got, "received: PAYMENT_RESULT DEMO-ORDER-1 10.25 USD, paid ")
	assert.Contains(t, got, "answer: 200 "+alipay.NotificationAck+"\n")
	assert.Contains(t, got, "tampered copy: 401 Unauthorized\n")
	assert.Contains(t, got, "dedupeKey=PAYMENT_RESULT/DEMO-ORDER-1/2026DEMO0000000000001/S/SUCCESS")
	assert.NotContains(t, got, "signature=", "the signature is never logged")
	assert.NotContains(t, got, `"paymentAmount"`, "the body is never logged")
	assert.Equal(t, 1, strings.Count(got, "received:"), "the tampered copy never reaches the handler function")
}

// startServer runs run with args in the background and returns the address
// it listens on and a function that stops it and returns run's error.
func startServer(t *testing.T, args ...string) (addr string, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, pw, args)
		pw.Close()
		done <- err
	}()
	lines := bufio.NewScanner(pr)
	for lines.Scan() {
		if rest, ok := strings.CutPrefix(lines.Text(), "listening on "); ok {
			addr, _, _ = strings.Cut(rest, ",")
			break
		}
	}
	require.NotEmpty(t, addr, "server did not start")
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	return addr, func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("run did not return after its context ended")
			return nil
		}
	}
}

func TestRunServes(t *testing.T) {
	antom, err := newKeyPair()
	require.NoError(t, err)
	merchant, err := newKeyPair()
	require.NoError(t, err)
	const clientID = "SANDBOX_WEBHOOK_TEST"
	t.Setenv("ALIPAY_CLIENT_ID", clientID)
	t.Setenv("ALIPAY_PRIVATE_KEY", merchant.privatePEM)
	t.Setenv("ALIPAY_PUBLIC_KEY", antom.publicPEM)
	body := `{"notifyType":"REFUND_RESULT","result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"refundRequestId":"R1","refundId":"RI1","refundStatus":"SUCCESS","refundAmount":{"currency":"JPY","value":"500"}}`
	reqTime := time.Now().UTC().Format(time.RFC3339)
	ctx := context.Background()

	t.Run("direct", func(t *testing.T) {
		addr, stop := startServer(t, "-listen", "127.0.0.1:0", "-path", "/alipay/notify")
		url := "http://" + addr + "/alipay/notify"

		status, ack, err := postNotification(ctx, url, "/alipay/notify", clientID, reqTime, body, body, antom.key)
		require.NoError(t, err)
		assert.Equal(t, 200, status)
		assert.Equal(t, alipay.NotificationAck, ack)

		status, _, err = postNotification(ctx, url, "/alipay/notify", clientID, reqTime, body, body, merchant.key)
		require.NoError(t, err)
		assert.Equal(t, 401, status, "signed with the wrong key")

		yearOld := time.Now().AddDate(-1, 0, 0).UTC().Format(time.RFC3339)
		status, _, err = postNotification(ctx, url, "/alipay/notify", clientID, yearOld, body, body, antom.key)
		require.NoError(t, err)
		assert.Equal(t, 401, status, "a year-old notification is outside the replay window")

		require.NoError(t, stop())
	})
	t.Run("behind a path-rewriting proxy", func(t *testing.T) {
		addr, stop := startServer(t, "-listen", "127.0.0.1:0", "-path", "/internal/notify", "-public-path", "/alipay/notify")
		url := "http://" + addr + "/internal/notify"

		status, ack, err := postNotification(ctx, url, "/alipay/notify", clientID, reqTime, body, body, antom.key)
		require.NoError(t, err)
		assert.Equal(t, 200, status)
		assert.Equal(t, alipay.NotificationAck, ack)

		status, _, err = postNotification(ctx, url, "/internal/notify", clientID, reqTime, body, body, antom.key)
		require.NoError(t, err)
		assert.Equal(t, 401, status, "signed over the internal path")
		require.NoError(t, stop())
	})
}

func TestRunErrors(t *testing.T) {
	t.Setenv("ALIPAY_CLIENT_ID", "")
	t.Setenv("ALIPAY_PRIVATE_KEY", "")
	t.Setenv("ALIPAY_PUBLIC_KEY", "not a key")
	tests := []struct {
		args    []string
		wantMsg string
	}{
		{[]string{"-listen", "127.0.0.1:0"}, "missing: ALIPAY_CLIENT_ID, ALIPAY_PRIVATE_KEY"},
		{[]string{"-nope"}, "flag provided but not defined"},
		{[]string{"extra"}, "unexpected arguments"},
		{[]string{"-path", "notify"}, "must start with /"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			err := run(context.Background(), io.Discard, tt.args)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantMsg)
		})
	}

	t.Run("bad key", func(t *testing.T) {
		merchant, err := newKeyPair()
		require.NoError(t, err)
		t.Setenv("ALIPAY_CLIENT_ID", "SANDBOX_X")
		t.Setenv("ALIPAY_PRIVATE_KEY", merchant.privatePEM)
		err = run(context.Background(), io.Discard, []string{"-listen", "127.0.0.1:0"})
		require.ErrorIs(t, err, alipay.ErrInvalidKey)
		assert.NotContains(t, err.Error(), "not a key")
	})
}

// Every phase of a connection to the server is bounded.
func TestServerTimeouts(t *testing.T) {
	srv := newServer(http.NotFoundHandler())
	for name, d := range map[string]time.Duration{
		"ReadHeaderTimeout": srv.ReadHeaderTimeout,
		"ReadTimeout":       srv.ReadTimeout,
		"WriteTimeout":      srv.WriteTimeout,
		"IdleTimeout":       srv.IdleTimeout,
	} {
		assert.Positive(t, d, name)
		assert.LessOrEqual(t, d, time.Minute, name)
	}
	assert.Less(t, srv.ReadHeaderTimeout, srv.ReadTimeout)
	assert.GreaterOrEqual(t, srv.ReadTimeout, alipay.DefaultNotificationReadTimeout, "the handler's own body deadline comes first")
	assert.Positive(t, srv.MaxHeaderBytes)
}
