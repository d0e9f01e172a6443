package httpx

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// ErrRedirect is wrapped by the error of a call whose answer was a
// redirect. Redirects are never followed: a 3xx from a payment endpoint
// would re-send the whole signed request to a host nobody configured.
var ErrRedirect = errors.New("redirect refused")

// NewPooledClient returns the default HTTP client of an SDK client: a clone
// of http.DefaultTransport that keeps up to maxIdlePerHost idle connections
// per host, so concurrent callers reuse connections instead of handshaking.
func NewPooledClient(maxIdlePerHost int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = maxIdlePerHost
	return &http.Client{Transport: t}
}

// Harden returns a shallow copy of hc (never hc itself, which the caller
// may share) that refuses redirects, whose transport ignores
// CloseIdleConnections, and whose Timeout is at most timeout (0 leaves
// hc's Timeout as it is).
//
// go-retryablehttp calls CloseIdleConnections on the client after a failed
// call; forwarded to a shared transport, one outage would make every later
// call, and every other user of that transport, pay a new TLS handshake.
func Harden(hc *http.Client, timeout time.Duration) *http.Client {
	copied := *hc
	copied.CheckRedirect = refuseRedirect
	rt := copied.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	if _, ok := rt.(keepIdle); !ok {
		copied.Transport = keepIdle{rt}
	}
	if timeout > 0 && (copied.Timeout == 0 || copied.Timeout > timeout) {
		copied.Timeout = timeout
	}
	return &copied
}

// keepIdle hides the CloseIdleConnections method of the transport it wraps.
type keepIdle struct{ rt http.RoundTripper }

func (k keepIdle) RoundTrip(req *http.Request) (*http.Response, error) { return k.rt.RoundTrip(req) }

// refuseRedirect makes http.Client return the 3xx response itself, which
// the caller then turns into an error with RedirectError.
func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// IsRedirect reports whether status is a redirect that a client following
// redirects would have followed.
func IsRedirect(status int) bool {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// RedirectError describes a refused redirect: its status and the host (not
// the whole URL, which may carry a token) of its Location.
func RedirectError(resp *http.Response) error {
	host := "no Location header"
	if loc, err := resp.Location(); err == nil {
		host = fmt.Sprintf("Location host %q", Truncate(loc.Host, 80))
	} else if resp.Header.Get("Location") != "" {
		host = "an unparsable Location header"
	}
	return fmt.Errorf("%w: HTTP %d to %s; the request was not re-sent", ErrRedirect, resp.StatusCode, host)
}
