package mapi

import (
	"fmt"
	"time"
)

// Beijing is the fixed UTC+8 zone in which Alipay writes every MAPI
// timestamp (docs/protocol/mapi.md §8.6). It needs no tzdata: China has kept UTC+8 without
// daylight saving since 1991.
var Beijing = time.FixedZone("UTC+8", 8*60*60)

// Time layouts Alipay uses.
const (
	layoutDateTime = "2006-01-02 15:04:05" // notify_time, gmt_* (docs/protocol/mapi.md §4)
	layoutCompact  = "20060102150405"      // gmt_return, file timestamps (docs/protocol/mapi.md §3.3, §3.6)
	layoutDate     = "20060102"            // start_date, end_date, file dates
)

// parseBeijing parses a timestamp in one of layouts as Beijing time. An
// empty string is the zero time.
func parseBeijing(field, s string, layouts ...string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, ok := fastDateTime(s); ok && layouts[0] == layoutDateTime {
		return t, nil
	}
	for _, l := range layouts {
		if t, err := time.ParseInLocation(l, s, Beijing); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("mapi: %s: %q is not a Beijing time in the form %q", field, truncate(s, 40), layouts[0])
}

// fastDateTime parses "2006-01-02 15:04:05" without time.Parse, which
// dominates file reading otherwise. It reports false for anything it does
// not fully validate, leaving that to time.Parse.
func fastDateTime(s string) (time.Time, bool) {
	if len(s) != 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	y, mo, d := atoiDigits(s, 0, 4), atoiDigits(s, 5, 2), atoiDigits(s, 8, 2)
	h, mi, se := atoiDigits(s, 11, 2), atoiDigits(s, 14, 2), atoiDigits(s, 17, 2)
	if y < 0 || mo < 1 || mo > 12 || d < 1 || d > daysIn(mo, y) || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59 {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, h, mi, se, 0, Beijing), true
}

// atoiDigits returns the decimal number s[i:i+n], or -1 unless those
// bytes are all digits.
func atoiDigits(s string, i, n int) int {
	v := 0
	for _, c := range []byte(s[i : i+n]) {
		if c < '0' || c > '9' {
			return -1
		}
		v = v*10 + int(c-'0')
	}
	return v
}

// daysIn returns the number of days of month m (1-12) in year y.
func daysIn(m, y int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
