package mapi

import (
	"fmt"
	"net/url"
	"strings"
)

// ParseForm parses an application/x-www-form-urlencoded body the way a
// notification must be read (docs/protocol/mapi.md §8.3): every field is kept, unknown ones
// included, values are URL-decoded ('+' is a space), and a repeated or
// empty name is an error rather than a silent choice, since the signature
// covers each name once.
func ParseForm(body string) (map[string]string, error) {
	fields := make(map[string]string)
	for i, pair := range strings.Split(body, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			return nil, fmt.Errorf("mapi: form field %d: malformed name: %w", i+1, err)
		}
		if name == "" {
			return nil, fmt.Errorf("mapi: form field %d has an empty name", i+1)
		}
		value, err := url.QueryUnescape(v)
		if err != nil {
			return nil, fmt.Errorf("mapi: form field %q: malformed value: %w", truncate(name, 40), err)
		}
		if _, dup := fields[name]; dup {
			return nil, fmt.Errorf("mapi: form field %q appears more than once", truncate(name, 40))
		}
		fields[name] = value
	}
	if len(fields) == 0 {
		return nil, fmt.Errorf("mapi: empty form body")
	}
	return fields, nil
}
