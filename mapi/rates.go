package mapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Rate is one line of forex_rate_file (https://global.alipay.com/docs/ac/global/forex_rate_file): the CNY price of one
// unit of Currency ("6.5487" for USD), as Alipay's decimal string.
type Rate struct {
	Time     time.Time // Beijing
	Currency string
	Rate     string
}

// ExchangeRates calls forex_rate_file and returns today's rates. Alipay
// changes them once a day between 9:00 and 11:00 Beijing time and allows
// 100 calls a day: cache the answer.
func (c *Client) ExchangeRates(ctx context.Context) ([]Rate, error) {
	const service = "forex_rate_file"
	raw, e, err := c.call(ctx, service, nil)
	if err != nil {
		return nil, err
	}
	if isXML(raw) {
		if _, err := c.checkEnvelope(raw, e, nil); err != nil {
			return nil, err
		}
		e.Err = errors.New("answered an XML envelope instead of the rate file")
		return nil, e
	}
	rates, err := ParseRates(bytes.NewReader(raw))
	if err != nil {
		var msg *fileMessageError
		if errors.As(err, &msg) {
			e.Message = msg.text
			return nil, e
		}
		e.Err = err
		return nil, e
	}
	return rates, nil
}

// fileMessageError is a text body that is a message, not data.
type fileMessageError struct{ text string }

func (e *fileMessageError) Error() string {
	return fmt.Sprintf("mapi: the gateway answered %q", e.text)
}

// ParseRates parses a forex_rate_file body: lines Date|Time|Currency|Rate,
// with or without a trailing '|', no header. Every line needs a YYYYMMDD
// date, an HHMMSS time and a positive rate; an error names the line. A body that is a single
// message such as "File empty" is an error carrying it.
func ParseRates(r io.Reader) ([]Rate, error) {
	lr := newLineReader(r, 1024)
	var rates []Rate
	for {
		line, err := lr.next()
		if err == io.EOF {
			return rates, nil
		}
		if err != nil {
			return nil, err
		}
		s := strings.TrimSpace(strings.ReplaceAll(string(line), "\t", ""))
		if s == "" {
			continue
		}
		if !strings.Contains(s, "|") {
			if len(rates) == 0 {
				return nil, &fileMessageError{truncate(s, 200)}
			}
			return nil, fmt.Errorf("mapi: rate file line %d: no '|' separator", lr.line)
		}
		f := strings.Split(strings.TrimSuffix(s, "|"), "|")
		if len(f) < 4 {
			return nil, fmt.Errorf("mapi: rate file line %d: %d fields, want Date|Time|Currency|Rate", lr.line, len(f))
		}
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		if len(f[0]) != len(layoutDate) {
			return nil, fmt.Errorf("mapi: rate file line %d: date %q is not YYYYMMDD", lr.line, truncate(f[0], 20))
		}
		if len(f[1]) != len("150405") {
			return nil, fmt.Errorf("mapi: rate file line %d: time %q is not HHMMSS", lr.line, truncate(f[1], 20))
		}
		t, err := parseBeijing("rate time", f[0]+f[1], layoutCompact)
		if err != nil {
			return nil, fmt.Errorf("mapi: rate file line %d: %w", lr.line, err)
		}
		if len(f[2]) != 3 || strings.Trim(f[2], "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			return nil, fmt.Errorf("mapi: rate file line %d: %q is not a currency code", lr.line, truncate(f[2], 10))
		}
		if !isDecimal(f[3], false) {
			return nil, fmt.Errorf("mapi: rate file line %d: rate %q is not a decimal", lr.line, truncate(f[3], 20))
		}
		if strings.Trim(f[3], "0.") == "" {
			return nil, fmt.Errorf("mapi: rate file line %d: rate %q is not positive", lr.line, truncate(f[3], 20))
		}
		rates = append(rates, Rate{Time: t, Currency: f[2], Rate: f[3]})
	}
}

// isDecimal reports whether s is digits with at most one inner point,
// optionally signed when signed is true.
func isDecimal(s string, signed bool) bool {
	if signed && len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	digits, point := 0, -1
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			digits++
		case c == '.' && point < 0:
			point = i
		default:
			return false
		}
	}
	return digits > 0 && point != 0 && point != len(s)-1
}
