package alipay

// ReportKind says which of Antom's reconciliation reports a file is.
type ReportKind string

// Report kinds. A ReportReader recognises them from the header line (see
// DetectReportKind).
const (
	// ReportUnknown: the header matches none of the reports below.
	ReportUnknown ReportKind = ""
	// ReportTransactionDetails: every successful transaction of day T,
	// generated on T+1 (https://docs.antom.com/ac/reconcile/transaction_details).
	ReportTransactionDetails ReportKind = "TRANSACTION_DETAILS"
	// ReportSettlementDetails: every transaction of one settlement batch with
	// its settlement amount and fees.
	ReportSettlementDetails ReportKind = "SETTLEMENT_DETAILS"
	// ReportSettlementSummary: one line per settlement batch (and currency,
	// and optionally summary type) with the transaction count and the net
	// settlement amount.
	ReportSettlementSummary ReportKind = "SETTLEMENT_SUMMARY"
)

// Column names of Antom's reconciliation reports, as written in the header
// line. The reader matches them case-insensitively.
//
// The leading identifier columns come from Antom's report documentation
// (docs/protocol/ams.md §6). Antom's pages that list the amount, currency, fee and time
// columns could not be retrieved; those names follow the "bill schema" of
// a third-party Antom reconciliation tool and the API's own field names.
// They are this SDK's best reading, not a confirmed format: check them
// against a real file before relying on the typed views, and use
// ReportRow.Get for anything else.
const (
	ColumnCustomerID             = "customerId"             // merchant id assigned by Antom
	ColumnAcquirer               = "acquirer"               // acquirer that processed and settles the transaction
	ColumnPSP                    = "PSP"                    // newer name of acquirer in the settlement details report
	ColumnAcquirerReferenceNo    = "acquirerReferenceNo"    // a non-Antom acquirer's transaction id
	ColumnReferenceMerchantID    = "referenceMerchantId"    // secondary merchant id from the request
	ColumnReferenceStoreID       = "referenceStoreId"       // store id from the request
	ColumnTransactionID          = "transactionId"          // paymentId, refundId, captureId, disputeId, ...
	ColumnOriginalTransactionID  = "originalTransactionId"  // the paymentId a refund, cancel or capture belongs to
	ColumnTransactionRequestID   = "transactionRequestId"   // paymentRequestId or refundRequestId
	ColumnReferenceTransactionID = "referenceTransactionId" // referenceOrderId
	ColumnOrderDescription       = "orderDescription"       // from the original request
	ColumnTransactionType        = "transactionType"        // PAYMENT, REFUND, CAPTURE, CANCEL, DISPUTE, fees, ...
	ColumnPaymentMethodType      = "paymentMethodType"      // ALIPAY_HK, CARD, ...
	ColumnStatus                 = "status"                 // transaction details: the transaction's status
	ColumnTransactionTime        = "transactionTime"        // when the transaction happened (RFC 3339)
	ColumnTransactionAmountValue = "transactionAmountValue" // decimal in major units, e.g. 10.25
	ColumnTransactionCurrency    = "transactionCurrency"    // ISO 4217 code of transactionAmountValue
	ColumnSettlementBatchID      = "settlementBatchId"      // settlement batch, shared by details and summary
	ColumnSettlementAmountValue  = "settlementAmountValue"  // decimal in major units, net of fees
	ColumnSettlementCurrency     = "settlementCurrency"     // ISO 4217 code of settlementAmountValue
	ColumnSettlementTime         = "settlementInitiatedDate"
	ColumnSummaryType            = "summaryType"      // settlement summary: TOTAL, or a transaction type the line sums
	ColumnTransactionCount       = "transactionCount" // settlement summary: number of detail lines summed
	ColumnProcessingFeeValue     = "processingFeeAmountValue"
	ColumnProcessingFeeCurrency  = "processingFeeCurrency"
	ColumnTaxFeeValue            = "taxFeeAmountValue"
	ColumnTaxFeeCurrency         = "taxFeeCurrency"
)

// reportKnownColumns lists every Column constant.
var reportKnownColumns = [...]string{
	ColumnCustomerID, ColumnAcquirer, ColumnPSP, ColumnAcquirerReferenceNo, ColumnReferenceMerchantID,
	ColumnReferenceStoreID, ColumnTransactionID, ColumnOriginalTransactionID, ColumnTransactionRequestID,
	ColumnReferenceTransactionID, ColumnOrderDescription, ColumnTransactionType, ColumnPaymentMethodType,
	ColumnStatus, ColumnTransactionTime, ColumnTransactionAmountValue, ColumnTransactionCurrency,
	ColumnSettlementBatchID, ColumnSettlementAmountValue, ColumnSettlementCurrency, ColumnSettlementTime,
	ColumnSummaryType, ColumnTransactionCount, ColumnProcessingFeeValue, ColumnProcessingFeeCurrency,
	ColumnTaxFeeValue, ColumnTaxFeeCurrency,
}

