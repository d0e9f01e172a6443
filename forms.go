package alipay

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// OrderCodeForm is the code (QR code or barcode) a pay response can carry
// for the merchant to show on its own page instead of redirecting (docs/protocol/ams.md
// §2.1, §5).
type OrderCodeForm struct {
	PaymentMethodType PaymentMethodType `json:"paymentMethodType,omitempty"`
	// ExpireTime is when the code stops working; codes do not refresh, so
	// show it to the buyer.
	ExpireTime  time.Time    `json:"expireTime,omitempty"`
	CodeDetails []CodeDetail `json:"codeDetails,omitempty"` // at most 4
	ExtendInfo  string       `json:"extendInfo,omitempty"`
}

// CodeDetail is one rendering of a code: with DisplayType TEXT, CodeValue is
// the code's content (often a URL to encode as a QR code); with an image
// display type it is the URL (or Base64) of a picture of the code.
type CodeDetail struct {
	CodeValueType CodeValueType `json:"codeValueType,omitempty"`
	CodeValue     string        `json:"codeValue,omitempty"`
	DisplayType   DisplayType   `json:"displayType,omitempty"`
}

// RedirectActionForm is a redirect for the buyer's browser: a GET to
// RedirectURL, or a POST of Parameters to it.
type RedirectActionForm struct {
	Method         string `json:"method,omitempty"` // GET or POST
	Parameters     string `json:"parameters,omitempty"`
	RedirectURL    string `json:"redirectUrl,omitempty"`
	ActionFormType string `json:"actionFormType,omitempty"` // RedirectActionForm
}

// PaymentActionForm is the older paymentActionForm of a pay response. Antom
// sends it as a JSON-encoded string holding an object, e.g.
//
//	"paymentActionForm": "{\"method\":\"GET\",\"paymentActionFormType\":\"RedirectActionForm\",\"redirectUrl\":\"https://...\"}"
//
// It decodes from that string or from a plain object, and encodes back to
// the string form.
type PaymentActionForm struct {
	PaymentActionFormType string `json:"paymentActionFormType,omitempty"`
	Method                string `json:"method,omitempty"`
	Parameters            string `json:"parameters,omitempty"`
	RedirectURL           string `json:"redirectUrl,omitempty"`
}

// paymentActionFormFields has the same fields without the methods, so that
// decoding it does not recurse.
type paymentActionFormFields PaymentActionForm

// UnmarshalJSON accepts a JSON string holding the object (Antom's form), the
// object itself, or null.
func (f *PaymentActionForm) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return errors.New("alipay: paymentActionForm: empty value")
	case bytes.Equal(b, []byte("null")):
		return nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("alipay: paymentActionForm: %w", err)
		}
		if s == "" {
			*f = PaymentActionForm{}
			return nil
		}
		b = []byte(s)
		if t := bytes.TrimSpace(b); len(t) == 0 || t[0] != '{' {
			return errors.New("alipay: paymentActionForm: the string does not hold a JSON object")
		}
	case b[0] != '{':
		return errors.New("alipay: paymentActionForm: neither a JSON string nor an object")
	}
	var v paymentActionFormFields
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("alipay: paymentActionForm: %w", err)
	}
	*f = PaymentActionForm(v)
	return nil
}

// MarshalJSON writes the form as Antom does: a JSON string holding the
// object.
func (f PaymentActionForm) MarshalJSON() ([]byte, error) {
	inner, err := json.Marshal(paymentActionFormFields(f))
	if err != nil {
		return nil, err
	}
	return json.Marshal(string(inner))
}
