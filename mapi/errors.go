package mapi

import (
	"errors"
	"fmt"
	"strings"

	"github.com/xborderpay/alipay/internal/httpx"
)

// ErrorCode is the code in a gateway failure (<error> when is_success=F).
type ErrorCode string

// Gateway error codes (docs/protocol/mapi.md §7). The list is not closed: Error.Code holds
// whatever Alipay sent.
const (
	CodeIllegalSign               ErrorCode = "ILLEGAL_SIGN"
	CodeIllegalArgument           ErrorCode = "ILLEGAL_ARGUMENT"
	CodeIllegalService            ErrorCode = "ILLEGAL_SERVICE"
	CodeIllegalPartner            ErrorCode = "ILLEGAL_PARTNER"
	CodeIllegalSignType           ErrorCode = "ILLEGAL_SIGN_TYPE"
	CodeIllegalPartnerExterface   ErrorCode = "ILLEGAL_PARTNER_EXTERFACE"
	CodeIllegalCharset            ErrorCode = "ILLEGAL_CHARSET"
	CodeIllegalCurrency           ErrorCode = "ILLEGAL_CURRENCY"
	CodeHasNoPrivilege            ErrorCode = "HAS_NO_PRIVILEGE"
	CodeSystemError               ErrorCode = "SYSTEM_ERROR"
	CodeSystemException           ErrorCode = "SYSTEM_EXCEPTION"
	CodeTradeNotExist             ErrorCode = "TRADE_NOT_EXIST"
	CodePurchaseTradeNotExist     ErrorCode = "PURCHASE_TRADE_NOT_EXIST"
	CodeReturnAmountExceed        ErrorCode = "RETURN_AMOUNT_EXCEED"
	CodeCurrencyNotSame           ErrorCode = "CURRENCY_NOT_SAME"
	CodeRepeatedRefundRequest     ErrorCode = "REPEATED_REFUNDMENT_REQUEST"
	CodeRefundValidDateExceed     ErrorCode = "REFUNDMENT_VALID_DATE_EXCEED"
	CodeTradeHasClose             ErrorCode = "TRADE_HAS_CLOSE"
	CodeIllegalAccessSwitchSystem ErrorCode = "ILLEGAL_ACCESS_SWITCH_SYSTEM"
)

// Error is returned by a gateway call that did not succeed. Use errors.As.
//
// Code is set when Alipay answered is_success=F (or, for the file services,
// with one of their text messages in Message). Otherwise Err holds the
// cause: a transport failure after retries, an unreadable body or a bad
// signature; Unknown then reports whether Alipay may have acted anyway.
type Error struct {
	Service    string    // MAPI service, e.g. forex_refund
	Code       ErrorCode // Alipay's error code, when it sent one
	Message    string    // a text error body (file services), when it sent one
	HTTPStatus int       // 0 when no response arrived
	Attempts   int       // attempts made, retries included
	BodyPrefix string    // start of a body that could not be used
	Err        error     // underlying cause, if any

	unknown bool
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("mapi: ")
	b.WriteString(e.Service)
	switch {
	case e.Code != "":
		fmt.Fprintf(&b, ": is_success=F %s", e.Code)
		if e.Err != nil { // why the code is not final
			b.WriteString(" (")
			b.WriteString(e.Err.Error())
			b.WriteString(")")
		}
	case e.Message != "":
		fmt.Fprintf(&b, ": %q", e.Message)
	case e.Err != nil:
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if e.unknown {
		b.WriteString("; ")
		b.WriteString(httpx.UnknownAdvice)
	}
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, " [HTTP %d", e.HTTPStatus)
	} else {
		b.WriteString(" [no response")
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, ", %d attempts", e.Attempts)
	}
	b.WriteString("]")
	if e.BodyPrefix != "" {
		fmt.Fprintf(&b, " body: %q", e.BodyPrefix)
	}
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Unknown reports whether Alipay may or may not have acted on the call
// (transport failure after a request may have reached Alipay, timeout,
// redirect, 5xx or SYSTEM_ERROR after all retries, unreadable, unsigned,
// badly signed or unbound answer). Code may still be set: an unsigned
// failure shows its code but is not final. Query (QueryTrade, QueryRefund)
// with the same out_trade_no / out_return_no before acting on it.
func (e *Error) Unknown() bool { return e.unknown }

// IsUnknown reports whether err is an *Error whose outcome is unknown.
func IsUnknown(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Unknown()
}

// ErrorCodeOf returns the Alipay error code carried by err, or "".
func ErrorCodeOf(err error) ErrorCode {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// ValidationError reports a request or order refused before anything was
// signed or sent. Field is the MAPI parameter name, e.g. "total_fee".
type ValidationError struct {
	Field  string
	Reason string
}

func (e *ValidationError) Error() string {
	return "mapi: invalid " + e.Field + ": " + e.Reason
}

func invalid(field, format string, args ...any) *ValidationError {
	return &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)}
}
