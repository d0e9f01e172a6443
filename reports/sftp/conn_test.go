package sftp

import (
	"errors"
	"net"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestIdleConn: once armed, a read that waits longer than the idle time
// fails instead of hanging on a server that went silent.
func TestIdleConn(t *testing.T) {
	client, server := net.Pipe()
	defer client.Close()
	defer server.Close()
	c := &idleConn{Conn: client, idle: 20 * time.Millisecond}
	c.armed.Store(true)
	_, err := c.Read(make([]byte, 1))
	require.Error(t, err)
	assert.True(t, errors.Is(err, os.ErrDeadlineExceeded), "%v", err)

	_, err = c.Write([]byte("x")) // nobody reads the other end either
	assert.True(t, errors.Is(err, os.ErrDeadlineExceeded), "%v", err)
}
