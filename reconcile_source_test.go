package alipay

import (
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sliceSource is a ReportSource over records in memory, numbered from
// line 1, ending with err (io.EOF when nil).
type sliceSource struct {
	recs [][]string
	err  error
	i    int
}

func (s *sliceSource) ReadRecord() ([]string, int, error) {
	if s.i == len(s.recs) {
		if s.err != nil {
			return nil, 0, s.err
		}
		return nil, 0, io.EOF
	}
	s.i++
	return s.recs[s.i-1], s.i, nil
}

func TestReportSourceReader(t *testing.T) {
	header := []string{"transactionId", "transactionAmountValue", "transactionCurrency"}
	row := []string{"p1", "10.25", "USD"}
	end := []string{"<END>"}
	failed := errors.New("disk on fire")
	tests := []struct {
		name    string
		recs    [][]string
		srcErr  error
		rows    int
		wantErr error
		line    int
	}{
		{"complete", [][]string{header, row, row, end}, nil, 2, nil, 0},
		{"only <END>", [][]string{end}, nil, 0, nil, 0},
		{"no <END>", [][]string{header, row}, nil, 1, ErrReportTruncated, 3},
		{"after <END>", [][]string{header, row, end, row}, nil, 1, ErrReportAfterEnd, 4},
		{"short last row", [][]string{header, row, {"p2"}}, nil, 1, ErrReportTruncated, 3},
		{"source fails", [][]string{header, row}, failed, 1, failed, 3},
		{"source error with its line", [][]string{header}, &ReportError{Line: 7, Err: failed}, 0, failed, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rr := NewReportSourceReader(&sliceSource{recs: tt.recs, err: tt.srcErr})
			rows, err := readAllRows(rr)
			assert.Len(t, rows, tt.rows)
			if tt.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			var re *ReportError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tt.line, re.Line)
		})
	}
}

func TestReportSourceReaderTypedView(t *testing.T) {
	src := &sliceSource{recs: [][]string{
		{"transactionId", "transactionType", "transactionAmountValue", "transactionCurrency"},
		{"p1", "PAYMENT", "10.25", "USD"},
		{"<END>"},
	}}
	rr := NewReportSourceReader(src)
	kind, err := rr.Kind()
	require.NoError(t, err)
	assert.Equal(t, ReportTransactionDetails, kind)
	row, err := rr.Next()
	require.NoError(t, err)
	d, err := row.TransactionDetail()
	require.NoError(t, err)
	assert.Equal(t, 2, d.Line)
	assert.Equal(t, Amount{Currency: "USD", Value: "1025"}, d.TransactionAmount)
	_, err = rr.Next()
	assert.Equal(t, io.EOF, err)
}
