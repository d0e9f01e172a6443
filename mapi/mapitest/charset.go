package mapitest

import (
	"fmt"
	"time"

	"github.com/xborderpay/alipay/mapi"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// WithNotifyCharset sends notifications in cs: with mapi.CharsetGBK every
// value is GBK-encoded, _input_charset=gbk is added and the signature
// covers the GBK bytes, as for a merchant whose orders were created with
// _input_charset=gbk. The default is UTF-8.
func WithNotifyCharset(cs mapi.Charset) Option { return func(s *Server) { s.notifyCS = cs } }

// encodeNotification converts f's values to the notification charset
// before signing.
func (s *Server) encodeNotification(f map[string]string) error {
	if s.notifyCS != mapi.CharsetGBK {
		return nil
	}
	enc := simplifiedchinese.GBK.NewEncoder()
	for k, v := range f {
		g, err := enc.String(v)
		if err != nil {
			return fmt.Errorf("mapitest: notification field %s cannot be written in GBK: %w", k, err)
		}
		f[k] = g
	}
	f["_input_charset"] = "gbk"
	return nil
}

// beijingToday returns the start of the current day in Beijing, where the
// gateway counts days.
func beijingToday(now time.Time) time.Time {
	bj := now.In(mapi.Beijing)
	return time.Date(bj.Year(), bj.Month(), bj.Day(), 0, 0, 0, 0, mapi.Beijing)
}
