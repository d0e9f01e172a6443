package sftp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// Errors of Fetch, matched with errors.Is.
var (
	// ErrHostKey: the server's key is not the one trusted (KnownHosts has
	// another key or none for it, or PinnedKey another key). Nothing was
	// sent to it, the password included.
	ErrHostKey = errors.New("sftp: the server's host key is not trusted")
	// ErrLogin: the server refused the user name, password or key.
	ErrLogin = errors.New("sftp: login refused")
	// ErrChanging: the remote file changed while it was downloaded (it is
	// still being written); it was not saved and is fetched next time.
	ErrChanging = errors.New("sftp: the file changed during the download (still being written?)")
	// ErrTooLarge: the remote file is larger than Config.MaxFileSize.
	ErrTooLarge = errors.New("sftp: the file is larger than the limit")
	// ErrUnsafeName: the server listed a name that is not a plain file
	// name (a path, "..", a leading dot); it is never written locally.
	ErrUnsafeName = errors.New("sftp: the server listed an unsafe file name")
)

// session is one SSH connection and the SFTP client on it.
type session struct {
	conn   net.Conn
	ssh    *ssh.Client
	sftp   *sftp.Client
	cancel func() bool // stops closing conn when the context ends
}

func (s *session) close() {
	s.cancel()
	_ = s.sftp.Close()
	_ = s.ssh.Close()
}

// dial connects, checks the host key and logs in. The connection is
// closed when ctx ends, which fails any transfer on it at once.
func (f *Fetcher) dial(ctx context.Context) (*session, error) {
	cfg := f.cfg
	var hostKeyOK atomic.Bool
	check := cfg.HostKeys.callback
	sshCfg := &ssh.ClientConfig{
		User: cfg.User,
		HostKeyCallback: func(host string, remote net.Addr, key ssh.PublicKey) error {
			if err := check(host, remote, key); err != nil {
				return err
			}
			hostKeyOK.Store(true)
			return nil
		},
		HostKeyAlgorithms: cfg.HostKeys.algorithms(knownhosts.Normalize(cfg.Addr)),
		Timeout:           cfg.Timeout,
	}
	if cfg.Key != nil {
		sshCfg.Auth = append(sshCfg.Auth, ssh.PublicKeys(cfg.Key))
	}
	if cfg.Password != "" {
		sshCfg.Auth = append(sshCfg.Auth, ssh.Password(cfg.Password))
	}

	dctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	raw, err := (&net.Dialer{}).DialContext(dctx, "tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("sftp: connecting to %s: %w", cfg.Addr, err)
	}
	conn := &idleConn{Conn: raw, idle: cfg.IdleTimeout}
	_ = conn.SetDeadline(time.Now().Add(cfg.Timeout)) // the handshake and login
	stop := context.AfterFunc(ctx, func() { _ = raw.Close() })
	c, chans, reqs, err := ssh.NewClientConn(conn, cfg.Addr, sshCfg)
	if err != nil {
		stop()
		_ = raw.Close()
		return nil, f.handshakeError(ctx, err, hostKeyOK.Load())
	}
	_ = conn.SetDeadline(time.Time{})
	conn.armed.Store(true)
	client := ssh.NewClient(c, chans, reqs)
	sc, err := sftp.NewClient(client)
	if err != nil {
		stop()
		_ = client.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("sftp: starting SFTP on %s: %w", cfg.Addr, err)
	}
	return &session{conn: raw, ssh: client, sftp: sc, cancel: stop}, nil
}

func (f *Fetcher) handshakeError(ctx context.Context, err error, hostKeyOK bool) error {
	var ke *knownhosts.KeyError
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.As(err, &ke) && len(ke.Want) == 0:
		return fmt.Errorf("%w: %s is not in known_hosts (add its key after checking it with Antom)", ErrHostKey, f.cfg.Addr)
	case errors.As(err, &ke):
		return fmt.Errorf("%w: %s presented another key than known_hosts lists (a changed key or someone in the middle)", ErrHostKey, f.cfg.Addr)
	case !hostKeyOK && strings.Contains(err.Error(), "host key mismatch"):
		return fmt.Errorf("%w: %s presented another key than the pinned one", ErrHostKey, f.cfg.Addr)
	case hostKeyOK && strings.Contains(err.Error(), "unable to authenticate"):
		// x/crypto/ssh has no typed error for a refused login.
		return fmt.Errorf("%w: %s refused user %q", ErrLogin, f.cfg.Addr, f.cfg.User)
	case !hostKeyOK && strings.Contains(err.Error(), "no common algorithm for host key"):
		return fmt.Errorf("%w: %s offers no key of the trusted type", ErrHostKey, f.cfg.Addr)
	}
	return fmt.Errorf("sftp: connecting to %s: %w", f.cfg.Addr, err)
}

// idleConn fails a read or write that waits longer than idle, once armed
// (after the login, which has its own deadline).
type idleConn struct {
	net.Conn
	idle  time.Duration
	armed atomic.Bool
}

func (c *idleConn) Read(p []byte) (int, error) {
	if c.armed.Load() {
		_ = c.Conn.SetReadDeadline(time.Now().Add(c.idle))
	}
	return c.Conn.Read(p)
}

func (c *idleConn) Write(p []byte) (int, error) {
	if c.armed.Load() {
		_ = c.Conn.SetWriteDeadline(time.Now().Add(c.idle))
	}
	return c.Conn.Write(p)
}
