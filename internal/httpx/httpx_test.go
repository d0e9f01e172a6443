package httpx

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type countingTransport struct {
	http.RoundTripper
	closed atomic.Int32
}

func (c *countingTransport) CloseIdleConnections() { c.closed.Add(1) }

func TestHardenKeepsIdleConnections(t *testing.T) {
	ct := &countingTransport{RoundTripper: http.DefaultTransport}
	shared := &http.Client{Transport: ct}
	h := Harden(shared, time.Second)
	h.CloseIdleConnections()
	assert.Zero(t, ct.closed.Load(), "CloseIdleConnections reached the shared transport")
	assert.Equal(t, time.Second, h.Timeout)
	assert.Nil(t, shared.CheckRedirect, "Harden changed the caller's client")
	assert.Same(t, ct, shared.Transport)

	again := Harden(h, 0)
	_, doubled := again.Transport.(keepIdle).rt.(keepIdle)
	assert.False(t, doubled, "Harden wrapped an already wrapped transport")
	assert.Equal(t, time.Second, Harden(&http.Client{Timeout: time.Second}, 5*time.Second).Timeout)
}

func TestHardenRefusesRedirects(t *testing.T) {
	var followed atomic.Bool
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { followed.Store(true) }))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/steal?token=secret", http.StatusTemporaryRedirect)
	}))
	defer srv.Close()

	resp, err := Harden(srv.Client(), time.Second).Post(srv.URL, "application/json", nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.False(t, followed.Load(), "the redirect was followed")
	require.True(t, IsRedirect(resp.StatusCode))
	rerr := RedirectError(resp)
	assert.ErrorIs(t, rerr, ErrRedirect)
	assert.Contains(t, rerr.Error(), "HTTP 307")
	assert.Contains(t, rerr.Error(), "127.0.0.1")
	assert.NotContains(t, rerr.Error(), "secret")
}

func TestDelivery(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	refusedURL := "http://" + ln.Addr().String()
	ln.Close()

	post := func(ctx context.Context, url string) (*Delivery, error) {
		var d Delivery
		req, err := http.NewRequestWithContext(d.Trace(ctx), http.MethodPost, url, nil)
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return &d, err
	}

	d, err := post(context.Background(), srv.URL)
	require.NoError(t, err)
	assert.True(t, d.MayHaveReached())

	d, err = post(context.Background(), refusedURL)
	require.Error(t, err)
	assert.False(t, d.MayHaveReached(), "a refused connection cannot have reached the server")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	d, err = post(ctx, srv.URL)
	require.True(t, errors.Is(err, context.Canceled))
	assert.False(t, d.MayHaveReached(), "a request cancelled before sending cannot have reached the server")

	var marked Delivery
	marked.MarkReached()
	assert.True(t, marked.MayHaveReached())
}

func TestTruncateAndBodyPrefix(t *testing.T) {
	assert.Equal(t, "abc", Truncate("abc", 3))
	assert.Equal(t, "ab…", Truncate("abc", 2))
	assert.Equal(t, "…", Truncate("é", 1), "a rune is never cut in half")
	long := make([]byte, BodyPrefixLen+10)
	for i := range long {
		long[i] = 'x'
	}
	assert.Len(t, BodyPrefix(long), BodyPrefixLen+len("…"))
	assert.Equal(t, "a\uFFFDb", BodyPrefix([]byte("  a\xffb \n")))
	assert.False(t, DiscardLogger().Enabled(context.Background(), 100))
}
