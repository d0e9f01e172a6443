//go:build !race

package alipay_test

// faultFlows is how many checkout flows TestFaultInjection drives (see
// faultinjection_race_on_test.go).
const faultFlows = 1000
