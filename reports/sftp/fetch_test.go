package sftp

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/xborderpay/alipay/reports/sftp/sftptest"
)

var day = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)

// remote is a served directory with the day's three reports, another
// day's report and a hidden file.
type remote struct {
	dir   string
	srv   *sftptest.Server
	files map[string][]byte
}

func newRemote(t *testing.T) *remote {
	t.Helper()
	r := &remote{dir: t.TempDir(), files: map[string][]byte{}}
	for i, name := range []string{
		"TRANSACTION_DETAIL_1022188000000000001_20261129.csv",
		"SETTLEMENT_DETAIL_1022188000000000001_20261129.xlsx",
		"SETTLEMENT_SUMMARY_1022188000000000001_20261129.csv",
	} {
		r.put(t, name, bytes.Repeat([]byte(strconv.Itoa(i)+"abcdefghij\n"), 20000*(i+1)))
	}
	r.put(t, "TRANSACTION_DETAIL_1022188000000000001_20261128.csv", []byte("yesterday\n<END>\n"))
	r.put(t, ".hidden_20261129", []byte("x"))
	r.srv = sftptest.NewServer(r.dir)
	t.Cleanup(r.srv.Close)
	return r
}

func (r *remote) put(t *testing.T, name string, data []byte) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(r.dir, name), data, 0o644))
	r.files[name] = data
}

func (r *remote) config() Config {
	hk, err := PinnedKey(string(ssh.MarshalAuthorizedKey(r.srv.HostKey)))
	if err != nil {
		panic(err)
	}
	return Config{Addr: r.srv.Addr, User: r.srv.User, Password: r.srv.Password, HostKeys: hk}
}

func (r *remote) fetcher(t *testing.T, mod func(*Config)) *Fetcher {
	t.Helper()
	cfg := r.config()
	if mod != nil {
		mod(&cfg)
	}
	f, err := NewFetcher(cfg)
	require.NoError(t, err)
	return f
}

func dayFiles(r *remote) []string {
	var names []string
	for name := range r.files {
		if DayMatcher(day)(name) {
			names = append(names, name)
		}
	}
	return names
}

func statuses(files []File) map[string]Status {
	m := map[string]Status{}
	for _, f := range files {
		m[f.Name] = f.Status
	}
	return m
}

// checkLocal asserts dir holds exactly the named files with the server's
// bytes, and no part file.
func checkLocal(t *testing.T, r *remote, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	assert.ElementsMatch(t, names, got)
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		assert.True(t, bytes.Equal(r.files[name], b), "%s differs from the server's", name)
	}
}

func TestFetchDayAndRerun(t *testing.T) {
	r := newRemote(t)
	local := t.TempDir()
	f := r.fetcher(t, nil)
	var progressed int64
	files, err := f.FetchDay(context.Background(), day, local, func(name string, done, size int64) { progressed = done })
	require.NoError(t, err)
	require.Len(t, files, 3)
	for _, file := range files {
		assert.Equal(t, Downloaded, file.Status, file.Name)
		assert.Equal(t, filepath.Join(local, file.Name), file.Path)
	}
	assert.Positive(t, progressed)
	checkLocal(t, r, local, dayFiles(r)...)

	served := r.srv.BytesRead(files[0].Name)
	files, err = f.FetchDay(context.Background(), day, local, nil)
	require.NoError(t, err)
	for _, file := range files {
		assert.Equal(t, Skipped, file.Status, file.Name)
	}
	assert.Equal(t, served, r.srv.BytesRead(files[0].Name), "a re-run reads nothing again")
	checkLocal(t, r, local, dayFiles(r)...)
}

func TestList(t *testing.T) {
	r := newRemote(t)
	files, err := r.fetcher(t, nil).List(context.Background(), DayMatcher(day))
	require.NoError(t, err)
	require.Len(t, files, 3)
	assert.Equal(t, "SETTLEMENT_DETAIL_1022188000000000001_20261129.xlsx", files[0].Name)
	assert.Equal(t, int64(len(r.files[files[0].Name])), files[0].Size)
}

