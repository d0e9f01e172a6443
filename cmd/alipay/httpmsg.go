package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/textproto"
	"strings"
)

// httpMessage is an HTTP request or response as saved by curl -i, curl -D
// or a request dump: an optional start line, headers, a blank line and the
// body, byte for byte.
type httpMessage struct {
	kind   messageKind
	method string // request line only
	uri    string // request line only
	status string // status line only, e.g. "200 OK"
	header http.Header
	body   []byte
}

type messageKind int

const (
	kindUnknown  messageKind = iota // no start line
	kindResponse                    // "HTTP/1.1 200 OK"
	kindRequest                     // "POST /notify HTTP/1.1"
)

// maxHeaderBlocks bounds how many interim responses (100 Continue, proxy
// CONNECT, redirects followed with -L) a dump may hold.
const maxHeaderBlocks = 16

// parseHTTPMessage parses a saved message. Lines may end in CRLF or LF. When
// a dump holds several responses (curl -L, 100 Continue), the last one
// counts. Everything after the blank line that ends the last header block is
// the body, unchanged.
func parseHTTPMessage(data []byte) (*httpMessage, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("the message is empty: expected headers (and maybe a body) as saved by curl -i or curl -D")
	}
	var msg *httpMessage
	rest := data
	line := 1
	for block := 0; ; block++ {
		if block == maxHeaderBlocks {
			return nil, fmt.Errorf("more than %d header blocks: this does not look like a saved HTTP message", maxHeaderBlocks)
		}
		m, n, lines, err := parseHeaderBlock(rest, line)
		if err != nil {
			return nil, err
		}
		msg, rest, line = m, rest[n:], line+lines
		if !bytes.HasPrefix(rest, []byte("HTTP/")) {
			break
		}
	}
	msg.body = rest
	if te := strings.ToLower(msg.header.Get("Transfer-Encoding")); strings.Contains(te, "chunked") {
		// A raw capture (not curl, which decodes it) keeps the chunk framing.
		if b, err := io.ReadAll(httputil.NewChunkedReader(bytes.NewReader(rest))); err == nil {
			msg.body = b
		}
	}
	return msg, nil
}

// parseHeaderBlock parses one start line and header block starting at
// firstLine and returns the bytes and lines consumed, the blank line
// included.
func parseHeaderBlock(data []byte, firstLine int) (*httpMessage, int, int, error) {
	m := &httpMessage{header: http.Header{}}
	pos, lineNo := 0, firstLine-1
	var lastKey string
	for pos < len(data) {
		end := bytes.IndexByte(data[pos:], '\n')
		next := len(data)
		if end >= 0 {
			next = pos + end + 1
		}
		text := strings.TrimRight(string(data[pos:next]), "\r\n")
		lineNo++
		pos = next
		if text == "" {
			break
		}
		if lineNo == firstLine {
			if kind, ok := m.parseStartLine(text); ok {
				m.kind = kind
				continue
			}
		}
		if text[0] == ' ' || text[0] == '\t' {
			if lastKey == "" {
				return nil, 0, 0, fmt.Errorf("line %d: a continuation line before any header", lineNo)
			}
			vals := m.header[lastKey]
			vals[len(vals)-1] += " " + strings.TrimSpace(text)
			continue
		}
		name, value, ok := strings.Cut(text, ":")
		if !ok || !isToken(name) {
			return nil, 0, 0, fmt.Errorf("line %d is not a header (Name: value); expected the start line, headers, a blank line, then the body", lineNo)
		}
		lastKey = textproto.CanonicalMIMEHeaderKey(name)
		m.header[lastKey] = append(m.header[lastKey], strings.TrimSpace(value))
	}
	return m, pos, lineNo - firstLine + 1, nil
}

func (m *httpMessage) parseStartLine(text string) (messageKind, bool) {
	fields := strings.Fields(text)
	if len(fields) >= 2 && strings.HasPrefix(fields[0], "HTTP/") {
		m.status = strings.Join(fields[1:], " ")
		return kindResponse, true
	}
	if len(fields) == 3 && strings.HasPrefix(fields[2], "HTTP/") && !strings.Contains(fields[0], ":") {
		m.method, m.uri = fields[0], fields[1]
		return kindRequest, true
	}
	return kindUnknown, false
}

// isToken reports whether s is a valid header field name (RFC 9110 §5.1).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
