package alipay

import (
	"encoding/json"
	"fmt"
	"time"
)

// Env describes the buyer's device and client (docs/protocol/ams.md §2.1). TerminalType is
// required by Pay and Consult; OSType is required when TerminalType is WAP or
// APP. ClientIP should be set for risk control and is needed for cards.
//
// Booleans and integers here and in the other models are sent as native
// JSON types, as Antom's official SDKs send them, although Antom's pages ask
// for every non-array field as a string (docs/protocol/ams.md §8.6).
type Env struct {
	TerminalType  TerminalType `json:"terminalType,omitempty"`
	OSType        OSType       `json:"osType,omitempty"`
	UserAgent     string       `json:"userAgent,omitempty"`
	DeviceTokenID string       `json:"deviceTokenId,omitempty"`
	ClientIP      string       `json:"clientIp,omitempty"`
	CookieID      string       `json:"cookieId,omitempty"`
	ExtendInfo    string       `json:"extendInfo,omitempty"`
	// StoreTerminalID and StoreTerminalRequestTime describe an in-store
	// terminal; the time is sent in ISO 8601 at seconds precision and left
	// out when zero.
	StoreTerminalID          string       `json:"storeTerminalId,omitempty"`
	StoreTerminalRequestTime time.Time    `json:"storeTerminalRequestTime,omitempty"`
	BrowserInfo              *BrowserInfo `json:"browserInfo,omitempty"`
	ColorDepth               string       `json:"colorDepth,omitempty"`
	ScreenHeight             string       `json:"screenHeight,omitempty"`
	ScreenWidth              string       `json:"screenWidth,omitempty"`
	// TimeZoneOffset is the browser's offset from UTC in minutes
	// (-720 to 720). It is a pointer because 0 (UTC) is a real value.
	TimeZoneOffset *int   `json:"timeZoneOffset,omitempty"`
	DeviceBrand    string `json:"deviceBrand,omitempty"`
	DeviceModel    string `json:"deviceModel,omitempty"`
	DeviceLanguage string `json:"deviceLanguage,omitempty"`
	DeviceID       string `json:"deviceId,omitempty"`
	OSVersion      string `json:"osVersion,omitempty"`
}

// BrowserInfo is env.browserInfo, used for card 3-D Secure.
type BrowserInfo struct {
	AcceptHeader      string `json:"acceptHeader,omitempty"`
	JavaEnabled       bool   `json:"javaEnabled,omitempty"`
	JavaScriptEnabled bool   `json:"javaScriptEnabled,omitempty"`
	Language          string `json:"language,omitempty"`
	UserAgent         string `json:"userAgent,omitempty"`
}

// MarshalJSON writes StoreTerminalRequestTime in Antom's ISO 8601 form and
// leaves it out when zero.
func (e Env) MarshalJSON() ([]byte, error) {
	type plain Env
	return json.Marshal(struct {
		plain
		StoreTerminalRequestTime string `json:"storeTerminalRequestTime,omitempty"`
	}{plain(e), payFormatTime(e.StoreTerminalRequestTime)})
}

// validate checks env as Pay and Consult need it; field is its JSON path.
func (e *Env) validate(field string) error {
	switch e.TerminalType {
	case "":
		return &ValidationError{Field: field + ".terminalType", Reason: "is required (WEB, WAP, APP or MINI_APP)"}
	case TerminalTypeWeb, TerminalTypeWAP, TerminalTypeApp, TerminalTypeMiniApp:
	default:
		return &ValidationError{Field: field + ".terminalType", Reason: fmt.Sprintf("%q is not WEB, WAP, APP or MINI_APP", truncate(string(e.TerminalType), 16))}
	}
	switch e.OSType {
	case "":
		if e.TerminalType == TerminalTypeWAP || e.TerminalType == TerminalTypeApp {
			return &ValidationError{Field: field + ".osType", Reason: "is required (IOS or ANDROID) when terminalType is " + string(e.TerminalType)}
		}
	case OSTypeIOS, OSTypeAndroid:
	default:
		return &ValidationError{Field: field + ".osType", Reason: fmt.Sprintf("%q is not IOS or ANDROID", truncate(string(e.OSType), 16))}
	}
	if o := e.TimeZoneOffset; o != nil && (*o < -720 || *o > 720) {
		return &ValidationError{Field: field + ".timeZoneOffset", Reason: fmt.Sprintf("%d is outside -720 to 720 minutes", *o)}
	}
	return payFirst(
		payMaxLen(field+".deviceTokenId", e.DeviceTokenID, 64),
		payMaxLen(field+".extendInfo", e.ExtendInfo, 2048),
		payMaxLen(field+".deviceBrand", e.DeviceBrand, 64),
		payMaxLen(field+".deviceModel", e.DeviceModel, 128),
	)
}
