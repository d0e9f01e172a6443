package xlsx

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xborderpay/alipay"
	"github.com/xuri/excelize/v2"
)

// WriteReport writes the CSV report read from src (as alipay.ReportWriter
// and the fake gateway alipaytest write them) to dst as an XLSX workbook
// of one sheet, the way Antom delivers a report configured for XLSX: the
// header row, one row per line, and a final <END> row.
//
// It stores values the way a spreadsheet would, so that a reader meets
// what a real file holds: an amount or count that a double represents
// exactly in 15 digits becomes a number, a time in UTC becomes a date
// serial with a date-time format, an empty field becomes no cell, and
// everything else is text. Reading the result with Report gives back the
// CSV report's values as the typed views see them (a UTC time comes back
// as a time without an offset, which the reader takes as UTC unless told
// otherwise). The CSV report must be complete (end with <END>): a cut file
// is an error, not a shorter workbook.
func WriteReport(dst io.Writer, src io.Reader) error {
	rr := alipay.NewReportReader(src)
	header, err := rr.Header()
	if err != nil {
		return fmt.Errorf("xlsx: reading the CSV report: %w", err)
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd hh:mm:ss")})
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	rowNum := 1
	put := func(cells []any) error {
		ref, err := excelize.CoordinatesToCellName(1, rowNum)
		if err == nil {
			err = sw.SetRow(ref, cells)
		}
		rowNum++
		return err
	}
	if len(header) > 0 {
		cells := make([]any, len(header))
		kinds := make([]column, len(header))
		for i, h := range header {
			cells[i] = h
			kinds[i] = kindOf(h)
		}
		if err := put(cells); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
		for row, err := range rr.All() {
			if err != nil {
				return fmt.Errorf("xlsx: reading the CSV report: %w", err)
			}
			values := row.Values()
			for i, v := range values {
				if cells[i], err = cell(kinds[i], v, dateStyle); err != nil {
					return &alipay.ReportError{Line: row.Line(), Column: header[i], Err: err}
				}
			}
			if err := put(cells); err != nil {
				return fmt.Errorf("xlsx: %w", err)
			}
		}
	} else if _, err := rr.Next(); err != io.EOF {
		return fmt.Errorf("xlsx: reading the CSV report: %w", err)
	}
	if err := put([]any{"<END>"}); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if err := f.Write(dst); err != nil {
		return fmt.Errorf("xlsx: writing the workbook: %w", err)
	}
	return nil
}

// errCellTooLong: a spreadsheet cell holds at most 32,767 characters, and
// the XLSX library would cut a longer value silently.
var errCellTooLong = errors.New("xlsx: a value is longer than the 32,767 characters a cell can hold")

// errUnstorable: XML 1.0, which a workbook is made of, cannot hold most
// control characters or invalid UTF-8, and the XLSX library would replace
// them silently.
var errUnstorable = errors.New("xlsx: a value holds a character a workbook cannot store (a control character or invalid UTF-8)")

func cell(kind column, v string, dateStyle int) (any, error) {
	switch {
	case v == "":
		return nil, nil
	case len(v) > excelize.TotalCellChars && utf8.RuneCountInString(v) > excelize.TotalCellChars:
		return nil, errCellTooLong
	case !storable(v):
		return nil, errUnstorable
	case kind == columnNumber:
		if f, err := strconv.ParseFloat(v, 64); err == nil && strconv.FormatFloat(f, 'f', -1, 64) == v && significant(v) <= 15 {
			return f, nil
		}
	case kind == columnTime:
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			if _, offset := t.Zone(); offset == 0 && t.Nanosecond() == 0 && t.Year() >= 1900 {
				return excelize.Cell{StyleID: dateStyle, Value: t.UTC()}, nil
			}
		}
	}
	return v, nil
}

func storable(v string) bool {
	for i, r := range v {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(v[i:], "\uFFFD"):
			return false
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0xFFFE, r == 0xFFFF:
			return false
		}
	}
	return true
}

// significant counts the significant digits of a plain decimal: a double
// keeps 15 of them through any round trip.
func significant(v string) int {
	digits := strings.TrimLeft(strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, v), "0")
	if strings.Contains(v, ".") {
		return len(digits)
	}
	return len(strings.TrimRight(digits, "0"))
}

func ptr[T any](v T) *T { return &v }
