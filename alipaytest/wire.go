package alipaytest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// The fake decodes requests into its own small structs, holding only the
// fields it acts on, rather than the SDK's request types: a mistake in the
// SDK's JSON names cannot then be mirrored here and go unnoticed.

type wireAmount struct {
	Currency string `json:"currency"`
	Value    string `json:"value"`
}

type wireResult struct {
	ResultCode    string `json:"resultCode"`
	ResultStatus  string `json:"resultStatus"`
	ResultMessage string `json:"resultMessage"`
}

type wireEnv struct {
	TerminalType string `json:"terminalType"`
	OSType       string `json:"osType"`
}

// flexBool accepts true, false, "true" and "false": Antom's pages ask for
// strings, the official SDKs send JSON booleans.
type flexBool bool

func (b *flexBool) UnmarshalJSON(data []byte) error {
	switch string(bytes.TrimSpace(data)) {
	case "true", `"true"`:
		*b = true
	case "false", `"false"`, "null", `""`:
		*b = false
	default:
		return errors.New("not a boolean")
	}
	return nil
}

type consultRequest struct {
	ProductCode           string      `json:"productCode"`
	PaymentAmount         *wireAmount `json:"paymentAmount"`
	Env                   *wireEnv    `json:"env"`
	UserRegion            string      `json:"userRegion"`
	AllowedPaymentMethods []string    `json:"allowedPaymentMethods"`
	BlockedPaymentMethods []string    `json:"blockedPaymentMethods"`
}

type payRequest struct {
	ProductCode      string      `json:"productCode"`
	PaymentRequestID string      `json:"paymentRequestId"`
	PaymentAmount    *wireAmount `json:"paymentAmount"`
	Order            *struct {
		ReferenceOrderID string `json:"referenceOrderId"`
		OrderDescription string `json:"orderDescription"`
	} `json:"order"`
	PaymentMethod *struct {
		PaymentMethodType string `json:"paymentMethodType"`
		PaymentMethodID   string `json:"paymentMethodId"`
		// PaymentMethodMetaData is an object whose keys depend on the
		// method; extrainfo.go checks the ones the fake knows.
		PaymentMethodMetaData map[string]any `json:"paymentMethodMetaData"`
	} `json:"paymentMethod"`
	PaymentRedirectURL string `json:"paymentRedirectUrl"`
	PaymentNotifyURL   string `json:"paymentNotifyUrl"`
	// Metadata is a string at Antom (its SDKs type it so); an object
	// here is PARAM_ILLEGAL.
	Metadata          string   `json:"metadata"`
	PaymentExpiryTime string   `json:"paymentExpiryTime"`
	Env               *wireEnv `json:"env"`
	AppID             string   `json:"appId"`
	PaymentFactor     *struct {
		CaptureMode     string   `json:"captureMode"`
		IsAuthorization flexBool `json:"isAuthorization"`
	} `json:"paymentFactor"`
}

// idRequest is the body of inquiryPayment and cancel.
type idRequest struct {
	PaymentRequestID string `json:"paymentRequestId"`
	PaymentID        string `json:"paymentId"`
}

type refundRequest struct {
	RefundRequestID string      `json:"refundRequestId"`
	PaymentID       string      `json:"paymentId"`
	RefundAmount    *wireAmount `json:"refundAmount"`
	RefundReason    string      `json:"refundReason"`
	RefundNotifyURL string      `json:"refundNotifyUrl"`
	Metadata        string      `json:"metadata"`
}

type inquiryRefundRequest struct {
	RefundRequestID string `json:"refundRequestId"`
	RefundID        string `json:"refundId"`
}

type captureRequest struct {
	CaptureRequestID string      `json:"captureRequestId"`
	PaymentID        string      `json:"paymentId"`
	CaptureAmount    *wireAmount `json:"captureAmount"`
}

// apiError is a failed result the handlers return instead of a response.
type apiError struct {
	status  string
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func fail(code, format string, args ...any) *apiError {
	return &apiError{status: "F", code: code, message: fmt.Sprintf(format, args...)}
}

// paramIllegal names the offending field, as Antom's PARAM_ILLEGAL messages do.
func paramIllegal(field, reason string) *apiError {
	return fail("PARAM_ILLEGAL", "Illegal parameter: %s %s", field, reason)
}

type errorResponse struct {
	Result wireResult `json:"result"`
}

func (e *apiError) response() errorResponse {
	return errorResponse{Result: wireResult{ResultCode: e.code, ResultStatus: e.status, ResultMessage: e.message}}
}

var resultSuccess = wireResult{ResultCode: "SUCCESS", ResultStatus: "S", ResultMessage: "success"}

// decodeBody decodes a request body into v, turning JSON errors into
// PARAM_ILLEGAL results that name the field.
func decodeBody(body []byte, v any) *apiError {
	if len(bytes.TrimSpace(body)) == 0 {
		return paramIllegal("request body", "is empty")
	}
	err := json.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return paramIllegal(te.Field, fmt.Sprintf("must be a JSON %s, not %s", goToJSONType(te.Type.Kind().String()), te.Value))
	}
	return paramIllegal("request body", "is not a valid JSON object")
}

func goToJSONType(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "struct", "map", "ptr":
		return "object"
	case "slice", "array":
		return "array"
	case "bool":
		return "boolean"
	}
	return "value"
}

// maxRequestIDLen is the S64 limit of every request ID (docs/protocol/ams.md §2).
const maxRequestIDLen = 64

func checkRequestID(field, v string) *apiError {
	switch {
	case v == "":
		return paramIllegal(field, "is required")
	case len(v) > maxRequestIDLen:
		return paramIllegal(field, fmt.Sprintf("is longer than %d characters", maxRequestIDLen))
	case strings.ContainsAny(v, " \t\r\n"):
		return paramIllegal(field, "contains white space")
	}
	return nil
}

// maxAmountDigits is the most digits a minor-unit value may have, the
// limit package alipay applies before sending.
const maxAmountDigits = 16

// checkAmount checks a minor-unit amount: a three-letter currency and a
// positive integer value of at most maxAmountDigits digits without leading
// zeros; IDR values end in 00.
func checkAmount(field string, a *wireAmount) (int64, *apiError) {
	if a == nil {
		return 0, paramIllegal(field, "is required")
	}
	if len(a.Currency) != 3 || strings.ToUpper(a.Currency) != a.Currency || strings.IndexFunc(a.Currency, func(r rune) bool { return r < 'A' || r > 'Z' }) >= 0 {
		return 0, paramIllegal(field+".currency", fmt.Sprintf("%q is not an ISO 4217 currency code", truncate(a.Currency, 8)))
	}
	v, ok := parseMinor(a.Value)
	if !ok || v <= 0 {
		return 0, paramIllegal(field+".value", fmt.Sprintf("%q is not a positive integer of at most %d digits in minor units", truncate(a.Value, 24), maxAmountDigits))
	}
	if a.Currency == "IDR" && v%100 != 0 {
		return 0, paramIllegal(field+".value", "must end in 00 for IDR")
	}
	return v, nil
}

// parseMinor parses a decimal integer string of at most maxAmountDigits
// digits without sign or leading zeros.
func parseMinor(s string) (int64, bool) {
	if s == "" || len(s) > maxAmountDigits || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	var v int64
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
