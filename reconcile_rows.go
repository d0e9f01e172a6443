package alipay

import "time"

// ReportFee is one fee on a report line.
type ReportFee struct {
	Name   string // fee column without its AmountValue suffix, e.g. FeeProcessing
	Amount Amount // signed minor units; what Antom deducts is negative
}

// TransactionDetail is a line of the transaction details report.
//
// Amounts are in minor units like every Amount, converted exactly from the
// report's major-unit decimals. Their sign is the report's: this SDK's
// writer signs money leaving the merchant (refunds, cancels, fees)
// negative; Antom's convention is unconfirmed.
type TransactionDetail struct {
	Line int // line of the file the row started on; ignored by ReportWriter

	CustomerID             string
	Acquirer               string
	AcquirerReferenceNo    string
	ReferenceMerchantID    string
	ReferenceStoreID       string
	TransactionID          string // paymentId, refundId, captureId, ...
	OriginalTransactionID  string // the paymentId of a refund, cancel or capture
	TransactionRequestID   string // paymentRequestId or refundRequestId
	ReferenceTransactionID string // referenceOrderId
	OrderDescription       string
	TransactionType        TransactionType
	PaymentMethodType      string
	Status                 string
	TransactionTime        time.Time // zero when the column is empty
	TransactionAmount      Amount
	Fees                   []ReportFee
}

// SettlementDetail is a line of the settlement details report. Amounts
// follow the same rules as in TransactionDetail; by the report's balance
// rule, SettlementAmount is the transaction amount (converted into the
// settlement currency) plus the fees.
type SettlementDetail struct {
	Line int // line of the file the row started on; ignored by ReportWriter

	SettlementBatchID      string
	CustomerID             string
	Acquirer               string // the PSP column, or acquirer in older files
	AcquirerReferenceNo    string
	ReferenceMerchantID    string
	ReferenceStoreID       string
	TransactionID          string
	OriginalTransactionID  string
	TransactionRequestID   string
	ReferenceTransactionID string
	TransactionType        TransactionType
	PaymentMethodType      string
	TransactionTime        time.Time
	TransactionAmount      Amount
	SettlementAmount       Amount
	Fees                   []ReportFee
	SettlementTime         time.Time // settlementInitiatedDate
}

// SettlementSummary is a line of the settlement summary report: the totals
// of one settlement batch in one settlement currency. SummaryType is empty
// or "TOTAL" for the whole batch, or a transaction type when the line sums
// only the details of that type.
type SettlementSummary struct {
	Line int // line of the file the row started on; ignored by ReportWriter

	SettlementBatchID string
	CustomerID        string
	Acquirer          string
	SummaryType       string
	SettlementTime    time.Time
	TransactionCount  int64
	SettlementAmount  Amount // net: the sum of the details' settlement amounts
}
