package mapi

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
)

// NotifyVerify asks the gateway whether Alipay sent the notification with
// notifyID (service notify_verify, docs/protocol/mapi.md §3.7). It returns nil only when
// the answer is exactly "true"; "false" (forged, or past the one-minute
// window) and "invalid" wrap ErrNotifyNotGenuine; a transport failure is an
// *Error with Unknown true. Like Alipay's demo, the call is not signed.
func (c *Client) NotifyVerify(ctx context.Context, notifyID string) error {
	if notifyID == "" {
		return invalid("notify_id", "is required")
	}
	e := &Error{Service: "notify_verify"}
	p := map[string]string{"service": "notify_verify", "partner": c.partner, "notify_id": notifyID}
	resp, err := c.send(ctx, "notify_verify", p, e)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := readBounded(resp.Body, 4<<10)
	if err != nil {
		e.Err = err
		e.unknown = true
		return e
	}
	if isXML(raw) {
		_, err := c.checkEnvelope(raw, e, nil)
		if err == nil {
			e.Err = fmt.Errorf("answered is_success=T instead of true/false")
			e.unknown = true
			return e
		}
		return err
	}
	switch ans := string(bytes.TrimSpace(raw)); ans {
	case "true":
		return nil
	case "false", "invalid":
		return &notifyRefusal{answer: ans, notifyID: notifyID}
	default:
		e.Err = fmt.Errorf("unexpected answer (HTTP %d)", http.StatusOK)
		e.BodyPrefix = bodyPrefix(raw)
		e.unknown = true
		return e
	}
}
