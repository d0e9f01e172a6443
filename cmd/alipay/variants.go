package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// A variant is one candidate for a part of the signed content: the value as
// given (change == "") or a plausible alteration of it, described by change
// as the thing that differs ("the body was pretty-printed").
type variant struct {
	value  string
	change string
}

// variantSet collects candidates in order of likelihood, dropping repeats.
type variantSet struct {
	list []variant
	seen map[string]bool
}

func (s *variantSet) add(value, change string) {
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	if s.seen[value] {
		return
	}
	s.seen[value] = true
	s.list = append(s.list, variant{value, change})
}

// apiPaths are the AMS payment APIs (docs/protocol/ams.md §2), tried when a response is
// verified without knowing which URI was called.
var apiPaths = []string{
	"/ams/api/v1/payments/pay",
	"/ams/api/v1/payments/inquiryPayment",
	"/ams/api/v1/payments/refund",
	"/ams/api/v1/payments/inquiryRefund",
	"/ams/api/v1/payments/consult",
	"/ams/api/v1/payments/cancel",
	"/ams/api/v1/payments/capture",
	"/ams/api/v1/payments/createPaymentSession",
}

// uriVariants: the URI as given, the production and sandbox forms, without
// a proxy prefix, without the query, with the trailing slash toggled,
// percent-decoded; for responses, every API path as a last resort.
func uriVariants(uri string, response bool) []variant {
	var s variantSet
	if uri != "" {
		s.add(uri, "")
	}
	swap := func(u string) (string, string) {
		switch {
		case strings.HasPrefix(u, "/ams/api/"):
			return "/ams/sandbox/api/" + strings.TrimPrefix(u, "/ams/api/"), "sandbox"
		case strings.HasPrefix(u, "/ams/sandbox/api/"):
			return "/ams/api/" + strings.TrimPrefix(u, "/ams/sandbox/api/"), "production"
		}
		return "", ""
	}
	if uri != "" {
		if v, env := swap(uri); v != "" {
			s.add(v, fmt.Sprintf("the URI: Antom signed the %s path %s, not %s", env, v, uri))
		}
		path, query, hasQuery := strings.Cut(uri, "?")
		if i := strings.Index(path, "/ams/"); i > 0 {
			v := uri[i:]
			s.add(v, fmt.Sprintf("the URI: Antom signed %s; the prefix %s was added by a proxy or base URL and is not part of the signed URI", v, uri[:i]))
			if w, env := swap(v); w != "" {
				s.add(w, fmt.Sprintf("the URI: Antom signed the %s path %s, not %s", env, w, uri))
			}
		}
		// Path prefixes a proxy may have added or kept: drop leading segments.
		for p := path; ; {
			i := strings.Index(p[1:], "/")
			if i < 0 {
				break
			}
			prefix := path[:len(path)-len(p)+i+1]
			p = p[i+1:]
			v := p
			if hasQuery {
				v += "?" + query
			}
			s.add(v, fmt.Sprintf("the URI: Antom signed %s; the prefix %s is not part of the signed URI (a path-rewriting proxy?)", v, prefix))
		}
		if hasQuery {
			s.add(path, fmt.Sprintf("the URI: Antom signed the path %s without the query string", path))
		}
		if strings.HasSuffix(path, "/") && len(path) > 1 {
			s.add(strings.TrimSuffix(path, "/")+queryPart(query, hasQuery), "the URI: Antom signed it without the trailing slash")
		} else {
			s.add(path+"/"+queryPart(query, hasQuery), "the URI: Antom signed it with a trailing slash")
		}
		if dec, err := url.PathUnescape(path); err == nil && dec != path {
			s.add(dec+queryPart(query, hasQuery), "the URI: Antom signed the percent-decoded path "+dec)
		}
	}
	if response {
		for _, p := range apiPaths {
			for _, v := range []string{p, strings.Replace(p, "/ams/api/", "/ams/sandbox/api/", 1)} {
				change := "" // the URI was unknown: finding it is no change
				if uri != "" {
					change = "the URI: this response answers a call to " + v + ", not to " + uri
				}
				s.add(v, change)
			}
		}
	}
	return s.list
}

func queryPart(q string, has bool) string {
	if !has {
		return ""
	}
	return "?" + q
}

// timeVariants: the time header as given, the other time header, and the
// same instant written the other ways ISO 8601 and epoch times get written.
func timeVariants(name, value string, others map[string]string) []variant {
	var s variantSet
	if value != "" {
		s.add(value, "")
	}
	for _, other := range []string{"Request-Time", "Response-Time"} {
		if v := others[other]; v != "" && other != name {
			s.add(v, fmt.Sprintf("the time header: the %s value %s was signed, not %s %s", other, v, name, value))
		}
	}
	t, ok := parseAnyTime(value)
	if !ok {
		return s.list
	}
	reformat := func(v string) {
		s.add(v, fmt.Sprintf("the time header: Antom signed %s, the same instant written differently from %s %s (something rewrote the header)", v, name, value))
	}
	_, offset := t.Zone()
	zones := []*time.Location{t.Location(), time.UTC, time.FixedZone("", 8*3600)}
	if offset == 0 {
		zones = append(zones, time.FixedZone("", 0))
	}
	for _, loc := range zones {
		lt := t.In(loc)
		reformat(lt.Format(time.RFC3339))
		reformat(lt.Format(time.RFC3339Nano))
		reformat(lt.Format("2006-01-02T15:04:05.000Z07:00"))
		reformat(lt.Format("2006-01-02T15:04:05-07:00"))
		reformat(lt.Format("2006-01-02T15:04:05-0700"))
	}
	reformat(strconv.FormatInt(t.UnixMilli(), 10))
	reformat(strconv.FormatInt(t.Unix(), 10))
	return s.list
}

