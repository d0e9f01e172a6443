package mapi

import (
	"errors"
	"time"
)

// errEmptyFileBody: a download answered with no line at all, which is
// neither a file nor the gateway's no-data message.
var errEmptyFileBody = errors.New("the answer is empty: neither records nor Alipay's \"No balance account data in the period\"")

// maxFileDays is the longest period the file services serve ("Over 10
// days to Date period").
const maxFileDays = 10

// checkFileDates refuses what the gateway would refuse with a text message
// (the legacy download services' error texts), naming the day in Beijing, where the gateway counts: a
// period over 10 days, an end before the start, and an end that is not
// before the current Beijing day ("Finish date not ahead of today"). The
// last catches a job that runs just after its own midnight east of Beijing
// (Seoul, Tokyo): its yesterday has not ended in Beijing yet.
func checkFileDates(start, end Date, now time.Time) error {
	switch {
	case start.IsZero() || end.IsZero():
		return invalid("start_date", "start and end dates are required")
	case !start.Valid():
		return invalid("start_date", "%s is not a calendar day", start)
	case !end.Valid():
		return invalid("end_date", "%s is not a calendar day", end)
	case end.Before(start):
		return invalid("end_date", "%s is before start_date %s", end, start)
	case end.DaysSince(start) > maxFileDays:
		return invalid("end_date", "%s is more than %d days after start_date %s", end, maxFileDays, start)
	}
	bj := now.In(Beijing)
	if today := DateOf(bj); !end.Before(today) {
		return invalid("end_date", "%s has not ended in Beijing, where Alipay counts days (it is %s there): ask again after midnight Beijing time", end, bj.Format("2006-01-02 15:04"))
	}
	return nil
}
