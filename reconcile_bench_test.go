package alipay

import (
	"bytes"
	"encoding/csv"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
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

// benchReconcileData returns a transaction details report of n payment
// lines written with ReportWriter, and n merchant records that match it
// line for line (each with its transaction id and request id, as a
// merchant who stores Antom's paymentId has them).
func benchReconcileData(b *testing.B, n int) ([]byte, []MerchantRecord) {
	b.Helper()
	var buf bytes.Buffer
	buf.Grow(n * 150)
	w := NewReportWriter(&buf, ReportTransactionDetails)
	records := make([]MerchantRecord, n)
	at := time.Date(2026, 11, 20, 10, 30, 0, 0, time.FixedZone("", 8*3600))
	var num []byte
	for i := range n {
		num = strconv.AppendInt(num[:0], int64(i), 10)
		value := strconv.FormatInt(int64(100+i%100000), 10)
		d := TransactionDetail{
			CustomerID:           "1022188000000000001",
			TransactionID:        "20261120114010800100188" + strconv.FormatInt(int64(100000000+i), 10),
			TransactionRequestID: "pay-" + string(num),
			OrderDescription:     "Order " + string(num),
			TransactionType:      TransactionTypePayment,
			PaymentMethodType:    "ALIPAY_HK",
			Status:               "SUCCESS",
			TransactionTime:      at.Add(time.Duration(i) * time.Millisecond),
			TransactionAmount:    Amount{Currency: "USD", Value: value},
			Fees:                 []ReportFee{{Name: FeeProcessing, Amount: Amount{Currency: "USD", Value: "-" + strconv.Itoa(1+i%50)}}},
		}
		require.NoError(b, w.WriteTransactionDetail(&d))
		records[i] = MerchantRecord{TransactionID: d.TransactionID, RequestID: d.TransactionRequestID,
			Type: TransactionTypePayment, Amount: d.TransactionAmount}
	}
	require.NoError(b, w.Close())
	return buf.Bytes(), records
}

// reconcileBenchSizes are the report sizes BenchmarkReconcileVsCSV runs.
// 3,000,000 lines (about 450 MB of report, 600 MB of records) runs only
// with ALIPAY_BENCH_3M=1, to show that the cost grows linearly.
func reconcileBenchSizes() []int {
	sizes := []int{100_000, 1_000_000}
	if os.Getenv("ALIPAY_BENCH_3M") == "1" {
		sizes = append(sizes, 3_000_000)
	}
	return sizes
}

// BenchmarkReconcileVsCSV alternates a raw encoding/csv pass (ReuseRecord)
// over a transaction details report with a whole reconciliation of the same
// report: NewReconciler over records that all match, Add, Discrepancies.
// Metrics, from the fastest pass of each kind:
//   - "ratio": the reconciliation's throughput as a fraction of raw, by wall
//     time (the goal is ≥ 0.3);
//   - "cpu-ratio": the same by the CPU time the process used (all threads,
//     the garbage collector's too), steadier on a shared machine;
//   - "ns/line": wall time of the reconciliation per report line;
//   - "retained-MB": the heap the Reconciler holds after Discrepancies on top
//     of what the benchmark holds (the records, the report), after a GC (the
//     goal is ≤ 200 MB at 1,000,000 records).
//
// The records are in the report's order, as a ledger read by date and a
// day's report mostly are; the "shuffled" variant puts them in random
// order, which costs the Reconciler one more map probe per line. The
// "by-request" variant gives the records no transaction id, as a
// merchant who keeps only its own request ids has them: lines are then
// found by request id. The "stream" variant feeds the records through
// NewReconcilerSeq, so the Reconciler holds its own copy of the record
// structs (not of their strings), which counts toward retained-MB;
// "stream-grow" calls Grow with the number of records first, then AddRecord.
func BenchmarkReconcileVsCSV(b *testing.B) {
	for _, n := range reconcileBenchSizes() {
		b.Run("lines="+strconv.Itoa(n), func(b *testing.B) {
			data, records := benchReconcileData(b, n)
			benchReconcile(b, data, func() (*Reconciler, error) { return NewReconciler(records) })
		})
	}
	const n = 1_000_000
	b.Run("by-request/lines="+strconv.Itoa(n), func(b *testing.B) {
		data, records := benchReconcileData(b, n)
		for i := range records {
			records[i].TransactionID = ""
		}
		benchReconcile(b, data, func() (*Reconciler, error) { return NewReconciler(records) })
	})
	b.Run("shuffled/lines="+strconv.Itoa(n), func(b *testing.B) {
		data, records := benchReconcileData(b, n)
		rand.New(rand.NewPCG(1, 2)).Shuffle(len(records), func(i, j int) { records[i], records[j] = records[j], records[i] })
		benchReconcile(b, data, func() (*Reconciler, error) { return NewReconciler(records) })
	})
	b.Run("stream/lines="+strconv.Itoa(n), func(b *testing.B) {
		data, records := benchReconcileData(b, n)
		benchReconcile(b, data, func() (*Reconciler, error) { return NewReconcilerSeq(slices.Values(records)) })
	})
	b.Run("stream-grow/lines="+strconv.Itoa(n), func(b *testing.B) {
		data, records := benchReconcileData(b, n)
		benchReconcile(b, data, func() (*Reconciler, error) {
			r, err := NewReconciler(nil)
			if err != nil {
				return nil, err
			}
			r.Grow(len(records))
			for _, rec := range records {
				if err := r.AddRecord(rec); err != nil {
					return nil, err
				}
			}
			return r, nil
		})
	})
}

// BenchmarkReconcileBeforeRewrite measures, the same way, the Reconciler
// as it was before its rewrite for speed (reconcile_reference_test.go), to
// compare with BenchmarkReconcileVsCSV/lines=1000000.
func BenchmarkReconcileBeforeRewrite(b *testing.B) {
	data, records := benchReconcileData(b, 1_000_000)
	benchReconcile(b, data, func() (benchReconciler, error) { return newRefReconciler(records) })
}

// benchReconciler is what benchReconcile needs of a Reconciler.
type benchReconciler interface {
	Add(*ReportReader) error
	Discrepancies() []Discrepancy
}

func benchReconcile[R benchReconciler](b *testing.B, data []byte, newReconciler func() (R, error)) {
	b.SetBytes(int64(len(data)))
	lines := bytes.Count(data, []byte{'\n'}) - 2 // header and <END>
	var bestRaw, bestRec, bestRawCPU, bestRecCPU time.Duration
	var retained uint64
	for range b.N {
		runtime.GC()
		start, startCPU := time.Now(), benchCPUTime()
		benchReadRaw(b, data)
		raw, rawCPU := time.Since(start), benchCPUTime()-startCPU

		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start, startCPU = time.Now(), benchCPUTime()
		r, err := newReconciler()
		if err != nil {
			b.Fatal(err)
		}
		if err := r.Add(NewReportReader(bytes.NewReader(data))); err != nil {
			b.Fatal(err)
		}
		if ds := r.Discrepancies(); len(ds) != 0 {
			b.Fatalf("%d discrepancies, the first: %v", len(ds), ds[0])
		}
		rec, recCPU := time.Since(start), benchCPUTime()-startCPU
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(r)
		retained = max(retained, after.HeapAlloc-min(after.HeapAlloc, before.HeapAlloc))

		bestRaw, bestRec = benchBest(bestRaw, raw), benchBest(bestRec, rec)
		bestRawCPU, bestRecCPU = benchBest(bestRawCPU, rawCPU), benchBest(bestRecCPU, recCPU)
	}
	b.ReportMetric(float64(bestRaw)/float64(bestRec), "ratio")
	if bestRecCPU > 0 {
		b.ReportMetric(float64(bestRawCPU)/float64(bestRecCPU), "cpu-ratio")
	}
	b.ReportMetric(float64(bestRec.Nanoseconds())/float64(lines), "ns/line")
	b.ReportMetric(float64(retained)/(1<<20), "retained-MB")
}

func benchBest(best, d time.Duration) time.Duration {
	if best == 0 || d < best {
		return d
	}
	return best
}
