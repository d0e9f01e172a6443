package alipay

// ResultStatus is the resultStatus of Antom's result envelope.
type ResultStatus string

// Result statuses.
const (
	ResultStatusSuccess ResultStatus = "S" // the call succeeded
	ResultStatusFail    ResultStatus = "F" // the call failed; the code says why
	ResultStatusUnknown ResultStatus = "U" // in process, or the outcome is unknown
)

// ResultCode is the resultCode of Antom's result envelope.
type ResultCode string

// Result is the envelope every Antom response and notification carries.
type Result struct {
	ResultCode    ResultCode   `json:"resultCode"`
	ResultStatus  ResultStatus `json:"resultStatus"`
	ResultMessage string       `json:"resultMessage,omitempty"`
}

// inProcess reports whether r is a U result that means "accepted, final
// result later" rather than "outcome unknown".
func (r Result) inProcess() bool {
	if r.ResultStatus != ResultStatusUnknown {
		return false
	}
	switch r.ResultCode {
	case ResultCodePaymentInProcess, ResultCodeRefundInProcess, ResultCodeCaptureInProcess:
		return true
	}
	return false
}