// parseAnyTime reads the time formats Antom and the official SDKs use:
// ISO 8601 with an offset, epoch milliseconds and epoch seconds.
func parseAnyTime(v string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05.999999999Z0700"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
		if len(v) >= 13 {
			return time.UnixMilli(n).UTC(), true
		}
		return time.Unix(n, 0).UTC(), true
	}
	return time.Time{}, false
}

// clientIDVariants: the Client-Id header and the client ID the user gave.
func clientIDVariants(header, given string) []variant {
	var s variantSet
	if header != "" {
		s.add(header, "")
	}
	if given != "" {
		change := ""
		if header != "" {
			change = fmt.Sprintf("the client ID: %s was signed, not the Client-Id header's %s", given, header)
		}
		s.add(given, change)
	}
	return s.list
}

// bodyVariants: the body as given and the ways a body gets changed after
// Antom signed it: JSON re-serialised (compacted, indented, keys sorted,
// characters escaped or unescaped), line breaks added or removed or
// converted, a byte order mark, a Content-Length that disagrees.
func bodyVariants(body []byte, contentLength string) []variant {
	var s variantSet
	s.add(string(body), "")
	reser := func(v []byte, how string) {
		s.add(string(v), "the body: Antom signed it "+how+"; the body you have was re-serialised after it arrived. Verify over the raw bytes exactly as received, before any JSON decoding or pretty-printing")
	}
	if n, err := strconv.Atoi(contentLength); err == nil && n >= 0 && n < len(body) {
		s.add(string(body[:n]), fmt.Sprintf("the body: Content-Length is %d but the body has %d bytes; bytes were added after it arrived (an editor's final line break?)", n, len(body)))
	}
	trimmed := bytes.TrimRight(body, "\r\n")
	if len(trimmed) < len(body) {
		s.add(string(trimmed), "the body: a line break was added at its end after it arrived (an editor or echo adds one)")
	}
	s.add(string(body)+"\n", "the body: its final line break was lost (curl -d @file and many tools strip it)")
	if bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) {
		s.add(string(body[3:]), "the body: a UTF-8 byte order mark was added in front of it")
	}
	if bytes.Contains(body, []byte("\r\n")) {
		s.add(string(bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n"))), "the body: its LF line breaks were converted to CRLF")
	} else if bytes.Contains(body, []byte("\n")) {
		s.add(string(bytes.ReplaceAll(body, []byte("\n"), []byte("\r\n"))), "the body: its CRLF line breaks were converted to LF")
	}
	if json.Valid(trimmed) {
		var buf bytes.Buffer
		if json.Compact(&buf, trimmed) == nil {
			reser(buf.Bytes(), "compact (no whitespace)")
		}
		for _, ind := range []struct{ indent, name string }{{"  ", "indented by 2 spaces"}, {"    ", "indented by 4 spaces"}, {"\t", "indented by tabs"}} {
			buf.Reset()
			if json.Indent(&buf, trimmed, "", ind.indent) == nil {
				reser(buf.Bytes(), ind.name)
			}
		}
		if v, err := decodeJSON(trimmed); err == nil {
			for _, escapeHTML := range []bool{false, true} {
				buf.Reset()
				enc := json.NewEncoder(&buf)
				enc.SetEscapeHTML(escapeHTML)
				if enc.Encode(v) == nil {
					reser(bytes.TrimSuffix(buf.Bytes(), []byte("\n")), "with its keys in another order (it was decoded and encoded again)")
				}
			}
		}
		if ascii := asciiJSON(trimmed); !bytes.Equal(ascii, trimmed) {
			reser(ascii, `with non-ASCII characters as \u escapes`)
		}
	}
	if !utf8.Valid(body) {
		s.add(latin1ToUTF8(body), "the body: it was transcoded from UTF-8 to another character set after it arrived")
	}
	return s.list
}

func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// asciiJSON escapes every non-ASCII character of a JSON text as \uXXXX
// (inside strings is the only place they can occur in valid JSON).
func asciiJSON(b []byte) []byte {
	var out bytes.Buffer
	for _, r := range string(b) {
		switch {
		case r < utf8.RuneSelf:
			out.WriteRune(r)
		case r > 0xffff:
			r1, r2 := utf16Pair(r)
			fmt.Fprintf(&out, `\u%04x\u%04x`, r1, r2)
		default:
			fmt.Fprintf(&out, `\u%04x`, r)
		}
	}
	return out.Bytes()
}

func utf16Pair(r rune) (rune, rune) {
	r -= 0x10000
	return 0xd800 + (r>>10)&0x3ff, 0xdc00 + r&0x3ff
}

// latin1ToUTF8 reads b as ISO 8859-1, which is what a UTF-8 body looks like
// after a careless round trip through a single-byte character set.
func latin1ToUTF8(b []byte) string {
	var out strings.Builder
	for _, c := range b {
		out.WriteRune(rune(c))
	}
	return out.String()
}
