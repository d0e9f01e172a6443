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
	columnCustomerID             = "customerId"             // merchant id assigned by Antom
	columnAcquirer               = "acquirer"               // acquirer that processed and settles the transaction
	columnPSP                    = "PSP"                    // newer name of acquirer in the settlement details report
	columnAcquirerReferenceNo    = "acquirerReferenceNo"    // a non-Antom acquirer's transaction id
	columnReferenceMerchantID    = "referenceMerchantId"    // secondary merchant id from the request
	columnReferenceStoreID       = "referenceStoreId"       // store id from the request
	columnTransactionID          = "transactionId"          // paymentId, refundId, captureId, disputeId, ...
	columnOriginalTransactionID  = "originalTransactionId"  // the paymentId a refund, cancel or capture belongs to
	columnTransactionRequestID   = "transactionRequestId"   // paymentRequestId or refundRequestId
	columnReferenceTransactionID = "referenceTransactionId" // referenceOrderId
	columnOrderDescription       = "orderDescription"       // from the original request
	columnTransactionType        = "transactionType"        // PAYMENT, REFUND, CAPTURE, CANCEL, DISPUTE, fees, ...
	columnPaymentMethodType      = "paymentMethodType"      // ALIPAY_HK, CARD, ...
	columnStatus                 = "status"                 // transaction details: the transaction's status
	columnTransactionTime        = "transactionTime"        // when the transaction happened (RFC 3339)
	columnTransactionAmountValue = "transactionAmountValue" // decimal in major units, e.g. 10.25
	columnTransactionCurrency    = "transactionCurrency"    // ISO 4217 code of transactionAmountValue
	columnSettlementBatchID      = "settlementBatchId"      // settlement batch, shared by details and summary
	columnSettlementAmountValue  = "settlementAmountValue"  // decimal in major units, net of fees
	columnSettlementCurrency     = "settlementCurrency"     // ISO 4217 code of settlementAmountValue
	columnSettlementTime         = "settlementInitiatedDate"
	columnSummaryType            = "summaryType"      // settlement summary: TOTAL, or a transaction type the line sums
	columnTransactionCount       = "transactionCount" // settlement summary: number of detail lines summed
	columnProcessingFeeValue     = "processingFeeAmountValue"
	columnProcessingFeeCurrency  = "processingFeeCurrency"
	columnTaxFeeValue            = "taxFeeAmountValue"
	columnTaxFeeCurrency         = "taxFeeCurrency"
)

// reportKnownColumns lists every column constant.
var reportKnownColumns = [...]string{
	columnCustomerID, columnAcquirer, columnPSP, columnAcquirerReferenceNo, columnReferenceMerchantID,
	columnReferenceStoreID, columnTransactionID, columnOriginalTransactionID, columnTransactionRequestID,
	columnReferenceTransactionID, columnOrderDescription, columnTransactionType, columnPaymentMethodType,
	columnStatus, columnTransactionTime, columnTransactionAmountValue, columnTransactionCurrency,
	columnSettlementBatchID, columnSettlementAmountValue, columnSettlementCurrency, columnSettlementTime,
	columnSummaryType, columnTransactionCount, columnProcessingFeeValue, columnProcessingFeeCurrency,
	columnTaxFeeValue, columnTaxFeeCurrency,
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
// nil for ReportUnknown. The names are this SDK's best reading of Antom's
// reports, not a confirmed format (the column names are unexported so as
// not to freeze a guess): code that needs a column by name reads it with
// ReportRow.Get, or takes it from here.
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
	columnCustomerID, columnAcquirer, columnAcquirerReferenceNo, columnReferenceMerchantID,
	columnReferenceStoreID, columnTransactionID, columnOriginalTransactionID,
	columnTransactionRequestID, columnReferenceTransactionID, columnOrderDescription,
	columnTransactionType, columnPaymentMethodType, columnStatus, columnTransactionTime,
	columnTransactionAmountValue, columnTransactionCurrency,
	columnProcessingFeeValue, columnProcessingFeeCurrency, columnTaxFeeValue, columnTaxFeeCurrency,
}

var reportSettlementDetailColumns = [...]string{
	columnSettlementBatchID, columnCustomerID, columnPSP, columnAcquirerReferenceNo,
	columnReferenceMerchantID, columnReferenceStoreID, columnTransactionID,
	columnOriginalTransactionID, columnTransactionRequestID, columnReferenceTransactionID,
	columnTransactionType, columnPaymentMethodType, columnTransactionTime,
	columnTransactionAmountValue, columnTransactionCurrency,
	columnSettlementAmountValue, columnSettlementCurrency,
	columnProcessingFeeValue, columnProcessingFeeCurrency, columnTaxFeeValue, columnTaxFeeCurrency,
	columnSettlementTime,
}

var reportSettlementSummaryColumns = [...]string{
	columnSettlementBatchID, columnCustomerID, columnAcquirer, columnSummaryType,
	columnSettlementTime, columnTransactionCount,
	columnSettlementAmountValue, columnSettlementCurrency,
}

// DetectReportKind recognises a report from its header: a settlement batch
// column with transaction ids is a settlement details report, without them
// a settlement summary, and transaction ids without a settlement batch are
// transaction details. Names are compared case-insensitively.
func DetectReportKind(header []string) ReportKind {
	var batch, txn bool
	for _, h := range header {
		switch {
		case reportEqualFold(h, columnSettlementBatchID):
			batch = true
		case reportEqualFold(h, columnTransactionID):
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
