package alipay

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseTime(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	tests := []struct {
		in   string
		loc  *time.Location // nil: API and notification bodies
		want time.Time      // zero with ok: the empty string
		ok   bool
	}{
		{"", nil, time.Time{}, true},
		{"2020-01-01T12:01:01+08:30", nil, time.Date(2020, 1, 1, 3, 31, 1, 0, time.UTC), true},
		{"2021-08-04T01:52:37-07:00", nil, time.Date(2021, 8, 4, 8, 52, 37, 0, time.UTC), true},
		{"2019-01-01T01:01:01Z", nil, time.Date(2019, 1, 1, 1, 1, 1, 0, time.UTC), true},
		{"2024-01-01T12:00:00+0800", nil, time.Date(2024, 1, 1, 4, 0, 0, 0, time.UTC), true},
		{"2024-05-01T10:00:00+08", nil, time.Date(2024, 5, 1, 2, 0, 0, 0, time.UTC), true},
		{"2024-05-01T10:00:00.250+08:00", nil, time.Date(2024, 5, 1, 2, 0, 0, 250e6, time.UTC), true},
		{"2024-05-01T10:00:00.250Z", nil, time.Date(2024, 5, 1, 10, 0, 0, 250e6, time.UTC), true},
		{"2024-05-01 10:00:00+08:00", nil, time.Date(2024, 5, 1, 2, 0, 0, 0, time.UTC), true},
		{"2024/05/01 10:00:00-0100", nil, time.Date(2024, 5, 1, 11, 0, 0, 0, time.UTC), true},
		// Without an offset a body time has no instant: refused, not guessed.
		{"2024-05-01T10:00:00", nil, time.Time{}, false},
		{"2024-05-01", nil, time.Time{}, false},
		{"20240501", nil, time.Time{}, false},
		{"1714528800000", nil, time.Time{}, false},
		{"2024-02-30T10:00:00Z", nil, time.Time{}, false},
		{"2024-05-01T25:00:00Z", nil, time.Time{}, false},
		{"2024-05-01T10:00:00+8", nil, time.Time{}, false},
		{"2024-05-01T10:00:00 +08:00", nil, time.Time{}, false},
		{"yesterday", nil, time.Time{}, false},
		// Reports: zone-less times and dates are read in the reader's zone.
		{"2024-05-01 10:00:00", shanghai, time.Date(2024, 5, 1, 2, 0, 0, 0, time.UTC), true},
		{"2024-05-01T10:00:00.5", shanghai, time.Date(2024, 5, 1, 2, 0, 0, 5e8, time.UTC), true},
		{"2024/05/01 10:00:00", shanghai, time.Date(2024, 5, 1, 2, 0, 0, 0, time.UTC), true},
		{"2024-05-01", shanghai, time.Date(2024, 4, 30, 16, 0, 0, 0, time.UTC), true},
		{"20240501", shanghai, time.Date(2024, 4, 30, 16, 0, 0, 0, time.UTC), true},
		{"2024-05-01T10:00:00Z", shanghai, time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC), true},
		{"2024-13-01", shanghai, time.Time{}, false},
		{"2024-05-01 10:00", shanghai, time.Time{}, false},
	}
	for _, tt := range tests {
		name := tt.in
		if tt.loc != nil {
			name += " in " + tt.loc.String()
		}
		t.Run(name, func(t *testing.T) {
			got, err := parseTime(tt.in, tt.loc)
			if !tt.ok {
				require.ErrorIs(t, err, errNotATime)
				assert.Contains(t, err.Error(), tt.in)
				return
			}
			require.NoError(t, err)
			assert.True(t, tt.want.Equal(got), "got %s, want %s", got, tt.want)
			assert.Equal(t, tt.want.IsZero(), got.IsZero())
		})
	}
}

func TestParseRequestTime(t *testing.T) {
	got, err := parseRequestTime("1714528800123")
	require.NoError(t, err)
	assert.True(t, got.Equal(time.UnixMilli(1714528800123)))
	got, err = parseRequestTime("2019-05-28T12:12:14+08:00")
	require.NoError(t, err)
	assert.True(t, got.Equal(time.Date(2019, 5, 28, 4, 12, 14, 0, time.UTC)))
	for _, s := range []string{"", "99999999999999999999999", "2019-05-28T12:12:14", "now"} {
		_, err := parseRequestTime(s)
		assert.ErrorIs(t, err, errNotATime, s)
	}
}

// callerTimes is a caller's own response type for Do: times nested in
// structs, behind pointers, in slices, maps and embedded structs.
type callerTimes struct {
	At       time.Time            `json:"at"`
	Ptr      *time.Time           `json:"ptr"`
	List     []time.Time          `json:"list"`
	ByName   map[string]time.Time `json:"byName"`
	Next     *callerTimes         `json:"next"`
	Payments []*PayResponse       `json:"payments"`
	callerEmbedded
}

type callerEmbedded struct {
	Since time.Time `json:"since"`
}

