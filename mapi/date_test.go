package mapi

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDate(t *testing.T) {
	seoul := time.FixedZone("KST", 9*60*60)
	d := DateOf(time.Date(2026, 11, 29, 0, 30, 0, 0, seoul))
	assert.Equal(t, NewDate(2026, 11, 29), d, "the caller's calendar day, not Beijing's (28 Nov there)")
	assert.Equal(t, "2026-11-29", d.String())
	assert.Equal(t, "20261129", d.compact())
	assert.Equal(t, NewDate(2026, 12, 1), d.AddDays(2))
	assert.Equal(t, NewDate(2024, 2, 29), NewDate(2024, 3, 1).AddDays(-1))
	assert.True(t, d.After(d.AddDays(-1)))
	assert.True(t, d.Before(d.AddDays(1)))
	assert.Equal(t, 0, d.Compare(NewDate(2026, 11, 29)))
	assert.Equal(t, 10, d.AddDays(10).DaysSince(d))
	assert.Equal(t, time.Date(2026, 11, 29, 0, 0, 0, 0, Beijing), d.In(Beijing))
	assert.False(t, NewDate(2026, 2, 29).Valid())
	assert.False(t, Date{}.Valid())
	assert.True(t, Date{}.IsZero())

	for _, s := range []string{"2026-11-29", "20261129"} {
		p, err := ParseDate(s)
		require.NoError(t, err)
		assert.Equal(t, d, p)
	}
	for _, s := range []string{"", "2026-11-31", "29/11/2026", "2026112"} {
		_, err := ParseDate(s)
		assert.Error(t, err, s)
	}
}

func TestCheckFileDates(t *testing.T) {
	// 00:30 on 29 Nov in Seoul is 23:30 on 28 Nov in Beijing.
	now := time.Date(2026, 11, 29, 0, 30, 0, 0, time.FixedZone("KST", 9*60*60))
	day := NewDate(2026, 11, 20)
	tests := []struct {
		name       string
		start, end Date
		field      string // "" when allowed
		reason     string
	}{
		{"one day", day, day, "", ""},
		{"ten days", day.AddDays(-10), day, "", ""},
		{"Beijing yesterday", NewDate(2026, 11, 27), NewDate(2026, 11, 27), "", ""},
		{"no start", Date{}, day, "start_date", "required"},
		{"not a day", NewDate(2026, 2, 30), day, "start_date", "not a calendar day"},
		{"reversed", day, day.AddDays(-1), "end_date", "before start_date"},
		{"eleven days", day.AddDays(-11), day, "end_date", "more than 10 days"},
		{"Seoul yesterday, not over in Beijing", NewDate(2026, 11, 28), NewDate(2026, 11, 28), "end_date", "it is 2026-11-28 23:30 there"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkFileDates(tt.start, tt.end, now)
			if tt.field == "" {
				assert.NoError(t, err)
				return
			}
			var ve *ValidationError
			require.True(t, errors.As(err, &ve), "got %v", err)
			assert.Equal(t, tt.field, ve.Field)
			assert.Contains(t, ve.Reason, tt.reason)
		})
	}
}

func TestFileReaderEmptyAndNoData(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		noData bool
		errMsg string // "" for io.EOF
	}{
		{"no data", "No balance account data in the period", true, ""},
		{"no data, other wording", "\r\nNo balance amount data in the period\r\n", true, ""},
		{"empty body", "", false, "neither records nor"},
		{"blank lines only", "\n\r\n", false, "neither records nor"},
		{"refused", "File download failed:Finish date not ahead of today", false, "Finish date not ahead of today"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fr := NewFileReader(strings.NewReader(tt.body))
			_, err := fr.Next()
			if tt.errMsg == "" {
				assert.ErrorIs(t, err, io.EOF)
			} else {
				var e *Error
				require.True(t, errors.As(err, &e), "got %v", err)
				assert.Contains(t, err.Error(), tt.errMsg)
			}
			assert.Equal(t, tt.noData, fr.NoData())
		})
	}
}

func TestCharsetPerFile(t *testing.T) {
	lookalike := gbk(t, "原装品") // GBK bytes that are also valid UTF-8
	notUTF8 := gbk(t, "退款")
	tests := []struct {
		name    string
		body    string
		set     Charset
		want    []string
		wantErr string
	}{
		{"UTF-8", "a,原装品\nb,退款\n", CharsetAuto, []string{"a,原装品", "b,退款"}, ""},
		{"GBK, look-alike row first", "a," + lookalike + "\nb," + notUTF8 + "\n", CharsetAuto, []string{"a,原装品", "b,退款"}, ""},
		{"GBK after an ASCII start", "x\ny\na," + lookalike + "\nb," + notUTF8 + "\n", CharsetAuto, []string{"x", "y", "a,原装品", "b,退款"}, ""},
		{"only look-alikes, forced", "a," + lookalike + "\n", CharsetGBK, []string{"a,原装品"}, ""},
		{"only look-alikes, undecidable", "a," + lookalike + "\n", CharsetAuto, []string{"a,ԭװƷ"}, ""},
		{"BOM means UTF-8", "\ufeffa,原装品\n", CharsetAuto, []string{"a,原装品"}, ""},
		{"forced UTF-8, GBK line", "a," + notUTF8 + "\n", CharsetUTF8, nil, "line 1 is not UTF-8"},
		{"UTF-8 and GBK lines mixed", "a,原装品\nb," + notUTF8 + "\n", CharsetAuto, nil, "line 1 is not GBK"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := tt.set
			lr := newLineReader(strings.NewReader(tt.body), defaultMaxFileLineSize)
			lr.cs = &cs
			var got []string
			var err error
			for {
				var line []byte
				line, err = lr.next()
				if err != nil {
					break
				}
				got = append(got, string(line))
			}
			assert.Equal(t, tt.want, got)
			if tt.wantErr == "" {
				assert.ErrorIs(t, err, io.EOF)
			} else {
				assert.ErrorContains(t, err, tt.wantErr)
			}
		})
	}
}

func TestDeclaredCharset(t *testing.T) {
	for ct, want := range map[string]Charset{
		"text/plain; charset=GBK": CharsetGBK, "text/plain;charset=gb2312": CharsetGBK, "text/plain; charset=utf-8": CharsetUTF8,
		"text/plain": CharsetAuto, "text/plain; charset=big5": CharsetAuto, "": CharsetAuto,
	} {
		assert.Equal(t, want, declaredCharset(ct), ct)
	}
}

func FuzzParseDate(f *testing.F) {
	f.Add("2026-11-29")
	f.Add("20240229")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if !d.Valid() {
			t.Fatalf("%q parsed to an invalid date %v", s, d)
		}
		back, err := ParseDate(d.String())
		if err != nil || back != d {
			t.Fatalf("%q: %v does not round-trip: %v %v", s, d, back, err)
		}
	})
}
