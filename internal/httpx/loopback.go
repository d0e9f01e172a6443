package httpx

import (
	"net"
	"strings"
)

// IsLoopbackHost reports whether host (a URL's Hostname, without port or
// brackets) is localhost or a loopback IP address (127.0.0.0/8, ::1): the
// only hosts to which plain http is allowed, so that tests can reach an
// httptest server while nothing signed or sent by Antom crosses a network
// in the clear. Host names are case-insensitive, so LOCALHOST counts too.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
