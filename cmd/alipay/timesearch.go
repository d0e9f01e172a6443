package main

import (
	"bytes"
	"io"
	"strconv"
	"time"

	"github.com/xborderpay/alipay"
)

// timeLayouts are the ways Antom and the official SDKs write a time header.
var timeLayouts = []string{
	time.RFC3339,
	"2006-01-02T15:04:05-0700",
	"2006-01-02T15:04:05.000Z07:00",
	time.RFC3339Nano,
}

// searchTime looks for the time header value that the signature covers
// when everything else is as saved: a Response-Time or Request-Time that
// was edited (or pasted from another save) to another instant. It steps
// through instants around the saved one, written the way the saved value
// is written: by the second within two hours for ISO 8601 and epoch
// seconds, by the millisecond within ten seconds for epoch milliseconds
// (about 15,000 hashes, a few milliseconds, so a failed check stays quick).
func searchTime(p signedParts, sd signedDigest) (string, bool) {
	if p.uri == "" || len(p.body) > 1<<20 {
		return "", false
	}
	t, ok := parseAnyTime(p.timeValue)
	if !ok {
		return "", false
	}
	format, step, span := timeWriter(p.timeValue, t)
	if format == nil {
		return "", false
	}
	// SignContent is "<method> <uri>\n<client ID>.<time>.<body>": hash the
	// fixed parts around each candidate time instead of building it anew.
	prefix := alipay.SignContent(p.method, p.uri, p.clientID, "", nil)
	prefix = prefix[:len(prefix)-1] // without the "." after the empty time
	suffix := append([]byte{'.'}, p.body...)
	h := sd.hash.New()
	sum := make([]byte, 0, h.Size())
	try := func(v string) bool {
		h.Reset()
		h.Write(prefix)
		io.WriteString(h, v)
		h.Write(suffix)
		return bytes.Equal(h.Sum(sum[:0]), sd.digest)
	}
	for d := step; d <= span; d += step {
		for _, v := range []string{format(t.Add(-d)), format(t.Add(d))} {
			if try(v) {
				return v, true
			}
		}
	}
	return "", false
}

// timeWriter returns a function that writes an instant the way value is
// written, and how far and in what steps to search around it.
func timeWriter(value string, t time.Time) (format func(time.Time) string, step, span time.Duration) {
	if ms := strconv.FormatInt(t.UnixMilli(), 10); ms == value {
		return func(u time.Time) string { return strconv.FormatInt(u.UnixMilli(), 10) }, time.Millisecond, 10 * time.Second
	}
	if s := strconv.FormatInt(t.Unix(), 10); s == value {
		return func(u time.Time) string { return strconv.FormatInt(u.Unix(), 10) }, time.Second, 2 * time.Hour
	}
	for _, layout := range timeLayouts {
		if t.Format(layout) == value {
			loc := t.Location()
			return func(u time.Time) string { return u.In(loc).Format(layout) }, time.Second, 2 * time.Hour
		}
	}
	return nil, 0, 0
}
