package mapi

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// AppResultStatus is the resultStatus the Alipay app SDK returns to the
// merchant app (docs/protocol/mapi.md §5; codes of the domestic SDK, which global
// integrators use too).
type AppResultStatus string

// App result statuses.
const (
	AppResultPaid         AppResultStatus = "9000" // paid
	AppResultProcessing   AppResultStatus = "8000" // processing, may have succeeded: query
	AppResultFailed       AppResultStatus = "4000" // failed
	AppResultDuplicate    AppResultStatus = "5000" // duplicate request
	AppResultCancelled    AppResultStatus = "6001" // the user cancelled
	AppResultNetworkError AppResultStatus = "6002" // network error
	AppResultUnknown      AppResultStatus = "6004" // unknown, may have succeeded: query
)

// NeedsQuery reports whether the outcome is unknown and the merchant should
// call QueryTrade (8000, 6004).
func (s AppResultStatus) NeedsQuery() bool {
	return s == AppResultProcessing || s == AppResultUnknown
}

// AppResult is the verified synchronous result of mobile.securitypay.pay.
// It is for display only: persist the payment from the asynchronous
// notification (docs/protocol/mapi.md §5).
type AppResult struct {
	ResultStatus AppResultStatus // empty when only the result string was given
	Memo         string
	// Params are the quoted key="value" pairs of the result string in the
	// order received, sign and sign_type included.
	Params   []Param
	Success  bool // success="true"
	SignType SignType
}

// Param is one name/value pair of an ordered parameter string.
type Param struct{ Name, Value string }

// Get returns the value of the first parameter called name.
func (r *AppResult) Get(name string) string {
	for _, p := range r.Params {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

// ErrMalformedAppResult: the app result is not in the shape of docs/protocol/mapi.md §5.
var ErrMalformedAppResult = errors.New("mapi: malformed app result")

// VerifyAppResult verifies the synchronous result the app SDK returned:
// either the whole `resultStatus={9000};memo={};result={...}` text or just
// the result string. The signature covers the quoted pairs in the order
// received with sign and sign_type removed (docs/protocol/mapi.md §2.4), verified with
// Alipay's RSA (SHA-1) key; RSA2 is accepted too, MD5 is not. It never
// changes any order state; see AppResult.
func (c *Client) VerifyAppResult(s string) (*AppResult, error) {
	r := &AppResult{}
	result := s
	if strings.HasPrefix(strings.TrimSpace(s), "resultStatus=") {
		var err error
		if result, err = r.parseEnvelope(strings.TrimSpace(s)); err != nil {
			return nil, err
		}
	}
	params, err := ParseQuotedParams(result)
	if err != nil {
		return nil, err
	}
	r.Params = params
	var content []string
	var sig string
	for _, p := range params {
		switch p.Name {
		case "sign":
			sig = p.Value
		case "sign_type":
			r.SignType = SignType(p.Value)
		default:
			content = append(content, p.Name+`="`+p.Value+`"`)
		}
	}
	if sig == "" || r.SignType == "" {
		return nil, fmt.Errorf("%w: app result without sign or sign_type", ErrUnsigned)
	}
	if r.SignType == SignTypeMD5 {
		return nil, fmt.Errorf("%w: app results are signed with RSA, not MD5", ErrBadSignature)
	}
	if strings.Contains(sig, "%") { // some apps hand it over URL-encoded
		if u, err := url.QueryUnescape(sig); err == nil {
			sig = u
		}
	}
	if err := c.keys.verify(r.SignType, strings.Join(content, "&"), sig); err != nil {
		return nil, fmt.Errorf("mapi: app result: %w", err)
	}
	r.Success = r.Get("success") == "true"
	return r, nil
}

// parseEnvelope splits resultStatus={..};memo={..};result={..} and returns
// the result string.
func (r *AppResult) parseEnvelope(s string) (string, error) {
	var result string
	seen := map[string]bool{}
	for s != "" {
		name, rest, ok := strings.Cut(s, "={")
		if !ok {
			return "", fmt.Errorf("%w: expected name={value}", ErrMalformedAppResult)
		}
		// result is last and may contain '}' and ';': take the rest.
		var value string
		if name == "result" {
			if !strings.HasSuffix(rest, "}") {
				return "", fmt.Errorf("%w: result={...} is not closed", ErrMalformedAppResult)
			}
			value, s = rest[:len(rest)-1], ""
		} else {
			end := strings.Index(rest, "}")
			if end < 0 {
				return "", fmt.Errorf("%w: %s={...} is not closed", ErrMalformedAppResult, truncate(name, 20))
			}
			value, s = rest[:end], strings.TrimPrefix(rest[end+1:], ";")
		}
		if seen[name] {
			return "", fmt.Errorf("%w: %s appears twice", ErrMalformedAppResult, truncate(name, 20))
		}
		seen[name] = true
		switch name {
		case "resultStatus":
			r.ResultStatus = AppResultStatus(value)
		case "memo":
			r.Memo = value
		case "result":
			result = value
		}
	}
	if !seen["result"] {
		return "", fmt.Errorf("%w: no result={...}", ErrMalformedAppResult)
	}
	return result, nil
}

// ParseQuotedParams parses a quoted parameter string name="value"&... (the
// App order string and app result) into pairs in order. A value may
// contain '"' and '&' (trade_information JSON): it ends at the first '"'
// that is followed by the end of the string or by '&name="'.
func ParseQuotedParams(s string) ([]Param, error) {
	var out []Param
	for s != "" {
		eq := strings.Index(s, `="`)
		if eq <= 0 {
			return nil, fmt.Errorf("%w: expected name=\"value\" at %q", ErrMalformedAppResult, truncate(s, 30))
		}
		name := s[:eq]
		if !isParamName(name) {
			return nil, fmt.Errorf("%w: %q is not a parameter name", ErrMalformedAppResult, truncate(name, 30))
		}
		rest := s[eq+2:]
		end := quotedValueEnd(rest)
		if end < 0 {
			return nil, fmt.Errorf("%w: the value of %s is not closed by a quote", ErrMalformedAppResult, name)
		}
		out = append(out, Param{Name: name, Value: rest[:end]})
		s = rest[end+1:]
		if s != "" {
			s = s[1:] // the '&' quotedValueEnd saw
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: empty", ErrMalformedAppResult)
	}
	return out, nil
}

// quotedValueEnd returns the index of the closing quote of a value.
func quotedValueEnd(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] != '"' {
			continue
		}
		if i == len(s)-1 {
			return i
		}
		if s[i+1] != '&' {
			continue
		}
		next := s[i+2:]
		if eq := strings.Index(next, `="`); eq > 0 && isParamName(next[:eq]) {
			return i
		}
	}
	return -1
}

func isParamName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isWordByte(s[i]) {
			return false
		}
	}
	return true
}
