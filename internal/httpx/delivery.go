package httpx

import (
	"context"
	"net/http/httptrace"
	"sync/atomic"
)

// Delivery records whether any attempt of a call may have reached the
// server. A call whose attempts all failed before a request header was
// written (context done before sending, DNS failure, refused connection,
// failed TLS handshake) cannot have been processed; once headers were
// written, it may have been, whatever happened next.
type Delivery struct{ wrote atomic.Bool }

// Trace returns ctx with an httptrace hook that marks d once a request's
// headers are written. Every attempt made with the returned context (a
// retry client reuses the request's context) reports to the same d.
func (d *Delivery) Trace(ctx context.Context) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteHeaders: func() { d.wrote.Store(true) },
	})
}

// MayHaveReached reports whether any attempt may have reached the server.
func (d *Delivery) MayHaveReached() bool { return d.wrote.Load() }

// MarkReached records that an attempt reached the server (a response
// arrived), for transports that do not report WroteHeaders, such as a mock
// RoundTripper in tests.
func (d *Delivery) MarkReached() { d.wrote.Store(true) }
