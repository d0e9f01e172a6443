package alipay

import (
	"log/slog"
	"net/http"
	"time"
)

// An Option configures a Client in NewClient.
type Option func(*settings)

// settings collects options; NewClient validates them and parses keys once.
type settings struct {
	privateKey      string
	alipayPublicKey string
	versionedKeys   []versionedKey // WithAlipayPublicKeyVersion (keyring.go)
	signer          Signer
	verifier        Verifier
	endpoint        string
	sandbox         *bool
	httpClient      *http.Client
	attemptTimeout  time.Duration
	retry           *RetryPolicy
	logger          *slog.Logger
	keyVersion      string
	agentToken      string
	notify          notifyConfig
	now             func() time.Time // WithClock (clock.go)
	respTolerance   time.Duration
}

// WithPrivateKey sets the merchant's RSA private key: PKCS #8 or PKCS #1, PEM
// or bare base64 (see ParsePrivateKey). It is parsed once, in NewClient.
func WithPrivateKey(key string) Option { return func(s *settings) { s.privateKey = key } }

// WithAlipayPublicKey sets Antom's RSA public key: SubjectPublicKeyInfo,
// PKCS #1 or an X.509 certificate, PEM or bare base64 (see ParsePublicKey).
// To accept more than one key during a key rotation, see
// WithAlipayPublicKeyVersion.
func WithAlipayPublicKey(key string) Option {
	return func(s *settings) { s.alipayPublicKey = key }
}

// WithSigner signs requests with a custom Signer, such as one backed by a KMS
// or HSM. It takes precedence over WithPrivateKey.
func WithSigner(signer Signer) Option { return func(s *settings) { s.signer = signer } }

// WithVerifier verifies responses and notifications with a custom Verifier.
// It takes precedence over WithAlipayPublicKey and
// WithAlipayPublicKeyVersion; a Verifier that serves several key versions
// chooses among them itself.
func WithVerifier(v Verifier) Option { return func(s *settings) { s.verifier = v } }

// WithEndpoint sets the base URL: one of the Endpoint constants or any other
// https URL (plain http only on loopback, such as an alipaytest server). It
// is a scheme and host only: NewClient refuses a path, query or fragment,
// since Antom verifies the signature over the path it receives.
func WithEndpoint(baseURL string) Option { return func(s *settings) { s.endpoint = baseURL } }

// WithSandbox forces sandbox mode on or off. In sandbox mode the first
// /ams/api/ of every path becomes /ams/sandbox/api/ before signing. The
// default is on exactly when the client ID starts with "SANDBOX_".
func WithSandbox(on bool) Option { return func(s *settings) { s.sandbox = &on } }

// WithHTTPClient sets the HTTP client whose transport (and connection pool)
// every call uses. The client is copied, never modified: the copy follows no
// redirects (a 3xx fails the call) and never closes the transport's idle
// connections (so one failed call does not cost every later call, and every
// other user of the transport, a new TLS handshake). Each attempt is bounded
// by the per-attempt timeout (WithAttemptTimeout) as well as by the client's
// own Timeout, if it has one. The transport is shared, never replaced.
func WithHTTPClient(hc *http.Client) Option { return func(s *settings) { s.httpClient = hc } }

// WithAttemptTimeout bounds each HTTP attempt (default DefaultAttemptTimeout).
// The caller's context still bounds the whole call, retries included.
func WithAttemptTimeout(d time.Duration) Option {
	return func(s *settings) { s.attemptTimeout = d }
}

// WithResponseTimeTolerance sets how far a signed answer's Response-Time may
// lie before the call began or after its answer arrived (default
// DefaultResponseTimeTolerance). An answer outside that window, or whose
// Response-Time is not a time, is refused with an error wrapping
// ErrStaleResponse, for which IsUnknown is true: it may be a genuine answer
// recorded earlier and replayed. Widen it only for a clock known to be off;
// d < 0 turns the check off and 0 restores the default.
func WithResponseTimeTolerance(d time.Duration) Option {
	return func(s *settings) { s.respTolerance = d }
}

// WithRetry sets the retry policy; WithRetry(NoRetry) turns retries off.
func WithRetry(p RetryPolicy) Option { return func(s *settings) { s.retry = &p } }

// WithLogger sends the client's logs (debug: each attempt and retry; warn:
// rejected notifications; error: a NotificationHandler function that failed)
// to l. Without it, debug logs are dropped and the warnings and errors of
// NotificationHandler go to slog.Default(), so that a merchant sees why Antom
// keeps resending without configuring anything. Logs never hold keys,
// signatures or notification bodies.
func WithLogger(l *slog.Logger) Option { return func(s *settings) { s.logger = l } }

// WithKeyVersion sets the keyVersion sent in the Signature header (default
// "1", which Antom reads as the latest key of the client ID).
func WithKeyVersion(v string) Option { return func(s *settings) { s.keyVersion = v } }

// WithAgentToken sets the Agent-Token header that ISVs send on behalf of a
// merchant. The header is omitted when the token is empty.
func WithAgentToken(token string) Option { return func(s *settings) { s.agentToken = token } }

// notifyConfig holds the notification options (see notify.go).
type notifyConfig struct {
	maxBodyBytes int64
	tolerance    time.Duration
	publicURI    func(*http.Request) string
	readTimeout  time.Duration // WithNotificationReadTimeout
}
