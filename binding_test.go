package alipay

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRequestIDsOf(t *testing.T) {
	cases := []struct {
		body string
		want map[string]string
	}{
		{`{"paymentRequestId":"R1","paymentId":"P1"}`, map[string]string{"paymentRequestId": "R1", "paymentId": "P1"}},
		{`{"order":{"paymentId":"nested"},"refundRequestId":"F1"}`, map[string]string{"refundRequestId": "F1"}},
		{`{"note":"\"paymentId\":\"x\"","captureId":"C1"}`, map[string]string{"captureId": "C1"}},
		{`{"paymentId":"a\u003cb\"c"}`, map[string]string{"paymentId": `a<b"c`}},
		{`{"paymentId":7,"refundId":null,"captureRequestId":["x"]}`, map[string]string{}},
		{`{"paymentId":"first","paymentId":2}`, map[string]string{}},
		{`["paymentId","x"]`, map[string]string{}},
		{``, map[string]string{}},
	}
	for _, tc := range cases {
		ids := requestIDsOf([]byte(tc.body))
		for i, key := range echoedIDKeys {
			assert.Equal(t, tc.want[key], string(ids[i]), "%s in %s", key, tc.body)
		}
	}
}

// FuzzRequestIDsOf checks the hand-written scan against encoding/json on
// compact JSON objects, the only input it gets (json.Marshal's output).
func FuzzRequestIDsOf(f *testing.F) {
	f.Add([]byte(`{"paymentRequestId":"R1","paymentId":"P1","env":{"refundId":"x"}}`))
	f.Add([]byte(`{"a":[{"captureId":"x"}],"captureId":"\u00e9\\"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var compact bytes.Buffer
		if json.Compact(&compact, data) != nil || compact.Len() == 0 || compact.Bytes()[0] != '{' {
			return
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal(compact.Bytes(), &obj) != nil {
			return
		}
		ids := requestIDsOf(compact.Bytes())
		for i, key := range echoedIDKeys {
			var want string
			if raw, ok := obj[key]; ok && len(raw) > 0 && raw[0] == '"' {
				_ = json.Unmarshal(raw, &want)
			}
			if string(ids[i]) != want {
				t.Fatalf("%s: got %q, encoding/json %q in %s", key, ids[i], want, compact.Bytes())
			}
		}
	})
}
