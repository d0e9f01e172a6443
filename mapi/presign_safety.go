package mapi

import (
	"fmt"
	"sort"
	"strings"
)

// embeddedPair returns the first "&name=" in v, or "". PreSignString joins
// values raw, so a value holding one could be re-cut into two parameters
// that sign the same: subject "Gift&trade_status=TRADE_FINISHED&x=" makes
// "...&subject=Gift&trade_status=TRADE_FINISHED&x=&..." whatever the real
// trade_status.
func embeddedPair(v string) string {
	for i := strings.IndexByte(v, '&'); i >= 0; {
		rest := v[i+1:]
		j := strings.IndexAny(rest, "&=")
		if j < 0 {
			return ""
		}
		if rest[j] == '=' {
			return truncate(v[i:i+j+2], 40)
		}
		i += 1 + j
	}
	return ""
}

// ambiguity returns the first name (in sorted order, so the answer is
// stable) of p whose name or value makes its pre-sign string ambiguous —
// a name with '&' or '=', or a value with an embedded "&name=" — and why.
func ambiguity(p map[string]string) (name, reason string) {
	names := make([]string, 0, len(p))
	for k := range p {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if strings.ContainsAny(k, "&=") {
			return k, fmt.Sprintf("parameter name %q contains '&' or '='", truncate(k, 40))
		}
		if pair := embeddedPair(p[k]); pair != "" {
			return k, fmt.Sprintf("contains %q, which would make the signed string ambiguous", pair)
		}
	}
	return "", ""
}

// unambiguous is ambiguity as an error.
func unambiguous(p map[string]string) error {
	if name, reason := ambiguity(p); name != "" {
		return fmt.Errorf("%s: %s", truncate(name, 40), reason)
	}
	return nil
}
