//go:build !race

package alipay

// reportMemTestSize is the size of the report TestReportReaderMemory
// streams (see reconcile_race_on_test.go).
const reportMemTestSize = 200 << 20

// reconcileRefSeeds is the number of random scenarios
// TestReconcileMatchesReference runs.
const reconcileRefSeeds = 2000
