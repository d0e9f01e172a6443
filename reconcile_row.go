package alipay

import (
	"strings"
	"time"
)

// ReportRow is one line of a report. A row returned by ReportReader is
// valid until the reader reads the next one: it shares the reader's
// storage, which is what lets the reader run at the speed of encoding/csv.
// Clone it to keep it; using a stale row panics.
type ReportRow struct {
	fields []string
	meta   *reportMeta
	line   int
	src    *ReportReader // nil for a cloned row
	gen    uint64
}

// Clone returns a copy of r that stays valid after the reader moves on.
func (r ReportRow) Clone() ReportRow {
	r.check()
	r.fields = append([]string(nil), r.fields...)
	r.src, r.gen = nil, 0
	return r
}

// check panics if r was overwritten by a later row of its reader: that is
// a bug in the caller, and returning another row's values would hide it.
func (r ReportRow) check() {
	if r.src != nil && r.src.gen != r.gen {
		panic("alipay: ReportRow used after its ReportReader read another row; use ReportRow.Clone to keep rows")
	}
}

// Get returns the value of the named column, spaces trimmed, or "" if the
// report has no such column. Names are matched case-insensitively.
func (r ReportRow) Get(name string) string {
	v, _ := r.Lookup(name)
	return v
}

// Lookup is like Get but also reports whether the report has the column.
func (r ReportRow) Lookup(name string) (string, bool) {
	if r.meta == nil {
		return "", false
	}
	r.check()
	i := r.meta.index(name)
	if i < 0 {
		return "", false
	}
	return reportTrim(r.fields[i]), true
}

// Line returns the line of the file the row starts on.
func (r ReportRow) Line() int { return r.line }

// Values returns the row's values in header order.
func (r ReportRow) Values() []string {
	r.check()
	values := make([]string, len(r.fields))
	for i, f := range r.fields {
		values[i] = reportTrim(f)
	}
	return values
}

// Kind returns the kind of report the row belongs to.
func (r ReportRow) Kind() ReportKind {
	if r.meta == nil {
		return ReportUnknown
	}
	return r.meta.kind
}

// reportMeta is what every row of a report shares: the header, how to find
// columns in it, and the time zone.
type reportMeta struct {
	header []string
	exact  map[string]int // header names as written
	folded map[string]int // lower-cased header names
	kind   ReportKind
	fees   []reportFeeColumn
	loc    *time.Location
}

// reportFeeColumn is a fee column and its currency partner (-1 if none).
type reportFeeColumn struct {
	name          string
	value, curren int
}

func newReportMeta(header []string, loc *time.Location) *reportMeta {
	m := &reportMeta{
		header: header,
		exact:  make(map[string]int, len(header)),
		folded: make(map[string]int, len(header)),
		kind:   DetectReportKind(header),
		loc:    loc,
	}
	for i, h := range header {
		m.exact[h] = i
		m.folded[strings.ToLower(h)] = i
	}
	// Resolve the SDK's own column names once, hits and misses alike, so
	// the typed views never fold case per row.
	for _, c := range reportKnownColumns {
		if _, ok := m.exact[c]; !ok {
			i, ok := m.folded[strings.ToLower(c)]
			if !ok {
				i = -1
			}
			m.exact[c] = i
		}
	}
	for i, h := range header {
		lower := strings.ToLower(h)
		var base string
		switch {
		case strings.HasSuffix(lower, "amountvalue"):
			base = h[:len(h)-len("amountvalue")]
		case strings.HasSuffix(lower, "fee"):
			base = h
		default:
			continue
		}
		if reportEqualFold(base, "transaction") || reportEqualFold(base, "settlement") {
			continue
		}
		m.fees = append(m.fees, reportFeeColumn{name: base, value: i, curren: m.index(base + "Currency")})
	}
	return m
}

// index returns the position of the named column or -1.
func (m *reportMeta) index(name string) int {
	if i, ok := m.exact[name]; ok {
		return i // -1 for a known column the header lacks
	}
	if i, ok := m.folded[strings.ToLower(name)]; ok {
		return i
	}
	return -1
}
