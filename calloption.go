package alipay

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// A CallOption changes one call, and only that call, of a Client: the
// typed methods (Pay, Refund, ...), Do and WaitForPayment accept them last.
// What a call is not given comes from the client's options, so one Client
// can serve callers with different needs, such as an ISV acting for many
// merchants, without building a Client each.
//
// Options are checked before anything is sent: an invalid one fails the
// call with an error naming it, and nothing reaches Antom.
type CallOption func(*callOptions)

// callOptions is what a call's CallOptions set; the zero value takes
// everything from the client.
type callOptions struct {
	agentToken     string
	agentTokenSet  bool
	attemptTimeout time.Duration
	// attemptTimeoutSet: attemptTimeout is a CallAttemptTimeout, named
	// in the error when it passes.
	attemptTimeoutSet bool
	retry             RetryPolicy
	retrySet          bool
	err               error // the first invalid option
}

// CallAgentToken sends token in the Agent-Token header of this call instead
// of the client's (WithAgentToken): an ISV calls for each merchant with
// that merchant's token. CallAgentToken("") sends no Agent-Token header.
// The header is not covered by the request signature, as Antom signs only
// the method, path, client ID, Request-Time and body
// (https://docs.antom.com/ac/ams/digital_signature).
func CallAgentToken(token string) CallOption {
	return func(o *callOptions) { o.agentToken, o.agentTokenSet = token, true }
}

// CallAttemptTimeout bounds each HTTP attempt of this call by d instead of
// the client's WithAttemptTimeout. The context still bounds the whole call,
// retries included. d must be positive.
func CallAttemptTimeout(d time.Duration) CallOption {
	return func(o *callOptions) {
		if d <= 0 && o.err == nil {
			o.err = fmt.Errorf("CallAttemptTimeout(%s): the attempt timeout must be positive", d)
		}
		o.attemptTimeout, o.attemptTimeoutSet = d, true
	}
}

// CallRetry retries this call by p instead of the client's WithRetry;
// CallRetry(NoRetry) makes it a single attempt. What is retried is the same
// (see RetryPolicy); p is checked as WithRetry checks it.
func CallRetry(p RetryPolicy) CallOption {
	return func(o *callOptions) {
		if err := p.validate(); err != nil && o.err == nil {
			o.err = errors.New("CallRetry: " + strings.TrimPrefix(err.Error(), "alipay: "))
		}
		o.retry, o.retrySet = p, true
	}
}

// applyCallOptions fills st's per-call settings from the client and opts.
// With no options it allocates nothing.
func (c *Client) applyCallOptions(st *callState, opts []CallOption) error {
	for _, opt := range opts {
		if opt != nil {
			opt(&st.opts)
		}
	}
	if st.opts.err != nil {
		return st.opts.err
	}
	if !st.opts.retrySet {
		st.opts.retry = c.retry
	}
	if !st.opts.attemptTimeoutSet {
		st.opts.attemptTimeout = c.attemptTimeout
	}
	if st.opts.agentTokenSet && st.opts.agentToken != "" {
		st.agentTokenHeader = []string{st.opts.agentToken}
	}
	return nil
}
