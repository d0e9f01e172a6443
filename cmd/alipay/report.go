package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/reports/xlsx"
)

const reportAbout = `Reads Antom reconciliation reports (transaction details, settlement details or
settlement summary, CSV or XLSX) and prints for each its rows and totals per
currency and transaction type, exactly (no floating point). A file that stops
before its <END> line is an error: it was not downloaded completely.

A directory stands for every report in it (files ending in .csv or .xlsx, in
name order; the -ledger file and files whose header names none of Antom's
reports are skipped). "alipay report fetch" downloads a day's reports from Antom's SFTP
server into a directory; see "alipay report fetch -h". To read a report file
named fetch, write ./fetch.

With -ledger, it also matches the reports against your own records and lists
every discrepancy; the exit status is then 1 when there is any. On long runs
it says on standard error how far it got.
`

// reportProgressRows is how often a long report says how far it got (a
// variable for the tests).
var reportProgressRows = 500_000

func (a *app) report(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "fetch" {
		return a.reportFetch(ctx, args[1:])
	}
	f := newFlags("report", "alipay report [-ledger FILE] REPORT-FILE-OR-DIRECTORY...\n  alipay report fetch -host HOST -user USER -out DIR [flags]", reportAbout+reportLedgerAbout)
	ledgerFile := f.String("ledger", "", "`FILE` with your records as CSV, to match against the reports (see above)")
	if err := f.parse(a.stdout, args, 1<<20); err != nil {
		return err
	}
	if f.NArg() == 0 {
		return usagef("no report file: give report files or a directory of reports as the arguments (- reads standard input)")
	}
	var (
		l   *ledger
		rec *alipay.Reconciler
	)
	if *ledgerFile != "" {
		var err error
		if l, err = a.readLedger(*ledgerFile); err != nil {
			return err
		}
		if rec, err = alipay.NewReconciler(l.records); err != nil {
			return fmt.Errorf("ledger %s: %w", *ledgerFile, reportPlain(err))
		}
	}
	inputs, err := reportInputs(f.Args(), *ledgerFile)
	if err != nil {
		return err
	}
	files := &reportFiles{}
	for _, in := range inputs {
		if len(files.read)+len(files.skipped) > 0 {
			fmt.Fprintln(a.stdout)
		}
		if err := a.reportFile(in, rec, files); err != nil {
			return err
		}
	}
	if len(inputs) > 1 {
		fmt.Fprintln(a.stdout)
		files.summary(a.stdout)
	}
	if rec == nil {
		return nil
	}
	ds := rec.Discrepancies()
	fmt.Fprintf(a.stdout, "\nMatched against %d records of %s: ", len(l.records), l.name)
	if len(ds) == 0 {
		fmt.Fprintln(a.stdout, "no discrepancies.")
		return nil
	}
	fmt.Fprintf(a.stdout, "%d discrepancies.\n", len(ds))
	byKind := map[alipay.DiscrepancyKind]int{}
	var kinds []string
	for _, d := range ds {
		fmt.Fprintln(a.stdout, "  "+describeDiscrepancy(d, files, l))
		if byKind[d.Kind] == 0 {
			kinds = append(kinds, string(d.Kind))
		}
		byKind[d.Kind]++
	}
	sort.Strings(kinds)
	for i, k := range kinds {
		kinds[i] = fmt.Sprintf("%d %s", byKind[alipay.DiscrepancyKind(k)], k)
	}
	fmt.Fprintf(a.stdout, "By kind: %s.\n", strings.Join(kinds, ", "))
	return &failedError{"discrepancies found"}
}

// reportInput is a file to read, and whether it was named or found in a
// directory (where a file that is not a report is skipped, not an error).
type reportInput struct {
	name  string
	inDir bool
}

// reportInputs expands directories into their .csv and .xlsx files, less
// the ledger.
func reportInputs(args []string, ledgerFile string) ([]reportInput, error) {
	var ledgerInfo os.FileInfo
	if ledgerFile != "" {
		ledgerInfo, _ = os.Stat(ledgerFile)
	}
	var inputs []reportInput
	for _, arg := range args {
		info, err := os.Stat(arg)
		if arg == "-" || err != nil || !info.IsDir() {
			inputs = append(inputs, reportInput{name: arg})
			continue
		}
		entries, err := os.ReadDir(arg)
		if err != nil {
			return nil, fmt.Errorf("reading the directory: %w", err)
		}
		n := len(inputs)
		for _, e := range entries {
			ext := strings.ToLower(filepath.Ext(e.Name()))
			if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") || (ext != ".csv" && ext != ".xlsx") {
				continue
			}
			if info, err := e.Info(); err == nil && ledgerInfo != nil && os.SameFile(info, ledgerInfo) {
				continue
			}
			{
				inputs = append(inputs, reportInput{name: filepath.Join(arg, e.Name()), inDir: true})
			}
		}
		if len(inputs) == n {
			return nil, fmt.Errorf("%s: no .csv or .xlsx file in the directory", arg)
		}
	}
	return inputs, nil
}

