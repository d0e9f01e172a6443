package alipay

// The enumerations of the payment APIs (docs/protocol/ams.md §2). Each is a string type so
// that a value Antom adds later still decodes: compare against the constants
// and treat anything else as unknown.

// ProductCode is the Antom product a request belongs to.
type ProductCode string

// ProductCodeCashierPayment is the One-time (cashier) payment product. Pay
// and Consult use it when ProductCode is empty.
const ProductCodeCashierPayment ProductCode = "CASHIER_PAYMENT"

// TerminalType is env.terminalType: the kind of client the buyer pays from.
type TerminalType string

// Terminal types. Antom's rule (docs/protocol/ams.md §2.1): a desktop browser is WEB, a
// mobile browser is WAP (with osType), an app is APP (with osType), and a
// mini program is MINI_APP (with appId on the pay request).
const (
	TerminalTypeWeb     TerminalType = "WEB"
	TerminalTypeWAP     TerminalType = "WAP"
	TerminalTypeApp     TerminalType = "APP"
	TerminalTypeMiniApp TerminalType = "MINI_APP"
)

// OSType is env.osType, required when the terminal type is WAP or APP.
type OSType string

// Operating systems.
const (
	OSTypeIOS     OSType = "IOS"
	OSTypeAndroid OSType = "ANDROID"
)

// PaymentStatus is the state of a payment (inquiryPayment paymentStatus)
// or of one of its transactions (https://docs.antom.com/ac/cashierpay/payment_status_desc). SUCCESS, FAIL and CANCELLED are
// final; PROCESSING and PENDING are not.
type PaymentStatus string

// Payment statuses.
const (
	PaymentStatusSuccess    PaymentStatus = "SUCCESS"    // paid (stays SUCCESS after refunds)
	PaymentStatusFail       PaymentStatus = "FAIL"       // not paid, failed or expired
	PaymentStatusProcessing PaymentStatus = "PROCESSING" // waiting for the buyer
	PaymentStatusCancelled  PaymentStatus = "CANCELLED"  // cancelled by the merchant
	PaymentStatusPending    PaymentStatus = "PENDING"    // buyer paid; the method has yet to confirm (days)
)

// Final reports whether s is a final status: SUCCESS, FAIL or CANCELLED.
func (s PaymentStatus) Final() bool {
	return s == PaymentStatusSuccess || s == PaymentStatusFail || s == PaymentStatusCancelled
}

// RefundStatus is the state of a refund (inquiryRefund refundStatus, docs/protocol/ams.md §4.3).
type RefundStatus string

// Refund statuses.
const (
	RefundStatusSuccess    RefundStatus = "SUCCESS"
	RefundStatusProcessing RefundStatus = "PROCESSING"
	RefundStatusFail       RefundStatus = "FAIL"
)

// TransactionType is the kind of a transaction listed by inquiryPayment.
type TransactionType string

// Transaction types.
const (
	TransactionTypePayment       TransactionType = "PAYMENT"
	TransactionTypeRefund        TransactionType = "REFUND"
	TransactionTypeCapture       TransactionType = "CAPTURE"
	TransactionTypeCancel        TransactionType = "CANCEL"
	TransactionTypeAuthorization TransactionType = "AUTHORIZATION"
	TransactionTypeVoid          TransactionType = "VOID"
	TransactionTypeIncremental   TransactionType = "INCREMENTAL"
)

// PaymentMethodType names a payment method, such as ALIPAY_HK or CARD. The
// constants are a selection; any value Antom has enabled for the merchant
// may be used.
type PaymentMethodType string

// Common payment method types.
const (
	PaymentMethodTypeAlipayCN  PaymentMethodType = "ALIPAY_CN"
	PaymentMethodTypeAlipayHK  PaymentMethodType = "ALIPAY_HK"
	PaymentMethodTypeGCash     PaymentMethodType = "GCASH"
	PaymentMethodTypeDana      PaymentMethodType = "DANA"
	PaymentMethodTypeKakaoPay  PaymentMethodType = "KAKAOPAY"
	PaymentMethodTypeTNG       PaymentMethodType = "TNG"
	PaymentMethodTypeTrueMoney PaymentMethodType = "TRUEMONEY"
	PaymentMethodTypeCard      PaymentMethodType = "CARD"
)

// PaymentMethodCategory groups payment methods in a consult answer.
type PaymentMethodCategory string

// Payment method categories.
const (
	PaymentMethodCategoryAlipayPlus       PaymentMethodCategory = "ALIPAY_PLUS"
	PaymentMethodCategoryWallet           PaymentMethodCategory = "WALLET"
	PaymentMethodCategoryMobileBankingApp PaymentMethodCategory = "MOBILE_BANKING_APP"
	PaymentMethodCategoryBankTransfer     PaymentMethodCategory = "BANK_TRANSFER"
	PaymentMethodCategoryOnlineBanking    PaymentMethodCategory = "ONLINE_BANKING"
	PaymentMethodCategoryCard             PaymentMethodCategory = "CARD"
	PaymentMethodCategoryOTC              PaymentMethodCategory = "OTC"
	PaymentMethodCategoryVA               PaymentMethodCategory = "VA"
)

// DisableReason says why consult marked a payment option as not enabled.
type DisableReason string

