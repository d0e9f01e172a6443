package alipay

import (
	"fmt"
	"mime"
	"net/http"
	"strings"
)

// unsignedCause explains an answer without a Signature header, leading with
// what is most likely wrong. A 404 or 405, a page, or a body without Antom's
// result envelope is not Antom answering: the endpoint or path is wrong, or
// something in between (a proxy, a captive portal) answered instead. Antom
// answers a wrong API path with a result code such as NO_INTERFACE_DEF, not
// with a bare 404 (https://docs.antom.com/ac/ams/api_fund).
func unsignedCause(resp *http.Response, raw []byte, hasEnvelope bool) error {
	status := resp.StatusCode
	ct := resp.Header.Get("Content-Type")
	head := fmt.Sprintf("HTTP %d %s", status, http.StatusText(status))
	transient := status == http.StatusTooManyRequests || status >= 500
	notAntom := status == http.StatusNotFound || status == http.StatusMethodNotAllowed ||
		(!hasEnvelope && !transient)
	if !notAntom {
		if !hasEnvelope {
			return fmt.Errorf("%s: the answer is %s (content type %q), not Antom's: %w: no Signature header", head, describeBody(ct, raw), ct, ErrUnsignedResponse)
		}
		return fmt.Errorf("%s: %w: no Signature header (content type %q)", head, ErrUnsignedResponse, ct)
	}
	return fmt.Errorf("%s: this is not an Antom endpoint (the answer is %s, content type %q): check WithEndpoint (one of the Endpoint constants, scheme and host only) and the API path, and that no proxy answers in Antom's place: %w: no Signature header",
		head, describeBody(ct, raw), ct, ErrUnsignedResponse)
}

// describeBody names what an unusable answer holds, for an error.
func describeBody(contentType string, raw []byte) string {
	mt, _, _ := mime.ParseMediaType(contentType)
	trimmed := strings.TrimSpace(string(raw[:min(len(raw), 64)]))
	switch {
	case len(raw) == 0:
		return "an empty body"
	case mt == "text/html" || strings.HasPrefix(trimmed, "<"):
		return "an HTML page"
	case mt != "":
		return fmt.Sprintf("a body of type %s without Antom's result envelope", truncate(mt, 48))
	}
	return "a body without Antom's result envelope"
}

// clientInvalidHint says what CLIENT_INVALID ("The client ID is invalid")
// most often means: a sandbox client ID on production paths or the reverse.
// Sandbox client IDs start with SANDBOX_ and are valid only on the
// /ams/sandbox/api/ paths (https://docs.antom.com/ac/ams/api).
func (c *Client) clientInvalidHint() string {
	sandboxID := strings.HasPrefix(c.clientID, "SANDBOX_")
	switch {
	case c.sandbox && !sandboxID:
		return fmt.Sprintf("client ID %s has no SANDBOX_ prefix, but the call went to the sandbox path (/ams/sandbox/api/..., WithSandbox(true)): a production client ID is valid only on production paths; use the sandbox client ID from Antom Dashboard (it starts with SANDBOX_), or drop WithSandbox(true)", c.clientID)
	case !c.sandbox && sandboxID:
		return fmt.Sprintf("client ID %s has the SANDBOX_ prefix, but the call went to the production path (/ams/api/..., WithSandbox(false)): a sandbox client ID is valid only on sandbox paths; drop WithSandbox(false), or use the production client ID from Antom Dashboard", c.clientID)
	}
	return fmt.Sprintf("check client ID %s in Antom Dashboard (Developer > Quick start): sandbox client IDs start with SANDBOX_ and are valid only in the sandbox, production ones only in production, each on the endpoint Antom assigned to the account", c.clientID)
}
