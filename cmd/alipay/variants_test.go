package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// findVariant returns the change that turns a received value back into the
// signed one, failing the test when no variant does.
func findVariant(t *testing.T, vs []variant, signed string) string {
	t.Helper()
	for _, v := range vs {
		if v.value == signed {
			return v.change
		}
	}
	require.Failf(t, "no variant", "none of %d variants is %q", len(vs), signed)
	return ""
}

func TestBodyVariants(t *testing.T) {
	tests := []struct {
		name, received, signed, change string
	}{
		{"as given", `{"a":1}`, `{"a":1}`, ""},
		{"indented", "{\n  \"a\": 1\n}", `{"a":1}`, "compact"},
		{"compacted", `{"a":1,"b":[1,2]}`, "{\n    \"a\": 1,\n    \"b\": [\n        1,\n        2\n    ]\n}", "indented by 4 spaces"},
		{"tabs", `{"a":1}`, "{\n\t\"a\": 1\n}", "indented by tabs"},
		{"keys sorted", `{"b":1,"a":"<x>"}`, `{"a":"<x>","b":1}`, "keys in another order"},
		{"html escaped", `{"a":"<x>"}`, `{"a":"\u003cx\u003e"}`, "keys in another order"},
		{"unicode unescaped", `{"a":"東京😀"}`, `{"a":"\u6771\u4eac\ud83d\ude00"}`, `\u escapes`},
		{"line break added", "{}\n", "{}", "line break was added"},
		{"line break lost", "{}", "{}\n", "final line break was lost"},
		{"BOM added", "\xef\xbb\xbf{}", "{}", "byte order mark"},
		{"LF to CRLF", "{\r\n}", "{\n}", "LF line breaks were converted to CRLF"},
		{"CRLF to LF", "{\n}", "{\r\n}", "CRLF line breaks were converted to LF"},
		{"transcoded to Latin-1", "{\"a\":\"Gr\xf6\xdfe\"}", `{"a":"Größe"}`, "transcoded from UTF-8"},
		{"numbers kept exact", `{"a":12345678901234567890}`, "{\n  \"a\": 12345678901234567890\n}", "indented by 2 spaces"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			change := findVariant(t, bodyVariants([]byte(tt.received), ""), tt.signed)
			if tt.change == "" {
				assert.Empty(t, change)
			} else {
				assert.Contains(t, change, tt.change)
				assert.Contains(t, change, "the body: ")
			}
		})
	}
	change := findVariant(t, bodyVariants([]byte("{}\n\n"), "2"), "{}")
	assert.Contains(t, change, "Content-Length is 2 but the body has 4 bytes")
	assert.Len(t, bodyVariants([]byte("not json"), ""), 2, "no JSON variants for a body that is not JSON")
}

func TestTimeVariants(t *testing.T) {
	others := map[string]string{"Request-Time": "1700000000000", "Response-Time": "2019-05-28T12:12:14+08:00"}
	tests := []struct {
		name, value, signed, change string
	}{
		{"as given", "2019-05-28T12:12:14+08:00", "2019-05-28T12:12:14+08:00", ""},
		{"UTC written with Z", "2019-05-28T04:12:14Z", "2019-05-28T04:12:14+00:00", "the same instant written differently"},
		{"converted to UTC", "2019-05-28T04:12:14Z", "2019-05-28T12:12:14+08:00", "the same instant"},
		{"offset without colon", "2019-05-28T12:12:14+0800", "2019-05-28T12:12:14+08:00", "the same instant"},
		{"milliseconds added", "2019-05-28T12:12:14+08:00", "2019-05-28T12:12:14.000+08:00", "the same instant"},
		{"epoch milliseconds", "2019-05-28T04:12:14Z", "1559016734000", "the same instant"},
		{"epoch seconds to ISO", "1559016734", "2019-05-28T04:12:14Z", "the same instant"},
		{"other header", "2019-05-28T12:12:14+08:00", "1700000000000", "the Request-Time value 1700000000000 was signed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			change := findVariant(t, timeVariants("Response-Time", tt.value, others), tt.signed)
			if tt.change == "" {
				assert.Empty(t, change)
			} else {
				assert.Contains(t, change, tt.change)
			}
		})
	}
	assert.Equal(t, []variant{{"opaque", ""}}, timeVariants("Request-Time", "opaque", nil), "a value that is no time has no reformattings")
}

func TestURIVariants(t *testing.T) {
	tests := []struct {
		name, given, signed, change string
		response                    bool
	}{
		{"to sandbox", "/ams/api/v1/payments/pay", "/ams/sandbox/api/v1/payments/pay", "the sandbox path", true},
		{"to production", "/ams/sandbox/api/v1/payments/refund", "/ams/api/v1/payments/refund", "the production path", true},
		{"base path prefix", "/gw/ams/api/v1/payments/pay", "/ams/api/v1/payments/pay", "the prefix /gw was added", true},
		{"base path prefix and sandbox", "/gw/ams/api/v1/payments/pay", "/ams/sandbox/api/v1/payments/pay", "the sandbox path", true},
		{"proxy prefix", "/a/b/notify?x=1", "/b/notify?x=1", "the prefix /a is not part", false},
		{"longer proxy prefix", "/a/b/notify?x=1", "/notify?x=1", "the prefix /a/b is not part", false},
		{"query not signed", "/notify?x=1", "/notify", "without the query string", false},
		{"trailing slash added", "/notify", "/notify/", "with a trailing slash", false},
		{"trailing slash dropped", "/notify/", "/notify", "without the trailing slash", false},
		{"percent-decoded", "/pay%20notify", "/pay notify", "percent-decoded", false},
		{"another API", "/ams/api/v1/payments/pay", "/ams/sandbox/api/v1/payments/inquiryRefund", "answers a call to /ams/sandbox/api/v1/payments/inquiryRefund, not to /ams/api/v1/payments/pay", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Contains(t, findVariant(t, uriVariants(tt.given, tt.response), tt.signed), tt.change)
		})
	}
	assert.Empty(t, findVariant(t, uriVariants("", true), "/ams/api/v1/payments/capture"), "finding an unknown URI is no change")
	assert.Empty(t, uriVariants("", false))
}

func TestClientIDVariants(t *testing.T) {
	assert.Equal(t, []variant{{"A", ""}}, clientIDVariants("A", "A"))
	assert.Equal(t, []variant{{"B", ""}}, clientIDVariants("", "B"))
	vs := clientIDVariants("A", "B")
	require.Len(t, vs, 2)
	assert.Equal(t, "the client ID: B was signed, not the Client-Id header's A", vs[1].change)
}
