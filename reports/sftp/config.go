package sftp

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/xborderpay/alipay/internal/httpx"
)

// Config says where Antom's SFTP server is and how to log in. Antom gives
// the host, the user and the password (or registers a public key) when a
// merchant asks for report delivery by SFTP; the server listens on port 22
// (https://docs.antom.com/ac/marketplace/obtain_reports).
type Config struct {
	// Addr is host or host:port; port 22 when none is given.
	Addr string
	// User is the SFTP user name.
	User string
	// Password logs in by password; Key by public key. Give one or both.
	Password string
	Key      ssh.Signer
	// HostKeys decides which server keys to trust: KnownHosts or
	// PinnedKey. It is required: an unknown server is never trusted.
	HostKeys *HostKeys
	// Dir is the remote directory holding the reports; the login
	// directory when empty.
	Dir string
	// Attempts bounds the tries per file when the connection fails
	// (each retry reconnects and resumes); 3 when 0.
	Attempts int
	// Timeout bounds connecting and logging in; 30 s when 0.
	Timeout time.Duration
	// IdleTimeout fails a connection on which nothing arrived for that
	// long; 1 minute when 0.
	IdleTimeout time.Duration
	// MaxFileSize refuses larger files; 4 GiB when 0.
	MaxFileSize int64
	// Logger receives a debug line per file and per retry; none when nil.
	Logger *slog.Logger
}

// String hides the password and the key: a Config may end up in a log.
func (c Config) String() string {
	return fmt.Sprintf("sftp.Config{Addr: %q, User: %q, Dir: %q}", c.Addr, c.User, c.Dir)
}

// GoString hides the password and the key in %#v too.
func (c Config) GoString() string { return c.String() }

// LogValue hides the password and the key in slog records.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("addr", c.Addr), slog.String("user", c.User), slog.String("dir", c.Dir))
}

func (c Config) withDefaults() (Config, error) {
	switch {
	case c.Addr == "":
		return c, errors.New("sftp: no server address")
	case c.User == "":
		return c, errors.New("sftp: no user name")
	case c.Password == "" && c.Key == nil:
		return c, errors.New("sftp: no password and no key to log in with")
	case c.HostKeys == nil:
		return c, errors.New("sftp: no host key check: set HostKeys to KnownHosts(...) or PinnedKey(...); an unknown server is never trusted")
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		c.Addr = net.JoinHostPort(strings.Trim(c.Addr, "[]"), "22")
	}
	if c.Dir == "" {
		c.Dir = "."
	}
	if c.Attempts <= 0 {
		c.Attempts = 3
	}
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = time.Minute
	}
	if c.MaxFileSize <= 0 {
		c.MaxFileSize = 4 << 30
	}
	if c.Logger == nil {
		c.Logger = httpx.DiscardLogger()
	}
	return c, nil
}

// HostKeys decides which host keys of the server to trust.
type HostKeys struct {
	callback ssh.HostKeyCallback
	// algorithms lists the key types to ask the server for, so that the
	// server presents a key of the type the check knows.
	algorithms func(addr string) []string
}

// KnownHosts trusts the keys listed for the server in OpenSSH known_hosts
// files (by default ~/.ssh/known_hosts when no file is given). A server
// that is not listed, or presents another key, is refused.
func KnownHosts(files ...string) (*HostKeys, error) {
	if len(files) == 0 {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, fmt.Errorf("sftp: known_hosts: %w", err)
		}
		files = []string{filepath.Join(home, ".ssh", "known_hosts")}
	}
	cb, err := knownhosts.New(files...)
	if err != nil {
		return nil, fmt.Errorf("sftp: known_hosts: %w", err)
	}
	return &HostKeys{
		callback: cb,
		algorithms: func(addr string) []string {
			// Asking the check about a key it cannot know returns the
			// keys it does know for addr.
			var ke *knownhosts.KeyError
			if err := cb(addr, &net.TCPAddr{}, probeKey{}); errors.As(err, &ke) {
				var algs []string
				for _, k := range ke.Want {
					algs = append(algs, algorithmsFor(k.Key.Type())...)
				}
				return algs
			}
			return nil
		},
	}, nil
}

// PinnedKey trusts exactly one key, given as in an authorized_keys or
// known_hosts file ("ssh-ed25519 AAAA..."; a leading host list is
// skipped).
func PinnedKey(key string) (*HostKeys, error) {
	line := []byte(strings.TrimSpace(key))
	pub, _, _, _, err := ssh.ParseAuthorizedKey(line)
	if err != nil {
		_, _, pub, _, _, err = ssh.ParseKnownHosts(line)
	}
	if err != nil {
		return nil, fmt.Errorf("sftp: pinned host key: %w", err)
	}
	return &HostKeys{
		callback:   ssh.FixedHostKey(pub),
		algorithms: func(string) []string { return algorithmsFor(pub.Type()) },
	}, nil
}

// algorithmsFor lists the host key algorithms that present a key of type
// t: an RSA key signs with SHA-2 today and SHA-1 only on old servers.
func algorithmsFor(t string) []string {
	if t == ssh.KeyAlgoRSA {
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
	}
	return []string{t}
}

// probeKey is a key no known_hosts file lists.
type probeKey struct{}

func (probeKey) Type() string                        { return "alipay-probe" }
func (probeKey) Marshal() []byte                     { return []byte("alipay-probe") }
func (probeKey) Verify([]byte, *ssh.Signature) error { return errors.New("probe") }

var _ ssh.PublicKey = probeKey{}
