// Package sftptest runs an SFTP server on loopback, in process, serving a
// local directory read-only the way Antom's report server serves a
// merchant's reports: for tests and offline examples of package
// github.com/xborderpay/alipay/reports/sftp, like net/http/httptest.
//
// It can also misbehave on purpose: drop the connection in the middle of
// a file, or let a file grow while it is read (a report still being
// written).
package sftptest

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// Server is an SFTP server listening on a loopback address.
type Server struct {
	Addr     string        // host:port to dial
	User     string        // the one user
	Password string        // its password, random
	HostKey  ssh.PublicKey // the server's host key (Ed25519), random

	dir      string
	listener net.Listener
	config   *ssh.ServerConfig
	wg       sync.WaitGroup

	mu         sync.Mutex
	conns      map[net.Conn]bool
	authorized []ssh.PublicKey
	dropAfter  map[string]int64
	onRead     map[string]func(path string) error
	frozen     map[string]os.FileInfo
	read       map[string]int64
	logins     int
	failed     int
}

// NewServer starts a server serving dir (its root is the login
// directory). It panics if it cannot listen, as httptest.NewServer does.
func NewServer(dir string) *Server {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic("sftptest: " + err.Error())
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		panic("sftptest: " + err.Error())
	}
	hostKey, err := ssh.NewPublicKey(pub)
	if err != nil {
		panic("sftptest: " + err.Error())
	}
	secret := make([]byte, 12)
	_, _ = rand.Read(secret)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic("sftptest: listening: " + err.Error())
	}
	s := &Server{
		Addr:      l.Addr().String(),
		User:      "merchant",
		Password:  hex.EncodeToString(secret),
		HostKey:   hostKey,
		dir:       dir,
		listener:  l,
		conns:     map[net.Conn]bool{},
		dropAfter: map[string]int64{},
		onRead:    map[string]func(string) error{},
		frozen:    map[string]os.FileInfo{},
		read:      map[string]int64{},
	}
	s.config = &ssh.ServerConfig{
		PasswordCallback: func(c ssh.ConnMetadata, password []byte) (*ssh.Permissions, error) {
			if c.User() == s.User && subtle.ConstantTimeCompare(password, []byte(s.Password)) == 1 {
				return nil, nil
			}
			s.count(&s.failed)
			return nil, errors.New("wrong user or password")
		},
		PublicKeyCallback: func(c ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			s.mu.Lock()
			defer s.mu.Unlock()
			for _, k := range s.authorized {
				if c.User() == s.User && string(k.Marshal()) == string(key.Marshal()) {
					return nil, nil
				}
			}
			return nil, errors.New("key not authorized")
		},
	}
	s.config.AddHostKey(signer)
	s.wg.Add(1)
	go s.serve()
	return s
}

// KnownHostsLine returns the server's line for an OpenSSH known_hosts file.
func (s *Server) KnownHostsLine() string {
	return knownhosts.Line([]string{knownhosts.Normalize(s.Addr)}, s.HostKey)
}

// AuthorizeKey lets the user log in with key as well.
func (s *Server) AuthorizeKey(key ssh.PublicKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.authorized = append(s.authorized, key)
}

// DropAfter makes the next read of the named file that reaches past byte
// n close the connection, once, after sending the bytes before n.
func (s *Server) DropAfter(name string, n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropAfter[name] = n
}

// OnFirstRead calls change with the file's local path when the named
// file is first opened for reading, before any byte is sent: to make it
// grow or be rewritten, as if it were still being written while a client
// downloads it.
func (s *Server) OnFirstRead(name string, change func(path string) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onRead[name] = change
}

// FreezeStat makes the server answer every later stat of the named file
// with its attributes as they are now, as a server that caches them does.
func (s *Server) FreezeStat(name string) error {
	info, err := os.Stat(filepath.Join(s.dir, name))
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.frozen[name] = info
	return nil
}

// BytesRead returns how many bytes of the named file were sent so far.
func (s *Server) BytesRead(name string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.read[name]
}

// Logins returns the number of successful logins so far.
func (s *Server) Logins() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logins
}

// FailedLogins returns the number of refused password attempts so far.
func (s *Server) FailedLogins() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failed
}

// Close stops the server and closes every connection.
func (s *Server) Close() {
	_ = s.listener.Close()
	s.mu.Lock()
	for c := range s.conns {
		_ = c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *Server) count(n *int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	*n++
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		c, err := s.listener.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns[c] = true
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.handle(c)
			s.mu.Lock()
			delete(s.conns, c)
			s.mu.Unlock()
			_ = c.Close()
		}()
	}
}

