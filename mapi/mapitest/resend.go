package mapitest

import (
	"context"
	"sort"
	"time"
)

// ResendSchedule is the wait before each of Alipay's resends of a
// notification the merchant did not acknowledge with "success": 2m, 10m,
// 10m, 1h, 2h, 6h, 15h, as documented for cross-border online payments
// (https://docs.antom.com/ac/web/async, "resends the asynchronous
// notification 8 times within 25 hours"). The docs list seven waits for
// eight sends; the first send is the eighth. Every resend keeps the
// notify_id.
var ResendSchedule = []time.Duration{
	2 * time.Minute, 10 * time.Minute, 10 * time.Minute,
	time.Hour, 2 * time.Hour, 6 * time.Hour, 15 * time.Hour,
}

// outboxEntry is a notification Alipay keeps sending until acknowledged.
type outboxEntry struct {
	first    Delivery // the first attempt, resent as is
	attempts int
	last     time.Time
	acked    bool
}

// resendOf is the next send of the notification d delivered: the same
// URL, fields and notify_id, whose one-minute validity (from the first
// delivery) a resend does not renew.
func resendOf(d Delivery) Delivery {
	return Delivery{URL: d.URL, NotifyID: d.NotifyID, OutTradeNo: d.OutTradeNo, Fields: d.Fields}
}

// track records an attempt; s.mu is held.
func (s *Server) track(d Delivery) {
	if s.outbox == nil {
		s.outbox = map[string]*outboxEntry{}
	}
	e := s.outbox[d.NotifyID]
	if e == nil {
		e = &outboxEntry{first: d}
		s.outbox[d.NotifyID] = e
	}
	e.attempts++
	e.last = s.now()
	e.acked = e.acked || d.Acked
}

// NextResend returns when Alipay would next send the notification with
// notifyID, and false when it will not: acknowledged, every resend of
// ResendSchedule made, or unknown.
func (s *Server) NextResend(notifyID string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nextResend(s.outbox[notifyID])
}

func (s *Server) nextResend(e *outboxEntry) (time.Time, bool) {
	if e == nil || e.acked || e.attempts > len(ResendSchedule) {
		return time.Time{}, false
	}
	return e.last.Add(ResendSchedule[e.attempts-1]), true
}

// ResendDue sends again, with the same notify_id, every unacknowledged
// notification whose next send by ResendSchedule is due on the server's
// clock (WithClock), as Alipay would by then, and returns those
// deliveries in notify_id order. Advance the clock and call it to play a
// day of resends in a test. Like Resend, it keeps the notify_id and its
// validity: notify_verify answers "false" for it once NotifyIDTTL has
// passed since the first delivery, as Alipay's does, so a client must
// confirm such a resend some other way (mapi confirms it by query).
func (s *Server) ResendDue(ctx context.Context) ([]Delivery, error) {
	s.mu.Lock()
	now := s.now()
	var due []Delivery
	ids := make([]string, 0, len(s.outbox))
	for id := range s.outbox {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		e := s.outbox[id]
		if at, ok := s.nextResend(e); ok && !now.Before(at) {
			due = append(due, resendOf(e.first))
		}
	}
	s.mu.Unlock()
	out := make([]Delivery, 0, len(due))
	for _, d := range due {
		got, err := s.deliver(ctx, d)
		if err != nil {
			return out, err
		}
		out = append(out, got)
	}
	return out, nil
}
