// Command shop is a reference merchant integration of Antom cashier
// payments: a small web shop that follows Antom's integration guide for
// non-card payment methods
// (https://global.alipay.com/docs/ac/cashierpay/noncard_payment) on a real
// database, safe to run as several instances.
//
//	go run ./examples/shop
//
// starts it offline: a fake Antom gateway (alipaytest) in process and an
// SQLite file in a temporary directory. Open the address it prints, buy
// something, and pay on the fake's cashier page. See README.md beside this
// file for what each part shows and which parts to copy.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/alipaytest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "shop:", err)
		os.Exit(1)
	}
}

// run starts the shop and serves until ctx is done. Configuration comes
// from flags and the environment:
//
//	DATABASE_URL        postgres://... to use PostgreSQL; otherwise SQLite at -db
//	ALIPAY_CLIENT_ID, ALIPAY_PRIVATE_KEY, ALIPAY_PUBLIC_KEY, ALIPAY_ENDPOINT
//	                    a real Antom account (or any gateway, such as alipay sandbox);
//	                    without them an in-process alipaytest gateway is started
//	SHOP_PUBLIC_URL     the shop's address as Antom and buyers reach it (a load balancer)
func run(ctx context.Context, args []string, getenv func(string) string, stdout *os.File) error {
	fs := flag.NewFlagSet("shop", flag.ContinueOnError)
	listen := fs.String("listen", envOr(getenv, "SHOP_LISTEN", "127.0.0.1:8080"), "address to serve on")
	dbPath := fs.String("db", envOr(getenv, "SHOP_DB", ""), "SQLite file (default: a new file in a temporary directory)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := defaultConfig()
	if err := cfg.fromEnv(getenv); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))

	client, fake, err := antomClient(getenv, logger)
	if err != nil {
		return err
	}
	if fake != nil {
		defer fake.Close()
	}

	dsn := getenv("DATABASE_URL")
	if dsn == "" {
		dsn = *dbPath
		if dsn == "" {
			dir, err := os.MkdirTemp("", "shop-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			dsn = filepath.Join(dir, "shop.db")
		}
	}
	db, err := OpenDB(dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	if cfg.PublicURL == "" {
		cfg.PublicURL = base
	}
	shop, err := NewShop(cfg, db, client, logger)
	if err != nil {
		return err
	}
	if fake != nil {
		shop.reports = fake
	}

	where := "SQLite " + dsn
	if db.Postgres {
		where = "PostgreSQL"
	}
	fmt.Fprintf(stdout, "shop %s listening on %s (%s)\n", cfg.Instance, base, where)
	if fake != nil {
		fmt.Fprintf(stdout, "Offline: payments go to a fake Antom gateway (alipaytest) at %s.\n", fake.URL)
		fmt.Fprintf(stdout, "Open %s in a browser.\n", cfg.PublicURL)
	}

	srv := &http.Server{Handler: shop.Handler(), ReadHeaderTimeout: 10 * time.Second}
	workerCtx, stopWorker := context.WithCancel(ctx)
	defer stopWorker()
	if cfg.Worker {
		go shop.RunWorker(workerCtx)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	stopWorker()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// antomClient builds the client for the gateway the environment names, or
// starts an alipaytest gateway when it names none.
func antomClient(getenv func(string) string, logger *slog.Logger) (*alipay.Client, *alipaytest.Server, error) {
	id := getenv("ALIPAY_CLIENT_ID")
	if id == "" {
		fake := alipaytest.NewServer()
		return fake.Client(alipay.WithLogger(logger)), fake, nil
	}
	opts := []alipay.Option{
		alipay.WithPrivateKey(getenv("ALIPAY_PRIVATE_KEY")),
		alipay.WithAlipayPublicKey(getenv("ALIPAY_PUBLIC_KEY")),
		alipay.WithLogger(logger),
	}
	if ep := getenv("ALIPAY_ENDPOINT"); ep != "" {
		opts = append(opts, alipay.WithEndpoint(ep))
	}
	c, err := alipay.NewClient(id, opts...)
	return c, nil, err
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// newID returns prefix followed by 16 random hex digits.
func newID(prefix string) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

func parseDurationEnv(getenv func(string) string, key string, dst *time.Duration) error {
	v := strings.TrimSpace(getenv(key))
	if v == "" {
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return fmt.Errorf("%s=%q is not a positive duration", key, v)
	}
	*dst = d
	return nil
}