// timeDecodedTypes are types that Antom's answers and notifications decode
// into. decodeJSON reads every time.Time field reachable from them with
// parseTime, whatever the type.
var timeDecodedTypes = []any{
	&PayResponse{}, &CancelResponse{}, &CaptureResponse{}, &RefundResponse{},
	&InquiryRefundResponse{}, &InquiryPaymentResponse{}, &PaymentSessionResponse{},
	&PaymentNotification{}, &RefundNotification{}, &CaptureNotification{},
	&callerTimes{},
}

// timeFieldsJSON builds a JSON value for t in which every time.Time field,
// however deep, holds v; ok is false when t holds no time field.
func timeFieldsJSON(t reflect.Type, v string) (any, bool) {
	switch t.Kind() {
	case reflect.Pointer:
		return timeFieldsJSON(t.Elem(), v)
	case reflect.Slice:
		if e, ok := timeFieldsJSON(t.Elem(), v); ok {
			return []any{e}, true
		}
	case reflect.Struct:
		if t == timeType {
			return v, true
		}
		obj := map[string]any{}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if f.Anonymous && name == "" {
				if e, ok := timeFieldsJSON(f.Type, v); ok {
					for k, x := range e.(map[string]any) {
						obj[k] = x
					}
				}
				continue
			}
			if !f.IsExported() || name == "" || name == "-" || f.Type == t || f.Type == reflect.PointerTo(t) {
				continue
			}
			if e, ok := timeFieldsJSON(f.Type, v); ok {
				obj[name] = e
			}
		}
		return obj, len(obj) > 0
	case reflect.Map:
		if e, ok := timeFieldsJSON(t.Elem(), v); ok {
			return map[string]any{"k": e}, true
		}
	}
	return nil, false
}

// timeFields calls fn with the path and value of every time.Time in v.
func timeFields(path string, v reflect.Value, fn func(string, time.Time)) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			timeFields(path, v.Elem(), fn)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			timeFields(path+"[]", v.Index(i), fn)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			timeFields(path+"["+it.Key().String()+"]", it.Value(), fn)
		}
	case reflect.Struct:
		if v.Type() == timeType {
			fn(path, v.Interface().(time.Time))
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if f := v.Type().Field(i); f.IsExported() || f.Anonymous {
				timeFields(path+"."+v.Type().Field(i).Name, v.Field(i), fn)
			}
		}
	}
}

func TestEveryTimeFieldDecodesThroughOneReader(t *testing.T) {
	want := time.Date(2024, 1, 1, 4, 0, 0, 0, time.UTC)
	cases := []struct {
		wire string
		want time.Time
	}{
		{"2024-01-01T12:00:00+0800", want}, // refused by time.Time's own decoding
		{"2024-01-01T12:00:00+08:00", want},
		{"", time.Time{}},
		{"sometime", time.Time{}}, // unreadable: zero, not an error
	}
	for _, typ := range timeDecodedTypes {
		rt := reflect.TypeOf(typ).Elem()
		for _, tc := range cases {
			t.Run(rt.Name()+"/"+tc.wire, func(t *testing.T) {
				doc, ok := timeFieldsJSON(rt, tc.wire)
				require.True(t, ok, "%s has no time fields", rt.Name())
				b, err := json.Marshal(doc)
				require.NoError(t, err)
				v := reflect.New(rt)
				require.NoError(t, decodeJSON(b, v.Interface()), "%s", b)
				n := 0
				timeFields(rt.Name(), v, func(path string, got time.Time) {
					n++
					assert.True(t, tc.want.Equal(got), "%s = %s, want %s", path, got, tc.want)
				})
				assert.Positive(t, n)
			})
		}
	}
}

func TestTimeFieldsOfOtherJSONTypesAreZero(t *testing.T) {
	for _, v := range []string{`null`, `12`, `1704110400000`, `{}`, `[]`, `true`, `"2024-01-01T12:00:00\u002B0800"`} {
		var r CancelResponse
		require.NoError(t, decodeJSON([]byte(`{"result":{"resultStatus":"S"},"paymentId":"P1","cancelTime":`+v+`}`), &r), v)
		assert.Equal(t, "P1", r.PaymentID)
		if strings.HasPrefix(v, `"`) {
			assert.True(t, r.CancelTime.Equal(time.Date(2024, 1, 1, 4, 0, 0, 0, time.UTC)), v)
		} else {
			assert.True(t, r.CancelTime.IsZero(), v)
		}
	}
}

