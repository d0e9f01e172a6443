package alipay

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An error that is not about a time is the one encoding/json gives for the
// same body with its times in strict RFC 3339.
func TestDecodeJSONKeepsErrorsThatAreNotAboutTimes(t *testing.T) {
	for _, body := range []string{
		`{"paymentId":12,"paymentCreateTime":TIME}`,  // a number where a string belongs
		`{"paymentId":"P1","paymentCreateTime":TIME`, // broken JSON
		`{"paymentId":"P1","paymentAmount":[],"paymentTime":TIME}`,
		`{"paymentActionForm":"x","paymentTime":TIME}`, // a form's own decoding refuses it
		`{"orderCodeForm":{"expireTime":TIME,"codeDetails":{}}}`,
	} {
		t.Run(body, func(t *testing.T) {
			var want, got PayResponse
			wantErr := json.Unmarshal([]byte(strings.ReplaceAll(body, "TIME", `"2024-01-01T12:00:00+08:00"`)), &want)
			require.Error(t, wantErr)
			for _, bad := range []string{`"2024-01-01T12:00:00+0800"`, `""`, `"soon"`, `12`} {
				err := decodeJSON([]byte(strings.ReplaceAll(body, "TIME", bad)), &got)
				require.Error(t, err, bad)
				assert.Equal(t, wantErr.Error(), err.Error(), bad)
			}
		})
	}
}

func TestDecodeJSONMatchesFieldsAsEncodingJSONDoes(t *testing.T) {
	type inner struct {
		When time.Time
	}
	type tagged struct {
		When string `json:"When"` // at the same depth as inner's, but tagged: it wins
	}
	type v struct {
		Ignored time.Time `json:"-"`
		Plain   time.Time // no tag: matched by its name, in any case
		inner
		tagged
	}
	var got v
	require.NoError(t, decodeJSON([]byte(`{"-":"x","plain":"2024-01-01T12:00:00+0800","when":"2024-01-01T12:00:00+0800"}`), &got))
	assert.True(t, got.Ignored.IsZero())
	assert.True(t, got.Plain.Equal(time.Date(2024, 1, 1, 4, 0, 0, 0, time.UTC)), got.Plain)
	assert.True(t, got.inner.When.IsZero())
	assert.Equal(t, "2024-01-01T12:00:00+0800", got.tagged.When, "a string field is never rewritten")

	// A repeated key decodes as its last value, exactly or case-folded.
	var p PaymentNotification
	require.NoError(t, decodeJSON([]byte(`{"paymentTime":"soon","PAYMENTTIME":"2024-01-01T12:00:00+0800","paymentId":"P1"}`), &p))
	assert.True(t, p.PaymentTime.Equal(time.Date(2024, 1, 1, 4, 0, 0, 0, time.UTC)), p.PaymentTime)
	assert.Equal(t, "P1", p.PaymentID)
}

func TestDecodeJSONKeepsRawValues(t *testing.T) {
	const acquirer = `{ "b": "<&>", "a": [1, 2.50] }`
	var r PayResponse
	require.NoError(t, decodeJSON([]byte(`{"acquirerInfo":`+acquirer+`,"paymentTime":"2024-01-01T12:00:00+0800"}`), &r))
	assert.Equal(t, acquirer, string(r.AcquirerInfo))
	assert.False(t, r.PaymentTime.IsZero())
}

// A time parseTime reads but RFC 3339 cannot write (an offset of 24 hours)
// keeps its instant; one before year 0 in UTC as well is the zero time.
func TestDecodeJSONTimesWithoutRFC3339Form(t *testing.T) {
	var r CancelResponse
	require.NoError(t, decodeJSON([]byte(`{"paymentId":"P1","cancelTime":"2024-01-02T00:00:00+2400"}`), &r))
	assert.True(t, r.CancelTime.Equal(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)), r.CancelTime)
	r = CancelResponse{}
	require.NoError(t, decodeJSON([]byte(`{"paymentId":"P1","cancelTime":"0000-01-01T00:00:00+2400"}`), &r))
	assert.Equal(t, "P1", r.PaymentID)
	assert.True(t, r.CancelTime.IsZero(), r.CancelTime)
}

// A recursive type is walked to any depth, and a type with its own
// decoding is left to it.
func TestDecodeJSONRecursiveTypes(t *testing.T) {
	type node struct {
		Kids []node    `json:"kids"`
		At   time.Time `json:"at"`
	}
	var n node
	require.NoError(t, decodeJSON([]byte(`{"kids":[{"kids":[{"at":"2024-01-01T12:00:00+0800"}]}],"at":""}`), &n))
	require.Len(t, n.Kids, 1)
	require.Len(t, n.Kids[0].Kids, 1)
	assert.True(t, n.Kids[0].Kids[0].At.Equal(time.Date(2024, 1, 1, 4, 0, 0, 0, time.UTC)))
	assert.True(t, n.At.IsZero())
}

// FuzzDecodeJSON: decodeJSON never panics, and wherever encoding/json
// decodes a body on its own, rewriting the body's times first (decodeJSON's
// fallback) decodes it to the same values.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"result":{"resultStatus":"S"},"paymentCreateTime":"2019-06-01T12:01:01+08:30","paymentTime":"2019-06-01T12:01:01.250Z","orderCodeForm":{"expireTime":"2024-01-15T01:34:45-08:00"}}`,
		`{"paymentCreateTime":"2024-01-01T12:00:00+0800","paymentTime":"","authExpiryTime":null}`,
		`{"at":"2024-01-01T12:00:00Z","ptr":null,"list":["2024-01-01T12:00:00Z",null],"byName":{"a":"2024-01-01T12:00:00+01:00"},"since":"2024-01-01T12:00:00Z","next":{"at":"x"}}`,
		`{"payments":[{"paymentTime":"2024-01-01T12:00:00-00:00","acquirerInfo":{"x" : 1}}],"AT":"2024-01-01T12:00:00Z","at":"2024-01-01T12:00:00+0800"}`,
		`{"paymentActionForm":"{\"method\":\"GET\"}","paymentTime":"\u0032024-01-01T12:00:00Z"}`,
		`[]`, `null`, `{"at":12}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var got callerTimes
		_ = decodeJSON([]byte(body), &got)
		var fast, slow callerTimes
		if json.Unmarshal([]byte(body), &fast) != nil {
			return
		}
		fixed, ok := rewriteTimes([]byte(body), &slow)
		if !ok {
			return // nothing to rewrite
		}
		require.NoError(t, json.Unmarshal(fixed, &slow), "%s", fixed)
		a, err := json.Marshal(fast)
		require.NoError(t, err)
		b, err := json.Marshal(slow)
		require.NoError(t, err)
		require.Equal(t, string(a), string(b), "rewritten: %s", fixed)
		require.Equal(t, fmt.Sprintf("%#v", fast), fmt.Sprintf("%#v", slow))
	})
}
