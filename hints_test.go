package alipay

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestErrorsLeadWithWhatIsWrong(t *testing.T) {
	cases := []struct {
		name   string
		reply  gatewayReply
		prefix string // what the message says right after "alipay: pay: "
		also   []string
	}{
		{"404 HTML", gatewayReply{status: 404, body: "<html><body>Not Found</body></html>", contentType: "text/html", unsigned: true},
			"HTTP 404 Not Found: this is not an Antom endpoint (the answer is an HTML page", []string{"WithEndpoint", "no Signature header"}},
		{"405 JSON with a result", gatewayReply{status: 405, body: `{"result":{"resultCode":"X","resultStatus":"F"}}`, unsigned: true},
			"F X [unsigned response]: HTTP 405 Method Not Allowed: this is not an Antom endpoint", nil},
		{"200 JSON without a result", gatewayReply{status: 200, body: `{"error":"no route"}`, unsigned: true},
			"HTTP 200 OK: this is not an Antom endpoint (the answer is a body of type application/json without Antom's result envelope", nil},
		{"empty 404", gatewayReply{status: 404, unsigned: true, contentType: "text/plain"},
			"HTTP 404 Not Found: this is not an Antom endpoint (the answer is an empty body", nil},
		{"502 HTML is a gateway, not a wrong endpoint", gatewayReply{status: 502, body: "<html>Bad Gateway</html>", contentType: "text/html", unsigned: true},
			"HTTP 502 Bad Gateway: the answer is an HTML page (content type \"text/html\"), not Antom's: alipay: response is not signed", nil},
		{"unsigned Antom result", gatewayReply{body: badSigFailBody, unsigned: true},
			"F INVALID_SIGNATURE (invalid signature) [unsigned response]: HTTP 200 OK: alipay: response is not signed", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := newScriptedGateway(t, func(int, *http.Request) gatewayReply { return tc.reply })
			err := g.client(t, WithRetry(NoRetry)).Do(context.Background(), payPath, testReq{PaymentRequestID: "R1"}, nil)
			require.ErrorIs(t, err, ErrUnsignedResponse)
			assert.True(t, strings.HasPrefix(err.Error(), "alipay: pay: "+tc.prefix), err.Error())
			for _, s := range tc.also {
				assert.Contains(t, err.Error(), s)
			}
			if !strings.Contains(tc.prefix, "not an Antom endpoint") {
				assert.NotContains(t, err.Error(), "not an Antom endpoint")
			}
			assert.True(t, IsUnknown(err))
		})
	}
}

func TestClientInvalidHint(t *testing.T) {
	const clientInvalid = `{"result":{"resultCode":"CLIENT_INVALID","resultStatus":"F","resultMessage":"The client ID is invalid"}}`
	cases := []struct {
		name     string
		clientID string
		opts     []Option
		want     string
	}{
		{"sandbox ID on production paths", testClientID, []Option{WithSandbox(false)},
			"client ID " + testClientID + " has the SANDBOX_ prefix, but the call went to the production path"},
		{"production ID on sandbox paths", "5YBZ1N2Q3R4S5T6U", []Option{WithSandbox(true)},
			"client ID 5YBZ1N2Q3R4S5T6U has no SANDBOX_ prefix, but the call went to the sandbox path"},
		{"consistent", "5YBZ1N2Q3R4S5T6U", nil,
			"check client ID 5YBZ1N2Q3R4S5T6U in Antom Dashboard"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := newScriptedGateway(t, func(int, *http.Request) gatewayReply { return gatewayReply{body: clientInvalid} })
			opts := append([]Option{
				WithPrivateKey(readKey(t, "merchant_private_pkcs8.pem")),
				WithAlipayPublicKey(readKey(t, "antom_public.pem")),
				WithEndpoint(g.srv.URL),
			}, tc.opts...)
			c, err := NewClient(tc.clientID, opts...)
			require.NoError(t, err)
			err = c.Do(context.Background(), payPath, testReq{PaymentRequestID: "R1"}, nil)
			var e *Error
			require.True(t, errors.As(err, &e))
			assert.Equal(t, ResultCodeClientInvalid, e.Result.ResultCode)
			assert.False(t, IsUnknown(err), "a signed F is a refusal, hint or not")
			assert.Contains(t, err.Error(), "F CLIENT_INVALID (The client ID is invalid): "+tc.want)
		})
	}
}
