package main

import (
	"bytes"
	"context"
	"errors"
	"time"

	"github.com/xborderpay/alipay"
)

// Reconcile compares the shop's ledger for one UTC day with Antom's
// transaction details of that day and returns every discrepancy: money
// Antom moved that the shop did not book, bookings Antom does not know,
// amounts that differ. An empty result is the nightly proof that the
// ledger is right.
func (s *Shop) Reconcile(ctx context.Context, day time.Time) ([]alipay.Discrepancy, error) {
	if s.reports == nil {
		return nil, errors.New("no report source: download Antom's transaction details and use the alipay report command")
	}
	day = day.UTC().Truncate(24 * time.Hour)
	rows, err := s.db.QueryContext(ctx, `SELECT kind, request_id, transaction_id, amount_minor, currency FROM ledger
		WHERE booked_at >= $1 AND booked_at < $2 ORDER BY booked_at`, ms(day), ms(day.Add(24*time.Hour)))
	if err != nil {
		return nil, err
	}
	var records []alipay.MerchantRecord
	for rows.Next() {
		var kind, reqID, txnID, cur string
		var amt int64
		if err := rows.Scan(&kind, &reqID, &txnID, &amt, &cur); err != nil {
			rows.Close()
			return nil, err
		}
		records = append(records, alipay.MerchantRecord{TransactionID: txnID, RequestID: reqID,
			Type: alipay.TransactionType(kind), Amount: amountOf(amt, cur)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	r, err := alipay.NewReconciler(records)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := s.reports.WriteTransactionDetails(&buf, day); err != nil {
		return nil, err
	}
	if err := r.Add(alipay.NewReportReader(&buf)); err != nil {
		return nil, err
	}
	return r.Discrepancies(), nil
}