// reportSpan is the part of the reconciler's line numbers one file took:
// with several files of a kind, lines are numbered on from one file to
// the next, and a discrepancy's line is mapped back to its file here.
type reportSpan struct {
	name        string
	kind        alipay.ReportKind
	first, last int // lines base+1 ... last belong to the file
	rows        int
}

// reportFiles tracks what was read.
type reportFiles struct {
	read    []reportSpan
	skipped []string // files in a directory that are not Antom reports
	base    map[alipay.ReportKind]int
}

// locate names the file and line of a reconciler line of kind.
func (fs *reportFiles) locate(kind alipay.ReportKind, line int) (string, int) {
	if line <= 0 { // no line: name the file if it is the only one of its kind
		name := ""
		for _, s := range fs.read {
			if s.kind == kind {
				if name != "" {
					return "", line
				}
				name = s.name
			}
		}
		return name, line
	}
	for _, s := range fs.read {
		if s.kind == kind && line > s.first && line <= s.last {
			return s.name, line - s.first
		}
	}
	return "", line
}

func (fs *reportFiles) summary(w io.Writer) {
	counts := map[alipay.ReportKind]int{}
	rows := map[alipay.ReportKind]int{}
	for _, s := range fs.read {
		counts[s.kind]++
		rows[s.kind] += s.rows
	}
	var parts []string
	for _, k := range []alipay.ReportKind{alipay.ReportTransactionDetails, alipay.ReportSettlementDetails, alipay.ReportSettlementSummary} {
		if counts[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s (%d rows)", counts[k], strings.ToLower(reportKindNames[k]), rows[k]))
		}
	}
	fmt.Fprintf(w, "Read %d reports: %s.\n", len(fs.read), strings.Join(parts, ", "))
	for _, name := range fs.skipped {
		fmt.Fprintf(w, "Skipped %s: not an Antom report.\n", name)
	}
}

// reportFile prints the totals of one report (CSV or XLSX, told apart by
// content) and feeds its lines to rec when it is not nil.
func (a *app) reportFile(in reportInput, rec *alipay.Reconciler, files *reportFiles) error {
	name := in.name
	var src io.Reader = a.stdin
	if name != "-" {
		file, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("reading the report: %w", err)
		}
		defer file.Close()
		src = file
	}
	br := bufio.NewReaderSize(src, 64<<10)
	var rr *alipay.ReportReader
	if magic, _ := br.Peek(4); string(magic) == "PK\x03\x04" { // a zip archive: XLSX
		rep, err := xlsx.NewReport(br)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		defer rep.Close()
		rr = alipay.NewReportSourceReader(rep)
	} else {
		rr = alipay.NewReportReader(br)
	}
	if name == "-" {
		name = "standard input"
	}
	kind, err := rr.Kind()
	if err != nil {
		return fmt.Errorf("%s: %w", name, reportPlain(err))
	}
	if kind == alipay.ReportUnknown {
		if in.inDir {
			files.skipped = append(files.skipped, name)
			fmt.Fprintf(a.stdout, "%s: skipped, the header names none of Antom's reports.\n", name)
			return nil
		}
		return fmt.Errorf("%s: the header names none of Antom's reports (transaction details, settlement details, settlement summary)", name)
	}
	if files.base == nil {
		files.base = map[alipay.ReportKind]int{}
	}
	t := newReportTotals(kind, rec)
	t.lineBase = files.base[kind]
	last := 0
	for row, err := range rr.All() {
		if err == nil {
			err = t.add(row)
			last = row.Line()
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, reportPlain(err))
		}
		if t.rows%reportProgressRows == 0 {
			fmt.Fprintf(a.stderr, "alipay report: %s: %d rows read...\n", name, t.rows)
		}
	}
	files.read = append(files.read, reportSpan{name: name, kind: kind, first: t.lineBase, last: t.lineBase + last, rows: t.rows})
	files.base[kind] = t.lineBase + last
	fmt.Fprintf(a.stdout, "%s: ", name)
	t.print(a.stdout)
	return nil
}

// reportKey groups totals.
type reportKey struct{ currency, kind string }

// reportSum is an exact running total in minor units.
type reportSum struct {
	rows int
	sum  big.Int
}

func (s *reportSum) add(a alipay.Amount) error {
	minor, err := a.MinorUnits()
	if err != nil {
		return err
	}
	s.sum.Add(&s.sum, big.NewInt(minor))
	return nil
}

// reportTotals accumulates one report's totals.
type reportTotals struct {
	kind      alipay.ReportKind
	rows      int
	amounts   map[reportKey]*reportSum // transaction amounts by currency and type
	settled   map[reportKey]*reportSum // settlement amounts by settlement currency and type
	fees      map[reportKey]*reportSum // fees by currency and fee name
	summaries []alipay.SettlementSummary
	rec       *alipay.Reconciler // nil unless matching against a ledger
	lineBase  int                // added to the lines given to rec (see reportSpan)
}

func newReportTotals(kind alipay.ReportKind, rec *alipay.Reconciler) *reportTotals {
	return &reportTotals{kind: kind, rec: rec, amounts: map[reportKey]*reportSum{}, settled: map[reportKey]*reportSum{}, fees: map[reportKey]*reportSum{}}
}