func (s *Server) handle(c net.Conn) {
	conn, chans, reqs, err := ssh.NewServerConn(c, s.config)
	if err != nil {
		return
	}
	defer conn.Close()
	s.count(&s.logins)
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		if nc.ChannelType() != "session" {
			_ = nc.Reject(ssh.UnknownChannelType, "only sessions")
			continue
		}
		ch, requests, err := nc.Accept()
		if err != nil {
			return
		}
		go func() {
			for req := range requests {
				ok := req.Type == "subsystem" && len(req.Payload) > 4 && string(req.Payload[4:]) == "sftp"
				_ = req.Reply(ok, nil)
				if ok {
					h := &handlers{s: s, conn: c}
					rs := sftp.NewRequestServer(ch, sftp.Handlers{FileGet: h, FilePut: h, FileCmd: h, FileList: h})
					_ = rs.Serve()
					_ = rs.Close()
					return
				}
			}
		}()
	}
}

// handlers serve the directory read-only.
type handlers struct {
	s    *Server
	conn net.Conn
}

var errReadOnly = errors.New("sftptest: the server is read-only")

// local maps a request path, which pkg/sftp has cleaned to an absolute
// path without "..", into the served directory.
func (h *handlers) local(p string) string {
	return filepath.Join(h.s.dir, filepath.FromSlash(strings.TrimPrefix(p, "/")))
}

func (h *handlers) Fileread(r *sftp.Request) (io.ReaderAt, error) {
	name := strings.TrimPrefix(r.Filepath, "/")
	h.s.mu.Lock()
	change := h.s.onRead[name]
	delete(h.s.onRead, name)
	h.s.mu.Unlock()
	if change != nil {
		if err := change(h.local(r.Filepath)); err != nil {
			return nil, err
		}
	}
	f, err := os.Open(h.local(r.Filepath))
	if err != nil {
		return nil, err
	}
	return &reader{f: f, h: h, name: name}, nil
}

func (h *handlers) Filewrite(*sftp.Request) (io.WriterAt, error) { return nil, errReadOnly }
func (h *handlers) Filecmd(*sftp.Request) error                  { return errReadOnly }

func (h *handlers) Filelist(r *sftp.Request) (sftp.ListerAt, error) {
	switch r.Method {
	case "List":
		entries, err := os.ReadDir(h.local(r.Filepath))
		if err != nil {
			return nil, err
		}
		var infos []os.FileInfo
		for _, e := range entries {
			info, err := e.Info()
			if err != nil {
				return nil, err
			}
			infos = append(infos, info)
		}
		sort.Slice(infos, func(i, j int) bool { return infos[i].Name() < infos[j].Name() })
		return lister(infos), nil
	case "Stat":
		h.s.mu.Lock()
		frozen := h.s.frozen[strings.TrimPrefix(r.Filepath, "/")]
		h.s.mu.Unlock()
		if frozen != nil {
			return lister{frozen}, nil
		}
		info, err := os.Stat(h.local(r.Filepath))
		if err != nil {
			return nil, err
		}
		return lister{info}, nil
	}
	return nil, fmt.Errorf("sftptest: %s is not supported", r.Method)
}

type lister []os.FileInfo

func (l lister) ListAt(dst []os.FileInfo, off int64) (int, error) {
	if off >= int64(len(l)) {
		return 0, io.EOF
	}
	n := copy(dst, l[off:])
	if n < len(dst) {
		return n, io.EOF
	}
	return n, nil
}

// reader serves a file and plays the faults set for it.
type reader struct {
	f    *os.File
	h    *handlers
	name string
}

func (r *reader) ReadAt(p []byte, off int64) (int, error) {
	s := r.h.s
	s.mu.Lock()
	limit, drop := s.dropAfter[r.name]
	if drop && off+int64(len(p)) > limit {
		delete(s.dropAfter, r.name)
	}
	s.mu.Unlock()
	if drop && off+int64(len(p)) > limit {
		n := 0
		if off < limit {
			n, _ = r.f.ReadAt(p[:limit-off], off)
			s.mu.Lock()
			s.read[r.name] += int64(n)
			s.mu.Unlock()
		}
		_ = r.h.conn.Close()
		return n, errors.New("sftptest: connection dropped")
	}
	n, err := r.f.ReadAt(p, off)
	s.mu.Lock()
	s.read[r.name] += int64(n)
	s.mu.Unlock()
	return n, err
}

func (r *reader) Close() error { return r.f.Close() }
