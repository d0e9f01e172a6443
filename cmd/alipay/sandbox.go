package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/xborderpay/alipay/alipaytest"
)

const sandboxAbout = `Runs a fake Antom gateway (package alipaytest) on a local address until you
stop it with Ctrl-C: the payment APIs under /ams/api/ and /ams/sandbox/api/, a
cashier page at each payment's normalUrl where you pay or decline, a
Checkout Page at each createPaymentSession normalUrl where you choose a
payment method and pay or decline, signed notifications to your notify URL
with Antom's retry schedule, and a list of payments at /. No real money
moves and nothing leaves this machine.

It prints the endpoint, client ID and keys to configure, then logs every API
call, cashier and checkout page visit and notification as it happens.
`

func (a *app) sandbox(ctx context.Context, args []string) error {
	f := newFlags("sandbox", "alipay sandbox [-addr HOST:PORT] [-client-id ID] [-keys DIR] [-notify-url URL]", sandboxAbout)
	addr := f.String("addr", "127.0.0.1:8080", "`address` to listen on; port 0 picks a free one")
	clientID := f.String("client-id", "", "client `ID` to accept (default: a random SANDBOX_ ID)")
	notifyURL := f.String("notify-url", "", "`URL` to notify when a request has no paymentNotifyUrl or refundNotifyUrl, as configured in Antom Dashboard")
	keysDir := f.String("keys", "", "write the keys into `DIR` as files instead of printing them")
	if err := f.parse(a.stdout, args, 0); err != nil {
		return err
	}
	if *notifyURL != "" {
		if u, err := url.Parse(*notifyURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usagef("-notify-url %q is not an http:// or https:// URL", *notifyURL)
		}
	}

	log := &sandboxLog{w: a.stdout, now: a.now}
	opts := []alipaytest.Option{
		alipaytest.WithClock(clockFunc(a.now)),
		alipaytest.WithNotifyHTTPClient(&http.Client{Timeout: 10 * time.Second, Transport: &notifyLogger{log: log, next: http.DefaultTransport},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}),
	}
	if *clientID != "" {
		opts = append(opts, alipaytest.WithClientID(*clientID))
	}
	if *notifyURL != "" {
		opts = append(opts, alipaytest.WithNotifyURL(*notifyURL))
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", *addr, err)
	}
	defer l.Close()

	// The gateway runs on its own loopback port behind a logging proxy on
	// the public address. Its links (the cashier page at normalUrl, ...)
	// point at the proxy, so every page visit is logged too.
	front := publicURL(l.Addr())
	srv := alipaytest.NewUnstartedServer(append(opts, alipaytest.WithPublicURL(front))...)
	srv.Start()
	defer srv.Close()
	backend, err := url.Parse(srv.URL)
	if err != nil {
		return err
	}

	if err := a.printSandboxConfig(srv, front, *keysDir); err != nil {
		return err
	}
	hs := &http.Server{Handler: log.middleware(httputil.NewSingleHostReverseProxy(backend)), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(l) }()
	select {
	case <-ctx.Done():
	case err := <-served:
		return fmt.Errorf("serving: %w", err)
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("stopping: %w", err)
	}
	log.printf("sandbox stopped")
	return nil
}

// publicURL is the base URL a browser on this machine uses for addr.
func publicURL(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return "http://" + addr.String()
	}
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(tcp.Port))
}

func (a *app) printSandboxConfig(srv *alipaytest.Server, front, keysDir string) error {
	w := a.stdout
	fmt.Fprintf(w, "Fake Antom gateway (alipaytest) listening on %s\n", front)
	fmt.Fprintln(w, "No real money moves; nothing leaves this machine. Stop it with Ctrl-C.")
	fmt.Fprintln(w, "\nConfigure your integration with:")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  endpoint\t%s\talipay.WithEndpoint\n", front)
	fmt.Fprintf(tw, "  client ID\t%s\talipay.NewClient\n", srv.ClientID())
	keys := []struct {
		label, file, data, use string
		mode                   os.FileMode
	}{
		{"merchant private key", "merchant_private_key.pem", srv.MerchantPrivateKeyPEM(), "alipay.WithPrivateKey", 0o600},
		{"merchant public key", "merchant_public_key.pem", srv.MerchantPublicKeyPEM(), "(what you would upload to Antom Dashboard)", 0o644},
		{"Antom public key", "antom_public_key.pem", srv.AlipayPublicKeyPEM(), "alipay.WithAlipayPublicKey", 0o644},
	}
	for _, k := range keys {
		where := "printed below"
		if keysDir != "" {
			where = filepath.Join(keysDir, k.file)
			if err := writeFileMode(where, []byte(k.data), k.mode, true); err != nil {
				return err
			}
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", k.label, where, k.use)
	}
	tw.Flush()
	if keysDir == "" {
		for _, k := range keys {
			fmt.Fprintf(w, "\n%s:\n%s", upperFirst(k.label), k.data)
		}
	}
	fmt.Fprintln(w, "\nThese keys are made for this run only and protect nothing.")
	fmt.Fprintf(w, "Payments so far: %s/  Cashier pages: %s/cashier/<paymentId>\n", front, front)
	fmt.Fprintf(w, "Checkout Pages (createPaymentSession): %s/checkout/<paymentSessionId>\n", front)
	fmt.Fprintln(w, "\nLog:")
	return nil
}

// clockFunc adapts the app's clock to alipaytest.Clock.
type clockFunc func() time.Time

func (f clockFunc) Now() time.Time { return f() }

// sandboxLog writes one line per event; the gateway, the proxy and the
// notification sender write from their own goroutines.
type sandboxLog struct {
	mu  sync.Mutex
	w   io.Writer
	now func() time.Time
}

func (l *sandboxLog) printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, "%s %s\n", l.now().Format("15:04:05.000"), fmt.Sprintf(format, args...))
}
