// Command webhook is a small server that receives Antom notifications,
// verifies their signatures, logs them and acknowledges them.
//
// Run plainly, it works offline and exits on its own: it makes a throwaway
// key pair that stands in for Antom's, starts the handler on 127.0.0.1,
// sends itself one signed payment notification and one tampered copy, and
// prints what it received and what it answered:
//
//	go run ./examples/webhook
//
// With -listen it serves for real until interrupted, with the client ID and
// keys from the environment (PEM or bare base64, as Antom Dashboard shows
// them):
//
//	ALIPAY_CLIENT_ID=SANDBOX_5X00000000000000 \
//	ALIPAY_PRIVATE_KEY="$(cat merchant_private.pem)" \
//	ALIPAY_PUBLIC_KEY="$(cat antom_public.pem)" \
//	go run ./examples/webhook -listen :8080 -path /alipay/notify
//
// Register https://<your host>/alipay/notify as the notify URL. If a proxy
// in front rewrites the path, pass the path Antom calls with -public-path.
package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/xborderpay/alipay"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "webhook:", err)
		os.Exit(1)
	}
}

// run parses args and either runs the offline demo or, with -listen,
// serves until ctx ends. Everything it prints goes to w.
func run(ctx context.Context, w io.Writer, args []string) error {
	w = &syncWriter{w: w} // the server's goroutines print too
	fs := flag.NewFlagSet("webhook", flag.ContinueOnError)
	fs.SetOutput(w)
	listen := fs.String("listen", "", "serve on this address (e.g. :8080) with keys from the environment; without it, run the offline demo")
	path := fs.String("path", "/alipay/notify", "path to serve notifications on")
	publicPath := fs.String("public-path", "", "path Antom calls, when a proxy rewrites it to -path")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if !strings.HasPrefix(*path, "/") {
		return fmt.Errorf("-path %q must start with /", *path)
	}
	logger := slog.New(slog.NewTextHandler(w, nil))
	if *listen == "" {
		return demo(ctx, w, logger, *path)
	}

	var missing []string
	for _, name := range []string{"ALIPAY_CLIENT_ID", "ALIPAY_PRIVATE_KEY", "ALIPAY_PUBLIC_KEY"} {
		if os.Getenv(name) == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("-listen needs ALIPAY_CLIENT_ID, ALIPAY_PRIVATE_KEY (the merchant's) and ALIPAY_PUBLIC_KEY (Antom's) in the environment; missing: %s", strings.Join(missing, ", "))
	}
	clientID, privateKey, publicKey := os.Getenv("ALIPAY_CLIENT_ID"), os.Getenv("ALIPAY_PRIVATE_KEY"), os.Getenv("ALIPAY_PUBLIC_KEY")
	opts := []alipay.Option{
		alipay.WithPrivateKey(privateKey),
		alipay.WithAlipayPublicKey(publicKey),
		alipay.WithLogger(logger),
	}
	if *publicPath != "" {
		pp := *publicPath
		opts = append(opts, alipay.WithNotificationURI(func(r *http.Request) string {
			if r.URL.RawQuery != "" {
				return pp + "?" + r.URL.RawQuery
			}
			return pp
		}))
	}
	c, err := alipay.NewClient(clientID, opts...)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "listening on %s, notifications at %s\n", ln.Addr(), *path)
	return serve(ctx, ln, newMux(c, *path, logger, nil))
}

// newMux serves the notification handler on path. handle, if not nil, is
// called with each verified notification after it is logged.
func newMux(c *alipay.Client, path string, logger *slog.Logger, handle func(*alipay.Notification)) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle(path, c.NotificationHandler(func(ctx context.Context, n *alipay.Notification) error {
		// A real merchant records the event here, keyed by n.DedupeKey()
		// so that Antom's resends are recognised, and returns an error if
		// it could not be stored: Antom then sends it again.
		// The Notification logs as type, IDs and result, never its body.
		logger.InfoContext(ctx, "notification", "n", n, "dedupeKey", n.DedupeKey())
		if handle != nil {
			handle(n)
		}
		return nil
	}))
	return mux
}