// Fee names, as used in ReportFee.Name. A fee column is named
// <name>AmountValue (or just <name>) and its currency <name>Currency; the
// reader picks up every such pair it finds in a header, so fee kinds
// beyond these two appear in the typed views too.
const (
	FeeProcessing = "processingFee"
	FeeTax        = "taxFee"
)

// reportEndMarker is the last line of every complete Antom report.
const reportEndMarker = "<END>"

// Columns returns the columns ReportWriter writes for kind k, in order, or
// nil for ReportUnknown.
//
//   - Transaction details: customerId, acquirer, acquirerReferenceNo,
//     referenceMerchantId, referenceStoreId, transactionId,
//     originalTransactionId, transactionRequestId, referenceTransactionId,
//     orderDescription, transactionType, paymentMethodType, status,
//     transactionTime, transactionAmountValue, transactionCurrency, and the
//     processing and tax fee pairs.
//   - Settlement details: settlementBatchId, customerId, PSP, the same
//     identifier columns, transactionType, paymentMethodType,
//     transactionTime, transactionAmountValue, transactionCurrency,
//     settlementAmountValue, settlementCurrency, the fee pairs, and
//     settlementInitiatedDate.
//   - Settlement summary: settlementBatchId, customerId, acquirer,
//     summaryType, settlementInitiatedDate, transactionCount,
//     settlementAmountValue, settlementCurrency.
func (k ReportKind) Columns() []string {
	var cols []string
	switch k {
	case ReportTransactionDetails:
		cols = reportTransactionDetailColumns[:]
	case ReportSettlementDetails:
		cols = reportSettlementDetailColumns[:]
	case ReportSettlementSummary:
		cols = reportSettlementSummaryColumns[:]
	default:
		return nil
	}
	return append([]string(nil), cols...)
}

var reportTransactionDetailColumns = [...]string{
	ColumnCustomerID, ColumnAcquirer, ColumnAcquirerReferenceNo, ColumnReferenceMerchantID,
	ColumnReferenceStoreID, ColumnTransactionID, ColumnOriginalTransactionID,
	ColumnTransactionRequestID, ColumnReferenceTransactionID, ColumnOrderDescription,
	ColumnTransactionType, ColumnPaymentMethodType, ColumnStatus, ColumnTransactionTime,
	ColumnTransactionAmountValue, ColumnTransactionCurrency,
	ColumnProcessingFeeValue, ColumnProcessingFeeCurrency, ColumnTaxFeeValue, ColumnTaxFeeCurrency,
}

var reportSettlementDetailColumns = [...]string{
	ColumnSettlementBatchID, ColumnCustomerID, ColumnPSP, ColumnAcquirerReferenceNo,
	ColumnReferenceMerchantID, ColumnReferenceStoreID, ColumnTransactionID,
	ColumnOriginalTransactionID, ColumnTransactionRequestID, ColumnReferenceTransactionID,
	ColumnTransactionType, ColumnPaymentMethodType, ColumnTransactionTime,
	ColumnTransactionAmountValue, ColumnTransactionCurrency,
	ColumnSettlementAmountValue, ColumnSettlementCurrency,
	ColumnProcessingFeeValue, ColumnProcessingFeeCurrency, ColumnTaxFeeValue, ColumnTaxFeeCurrency,
	ColumnSettlementTime,
}

var reportSettlementSummaryColumns = [...]string{
	ColumnSettlementBatchID, ColumnCustomerID, ColumnAcquirer, ColumnSummaryType,
	ColumnSettlementTime, ColumnTransactionCount,
	ColumnSettlementAmountValue, ColumnSettlementCurrency,
}

// DetectReportKind recognises a report from its header: a settlement batch
// column with transaction ids is a settlement details report, without them
// a settlement summary, and transaction ids without a settlement batch are
// transaction details. Names are compared case-insensitively.
func DetectReportKind(header []string) ReportKind {
	var batch, txn bool
	for _, h := range header {
		switch {
		case reportEqualFold(h, ColumnSettlementBatchID):
			batch = true
		case reportEqualFold(h, ColumnTransactionID):
			txn = true
		}
	}
	switch {
	case batch && txn:
		return ReportSettlementDetails
	case batch:
		return ReportSettlementSummary
	case txn:
		return ReportTransactionDetails
	}
	return ReportUnknown
}

// reportEqualFold reports whether two ASCII column names are equal ignoring
// case; non-ASCII bytes must match exactly.
func reportEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
