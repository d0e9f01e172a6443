package alipay

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// One reader of times for everything Antom writes: API responses,
// notifications and reconciliation reports. Antom's API pages give
// datetimes as ISO 8601 with an offset, such as 2019-11-27T12:01:01+08:00
// (https://docs.antom.com/ac/ams/api_fund, the Response-Time header), but
// its SDKs and samples also show +0800 (the PHP SDK's DATE_ISO8601), Z and
// fractional seconds; reports add zone-less times and plain dates.
// Request-Time headers are epoch milliseconds, as the same page documents,
// or ISO 8601, depending on who sent them.

// errNotATime is the error parseTime wraps for a value in no known form.
var errNotATime = errors.New("not a time")

// parseTime reads a time in any form Antom is known to write:
//
//	2019-11-27T12:01:01+08:00   RFC 3339 (also with Z, or fractional seconds)
//	2024-01-01T12:00:00+0800    offset without colon
//	2024-01-01T12:00:00+08      offset in hours
//	2024-01-01 12:00:00+08:00   space instead of T; / instead of - in the date
//
// and, only when loc is not nil (reports, whose times carry no zone), the
// same without an offset, read in loc, and the dates 2024-01-01 and
// 20240101 (midnight in loc). The empty string is the zero time. Anything
// else is an error wrapping errNotATime.
func parseTime(s string, loc *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	layout, zoned := timeLayout(s)
	switch {
	case layout == "":
	case zoned:
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	case loc != nil:
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	// time.Parse is more lenient than the layouts above (a one-digit hour,
	// say): what it reads as RFC 3339 is read the same here.
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if loc == nil {
		return time.Time{}, fmt.Errorf("%w: %q is not an ISO 8601 date-time with a zone offset", errNotATime, truncate(s, 40))
	}
	return time.Time{}, fmt.Errorf("%w: %q is not a time (RFC 3339, 2006-01-02 15:04:05 or 2006-01-02)", errNotATime, truncate(s, 40))
}

// timeLayout picks the one layout s can be in by looking at it, so that a
// time is parsed once and not tried against a list of layouts. zoned says
// whether the layout has an offset. An empty layout means no form fits.
// time.Parse accepts a fractional second after the seconds without the
// layout saying so.
func timeLayout(s string) (layout string, zoned bool) {
	if len(s) == 8 && allDigits(s) {
		return "20060102", false
	}
	if len(s) < 10 || (s[4] != '-' && s[4] != '/') || s[7] != s[4] {
		return "", false
	}
	var date int
	if s[4] == '/' {
		date = 1
	}
	if len(s) == 10 {
		return dateLayouts[date], false
	}
	if len(s) < 19 || (s[10] != 'T' && s[10] != ' ') {
		return "", false
	}
	var sep int
	if s[10] == ' ' {
		sep = 1
	}
	forms := &dateTimeLayouts[date][sep]
	rest := s[19:]
	if len(rest) > 0 && (rest[0] == '.' || rest[0] == ',') {
		i := 1
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		rest = rest[i:]
	}
	switch {
	case rest == "":
		return forms[0], false
	case rest == "Z":
		return forms[1], true
	case rest[0] != '+' && rest[0] != '-':
		return "", false
	case len(rest) == 6 && rest[3] == ':':
		return forms[1], true
	case len(rest) == 5:
		return forms[2], true
	case len(rest) == 3:
		return forms[3], true
	}
	return "", false
}

// dateLayouts and dateTimeLayouts are the layouts timeLayout picks from,
// written out so that picking one costs no allocation (every Response-Time
// goes through it): dates with - or /, then T or a space before the time,
// then no offset, Z07:00, Z0700 or Z07.
var (
	dateLayouts     = [2]string{"2006-01-02", "2006/01/02"}
	dateTimeLayouts = [2][2][4]string{
		{
			{"2006-01-02T15:04:05", "2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05Z07"},
			{"2006-01-02 15:04:05", "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05Z0700", "2006-01-02 15:04:05Z07"},
		},
		{
			{"2006/01/02T15:04:05", "2006/01/02T15:04:05Z07:00", "2006/01/02T15:04:05Z0700", "2006/01/02T15:04:05Z07"},
			{"2006/01/02 15:04:05", "2006/01/02 15:04:05Z07:00", "2006/01/02 15:04:05Z0700", "2006/01/02 15:04:05Z07"},
		},
	}
)

// parseRequestTime reads a Request-Time or Response-Time header: epoch
// milliseconds, which Antom's API overview documents for Request-Time, or
// an ISO 8601 date-time with an offset, which its Response-Time and its
// notifications carry.
func parseRequestTime(s string) (time.Time, error) {
	if s != "" && len(s) <= 18 && allDigits(s) {
		if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.UnixMilli(ms), nil
		}
	}
	t, err := parseTime(s, nil)
	if err != nil || t.IsZero() {
		return time.Time{}, fmt.Errorf("%w: the header value %q is neither epoch milliseconds nor ISO 8601 with an offset", errNotATime, truncate(s, 40))
	}
	return t, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
