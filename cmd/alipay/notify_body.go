package main

import (
	"encoding/json"
	"time"

	"github.com/xborderpay/alipay"
)

// notifyFields are the choices behind a generated test notification.
type notifyFields struct {
	kind, status  string
	requestID, id string
	paymentID     string
	amount        alipay.Amount
	now           time.Time
}

// The notification bodies of docs/protocol/ams.md §2.9–2.11, with the fields in the order of
// Antom's samples.
type (
	paymentNotifyBody struct {
		NotifyType        string        `json:"notifyType"`
		Result            alipay.Result `json:"result"`
		PaymentRequestID  string        `json:"paymentRequestId"`
		PaymentID         string        `json:"paymentId"`
		PaymentAmount     alipay.Amount `json:"paymentAmount"`
		PaymentCreateTime string        `json:"paymentCreateTime"`
		PaymentTime       string        `json:"paymentTime,omitempty"`
	}
	refundNotifyBody struct {
		NotifyType      string        `json:"notifyType"`
		Result          alipay.Result `json:"result"`
		RefundStatus    string        `json:"refundStatus"`
		RefundRequestID string        `json:"refundRequestId"`
		RefundID        string        `json:"refundId"`
		RefundAmount    alipay.Amount `json:"refundAmount"`
		RefundTime      string        `json:"refundTime,omitempty"`
	}
	captureNotifyBody struct {
		NotifyType       string        `json:"notifyType"`
		Result           alipay.Result `json:"result"`
		CaptureRequestID string        `json:"captureRequestId"`
		PaymentID        string        `json:"paymentId"`
		CaptureID        string        `json:"captureId"`
		CaptureAmount    alipay.Amount `json:"captureAmount"`
		CaptureTime      string        `json:"captureTime,omitempty"`
	}
)

// body builds the JSON body of the notification.
func (n notifyFields) body() ([]byte, error) {
	var result alipay.Result
	switch n.status {
	case "success":
		result = alipay.Result{ResultCode: "SUCCESS", ResultStatus: alipay.ResultStatusSuccess, ResultMessage: "success"}
	case "fail":
		result = alipay.Result{ResultCode: "PROCESS_FAIL", ResultStatus: alipay.ResultStatusFail, ResultMessage: "General business failure. No retry."}
	default:
		return nil, usagef("-status must be success or fail, not %q", n.status)
	}
	if n.amount.Value == "" || n.amount.Currency == "" {
		return nil, usagef("-amount and -currency must not be empty")
	}
	stamp := n.now.Format("20060102150405")
	iso := n.now.Format(time.RFC3339)
	finalTime := ""
	if n.status == "success" {
		finalTime = iso
	}
	orDefault := func(v, def string) string {
		if v == "" {
			return def
		}
		return v
	}
	var v any
	switch n.kind {
	case "payment":
		v = paymentNotifyBody{
			NotifyType: "PAYMENT_RESULT", Result: result,
			PaymentRequestID: orDefault(n.requestID, "TEST-"+stamp),
			PaymentID:        orDefault(n.id, stamp+"00000001"),
			PaymentAmount:    n.amount, PaymentCreateTime: iso, PaymentTime: iso,
		}
	case "refund":
		refundStatus := "SUCCESS"
		if n.status == "fail" {
			refundStatus = "FAIL"
		}
		v = refundNotifyBody{
			NotifyType: "REFUND_RESULT", Result: result, RefundStatus: refundStatus,
			RefundRequestID: orDefault(n.requestID, "TEST-REFUND-"+stamp),
			RefundID:        orDefault(n.id, stamp+"00000002"),
			RefundAmount:    n.amount, RefundTime: finalTime,
		}
	case "capture":
		v = captureNotifyBody{
			NotifyType: "CAPTURE_RESULT", Result: result,
			CaptureRequestID: orDefault(n.requestID, "TEST-CAPTURE-"+stamp),
			PaymentID:        orDefault(n.paymentID, stamp+"00000001"),
			CaptureID:        orDefault(n.id, stamp+"00000003"),
			CaptureAmount:    n.amount, CaptureTime: finalTime,
		}
	default:
		return nil, usagef("-type must be payment, refund or capture, not %q", n.kind)
	}
	return json.Marshal(v)
}
