package mapi

import (
	"fmt"
	"time"
)

// Date is a calendar day with no time and no zone: the unit in which the
// file services (forex_compare_file, forex_liquidation_file) and the SFTP
// file names count. Alipay reads the day as a Beijing day, but a Date is
// never converted: Date{2026, 11, 28} asks for 28 November whatever zone the
// caller's clock runs in. Build one with NewDate, DateOf or ParseDate; the
// zero Date is "no date".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate returns the date year-month-day. It does not normalise: use
// Valid to check a date built from input.
func NewDate(year int, month time.Month, day int) Date {
	return Date{Year: year, Month: month, Day: day}
}

// DateOf returns the calendar day of t in t's own location: a Seoul
// merchant's time.Now() gives the Seoul date, not the Beijing one.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// ParseDate parses "2006-01-02" or "20060102".
func ParseDate(s string) (Date, error) {
	for _, layout := range []string{"2006-01-02", layoutDate} {
		if t, err := time.Parse(layout, s); err == nil && DateOf(t).Valid() {
			return DateOf(t), nil
		}
	}
	return Date{}, fmt.Errorf("mapi: %q is not a date in the form 2006-01-02 or 20060102", truncate(s, 40))
}

// String returns the date as 2006-01-02.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// compact returns the date as Alipay's YYYYMMDD.
func (d Date) compact() string {
	return fmt.Sprintf("%04d%02d%02d", d.Year, int(d.Month), d.Day)
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Valid reports whether d names a real day between years 1 and 9999.
func (d Date) Valid() bool {
	return d.Year >= 1 && d.Year <= 9999 && d.Month >= 1 && d.Month <= 12 && d.Day >= 1 && d.Day <= daysIn(int(d.Month), d.Year)
}

// AddDays returns the date n days after d (before it when n < 0).
func (d Date) AddDays(n int) Date { return DateOf(d.midnight(time.UTC).AddDate(0, 0, n)) }

// Before reports whether d is an earlier day than e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is a later day than e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Compare returns -1, 0 or +1 as d is before, the same day as, or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmpInt(d.Year, e.Year)
	case d.Month != e.Month:
		return cmpInt(int(d.Month), int(e.Month))
	}
	return cmpInt(d.Day, e.Day)
}

// DaysSince returns the number of days from e to d (negative when d is
// before e).
func (d Date) DaysSince(e Date) int {
	return int(d.midnight(time.UTC).Sub(e.midnight(time.UTC)).Hours() / 24)
}

// In returns the instant the day starts in loc, e.g. mapi.Beijing to
// compare with the Beijing timestamps of a file's records.
func (d Date) In(loc *time.Location) time.Time { return d.midnight(loc) }

func (d Date) midnight(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
