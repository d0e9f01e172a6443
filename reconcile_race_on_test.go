//go:build race

package alipay

// reportMemTestSize is the size of the report TestReportReaderMemory
// streams. The race detector slows the reader about tenfold, so CI's race
// run streams 20 MB; plain runs stream the full 200 MB.
const reportMemTestSize = 20 << 20

// reconcileRefSeeds is the number of random scenarios
// TestReconcileMatchesReference runs: the race detector makes each about
// eight times slower.
const reconcileRefSeeds = 300
