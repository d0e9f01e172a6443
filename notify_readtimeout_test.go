package alipay

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A client that announces a body and then sends it a byte at a time gets
// 408 once the handler's read timeout passes, and its connection is
// closed; without the deadline it would hold the connection for as long as
// it keeps dripping.
func TestNotificationHandlerGivesUpOnASlowDripClient(t *testing.T) {
	c := notifyTestClient(t, WithNotificationReadTimeout(100*time.Millisecond))
	called := make(chan struct{}, 1)
	srv := httptest.NewServer(c.NotificationHandler(func(context.Context, *Notification) error {
		called <- struct{}{}
		return nil
	}))
	defer srv.Close()

	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	// A guard against a hang, not a timing assertion: the drip below
	// would last 40 seconds.
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(10*time.Second)))
	_, err = fmt.Fprintf(conn, "POST /alipay/notify HTTP/1.1\r\nHost: merchant.example\r\nContent-Type: application/json\r\nContent-Length: 2000\r\n\r\n{")
	require.NoError(t, err)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if _, err := conn.Write([]byte(" ")); err != nil {
					return
				}
			}
		}
	}()

	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	require.NoError(t, err, "the handler never gave up on the body")
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusRequestTimeout, resp.StatusCode, "%s", msg)
	assert.True(t, resp.Close, "Connection: close")
	// The server closes the connection: end of stream, or a reset since
	// the drip keeps writing; not the guard's timeout.
	_, err = io.ReadAll(br)
	var ne net.Error
	assert.False(t, errors.As(err, &ne) && ne.Timeout(), "the connection is still open: %v", err)
	assert.Empty(t, called, "nothing reached the function")
}
