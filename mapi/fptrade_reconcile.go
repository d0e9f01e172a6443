package mapi

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xborderpay/alipay"
)

// TransactionDetail converts r into a line of package alipay's transaction
// details report, so that an fptrade file can be matched against the
// merchant's records with alipay.Reconciler (see AddFPTrade):
//
//   - TransactionRequestID is Partner_transaction_id: the out_trade_no of a
//     payment, the out_return_no of a refund.
//   - TransactionType is PAYMENT for type P and REFUND for type R; any other
//     type is an error.
//   - For a payment, TransactionID is Transaction_ID, Alipay's trade_no
//     (empty unless Alipay enabled that column for the account).
//   - For a refund, TransactionID is empty and OriginalTransactionID names
//     the refunded payment: Transaction_ID when the file has it (MAPI gives
//     refunds no Alipay number of their own, so on a refund row that column
//     can only be the payment's trade_no), else Original_partner_transaction_ID,
//     the payment's out_trade_no.
//   - TransactionAmount is amount in currency, converted exactly to minor
//     units with its sign kept (the file shows refunds negative; the
//     Reconciler compares magnitudes). A value with more decimals than the
//     currency allows is an error.
//   - TransactionTime is Payment_time; Status is SUCCESS for status P
//     (succeeded) and L (settled), the file's value otherwise.
//
// The fee, settlement and CNY columns stay on r: the file does not document
// their signs, so they are not turned into report fees.
//
// Fill the merchant's alipay.MerchantRecord values with RequestID set to
// the out_trade_no or out_return_no, and a payment's TransactionID to its
// trade_no when you have it. The Reconciler pairs a refund with its payment
// record by the trade_no (the record's, or the one it learns from the
// payment's own row) or by the out_trade_no, so an unrecorded refund of a
// recorded payment comes out as alipay.DiscrepancyRefundNotRecorded unless
// the file has Transaction_ID, the record lacks the trade_no and the
// payment's row is in none of the files added. A payment or refund listed
// twice is reported as alipay.DiscrepancyDuplicate.
func (r *FPTradeRow) TransactionDetail() (alipay.TransactionDetail, error) {
	var typ alipay.TransactionType
	switch {
	case strings.EqualFold(r.Type, "P"):
		typ = alipay.TransactionTypePayment
	case strings.EqualFold(r.Type, "R"):
		typ = alipay.TransactionTypeRefund
	default:
		return alipay.TransactionDetail{}, fmt.Errorf("mapi: fptrade line %d: type %q is neither P (payment) nor R (refund)", r.Line, truncate(r.Type, 10))
	}
	minor, err := alipay.DecimalToMinor(r.Amount, r.Currency)
	if err != nil {
		return alipay.TransactionDetail{}, fmt.Errorf("mapi: fptrade line %d: amount: %w", r.Line, err)
	}
	txnID, origID := r.TransactionID, ""
	if typ == alipay.TransactionTypeRefund {
		txnID, origID = "", r.TransactionID
		if origID == "" {
			origID = r.OriginalPartnerTransactionID
		}
	}
	status := r.Status
	if strings.EqualFold(status, "P") || strings.EqualFold(status, "L") {
		status = "SUCCESS"
	}
	return alipay.TransactionDetail{
		Line:                  r.Line,
		TransactionID:         txnID,
		OriginalTransactionID: origID,
		TransactionRequestID:  r.PartnerTransactionID,
		TransactionType:       typ,
		Status:                status,
		TransactionTime:       r.PaymentTime,
		TransactionAmount:     alipay.Amount{Currency: r.Currency, Value: strconv.FormatInt(minor, 10)},
	}, nil
}

// AddFPTrade streams every row of fr into rec as a transaction details
// line (see FPTradeRow.TransactionDetail).
//
// A row holds both sides of a transaction: amount in the foreign currency
// and Rmb_amount in CNY. Each row is matched on the side its merchant
// record was kept in: a record whose Amount is in CNY (an order priced
// with rmb_fee, a refund with return_rmb_amount) is compared with
// Rmb_amount, any other with amount. A row without Rmb_amount whose record
// is in CNY is compared on its foreign amount, which reports
// alipay.DiscrepancyCurrencyMismatch for its line. It returns the first error
// reading or converting a row; the rows before it have been matched.
// Discrepancies found this way name the transaction details report and
// the row's line in the fptrade file.
func AddFPTrade(rec *alipay.Reconciler, fr *FPTradeReader) error {
	for {
		row, err := fr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		d, err := row.TransactionDetail()
		if err != nil {
			return err
		}
		if cur, ok := rec.RecordCurrency(&d); ok && cur == currencyCNY && row.Currency != currencyCNY && row.RMBAmount != "" {
			if d.TransactionAmount, err = row.rmbAmount(); err != nil {
				return err
			}
		}
		rec.AddTransactionDetail(&d)
	}
}

// currencyCNY is the currency of Rmb_amount.
const currencyCNY = "CNY"

// rmbAmount returns Rmb_amount as an amount in CNY, sign kept.
func (r *FPTradeRow) rmbAmount() (alipay.Amount, error) {
	minor, err := alipay.DecimalToMinor(r.RMBAmount, currencyCNY)
	if err != nil {
		return alipay.Amount{}, fmt.Errorf("mapi: fptrade line %d: rmb_amount: %w", r.Line, err)
	}
	return alipay.Amount{Currency: currencyCNY, Value: strconv.FormatInt(minor, 10)}, nil
}
