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

	qrcode "github.com/skip2/go-qrcode"

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
	f := newFlags("sandbox", "alipay sandbox [-addr HOST:PORT] [-client-id ID] [-keys DIR] [-notify-url URL] [-qr]", sandboxAbout)
	addr := f.String("addr", "127.0.0.1:8080", "`address` to listen on; port 0 picks a free one")
	clientID := f.String("client-id", "", "client `ID` to accept (default: a random SANDBOX_ ID)")
	notifyURL := f.String("notify-url", "", "`URL` to notify when a request has no paymentNotifyUrl or refundNotifyUrl, as configured in Antom Dashboard")
	keysDir := f.String("keys", "", "write the keys into `DIR` (created if missing) as files instead of printing them")
	qr := f.Bool("qr", false, "print a QR code of the payments page, for a phone on the same network (on by default when -addr is not a loopback address)")
	if err := f.parse(a.stdout, args, 0); err != nil {
		return err
	}
	if *keysDir != "" {
		// Before anything is printed: a banner followed by a failure
		// leaves the user reading instructions that do not hold.
		if err := os.MkdirAll(*keysDir, 0o700); err != nil {
			return fmt.Errorf("-keys: %w", err)
		}
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
	front := publicURL(l.Addr(), interfaceAddrs())
	srv := alipaytest.NewUnstartedServer(append(opts, alipaytest.WithPublicURL(front))...)
	srv.Start()
	defer srv.Close()
	backend, err := url.Parse(srv.URL)
	if err != nil {
		return err
	}

	if !f.given("qr") {
		*qr = !isLoopbackAddr(l.Addr())
	}
	if err := a.printSandboxConfig(srv, front, *keysDir, *qr); err != nil {
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

// publicURL is the base URL that a browser uses for addr. Listening on
// every interface (0.0.0.0 or ::) means other devices are meant to connect,
// so the links name an address of this machine they can reach (the first
// non-loopback unicast address of ifaces, IPv4 first), not localhost.
func publicURL(addr net.Addr, ifaces []net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return "http://" + addr.String()
	}
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host = reachableHost(ifaces)
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(tcp.Port))
}

// reachableHost picks the address another device on the network would use,
// or localhost when this machine has none.
func reachableHost(ifaces []net.Addr) string {
	var v6 string
	for _, a := range ifaces {
		n, ok := a.(*net.IPNet)
		if !ok || n.IP.IsLoopback() || n.IP.IsLinkLocalUnicast() || !n.IP.IsGlobalUnicast() {
			continue
		}
		if n.IP.To4() != nil {
			return n.IP.String()
		}
		if v6 == "" {
			v6 = n.IP.String()
		}
	}
	if v6 != "" {
		return v6
	}
	return "localhost"
}

func interfaceAddrs() []net.Addr {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil // links then say localhost
	}
	return addrs
}

func isLoopbackAddr(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

func (a *app) printSandboxConfig(srv *alipaytest.Server, front, keysDir string, qr bool) error {
	w := a.stdout
	fmt.Fprintf(w, "Fake Antom gateway (alipaytest) listening on %s\n", front)
	fmt.Fprintln(w, "No real money moves; nothing leaves this machine. Stop it with Ctrl-C.")
	fmt.Fprintln(w, "\nConfigure your integration with:")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  endpoint\t%s\talipay.WithEndpoint\n", front)
	fmt.Fprintf(tw, "  client ID\t%s\talipay.NewClient\n", srv.ClientID())
	keys := []sandboxKey{
		{"merchant private key", "merchant_private_key.pem", srv.MerchantPrivateKeyPEM(), "alipay.WithPrivateKey", 0o600},
		{"merchant public key", "merchant_public_key.pem", srv.MerchantPublicKeyPEM(), "(what you would upload to Antom Dashboard)", 0o644},
		{"Antom public key", "antom_public_key.pem", srv.AlipayPublicKeyPEM(), "alipay.WithAlipayPublicKey", 0o644},
	}
	if err := listSandboxKeys(w, tw, keysDir, keys); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nThese keys are made for this run only and protect nothing.")
	fmt.Fprintf(w, "Payments so far: %s/  Cashier pages: %s/cashier/<paymentId>\n", front, front)
	fmt.Fprintf(w, "Checkout Pages (createPaymentSession): %s/checkout/<paymentSessionId>\n", front)
	if qr {
		code, err := qrcode.New(front+"/", qrcode.Medium)
		if err != nil {
			return fmt.Errorf("drawing the QR code: %w", err)
		}
		fmt.Fprintf(w, "\nOn a phone on the same network, scan this to open %s/ and its cashier pages:\n%s", front, code.ToSmallString(false))
	}
	fmt.Fprintln(w, "\nLog:")
	return nil
}

// clockFunc adapts the app's clock to alipay.Clock (alipaytest.Clock).
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

// sandboxKey is a key a sandbox made for the run: label names it in the
// listing, file in keysDir, use says where an integration passes it.
type sandboxKey struct {
	label, file, data, use string
	mode                   os.FileMode
}

// listSandboxKeys lists the keys on tw and flushes it: each written to
// keysDir with its mode, or, with no keysDir, printed to w after the list.
func listSandboxKeys(w io.Writer, tw *tabwriter.Writer, keysDir string, keys []sandboxKey) error {
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
	return nil
}