func bucket(m map[reportKey]*reportSum, currency, kind string) *reportSum {
	k := reportKey{currency, kind}
	if m[k] == nil {
		m[k] = &reportSum{}
	}
	m[k].rows++
	return m[k]
}

func (t *reportTotals) add(row alipay.ReportRow) error {
	t.rows++
	addFees := func(fees []alipay.ReportFee) error {
		for _, fee := range fees {
			if err := bucket(t.fees, fee.Amount.Currency, fee.Name).add(fee.Amount); err != nil {
				return err
			}
		}
		return nil
	}
	switch t.kind {
	case alipay.ReportTransactionDetails:
		d, err := row.TransactionDetail()
		if err != nil {
			return err
		}
		if err := bucket(t.amounts, d.TransactionAmount.Currency, string(d.TransactionType)).add(d.TransactionAmount); err != nil {
			return err
		}
		if t.rec != nil {
			d.Line += t.lineBase
			t.rec.AddTransactionDetail(&d)
		}
		return addFees(d.Fees)
	case alipay.ReportSettlementDetails:
		d, err := row.SettlementDetail()
		if err != nil {
			return err
		}
		if d.TransactionAmount.Currency != "" {
			if err := bucket(t.amounts, d.TransactionAmount.Currency, string(d.TransactionType)).add(d.TransactionAmount); err != nil {
				return err
			}
		}
		if err := bucket(t.settled, d.SettlementAmount.Currency, string(d.TransactionType)).add(d.SettlementAmount); err != nil {
			return err
		}
		if t.rec != nil {
			d.Line += t.lineBase
			t.rec.AddSettlementDetail(&d)
		}
		return addFees(d.Fees)
	case alipay.ReportSettlementSummary:
		s, err := row.SettlementSummary()
		if err != nil {
			return err
		}
		t.summaries = append(t.summaries, s)
		if t.rec != nil {
			s.Line += t.lineBase
			t.rec.AddSettlementSummary(&s)
		}
	}
	return nil
}

var reportKindNames = map[alipay.ReportKind]string{
	alipay.ReportTransactionDetails: "Transaction details",
	alipay.ReportSettlementDetails:  "Settlement details",
	alipay.ReportSettlementSummary:  "Settlement summary",
}

func (t *reportTotals) print(w io.Writer) {
	fmt.Fprintf(w, "%s report, %d rows, complete (ends with <END>).\n", strings.ToLower(reportKindNames[t.kind]), t.rows)
	table := func(title, col string, m map[reportKey]*reportSum) {
		if len(m) == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s:\n", title)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "CURRENCY\t%s\tROWS\tTOTAL\n", col)
		for _, k := range sortedKeys(m) {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", k.currency, valueOr(k.kind, "-"), m[k].rows, formatMinor(&m[k].sum, k.currency))
		}
		tw.Flush()
	}
	table("Transaction amounts by currency and type", "TYPE", t.amounts)
	table("Settlement amounts by currency and type", "TYPE", t.settled)
	table("Fees by currency", "FEE", t.fees)
	if len(t.summaries) > 0 {
		fmt.Fprintln(w, "\nSettlement batches:")
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "BATCH\tTYPE\tDATE\tTRANSACTIONS\tNET AMOUNT\tCURRENCY")
		for _, s := range t.summaries {
			date := "-"
			if !s.SettlementTime.IsZero() {
				date = s.SettlementTime.Format("2006-01-02")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", s.SettlementBatchID, valueOr(s.SummaryType, "TOTAL"), date,
				s.TransactionCount, amountDecimal(s.SettlementAmount), s.SettlementAmount.Currency)
		}
		tw.Flush()
	}
}

func sortedKeys(m map[reportKey]*reportSum) []reportKey {
	keys := make([]reportKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].currency != keys[j].currency {
			return keys[i].currency < keys[j].currency
		}
		return keys[i].kind < keys[j].kind
	})
	return keys
}

// formatMinor writes an exact total of minor units in major units; totals
// may exceed the 16 digits one amount can have, so it works on big.Int.
func formatMinor(v *big.Int, currency string) string {
	digits, err := alipay.CurrencyDigits(currency)
	if err != nil {
		return v.String() + " (minor units)"
	}
	s := new(big.Int).Abs(v).String()
	if digits > 0 {
		if len(s) <= digits {
			s = strings.Repeat("0", digits-len(s)+1) + s
		}
		s = s[:len(s)-digits] + "." + s[len(s)-digits:]
	}
	if v.Sign() < 0 {
		s = "-" + s
	}
	return s
}

func amountDecimal(a alipay.Amount) string {
	if d, err := a.Decimal(); err == nil {
		return d
	}
	return a.Value + " (minor units)"
}

// reportPlain drops the package prefix from an SDK error inside a message
// that already names the command.
func reportPlain(err error) error {
	return plainError{err}
}

type plainError struct{ err error }

func (e plainError) Error() string { return strings.TrimPrefix(e.err.Error(), "alipay: ") }
func (e plainError) Unwrap() error { return e.err }
