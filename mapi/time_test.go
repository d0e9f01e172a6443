package mapi

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// fastDateTime agrees with time.ParseInLocation on valid input and leaves
// everything else to it.
func TestFastDateTime(t *testing.T) {
	for _, s := range []string{"2026-11-22 10:00:00", "2024-02-29 23:59:59", "2000-02-29 00:00:00", "0001-01-01 00:00:00", "0000-01-01 00:00:00", "2026-12-31 23:59:59"} {
		got, ok := fastDateTime(s)
		want, err := time.ParseInLocation(layoutDateTime, s, Beijing)
		assert.True(t, ok, s)
		assert.NoError(t, err)
		assert.True(t, want.Equal(got), s)
	}
	for _, s := range []string{"2026-02-30 10:00:00", "2026-02-29 10:00:00", "2100-02-29 10:00:00", "2026-04-31 10:00:00", "2026-11-00 10:00:00", "2026-13-01 10:00:00", "2026-11-22 24:00:00", "2026-11-22 10:60:00",
		"2026-11-22 10:00:60", "2026-11-22T10:00:00", "2026-11-2a 10:00:00", "2026-11-22 10:00:0", "+026-11-22 10:00:00"} {
		_, ok := fastDateTime(s)
		assert.False(t, ok, s)
		_, err := parseBeijing("x", s, layoutDateTime)
		assert.Error(t, err, s)
	}
}

func FuzzFastDateTime(f *testing.F) {
	f.Add("2026-11-22 10:00:00")
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := fastDateTime(s)
		want, err := time.ParseInLocation(layoutDateTime, s, Beijing)
		if ok && (err != nil || !want.Equal(got)) {
			t.Fatalf("%q: fast %v, time.Parse %v %v", s, got, want, err)
		}
	})
}
