package alipay

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// attemptTimeout bounds each attempt, headers and body, by d. It does what
// http.Client.Timeout does with a third of the allocations, and names the
// attempt timeout in its errors, so that a caller's own deadline and the
// per-attempt one are told apart.
type attemptTimeout struct {
	rt      http.RoundTripper
	d       time.Duration
	perCall bool // d is a CallAttemptTimeout, not WithAttemptTimeout
}

func (t attemptTimeout) RoundTrip(req *http.Request) (*http.Response, error) {
	parent := req.Context()
	st := stateOf(parent)
	if st != nil && st.opts.attemptTimeout > 0 {
		t.d, t.perCall = st.opts.attemptTimeout, st.opts.attemptTimeoutSet
	}
	ctx, cancel := context.WithTimeout(parent, t.d)
	resp, err := t.rt.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, t.explain(parent, ctx, err)
	}
	var b *timedBody
	if st != nil {
		// Attempts of a call are sequential, and each body is closed
		// before the next attempt: the call's state can hold it.
		b = &st.timedBody
	} else {
		b = &timedBody{}
	}
	*b = timedBody{rc: resp.Body, t: t, parent: parent, ctx: ctx, cancel: cancel}
	resp.Body = b
	return resp, nil
}

// explain names the attempt timeout when it, not the caller, ended ctx.
func (t attemptTimeout) explain(parent, ctx context.Context, err error) error {
	if ctx.Err() != nil && parent.Err() == nil {
		opt := "WithAttemptTimeout"
		if t.perCall {
			opt = "CallAttemptTimeout"
		}
		return fmt.Errorf("attempt timed out after %s (%s): %w", t.d, opt, err)
	}
	return err
}

// timedBody releases the attempt's timer when the body is closed.
type timedBody struct {
	rc     io.ReadCloser
	t      attemptTimeout
	parent context.Context
	ctx    context.Context
	cancel context.CancelFunc
}

func (b *timedBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if err != nil && err != io.EOF {
		err = b.t.explain(b.parent, b.ctx, err)
	}
	return n, err
}

func (b *timedBody) Close() error {
	err := b.rc.Close()
	b.cancel()
	return err
}