// Disable reasons.
const (
	DisableReasonPaymentAccountNotAvailable DisableReason = "PAYMENT_ACCOUNT_NOT_AVAILABLE"
	DisableReasonExceedChannelLimitRule     DisableReason = "EXCEED_CHANNEL_LIMIT_RULE"
	DisableReasonServiceDegrade             DisableReason = "SERVICE_DEGRADE"
	DisableReasonChannelNotSupportCurrency  DisableReason = "CHANNEL_NOT_SUPPORT_CURRENCY"
	DisableReasonChannelDisable             DisableReason = "CHANNEL_DISABLE"
	DisableReasonChannelNotInServiceTime    DisableReason = "CHANNEL_NOT_IN_SERVICE_TIME"
	DisableReasonQueryIPPInfoFailed         DisableReason = "QUERY_IPP_INFO_FAILED"
	DisableReasonLimitCenterAccessFail      DisableReason = "LIMIT_CENTER_ACCESS_FAIL"
	DisableReasonCurrentChannelNotExist     DisableReason = "CURRENT_CHANNEL_NOT_EXIST"
)

// CaptureMode is paymentFactor.captureMode for card payments.
type CaptureMode string

// Capture modes. MANUAL needs a Capture call after the authorisation.
const (
	CaptureModeAutomatic CaptureMode = "AUTOMATIC"
	CaptureModeManual    CaptureMode = "MANUAL"
)

// PresentmentMode is paymentFactor.presentmentMode.
type PresentmentMode string

// Presentment modes.
const (
	PresentmentModeBundle  PresentmentMode = "BUNDLE"
	PresentmentModeTile    PresentmentMode = "TILE"
	PresentmentModeUnified PresentmentMode = "UNIFIED"
)

// Funding is paymentMethod.funding, the funding type of a card.
type Funding string

// Funding types.
const (
	FundingCredit        Funding = "CREDIT"
	FundingDebit         Funding = "DEBIT"
	FundingPrepaid       Funding = "PREPAID"
	FundingCharge        Funding = "CHARGE"
	FundingDeferredDebit Funding = "DEFERRED_DEBIT"
)

// DeliveryMethodType is goods.deliveryMethodType.
type DeliveryMethodType string

// Delivery methods.
const (
	DeliveryMethodPhysical DeliveryMethodType = "PHYSICAL"
	DeliveryMethodDigital  DeliveryMethodType = "DIGITAL"
)

// CodeValueType is codeDetail.codeValueType in an orderCodeForm.
type CodeValueType string

// Code value types.
const (
	CodeValueTypeBarcode CodeValueType = "BARCODE"
	CodeValueTypeQRCode  CodeValueType = "QRCODE"
)

// DisplayType is codeDetail.displayType: TEXT carries the code value itself
// (to render as a QR code or show as text); the image types carry the URL
// of a picture of the code.
type DisplayType string

// Display types.
const (
	DisplayTypeText        DisplayType = "TEXT"
	DisplayTypeSmallImage  DisplayType = "SMALLIMAGE"
	DisplayTypeMiddleImage DisplayType = "MIDDLEIMAGE"
	DisplayTypeBigImage    DisplayType = "BIGIMAGE"
	DisplayTypeImage       DisplayType = "IMAGE"
)

// Other product codes, for the calls that share an endpoint with One-time
// payments (createPaymentSession serves EasySafePay and Tokenized Payment
// with AGREEMENT_PAYMENT).
const (
	ProductCodeAgreementPayment ProductCode = "AGREEMENT_PAYMENT"
	ProductCodeInStorePayment   ProductCode = "IN_STORE_PAYMENT"
)

// ProductScene is productScene on createPaymentSession: which client-side
// product the session is for. See
// https://docs.antom.com/ac/ams/session_cashier.
type ProductScene string

// Product scenes.
const (
	// ProductSceneCheckoutPayment is Antom Checkout Page, hosted (the
	// buyer goes to the response's NormalURL) or embedded (Antom's Web SDK
	// renders it from PaymentSessionData).
	ProductSceneCheckoutPayment ProductScene = "CHECKOUT_PAYMENT"
	// ProductSceneElementPayment is Payment Element: Antom's Web, Android,
	// iOS or Flutter SDK renders the payment from PaymentSessionData.
	ProductSceneElementPayment ProductScene = "ELEMENT_PAYMENT"
	// ProductSceneEasyPay is EasySafePay, which Antom's Java SDK pairs with
	// CASHIER_PAYMENT.
	ProductSceneEasyPay ProductScene = "EASY_PAY"
)

// ScopeType is one of the authorization scopes a session may ask the buyer
// for (scopes).
type ScopeType string

// Authorization scopes.
const (
	ScopeBaseUserInfo ScopeType = "BASE_USER_INFO"
	ScopeAgreementPay ScopeType = "AGREEMENT_PAY"
	ScopeUserInfo     ScopeType = "USER_INFO"
	ScopeUserLoginID  ScopeType = "USER_LOGIN_ID"
	ScopeHashLoginID  ScopeType = "HASH_LOGIN_ID"
	ScopeSendOTP      ScopeType = "SEND_OTP"
	ScopeTaobaoRebind ScopeType = "TAOBAO_REBIND"
)