func TestHostKeyChecks(t *testing.T) {
	r := newRemote(t)
	_, other, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	otherSigner, err := ssh.NewSignerFromKey(other)
	require.NoError(t, err)
	otherLine := string(ssh.MarshalAuthorizedKey(otherSigner.PublicKey()))

	knownHosts := func(lines ...string) *HostKeys {
		name := filepath.Join(t.TempDir(), "known_hosts")
		require.NoError(t, os.WriteFile(name, []byte(strings.Join(lines, "\n")+"\n"), 0o600))
		hk, err := KnownHosts(name)
		require.NoError(t, err)
		return hk
	}
	otherHost := "[127.0.0.2]:22 " + strings.TrimSpace(otherLine)
	tests := []struct {
		name    string
		keys    *HostKeys
		wantErr error
	}{
		{"pinned key of another server", mustPinned(t, otherLine), ErrHostKey},
		{"known_hosts without the server", knownHosts(otherHost), ErrHostKey},
		{"known_hosts with another key for the server", knownHosts(strings.Replace(otherHost, "[127.0.0.2]:22", knownhosts.Normalize(r.srv.Addr), 1)), ErrHostKey},
		{"known_hosts with the server", knownHosts(otherHost, r.srv.KnownHostsLine()), nil},
		{"pinned key", mustPinned(t, string(ssh.MarshalAuthorizedKey(r.srv.HostKey))), nil},
		{"pinned key as a known_hosts line", mustPinned(t, r.srv.KnownHostsLine()), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			failedBefore := r.srv.FailedLogins()
			loginsBefore := r.srv.Logins()
			f := r.fetcher(t, func(c *Config) { c.HostKeys = tt.keys })
			files, err := f.FetchDay(context.Background(), day, t.TempDir(), nil)
			if tt.wantErr == nil {
				require.NoError(t, err)
				assert.Len(t, files, 3)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			assert.Empty(t, files)
			assert.Equal(t, failedBefore, r.srv.FailedLogins(), "no password was sent to an untrusted server")
			assert.Equal(t, loginsBefore, r.srv.Logins())
		})
	}

	t.Run("no host key check is refused", func(t *testing.T) {
		cfg := r.config()
		cfg.HostKeys = nil
		_, err := NewFetcher(cfg)
		require.ErrorContains(t, err, "an unknown server is never trusted")
	})
	t.Run("bad pinned key", func(t *testing.T) {
		_, err := PinnedKey("ssh-ed25519 not-base64")
		require.Error(t, err)
	})
	t.Run("missing known_hosts file", func(t *testing.T) {
		_, err := KnownHosts(filepath.Join(t.TempDir(), "nope"))
		require.ErrorIs(t, err, os.ErrNotExist)
	})
}

func mustPinned(t *testing.T, line string) *HostKeys {
	t.Helper()
	hk, err := PinnedKey(line)
	require.NoError(t, err)
	return hk
}

func TestLogin(t *testing.T) {
	r := newRemote(t)
	t.Run("wrong password", func(t *testing.T) {
		before := r.srv.FailedLogins()
		f := r.fetcher(t, func(c *Config) { c.Password = "wrong" })
		_, err := f.FetchDay(context.Background(), day, t.TempDir(), nil)
		require.ErrorIs(t, err, ErrLogin)
		assert.NotContains(t, err.Error(), "wrong", "the password is never echoed")
		assert.Equal(t, before+1, r.srv.FailedLogins(), "a refused login is not retried")
	})
	t.Run("wrong user", func(t *testing.T) {
		f := r.fetcher(t, func(c *Config) { c.User = "someone" })
		_, err := f.FetchDay(context.Background(), day, t.TempDir(), nil)
		require.ErrorIs(t, err, ErrLogin)
	})
	t.Run("key", func(t *testing.T) {
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		require.NoError(t, err)
		signer, err := ssh.NewSignerFromKey(priv)
		require.NoError(t, err)
		r.srv.AuthorizeKey(signer.PublicKey())
		f := r.fetcher(t, func(c *Config) { c.Password, c.Key = "", signer })
		files, err := f.FetchDay(context.Background(), day, t.TempDir(), nil)
		require.NoError(t, err)
		assert.Len(t, files, 3)
	})
}

