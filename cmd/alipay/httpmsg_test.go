package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseHTTPMessage(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		kind    messageKind
		uri     string
		status  string
		headers map[string]string
		body    string
	}{
		{"curl -i response", "HTTP/1.1 200 OK\r\nclient-id: C\r\nResponse-Time: T\r\n\r\n{\"a\":1}\n", kindResponse, "", "200 OK",
			map[string]string{"Client-Id": "C", "Response-Time": "T"}, "{\"a\":1}\n"},
		{"HTTP/2 lower-case", "HTTP/2 200\nsignature: algorithm=RSA256, signature=x\n\nbody", kindResponse, "", "200",
			map[string]string{"Signature": "algorithm=RSA256, signature=x"}, "body"},
		{"headers only (curl -D)", "HTTP/1.1 200 OK\r\nA: 1\r\n\r\n", kindResponse, "", "200 OK", map[string]string{"A": "1"}, ""},
		{"no final blank line", "HTTP/1.1 200 OK\r\nA: 1", kindResponse, "", "200 OK", map[string]string{"A": "1"}, ""},
		{"request line", "POST /notify?x=1 HTTP/1.1\r\nHost: h\r\n\r\n{}", kindRequest, "/notify?x=1", "", map[string]string{"Host": "h"}, "{}"},
		{"no start line", "Client-Id: C\nRequest-Time: T\n\n{}", kindUnknown, "", "", map[string]string{"Client-Id": "C"}, "{}"},
		{"interim responses", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 Connection established\r\n\r\nHTTP/2 401\r\nA: 2\r\n\r\nx", kindResponse, "", "401",
			map[string]string{"A": "2"}, "x"},
		{"folded header", "HTTP/1.1 200 OK\r\nSignature: algorithm=RSA256,\r\n signature=abc\r\n\r\n", kindResponse, "", "200 OK",
			map[string]string{"Signature": "algorithm=RSA256, signature=abc"}, ""},
		{"chunked capture", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n", kindResponse, "", "200 OK", nil, `{"a":1}`},
		{"chunked header, plain body", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{}", kindResponse, "", "200 OK", nil, "{}"},
		{"body keeps blank lines and CRs", "HTTP/1.1 200 OK\r\n\r\n\r\n{\r\n\r\n}\r\n", kindResponse, "", "200 OK", nil, "\r\n{\r\n\r\n}\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := parseHTTPMessage([]byte(tt.in))
			require.NoError(t, err)
			assert.Equal(t, tt.kind, m.kind)
			assert.Equal(t, tt.uri, m.uri)
			assert.Equal(t, tt.status, m.status)
			for k, v := range tt.headers {
				assert.Equal(t, v, m.header.Get(k), k)
			}
			assert.Equal(t, tt.body, string(m.body))
		})
	}
}

func TestParseHTTPMessage_errors(t *testing.T) {
	tests := []struct{ name, in, err string }{
		{"empty", " \r\n", "the message is empty"},
		{"not a header", "HTTP/1.1 200 OK\r\n{\"json\": 1}\r\n", "line 2 is not a header (Name: value)"},
		{"space in name", "Bad Name: x\r\n", "line 1 is not a header"},
		{"continuation first", "HTTP/1.1 200 OK\r\n  x\r\n", "line 2: a continuation line before any header"},
		{"endless interim", string(bytes.Repeat([]byte("HTTP/1.1 100 Continue\r\n\r\n"), 20)), "more than 16 header blocks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseHTTPMessage([]byte(tt.in))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.err)
		})
	}
}

// FuzzParseHTTPMessage: any input is parsed or refused without a panic,
// and a parsed body is the input's tail, unchanged, unless chunked.
func FuzzParseHTTPMessage(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nA: 1\r\n\r\nbody"))
	f.Add([]byte("POST /x HTTP/1.1\nB: 2\n\n{}"))
	f.Add([]byte("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n \r\n"))
	f.Add([]byte(":\n\t\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parseHTTPMessage(data)
		if err != nil {
			return
		}
		chunked := strings.Contains(strings.ToLower(m.header.Get("Transfer-Encoding")), "chunked")
		if !chunked && !bytes.HasSuffix(data, m.body) {
			t.Fatalf("body %q is not the tail of the input", m.body)
		}
	})
}