// A verified S answer is Antom's word that the cancel, refund or capture
// happened: a time field Antom wrote empty or with a +0800 offset must not
// turn it into an error (today's time.Time decoding made it "unknown").
func TestSignedAnswerIsNotRefusedOverATimeField(t *testing.T) {
	f := newFakeAntom(t)
	c := f.client(t)
	ctx := context.Background()

	f.reply(`{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"Success"},"paymentId":"P1","paymentRequestId":"R1","cancelTime":""}`)
	cancel, err := c.Cancel(ctx, &CancelRequest{PaymentRequestID: "R1"})
	require.NoError(t, err)
	assert.True(t, cancel.CancelTime.IsZero())

	f.reply(`{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"Success"},"paymentId":"P1","paymentRequestId":"R1","cancelTime":"2024-01-01T12:00:00+0800"}`)
	cancel, err = c.Cancel(ctx, &CancelRequest{PaymentRequestID: "R1"})
	require.NoError(t, err)
	assert.True(t, cancel.CancelTime.Equal(time.Date(2024, 1, 1, 4, 0, 0, 0, time.UTC)))

	f.reply(`{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"Success"},"refundRequestId":"RF1","refundId":"F1","paymentId":"P1","refundAmount":{"currency":"USD","value":"100"},"refundTime":"not a time"}`)
	refund, err := c.Refund(ctx, &RefundRequest{RefundRequestID: "RF1", PaymentID: "P1", RefundAmount: Amount{Currency: "USD", Value: "100"}})
	require.NoError(t, err)
	assert.Equal(t, "F1", refund.RefundID)
	assert.True(t, refund.RefundTime.IsZero())

	f.reply(`{"result":{"resultCode":"PAYMENT_IN_PROCESS","resultStatus":"U","resultMessage":"payment in process"},"paymentRequestId":"pay-1","paymentId":"P2","paymentCreateTime":"2024-01-15T01:20:46-0800","normalUrl":"https://pay.example/c","orderCodeForm":{"expireTime":"","codeDetails":[{"codeValue":"x","displayType":"TEXT"}]}}`)
	pay, err := c.Pay(ctx, payRequestFixture())
	require.NoError(t, err)
	assert.True(t, pay.PaymentCreateTime.Equal(time.Date(2024, 1, 15, 9, 20, 46, 0, time.UTC)))
}

// A verified notification is not refused over a time field either.
func TestNotificationIsNotRefusedOverATimeField(t *testing.T) {
	for _, body := range []string{
		`{"notifyType":"PAYMENT_RESULT","result":{"resultStatus":"S"},"paymentRequestId":"R1","paymentCreateTime":"2020-01-01 12:01:00","paymentTime":"2020-01-01T12:01:00"}`,
		`{"notifyType":"REFUND_RESULT","result":{"resultStatus":"S"},"refundRequestId":"R1","refundTime":"soon"}`,
		`{"notifyType":"CAPTURE_RESULT","result":{"resultStatus":"S"},"captureRequestId":"R1","captureTime":12}`,
	} {
		n, err := notifyDecode([]byte(body))
		require.NoError(t, err, body)
		assert.Contains(t, n.DedupeKey(), "/R1/")
	}
}

// FuzzParseTime: no input panics; what parses is an instant that the
// RFC 3339 rendering reads back to; everything time.Parse reads as RFC 3339
// parses to the same instant; a body time (no location) always has an
// offset, so the same string gives the same instant in any location.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"", "2024-01-01T12:00:00+0800", "2020-01-01T12:01:01+08:30", "2019-01-01T01:01:01Z",
		"2024-05-01T10:00:00.250+08", "2024/05/01 10:00:00", "20240501", "2024-05-01", "1714528800123", "2024-05-01T10:00:00,5-0130", "2024-01-01T1:00:00Z"} {
		f.Add(s)
	}
	tokyo := time.FixedZone("JST", 9*3600)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseTime(s, nil)
		if err == nil && s != "" {
			back, err := time.Parse(time.RFC3339Nano, got.Format(time.RFC3339Nano))
			require.NoError(t, err)
			require.True(t, back.Equal(got), "%q: %s does not round-trip", s, got)
			inTokyo, err := parseTime(s, tokyo)
			require.NoError(t, err)
			require.True(t, inTokyo.Equal(got), "%q: an offset time depends on the location", s)
		}
		if want, err := time.Parse(time.RFC3339Nano, s); err == nil {
			got, err := parseTime(s, nil)
			require.NoError(t, err, "%q is RFC 3339", s)
			require.True(t, want.Equal(got), "%q: %s, time.Parse %s", s, got, want)
		}
		// decodeJSON first tries encoding/json's own time.Time
		// decoding, which takes strict RFC 3339 only; it must agree.
		var std time.Time
		if std.UnmarshalJSON([]byte(`"`+s+`"`)) == nil && s != "" {
			got, err := parseTime(s, nil)
			require.NoError(t, err, "%q decodes as a time.Time", s)
			require.True(t, std.Equal(got), "%q: %s, time.Time %s", s, got, std)
		}
		_, _ = parseTime(s, time.UTC)
		_, _ = parseRequestTime(s)
		var v struct{ T time.Time }
		b, _ := json.Marshal(s)
		require.NoError(t, decodeJSON([]byte(`{"T":`+string(b)+`}`), &v))
		if json.Valid([]byte(s)) {
			require.NoError(t, decodeJSON([]byte(`{"T":`+s+`}`), &v))
		}
	})
}