func TestDroppedConnection(t *testing.T) {
	const name = "SETTLEMENT_SUMMARY_1022188000000000001_20261129.csv"
	t.Run("retried and resumed", func(t *testing.T) {
		r := newRemote(t)
		r.srv.DropAfter(name, 100_000)
		local := t.TempDir()
		logins := r.srv.Logins()
		files, err := r.fetcher(t, nil).FetchDay(context.Background(), day, local, nil)
		require.NoError(t, err)
		assert.Equal(t, Downloaded, statuses(files)[name])
		assert.Equal(t, logins+2, r.srv.Logins(), "one reconnection")
		checkLocal(t, r, local, dayFiles(r)...)
	})
	t.Run("never a half file under the final name", func(t *testing.T) {
		r := newRemote(t)
		r.srv.DropAfter(name, 100_000)
		local := t.TempDir()
		f := r.fetcher(t, func(c *Config) { c.Attempts = 1 })
		files, err := f.FetchDay(context.Background(), day, local, nil)
		require.Error(t, err)
		assert.Contains(t, err.Error(), name)
		assert.Equal(t, Failed, statuses(files)[name])
		assert.NoFileExists(t, filepath.Join(local, name))

		// The next run completes it.
		files, err = f.FetchDay(context.Background(), day, local, nil)
		require.NoError(t, err)
		assert.Equal(t, Downloaded, statuses(files)[name])
		checkLocal(t, r, local, dayFiles(r)...)
	})
}

func TestFileStillBeingWritten(t *testing.T) {
	const name = "TRANSACTION_DETAIL_1022188000000000001_20261129.csv"
	more := []byte("more lines\n<END>\n")
	grow := func(path string) error {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			return err
		}
		_, err = f.Write(more)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	// rewrite changes the bytes but not the size: only the modification
	// time tells.
	rewrite := func(path string) error {
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		b[0] ^= 1
		if err := os.WriteFile(path, b, 0o644); err != nil {
			return err
		}
		later := time.Now().Add(time.Hour)
		return os.Chtimes(path, later, later)
	}
	tests := []struct {
		name   string
		change func(string) error
		freeze bool // the server caches attributes: only the bytes read tell
		want   func(old []byte) []byte
	}{
		{"grows", grow, false, func(old []byte) []byte { return append(old, more...) }},
		{"grows, stat cached", grow, true, func(old []byte) []byte { return append(old, more...) }},
		{"shrinks, stat cached", func(path string) error { return os.Truncate(path, 1000) }, true, nil},
		{"rewritten, same size", rewrite, false, func(old []byte) []byte {
			b := append([]byte(nil), old...)
			b[0] ^= 1
			return b
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRemote(t)
			r.srv.OnFirstRead(name, tt.change)
			if tt.freeze {
				require.NoError(t, r.srv.FreezeStat(name))
			}
			local := t.TempDir()
			f := r.fetcher(t, nil)
			files, err := f.FetchDay(context.Background(), day, local, nil)
			require.ErrorIs(t, err, ErrChanging)
			assert.Equal(t, Failed, statuses(files)[name])
			var others []string
			for _, n := range dayFiles(r) {
				if n != name {
					others = append(others, n)
				}
			}
			checkLocal(t, r, local, others...) // no part, no final file of the changing one

			if tt.freeze {
				return // the cached size would be wrong forever
			}
			// Finished now: the next run takes the whole file.
			r.files[name] = tt.want(r.files[name])
			files, err = f.FetchDay(context.Background(), day, local, nil)
			require.NoError(t, err)
			assert.Equal(t, Downloaded, statuses(files)[name])
			checkLocal(t, r, local, dayFiles(r)...)
		})
	}
}