// newServer returns the HTTP server for h. Every phase of a connection is
// bounded, so that clients that send slowly, or connect and wait, cannot
// hold connections open: the handler's own read deadline
// (alipay.DefaultNotificationReadTimeout) bounds a body that trickles in,
// ReadTimeout the whole request, WriteTimeout the handler's work and the
// answer, IdleTimeout a kept-alive connection between notifications.
func newServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

// serve runs an HTTP server on ln until ctx ends, then shuts it down.
func serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := newServer(h)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// demo plays both sides offline: Antom (a throwaway key pair) and the
// merchant's server on 127.0.0.1.
func demo(ctx context.Context, w io.Writer, logger *slog.Logger, path string) error {
	const clientID = "SANDBOX_WEBHOOK_DEMO"
	antom, err := newKeyPair()
	if err != nil {
		return err
	}
	merchant, err := newKeyPair()
	if err != nil {
		return err
	}
	c, err := alipay.NewClient(clientID,
		alipay.WithPrivateKey(merchant.privatePEM),
		alipay.WithAlipayPublicKey(antom.publicPEM),
		alipay.WithLogger(logger),
	)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	served := make(chan error, 1)
	mux := newMux(c, path, logger, func(n *alipay.Notification) {
		fmt.Fprintf(w, "received: %s %s %s, paid %s\n", n.NotifyType, n.Payment.PaymentRequestID, n.Payment.PaymentAmount, n.Payment.PaymentTime.Format(time.RFC3339))
	})
	go func() { served <- serve(ctx, ln, mux) }()

	url := "http://" + ln.Addr().String() + path
	now := time.Now().Truncate(time.Second)
	body := fmt.Sprintf(`{"notifyType":"PAYMENT_RESULT","result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentRequestId":"DEMO-ORDER-1","paymentId":"2026DEMO0000000000001","paymentAmount":{"currency":"USD","value":"1025"},"paymentCreateTime":%q,"paymentTime":%q}`,
		now.Add(-time.Minute).Format(time.RFC3339), now.Format(time.RFC3339))
	reqTime := now.Format(time.RFC3339)

	status, ack, err := postNotification(ctx, url, path, clientID, reqTime, body, body, antom.key)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "answer: %d %s\n", status, ack)

	// The same notification with the amount changed on the way.
	tampered := strings.Replace(body, `"1025"`, `"9025"`, 1)
	status, _, err = postNotification(ctx, url, path, clientID, reqTime, tampered, body, antom.key)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "tampered copy: %d %s\n", status, http.StatusText(status))

	cancel()
	return <-served
}

// postNotification posts body to url as Antom does, with a signature made
// with key over signed (body itself, unless the demo tampers with it).
func postNotification(ctx context.Context, url, uri, clientID, reqTime, body, signed string, key *rsa.PrivateKey) (int, string, error) {
	sig, err := alipay.NewSigner(key).Sign(ctx, alipay.SignContent(http.MethodPost, uri, clientID, reqTime, []byte(signed)))
	if err != nil {
		return 0, "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	req.Header.Set("Client-Id", clientID)
	req.Header.Set("Request-Time", reqTime)
	req.Header.Set("Signature", alipay.SignatureHeader{Algorithm: alipay.AlgorithmRSA256, KeyVersion: "1", Signature: sig}.Encode())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	ack, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	return resp.StatusCode, strings.TrimSpace(string(ack)), err
}

// keyPair is a throwaway RSA key pair for the offline demo.
type keyPair struct {
	key        *rsa.PrivateKey
	privatePEM string // PKCS #8
	publicPEM  string // SubjectPublicKeyInfo
}

func newKeyPair() (keyPair, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return keyPair{}, err
	}
	priv, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return keyPair{}, err
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return keyPair{}, err
	}
	return keyPair{
		key:        key,
		privatePEM: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: priv})),
		publicPEM:  string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})),
	}, nil
}

// syncWriter serialises writes from the server's goroutines and run's.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
