package alipaytest

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAPIFaultsOnTheWire checks what each injected fault puts on the wire,
// whether the call was processed behind it, and that it hits one call only.
func TestAPIFaultsOnTheWire(t *testing.T) {
	const jsonType = "application/json; charset=UTF-8"
	for _, tc := range []struct {
		name        string
		fault       Fault
		status      int
		contentType string
		code        string // resultCode of the answer; "" when it has none
		invalid     string // why the answer's signature fails; "" when it verifies
		processed   bool
	}{
		{"500", Fault{Kind: Status500}, http.StatusInternalServerError, "", "", "unsigned", false},
		{"502 HTML", Fault{Kind: Status502HTML}, http.StatusBadGateway, "text/html; charset=utf-8", "", "unsigned", false},
		{"U UNKNOWN_EXCEPTION", Fault{Kind: UnknownException}, http.StatusOK, jsonType, "UNKNOWN_EXCEPTION", "", false},
		{"bad signature", Fault{Kind: BadSignature}, http.StatusOK, jsonType, "SUCCESS", "does not verify", true},
		{"missing signature", Fault{Kind: MissingSignature}, http.StatusOK, jsonType, "SUCCESS", "unsigned", true},
		{"delay", Fault{Kind: Delay, Delay: time.Millisecond}, http.StatusOK, jsonType, "SUCCESS", "", true},
		{"a notification fault is ignored", Fault{Kind: Duplicate}, http.StatusOK, jsonType, "SUCCESS", "", true},
		{"forged unsigned F", Fault{Kind: ForgedFail}, http.StatusOK, jsonType, "PROCESS_FAIL", "unsigned", true},
		{"replay before any success answer", Fault{Kind: ReplaySigned}, http.StatusOK, jsonType, "SUCCESS", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _, c := newFakeServer(t)
			pid := c.post("pay", payBody("f-pay", "WEB")).expect(t, "U", "PAYMENT_IN_PROCESS").str("paymentId")
			require.NoError(t, srv.CompletePayment("f-pay"))

			srv.InjectFault(APIRefund, tc.fault)
			r := c.post("refund", refundBody("f-r", pid, "100"))
			assert.Equal(t, tc.status, r.Status)
			assert.Equal(t, tc.contentType, r.Header.Get("Content-Type"))
			assert.Equal(t, tc.code, r.Result["resultCode"], "body %s", r.Body)
			assert.Equal(t, tc.invalid, r.Invalid)
			assert.Equal(t, map[bool]int{true: 1, false: 0}[tc.processed], srv.Refunds("f-r"), "processed")

			// The fault is used up: the retry is answered normally, and
			// the refund exists once.
			c.post("refund", refundBody("f-r", pid, "100")).expect(t, "S", "SUCCESS")
			assert.Equal(t, 1, srv.Refunds("f-r"))
		})
	}
}

func TestDropResponseProcessesThenHangsUp(t *testing.T) {
	srv, _, c := newFakeServer(t)
	pid := c.post("pay", payBody("d-pay", "WEB")).expect(t, "U", "PAYMENT_IN_PROCESS").str("paymentId")
	require.NoError(t, srv.CompletePayment("d-pay"))
	body, err := json.Marshal(refundBody("d-r", pid, "100"))
	require.NoError(t, err)

	srv.InjectFault(APIRefund, Fault{Kind: DropResponse})
	resp, err := http.DefaultClient.Do(c.request("refund", body))
	if err == nil {
		resp.Body.Close()
	}
	require.Error(t, err, "the connection closes without an answer")
	assert.Equal(t, 1, srv.Refunds("d-r"), "the refund was made before the answer was lost")

	c.post("refund", body).expect(t, "S", "SUCCESS")
	assert.Equal(t, 1, srv.Refunds("d-r"))
}

func TestReplaySignedAnswersWithAnotherRequestsAnswer(t *testing.T) {
	srv, _, c := newFakeServer(t)
	pid := c.post("pay", payBody("r-pay", "WEB")).expect(t, "U", "PAYMENT_IN_PROCESS").str("paymentId")
	require.NoError(t, srv.CompletePayment("r-pay"))
	first := c.post("refund", refundBody("r-1", pid, "100")).expect(t, "S", "SUCCESS")

	srv.InjectFault(APIRefund, Fault{Kind: ReplaySigned})
	r := c.post("refund", refundBody("r-2", pid, "100"))
	assert.Equal(t, first.Body, r.Body, "the earlier answer, byte for byte")
	assert.Empty(t, r.Invalid, "its signature still verifies")
	assert.Equal(t, "r-1", r.str("refundRequestId"))
	assert.Equal(t, 1, srv.Refunds("r-2"), "the request was processed behind the replay")
}

func TestForgedFailOnInquiryIsOrderNotExist(t *testing.T) {
	srv, _, c := newFakeServer(t)
	c.post("pay", payBody("i-pay", "WEB")).expect(t, "U", "PAYMENT_IN_PROCESS")
	srv.InjectFault(APIInquiryPayment, Fault{Kind: ForgedFail})
	r := c.post("inquiryPayment", map[string]any{"paymentRequestId": "i-pay"})
	assert.Equal(t, "ORDER_NOT_EXIST", r.Result["resultCode"])
	assert.Equal(t, "unsigned", r.Invalid)
}