func TestPartialFile(t *testing.T) {
	const name = "SETTLEMENT_SUMMARY_1022188000000000001_20261129.csv"
	r := newRemote(t)
	info, err := os.Stat(filepath.Join(r.dir, name))
	require.NoError(t, err)
	size := info.Size()
	partName := func(size int64, mtime time.Time) string {
		return "." + name + "." + strconv.FormatInt(size, 10) + "-" + strconv.FormatInt(mtime.Unix(), 10) + ".part"
	}

	t.Run("resumed", func(t *testing.T) {
		local := t.TempDir()
		half := size / 2
		require.NoError(t, os.WriteFile(filepath.Join(local, partName(size, info.ModTime())), r.files[name][:half], 0o600))
		before := r.srv.BytesRead(name)
		files, err := r.fetcher(t, nil).FetchDay(context.Background(), day, local, nil)
		require.NoError(t, err)
		for _, f := range files {
			if f.Name == name {
				assert.Equal(t, half, f.Resumed)
			}
		}
		assert.Equal(t, size-half, r.srv.BytesRead(name)-before, "only the missing bytes were read")
		checkLocal(t, r, local, dayFiles(r)...)
	})
	t.Run("part of an older version is discarded", func(t *testing.T) {
		local := t.TempDir()
		stale := filepath.Join(local, partName(size-7, info.ModTime().Add(-time.Hour)))
		require.NoError(t, os.WriteFile(stale, []byte("garbage"), 0o600))
		files, err := r.fetcher(t, nil).FetchDay(context.Background(), day, local, nil)
		require.NoError(t, err)
		assert.Equal(t, Downloaded, statuses(files)[name])
		checkLocal(t, r, local, dayFiles(r)...)
	})
	t.Run("part longer than the file", func(t *testing.T) {
		local := t.TempDir()
		long := append(bytes.Repeat([]byte("x"), int(size)), "tail"...)
		require.NoError(t, os.WriteFile(filepath.Join(local, partName(size, info.ModTime())), long, 0o600))
		_, err := r.fetcher(t, nil).FetchDay(context.Background(), day, local, nil)
		require.NoError(t, err)
		checkLocal(t, r, local, dayFiles(r)...)
	})
	t.Run("a final file of another size is fetched again", func(t *testing.T) {
		local := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(local, name), []byte("old"), 0o600))
		files, err := r.fetcher(t, nil).FetchDay(context.Background(), day, local, nil)
		require.NoError(t, err)
		assert.Equal(t, Downloaded, statuses(files)[name])
		checkLocal(t, r, local, dayFiles(r)...)
	})
}

func TestContextCancelled(t *testing.T) {
	r := newRemote(t)
	local := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := r.fetcher(t, nil).FetchDay(ctx, day, local, func(string, int64, int64) { cancel() })
	require.ErrorIs(t, err, context.Canceled)
	entries, err := os.ReadDir(local)
	require.NoError(t, err)
	for _, e := range entries {
		assert.True(t, strings.HasSuffix(e.Name(), ".part"), "only a part may be left, not %s", e.Name())
	}

	_, err = r.fetcher(t, nil).FetchDay(ctx, day, local, nil)
	require.ErrorIs(t, err, context.Canceled, "an ended context does not connect")
}

func TestUnsafeNamesAndLimits(t *testing.T) {
	r := newRemote(t)
	r.put(t, `..sneaky_20261129.csv`, []byte("x"))
	r.put(t, `dir\evil_20261129.csv`, []byte("x"))
	local := t.TempDir()
	files, err := r.fetcher(t, nil).Fetch(context.Background(), local, nil, nil)
	require.ErrorIs(t, err, ErrUnsafeName)
	st := statuses(files)
	assert.Equal(t, Failed, st[`..sneaky_20261129.csv`])
	assert.Equal(t, Failed, st[`dir\evil_20261129.csv`])
	assert.Equal(t, Failed, st[".hidden_20261129"])
	assert.Equal(t, Downloaded, st["TRANSACTION_DETAIL_1022188000000000001_20261128.csv"])

	files, err = r.fetcher(t, func(c *Config) { c.MaxFileSize = 1000 }).FetchDay(context.Background(), day, t.TempDir(), nil)
	require.ErrorIs(t, err, ErrTooLarge)
	assert.Len(t, files, 4) // the day's three and the one with a backslash
	for _, f := range files {
		assert.Equal(t, Failed, f.Status)
	}

	_, err = r.fetcher(t, nil).FetchDay(context.Background(), day, filepath.Join(local, "missing"), nil)
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestConfig(t *testing.T) {
	r := newRemote(t)
	cfg := r.config()
	for _, s := range []string{cfg.String(), fmt.Sprintf("%#v", cfg), fmt.Sprint(cfg.LogValue())} {
		assert.NotContains(t, s, r.srv.Password)
		assert.Contains(t, s, r.srv.Addr)
	}
	for name, mod := range map[string]func(*Config){
		"no address":  func(c *Config) { c.Addr = "" },
		"no user":     func(c *Config) { c.User = "" },
		"no password": func(c *Config) { c.Password = "" },
	} {
		c := r.config()
		mod(&c)
		_, err := NewFetcher(c)
		assert.Error(t, err, name)
	}
	c, err := Config{Addr: "isftp.alipay.com", User: "u", Password: "p", HostKeys: &HostKeys{}}.withDefaults()
	require.NoError(t, err)
	assert.Equal(t, "isftp.alipay.com:22", c.Addr)
}
