package mapi

import (
	"fmt"
	"time"
)

// Beijing is the fixed UTC+8 zone in which Alipay writes every MAPI
// timestamp (spec §8.6). It needs no tzdata: China has kept UTC+8 without
// daylight saving since 1991.
var Beijing = time.FixedZone("UTC+8", 8*60*60)

// Time layouts Alipay uses.
const (
	layoutDateTime = "2006-01-02 15:04:05" // notify_time, gmt_* (spec §4)
	layoutCompact  = "20060102150405"      // gmt_return, file timestamps (spec §3.3, §3.6)
	layoutDate     = "20060102"            // start_date, end_date, file dates
)

// parseBeijing parses a timestamp in one of layouts as Beijing time. An
// empty string is the zero time.
func parseBeijing(field, s string, layouts ...string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, l := range layouts {
		if t, err := time.ParseInLocation(l, s, Beijing); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("mapi: %s: %q is not a Beijing time in the form %q", field, truncate(s, 40), layouts[0])
}
