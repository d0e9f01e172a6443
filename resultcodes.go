package alipay

// Result codes that the SDK itself acts on. The full set from spec §3.3 is
// listed here too so that callers can switch on typed constants.
const (
	ResultCodeSuccess                   ResultCode = "SUCCESS"
	ResultCodePaymentInProcess          ResultCode = "PAYMENT_IN_PROCESS"
	ResultCodeRefundInProcess           ResultCode = "REFUND_IN_PROCESS"
	ResultCodeCaptureInProcess          ResultCode = "CAPTURE_IN_PROCESS"
	ResultCodeUnknownException          ResultCode = "UNKNOWN_EXCEPTION"
	ResultCodeRequestTrafficExceedLimit ResultCode = "REQUEST_TRAFFIC_EXCEED_LIMIT"
	ResultCodeInvalidSignature          ResultCode = "INVALID_SIGNATURE"
	ResultCodeParamIllegal              ResultCode = "PARAM_ILLEGAL"
	ResultCodeRepeatReqInconsistent     ResultCode = "REPEAT_REQ_INCONSISTENT"
	ResultCodeOrderNotExist             ResultCode = "ORDER_NOT_EXIST"
)
