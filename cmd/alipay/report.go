package main

import (
	"context"
	"fmt"
	"io"
	"math/big"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/xborderpay/alipay"
)

const reportAbout = `Reads Antom reconciliation reports (transaction details, settlement details or
settlement summary, CSV) and prints for each its rows and totals per currency
and transaction type, exactly (no floating point). A file that stops before its
<END> line is an error: it was not downloaded completely.

With -ledger, it also matches the reports against your own records and lists
every discrepancy; the exit status is then 1 when there is any.
`

func (a *app) report(_ context.Context, args []string) error {
	f := newFlags("report", "alipay report [-ledger FILE] REPORT-FILE...", reportAbout+reportLedgerAbout)
	ledgerFile := f.String("ledger", "", "`FILE` with your records as CSV, to match against the reports (see above)")
	if err := f.parse(a.stdout, args, 64); err != nil {
		return err
	}
	if f.NArg() == 0 {
		return usagef("no report file: give the report CSV as the argument (- reads standard input)")
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
	files := map[alipay.ReportKind]string{}
	for i, name := range f.Args() {
		if i > 0 {
			fmt.Fprintln(a.stdout)
		}
		kind, err := a.reportFile(name, rec)
		if err != nil {
			return err
		}
		files[kind] = name
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
	for _, d := range ds {
		fmt.Fprintln(a.stdout, "  "+describeDiscrepancy(d, files, l))
	}
	return &failedError{"discrepancies found"}
}

// reportFile prints the totals of one report and feeds its lines to rec
// when it is not nil.
func (a *app) reportFile(name string, rec *alipay.Reconciler) (alipay.ReportKind, error) {
	var in io.Reader = a.stdin
	if name != "-" {
		file, err := os.Open(name)
		if err != nil {
			return "", fmt.Errorf("reading the report: %w", err)
		}
		defer file.Close()
		in = file
	}
	rr := alipay.NewReportReader(in)
	kind, err := rr.Kind()
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, reportPlain(err))
	}
	if kind == alipay.ReportUnknown {
		return "", fmt.Errorf("%s: the header names none of Antom's reports (transaction details, settlement details, settlement summary)", name)
	}
	t := newReportTotals(kind, rec)
	for row, err := range rr.All() {
		if err == nil {
			err = t.add(row)
		}
		if err != nil {
			return "", fmt.Errorf("%s: %w", name, reportPlain(err))
		}
	}
	if name == "-" {
		name = "standard input"
	}
	fmt.Fprintf(a.stdout, "%s: ", name)
	t.print(a.stdout)
	return kind, nil
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
