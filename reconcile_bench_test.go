package alipay

import (
	"bytes"
	"encoding/csv"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestReportReaderMemory streams a generated report (200 MB, 20 MB under
// the race detector) through the reader, and the typed view for one row in
// eight, and checks that the heap never holds more than 32 MiB.
func TestReportReaderMemory(t *testing.T) {
	const limit = 32 << 20
	gen := newReportGenerator(reportMemTestSize)
	rr := NewReportReader(gen)
	var ms runtime.MemStats
	var rows int
	var peak uint64
	for {
		row, err := rr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		if rows%8 == 0 { // the typed view on a sample of rows keeps the test quick
			if _, err := row.SettlementDetail(); err != nil {
				require.NoError(t, err)
			}
		}
		rows++
		if rows%4096 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			if ms.HeapAlloc > limit {
				t.Fatalf("heap %d MiB after %d rows", ms.HeapAlloc>>20, rows)
			}
		}
	}
	require.Equal(t, gen.rows, rows)
	require.GreaterOrEqual(t, gen.n, int64(reportMemTestSize))
	t.Logf("%d MB, %d rows, peak heap %.1f MiB", gen.n>>20, rows, float64(peak)/(1<<20))
}

func benchReport(b *testing.B) []byte {
	b.Helper()
	data, err := io.ReadAll(newReportGenerator(8 << 20))
	require.NoError(b, err)
	return data
}

// benchReadRaw reads data with encoding/csv and ReuseRecord: the baseline.
func benchReadRaw(b *testing.B, data []byte) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	for {
		_, err := r.Read()
		if err == io.EOF {
			return
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

// benchReadReport reads data with ReportReader, looking one column up by
// name on every row.
func benchReadReport(b *testing.B, data []byte) {
	rr := NewReportReader(bytes.NewReader(data))
	for {
		row, err := rr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			b.Fatal(err)
		}
		if row.Get(columnTransactionID) == "" {
			b.Fatal("no transactionId")
		}
	}
}

// BenchmarkReportCSVRaw is the baseline: encoding/csv with ReuseRecord over
// the same bytes as BenchmarkReportReader.
func BenchmarkReportCSVRaw(b *testing.B) {
	data := benchReport(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		benchReadRaw(b, data)
	}
}

// BenchmarkReportReader reads the same report with ReportReader.
func BenchmarkReportReader(b *testing.B) {
	data := benchReport(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		benchReadReport(b, data)
	}
}

// BenchmarkReportReaderTyped adds the settlement details view (exact
// amount conversion, times, fees) to every row.
func BenchmarkReportReaderTyped(b *testing.B) {
	data := benchReport(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		rr := NewReportReader(bytes.NewReader(data))
		for row, err := range rr.All() {
			if err != nil {
				b.Fatal(err)
			}
			if _, err := row.SettlementDetail(); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkReportReaderVsCSV alternates the raw encoding/csv pass and the
// ReportReader pass over the same bytes and reports the reader's throughput
// as a fraction of raw (metric "ratio", from the fastest pass of each, which
// is robust to other load on the machine). The goal is ≥ 0.8.
func BenchmarkReportReaderVsCSV(b *testing.B) {
	data := benchReport(b)
	b.SetBytes(int64(len(data)))
	var bestRaw, bestReader time.Duration
	for range b.N {
		start := time.Now()
		benchReadRaw(b, data)
		raw := time.Since(start)

		start = time.Now()
		benchReadReport(b, data)
		reader := time.Since(start)
		if bestRaw == 0 || raw < bestRaw {
			bestRaw = raw
		}
		if bestReader == 0 || reader < bestReader {
			bestReader = reader
		}
	}
	b.ReportMetric(float64(bestRaw)/float64(bestReader), "ratio")
}
