package main

import (
	"strings"
	"testing"
)

// FuzzMetaData feeds the extra-information validation what a buyer can
// type: it never panics, and whatever it accepts passes its own check
// again and is free of surrounding space.
func FuzzMetaData(f *testing.F) {
	for _, s := range [][2]string{{"BLIK", "123456"}, {"BLIK", "12 456"}, {"P24", "a@b.pl"}, {"P24", "\"x y\"@b.pl"},
		{"IDEAL", "ABNANL2A"}, {"CARD", "4111111111111111"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, method, value string) {
		m, err := metaData(method, func(string) string { return value })
		if err != nil || m == nil {
			return
		}
		field := extraFields[method]
		v, ok := m[field.Key].(string)
		if !ok || len(m) != 1 {
			t.Fatalf("metadata %v for %s", m, method)
		}
		if v != strings.TrimSpace(v) || field.check(v) != nil {
			t.Fatalf("accepted %q for %s", v, method)
		}
	})
}
