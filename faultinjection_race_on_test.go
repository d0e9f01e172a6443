//go:build race

package alipay_test

// faultFlows is how many checkout flows TestFaultInjection drives. The race
// detector slows RSA about fivefold, so the race run drives fewer; .ci/run
// also runs the full 1,000 without it.
const faultFlows = 200
