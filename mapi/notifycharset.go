package mapi

import (
	"fmt"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// decodeNotificationCharset converts the values of a verified
// notification to UTF-8. The signature covers the bytes in the charset the
// notification was sent in, so this runs after verification, never before.
// The charset is the one the notification names in _input_charset (as in
// the published notification of vector M2) or charset; a notification
// that names none is UTF-8 when its values are, and otherwise GBK, the only
// other charset Alipay sends.
func decodeNotificationCharset(fields map[string]string) error {
	name := fields["_input_charset"]
	if name == "" {
		name = fields["charset"]
	}
	cs, err := ParseCharset(name)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrMalformedNotification, err)
	}
	if cs == CharsetAuto {
		cs = CharsetUTF8
		for _, v := range fields {
			if !utf8.ValidString(v) {
				cs = CharsetGBK
				break
			}
		}
	}
	for k, v := range fields {
		if isASCIIString(v) {
			continue
		}
		switch cs {
		case CharsetUTF8:
			if !utf8.ValidString(v) {
				return fmt.Errorf("%w: field %q is not UTF-8, the charset the notification names", ErrMalformedNotification, truncate(k, 40))
			}
		case CharsetGBK:
			d, err := simplifiedchinese.GBK.NewDecoder().String(v)
			if err != nil {
				return fmt.Errorf("%w: field %q is not GBK, the charset the notification names", ErrMalformedNotification, truncate(k, 40))
			}
			fields[k] = d
		}
	}
	return nil
}

func isASCIIString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
