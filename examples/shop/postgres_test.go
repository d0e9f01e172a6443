package main

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The PostgreSQL tests use DATABASE_URL when it is set (a database the
// tests may create databases in), or start a throwaway cluster of their
// own: initdb and pg_ctl from PATH or Debian's /usr/lib/postgresql/*/bin,
// on a temporary directory and a loopback port, run as the postgres user
// when the tests run as root (PostgreSQL refuses root). They skip, saying
// why, only when no PostgreSQL can be found.

var (
	pgOnce    sync.Once
	pgBaseURL string // postgres://.../postgres for administration
	pgSkip    string
	pgStop    func()
	pgSeq     atomic.Int64
)

func stopPostgres() {
	if pgStop != nil {
		pgStop()
	}
}

// postgresDSN returns the URL of a new, empty database for this test.
func postgresDSN(t testing.TB) string {
	t.Helper()
	pgOnce.Do(startPostgres)
	if pgSkip != "" {
		t.Skip("PostgreSQL not available: " + pgSkip)
	}
	admin, err := sql.Open("pgx", pgBaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := fmt.Sprintf("shoptest_%d_%d", os.Getpid(), pgSeq.Add(1))
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", pgBaseURL)
		if err == nil {
			_, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			admin.Close()
		}
	})
	u := pgBaseURL[:strings.LastIndex(pgBaseURL, "/")+1] + name
	if i := strings.Index(pgBaseURL, "?"); i >= 0 {
		u += pgBaseURL[i:]
	}
	return u
}

func startPostgres() {
	if u := os.Getenv("DATABASE_URL"); u != "" {
		pgBaseURL = u
		return
	}
	bin, err := findPostgresBin()
	if err != nil {
		pgSkip = err.Error()
		return
	}
	dir, err := os.MkdirTemp("", "shop-pg-")
	if err != nil {
		pgSkip = err.Error()
		return
	}
	var asUser []string
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			pgSkip = "running as root and there is no postgres user to run the server as"
			return
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			pgSkip = err.Error()
			return
		}
		runuser, err := exec.LookPath("runuser")
		if err != nil {
			pgSkip = "running as root and runuser is missing"
			return
		}
		asUser = []string{runuser, "-u", "postgres", "--"}
	}
	port, err := freePort()
	if err != nil {
		pgSkip = err.Error()
		return
	}
	data := filepath.Join(dir, "data")
	cmd := func(args ...string) error {
		full := append(append([]string{}, asUser...), args...)
		out, err := exec.Command(full[0], full[1:]...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %v: %s", strings.Join(args[:1], " "), err, out)
		}
		return nil
	}
	if err := cmd(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"); err != nil {
		pgSkip = err.Error()
		return
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", port, dir)
	if err := cmd(filepath.Join(bin, "pg_ctl"), "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "start"); err != nil {
		pgSkip = err.Error()
		return
	}
	pgStop = func() {
		_ = cmd(filepath.Join(bin, "pg_ctl"), "-D", data, "-m", "immediate", "stop")
		os.RemoveAll(dir)
	}
	pgBaseURL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	db, err := sql.Open("pgx", pgBaseURL)
	if err == nil {
		err = db.PingContext(ctx)
		db.Close()
	}
	if err != nil {
		pgSkip = "the test cluster did not answer: " + err.Error()
	}
}

func findPostgresBin() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("pg_ctl"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(matches) == 0 {
		return "", fmt.Errorf("no initdb in PATH or /usr/lib/postgresql/*/bin (install Debian's postgresql package, or set DATABASE_URL)")
	}
	return filepath.Dir(matches[len(matches)-1]), nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
