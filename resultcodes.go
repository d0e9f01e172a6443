package alipay

// Result codes of the payment APIs, from docs/protocol/ams.md §3.3 (Antom's 2024 result-code
// tables for pay, cancel, refund, inquiryRefund, capture and their
// notifications). Antom adds codes over time: switch on these constants and
// treat an unknown code by its ResultStatus.
const (
	// Success.
	ResultCodeSuccess ResultCode = "SUCCESS" // S

	// U: accepted, final result later (not an error; see Result).
	ResultCodePaymentInProcess ResultCode = "PAYMENT_IN_PROCESS" // pay: redirect the buyer, then wait
	ResultCodeRefundInProcess  ResultCode = "REFUND_IN_PROCESS"  // refund: wait or inquire; do not retry
	ResultCodeCaptureInProcess ResultCode = "CAPTURE_IN_PROCESS" // capture: wait or inquire

	// U: outcome unknown; retry with the same request ID, or inquire.
	ResultCodeUnknownException          ResultCode = "UNKNOWN_EXCEPTION"
	ResultCodeRequestTrafficExceedLimit ResultCode = "REQUEST_TRAFFIC_EXCEED_LIMIT"

	// F: access, signature and integration problems.
	ResultCodeAccessDenied            ResultCode = "ACCESS_DENIED"
	ResultCodeInvalidAPI              ResultCode = "INVALID_API"
	ResultCodeAPIInvalid              ResultCode = "API_INVALID"
	ResultCodeClientInvalid           ResultCode = "CLIENT_INVALID"
	ResultCodeInvalidSignature        ResultCode = "INVALID_SIGNATURE"
	ResultCodeKeyNotFound             ResultCode = "KEY_NOT_FOUND"
	ResultCodeMediaTypeNotAcceptable  ResultCode = "MEDIA_TYPE_NOT_ACCEPTABLE"
	ResultCodeMethodNotSupported      ResultCode = "METHOD_NOT_SUPPORTED"
	ResultCodeNoInterfaceDef          ResultCode = "NO_INTERFACE_DEF"
	ResultCodeMerchantNotRegistered   ResultCode = "MERCHANT_NOT_REGISTERED"
	ResultCodeInvalidContract         ResultCode = "INVALID_CONTRACT"
	ResultCodeInvalidMerchantStatus   ResultCode = "INVALID_MERCHANT_STATUS"
	ResultCodeMerchantKYBNotQualified ResultCode = "MERCHANT_KYB_NOT_QUALIFIED"
	ResultCodeParamIllegal            ResultCode = "PARAM_ILLEGAL"
	ResultCodeProcessFail             ResultCode = "PROCESS_FAIL"
	ResultCodeSystemError             ResultCode = "SYSTEM_ERROR"
	ResultCodeRepeatReqInconsistent   ResultCode = "REPEAT_REQ_INCONSISTENT"
	ResultCodeSettleContractNotMatch  ResultCode = "SETTLE_CONTRACT_NOT_MATCH"

	// F: the order's state.
	ResultCodeOrderNotExist      ResultCode = "ORDER_NOT_EXIST"
	ResultCodeOrderIsCanceled    ResultCode = "ORDER_IS_CANCELED"
	ResultCodeOrderIsClosed      ResultCode = "ORDER_IS_CLOSED"
	ResultCodeOrderStatusInvalid ResultCode = "ORDER_STATUS_INVALID"
	ResultCodeCancelWindowExceed ResultCode = "CANCEL_WINDOW_EXCEED"

	// F: the payment method, amount and currency.
	ResultCodeCurrencyNotSupport            ResultCode = "CURRENCY_NOT_SUPPORT"
	ResultCodeNoPayOptions                  ResultCode = "NO_PAY_OPTIONS"
	ResultCodePaymentMethodNotSupported     ResultCode = "PAYMENT_METHOD_NOT_SUPPORTED"
	ResultCodeInvalidPaymentMethodMetaData  ResultCode = "INVALID_PAYMENT_METHOD_META_DATA"
	ResultCodePaymentAmountExceedLimit      ResultCode = "PAYMENT_AMOUNT_EXCEED_LIMIT"
	ResultCodePaymentCountExceedLimit       ResultCode = "PAYMENT_COUNT_EXCEED_LIMIT"
	ResultCodeMerchantBalanceNotEnough      ResultCode = "MERCHANT_BALANCE_NOT_ENOUGH"
	ResultCodeRiskReject                    ResultCode = "RISK_REJECT"
	ResultCodeUserAmountExceedLimit         ResultCode = "USER_AMOUNT_EXCEED_LIMIT"
	ResultCodeUserBalanceNotEnough          ResultCode = "USER_BALANCE_NOT_ENOUGH"
	ResultCodeUserKYCNotQualified           ResultCode = "USER_KYC_NOT_QUALIFIED"
	ResultCodeUserPaymentVerificationFailed ResultCode = "USER_PAYMENT_VERIFICATION_FAILED"
	ResultCodeUserNotExist                  ResultCode = "USER_NOT_EXIST"
	ResultCodeUserStatusAbnormal            ResultCode = "USER_STATUS_ABNORMAL"

	// F: refunds.
	ResultCodeRefundAmountExceed          ResultCode = "REFUND_AMOUNT_EXCEED"
	ResultCodeRefundWindowExceed          ResultCode = "REFUND_WINDOW_EXCEED"
	ResultCodeRefundNotSupported          ResultCode = "REFUND_NOT_SUPPORTED"
	ResultCodeMultipleRefundsNotSupported ResultCode = "MULTIPLE_REFUNDS_NOT_SUPPORTED"
	ResultCodePartialRefundNotSupported   ResultCode = "PARTIAL_REFUND_NOT_SUPPORTED"

	// F: captures.
	ResultCodeAuthCancelled                ResultCode = "AUTH_CANCELLED"
	ResultCodeAuthExpired                  ResultCode = "AUTH_EXPIRED"
	ResultCodeAuthNotFound                 ResultCode = "AUTH_NOT_FOUND"
	ResultCodeCaptureAmountExceedAuthLimit ResultCode = "CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT"
	ResultCodeMultiCaptureNotSupported     ResultCode = "MULTI_CAPTURE_NOT_SUPPORTED"
)
