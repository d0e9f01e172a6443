package mapi_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xborderpay/alipay"
	"github.com/xborderpay/alipay/alipaytest"
	"github.com/xborderpay/alipay/mapi"
	"github.com/xborderpay/alipay/mapi/mapitest"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestFPTradeRowTransactionDetail(t *testing.T) {
	paid := time.Date(2026, 11, 21, 15, 0, 0, 0, mapi.Beijing)
	tests := []struct {
		name    string
		row     mapi.FPTradeRow
		want    alipay.TransactionDetail
		wantErr string
		wantIs  error
	}{{
		name: "payment",
		row: mapi.FPTradeRow{Line: 2, PartnerTransactionID: "O-1", Amount: "10.00", Currency: "USD", Type: "P", Status: "P",
			PaymentTime: paid, Fee: "0.10"},
		want: alipay.TransactionDetail{Line: 2, TransactionRequestID: "O-1", TransactionType: alipay.TransactionTypePayment,
			Status: "SUCCESS", TransactionTime: paid, TransactionAmount: alipay.Amount{Currency: "USD", Value: "1000"}},
	}, {
		name: "payment with its trade number",
		row: mapi.FPTradeRow{Line: 2, PartnerTransactionID: "O-1", Amount: "10.00", Currency: "USD", Type: "P", Status: "L",
			TransactionID: "2026112121001004"},
		want: alipay.TransactionDetail{Line: 2, TransactionRequestID: "O-1", TransactionID: "2026112121001004",
			TransactionType: alipay.TransactionTypePayment, Status: "SUCCESS", TransactionAmount: alipay.Amount{Currency: "USD", Value: "1000"}},
	}, {
		name: "settled refund with the payment's trade number",
		row: mapi.FPTradeRow{Line: 3, PartnerTransactionID: "R-1", Amount: "-4.5", Currency: "EUR", Type: "r", Status: "L",
			PaymentTime: paid, OriginalPartnerTransactionID: "O-1", TransactionID: "2026112121001004"},
		want: alipay.TransactionDetail{Line: 3, TransactionRequestID: "R-1", OriginalTransactionID: "2026112121001004",
			TransactionType: alipay.TransactionTypeRefund, Status: "SUCCESS", TransactionTime: paid,
			TransactionAmount: alipay.Amount{Currency: "EUR", Value: "-450"}},
	}, {
		name: "refund without trade numbers",
		row: mapi.FPTradeRow{Line: 3, PartnerTransactionID: "R-1", Amount: "-4.00", Currency: "USD", Type: "R", Status: "P",
			OriginalPartnerTransactionID: "O-1"},
		want: alipay.TransactionDetail{Line: 3, TransactionRequestID: "R-1", OriginalTransactionID: "O-1",
			TransactionType: alipay.TransactionTypeRefund, Status: "SUCCESS", TransactionAmount: alipay.Amount{Currency: "USD", Value: "-400"}},
	}, {
		name: "zero-decimal currency, unknown status kept",
		row:  mapi.FPTradeRow{Line: 4, PartnerTransactionID: "O-2", Amount: "1200", Currency: "JPY", Type: "P", Status: "W"},
		want: alipay.TransactionDetail{Line: 4, TransactionRequestID: "O-2", TransactionType: alipay.TransactionTypePayment,
			Status: "W", TransactionAmount: alipay.Amount{Currency: "JPY", Value: "1200"}},
	}, {
		name:    "unknown type",
		row:     mapi.FPTradeRow{Line: 5, PartnerTransactionID: "O-3", Amount: "1.00", Currency: "USD", Type: "C"},
		wantErr: `mapi: fptrade line 5: type "C" is neither P (payment) nor R (refund)`,
	}, {
		name:    "no type",
		row:     mapi.FPTradeRow{Line: 6, PartnerTransactionID: "O-3", Amount: "1.00", Currency: "USD"},
		wantErr: `mapi: fptrade line 6: type "" is neither`,
	}, {
		name:    "more decimals than the currency has",
		row:     mapi.FPTradeRow{Line: 7, PartnerTransactionID: "O-4", Amount: "1200.5", Currency: "JPY", Type: "P"},
		wantErr: "mapi: fptrade line 7: amount: ",
		wantIs:  alipay.ErrExcessPrecision,
	}, {
		name:    "unknown currency",
		row:     mapi.FPTradeRow{Line: 8, PartnerTransactionID: "O-5", Amount: "1.00", Currency: "ZZZ", Type: "P"},
		wantErr: "mapi: fptrade line 8: amount: ",
		wantIs:  alipay.ErrUnknownCurrency,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.row.TransactionDetail()
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.True(t, strings.HasPrefix(err.Error(), tt.wantErr), err.Error())
				if tt.wantIs != nil {
					assert.ErrorIs(t, err, tt.wantIs)
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestAddFPTrade runs a day through the fake gateway, has it write the GBK
// fptrade file, and reconciles that file against a ledger with mistakes.
func TestAddFPTrade(t *testing.T) {
	now := time.Date(2026, 11, 21, 15, 0, 0, 0, mapi.Beijing)
	clock := alipaytest.NewFakeClock(now) // one clock shape: alipaytest's FakeClock runs mapitest and mapi too
	srv := mapitest.NewServer(mapitest.WithClock(clock))
	defer srv.Close()
	c := srv.Client(mapi.WithClock(clock))
	ctx := context.Background()

	tradeNo := map[string]string{}
	for _, o := range []mapi.AppOrder{
		{OutTradeNo: "ORDER-1", Subject: "咖啡", Currency: "USD", TotalFee: "10"},
		{OutTradeNo: "ORDER-2", Subject: "Cake", Currency: "USD", TotalFee: "20"},
		{OutTradeNo: "ORDER-3", Subject: "Tea", Currency: "JPY", TotalFee: "1200"},
	} {
		order, err := c.AppOrderString(&o)
		require.NoError(t, err)
		p, err := srv.Pay(ctx, order)
		require.NoError(t, err)
		tradeNo[o.OutTradeNo] = p.TradeNo
	}
	_, err := c.Refund(ctx, &mapi.RefundRequest{OutReturnNo: "REFUND-1", OutTradeNo: "ORDER-1", ReturnAmount: "4", Currency: "USD"})
	require.NoError(t, err)

	var file bytes.Buffer
	require.NoError(t, srv.WriteFPTrade(&file, now))
	require.False(t, utf8.Valid(file.Bytes()), "the fake writes GBK")

	usd := func(v string) alipay.Amount { return alipay.Amount{Currency: "USD", Value: v} }
	ledger := []alipay.MerchantRecord{
		{TransactionID: tradeNo["ORDER-1"], RequestID: "ORDER-1", Type: alipay.TransactionTypePayment, Amount: usd("1000")},
		{TransactionID: tradeNo["ORDER-2"], RequestID: "ORDER-2", Type: alipay.TransactionTypePayment, Amount: usd("2500")}, // wrong
		{RequestID: "ORDER-3", Type: alipay.TransactionTypePayment, Amount: alipay.Amount{Currency: "JPY", Value: "1200"}},
		{RequestID: "ORDER-9", Type: alipay.TransactionTypePayment, Amount: usd("500")}, // never paid
		// REFUND-1 was never recorded.
	}
	rec, err := alipay.NewReconciler(ledger)
	require.NoError(t, err)
	require.NoError(t, mapi.AddFPTrade(rec, mapi.NewFPTradeReader(&file)))

	type found struct {
		kind      alipay.DiscrepancyKind
		requestID string
		record    int
		line      int
	}
	var got []found
	for _, d := range rec.Discrepancies() {
		got = append(got, found{d.Kind, d.RequestID, d.Record, d.Line})
	}
	assert.Equal(t, []found{
		{alipay.DiscrepancyAmountMismatch, "ORDER-2", 1, 3},
		{alipay.DiscrepancyRefundNotRecorded, "REFUND-1", 0, 5},
		{alipay.DiscrepancyNotInReport, "ORDER-9", 3, 0},
	}, got)
}

// TestAddFPTradeWithTradeNumbers reconciles a GBK file that has the
// optional Transaction_ID column: the unrecorded refund is pinned on its
// payment, and a payment listed twice is a duplicate.
func TestAddFPTradeWithTradeNumbers(t *testing.T) {
	file := "Partner_transaction_id,amount,currency,Payment_time,type,status,remarks,Original_partner_transaction_ID,Transaction_ID\r\n" +
		"\tO-1,10.00,USD,2026-11-21 15:00:00,P,P,咖啡,,\t2026112121001001\r\n" +
		"\tO-2,20.00,USD,2026-11-21 15:10:00,P,P,蛋糕,,\t2026112121001002\r\n" +
		"\tR-1,-4.00,USD,2026-11-21 16:00:00,R,P,退款,\tO-1,\t2026112121001001\r\n" +
		"\tO-2,20.00,USD,2026-11-21 15:10:00,P,P,蛋糕,,\t2026112121001002\r\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(file)
	require.NoError(t, err)

	usd := func(v string) alipay.Amount { return alipay.Amount{Currency: "USD", Value: v} }
	rec, err := alipay.NewReconciler([]alipay.MerchantRecord{
		{TransactionID: "2026112121001001", RequestID: "O-1", Type: alipay.TransactionTypePayment, Amount: usd("1000")},
		{TransactionID: "2026112121001002", RequestID: "O-2", Type: alipay.TransactionTypePayment, Amount: usd("2000")},
	})
	require.NoError(t, err)
	require.NoError(t, mapi.AddFPTrade(rec, mapi.NewFPTradeReader(strings.NewReader(gbk))))

	type found struct {
		kind                 alipay.DiscrepancyKind
		transactionID, reqID string
		record, line         int
	}
	var got []found
	for _, d := range rec.Discrepancies() {
		got = append(got, found{d.Kind, d.TransactionID, d.RequestID, d.Record, d.Line})
	}
	assert.Equal(t, []found{
		{alipay.DiscrepancyRefundNotRecorded, "", "R-1", 0, 4},
		{alipay.DiscrepancyDuplicate, "2026112121001002", "O-2", -1, 5},
	}, got)
}

func TestAddFPTradeStopsAtBadRow(t *testing.T) {
	file := "Partner_transaction_id,amount,currency,type\n" +
		"O-1,10.00,USD,P\n" +
		"O-2,1.005,USD,P\n" +
		"O-3,3.00,USD,P\n"
	rec, err := alipay.NewReconciler([]alipay.MerchantRecord{
		{RequestID: "O-1", Type: alipay.TransactionTypePayment, Amount: alipay.Amount{Currency: "USD", Value: "900"}},
	})
	require.NoError(t, err)
	err = mapi.AddFPTrade(rec, mapi.NewFPTradeReader(strings.NewReader(file)))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "fptrade line 3: amount")
	assert.ErrorIs(t, err, alipay.ErrExcessPrecision)

	ds := rec.Discrepancies()
	require.Len(t, ds, 1, "the row before the bad one was matched, none after")
	assert.Equal(t, alipay.DiscrepancyAmountMismatch, ds[0].Kind)
}

func FuzzFPTradeTransactionDetail(f *testing.F) {
	f.Add("Partner_transaction_id,amount,currency,type,Original_partner_transaction_ID\nO-1,10.00,USD,P,\nR-1,-4.00,USD,R,O-1\n")
	f.Add("partner_transaction_id,amount,currency,type\nO-1,-0.00,JPY,p\n")
	f.Fuzz(func(t *testing.T, body string) {
		for row, err := range mapi.NewFPTradeReader(strings.NewReader(body)).All() {
			if err != nil {
				return
			}
			d, err := row.TransactionDetail()
			if err != nil {
				continue
			}
			if _, err := d.TransactionAmount.MinorUnits(); err != nil {
				t.Fatalf("line %d: amount %q converted to unreadable %v: %v", row.Line, row.Amount, d.TransactionAmount, err)
			}
			if strings.HasPrefix(row.Amount, "-") != strings.HasPrefix(d.TransactionAmount.Value, "-") {
				t.Fatalf("line %d: sign of %q lost in %v", row.Line, row.Amount, d.TransactionAmount)
			}
		}
	})
}

// ExampleAddFPTrade matches the day's SFTP transaction file against the
// merchant's records.
func ExampleAddFPTrade() {
	// In production: f, err := os.Open("2088721149955614_fptrade_20261121.csv") (GBK or UTF-8).
	file := strings.NewReader("Partner_transaction_id,amount,currency,Payment_time,type,status,Original_partner_transaction_ID\n" +
		"\tORDER-1,10.00,USD,2026-11-21 15:00:00,P,P,\n" +
		"\tORDER-2,20.00,USD,2026-11-21 15:30:00,P,P,\n" +
		"\tREFUND-1,-4.00,USD,2026-11-21 16:00:00,R,P,\tORDER-1\n")

	// What the merchant's database holds for the day: out_trade_no and
	// out_return_no as RequestID.
	usd := func(minor string) alipay.Amount { return alipay.Amount{Currency: "USD", Value: minor} }
	rec, err := alipay.NewReconciler([]alipay.MerchantRecord{
		{RequestID: "ORDER-1", Type: alipay.TransactionTypePayment, Amount: usd("1000")},
		{RequestID: "ORDER-2", Type: alipay.TransactionTypePayment, Amount: usd("2000"), Status: "FAIL"},
		{RequestID: "REFUND-1", Type: alipay.TransactionTypeRefund, Amount: usd("400")},
		{RequestID: "ORDER-3", Type: alipay.TransactionTypePayment, Amount: usd("700")},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	if err := mapi.AddFPTrade(rec, mapi.NewFPTradeReader(file)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	for _, d := range rec.Discrepancies() {
		fmt.Println(d)
	}
	// Output:
	// STATUS_MISMATCH transaction details line 3 record 1 request ORDER-2: the report lists it, the record says FAIL
	// NOT_IN_REPORT record 3 request ORDER-3: payment of 7.00 USD is in no report
}

// An order priced with rmb_fee is kept in CNY by the merchant: its row is
// matched on Rmb_amount, the others on amount, and a CNY record whose row
// lacks Rmb_amount is a currency mismatch, not a silent match.
func TestAddFPTradeRecordsInCNY(t *testing.T) {
	file := "Partner_transaction_id,amount,Rmb_amount,currency,type,Original_partner_transaction_ID\n" +
		"O-USD,10.00,71.23,USD,P,\n" +
		"O-CNY,14.04,100.00,USD,P,\n" +
		"R-CNY,-7.02,-50.00,USD,R,O-CNY\n" +
		"O-BAD,1.40,10.01,USD,P,\n" +
		"O-NORMB,2.00,,USD,P,\n"
	cny := func(minor string) alipay.Amount { return alipay.Amount{Currency: "CNY", Value: minor} }
	rec, err := alipay.NewReconciler([]alipay.MerchantRecord{
		{RequestID: "O-USD", Type: alipay.TransactionTypePayment, Amount: alipay.Amount{Currency: "USD", Value: "1000"}},
		{RequestID: "O-CNY", Type: alipay.TransactionTypePayment, Amount: cny("10000")},
		{RequestID: "R-CNY", Type: alipay.TransactionTypeRefund, Amount: cny("5000")},
		{RequestID: "O-BAD", Type: alipay.TransactionTypePayment, Amount: cny("1000")},
		{RequestID: "O-NORMB", Type: alipay.TransactionTypePayment, Amount: cny("1400")},
	})
	require.NoError(t, err)
	require.NoError(t, mapi.AddFPTrade(rec, mapi.NewFPTradeReader(strings.NewReader(file))))
	type found struct {
		kind alipay.DiscrepancyKind
		req  string
		line int
	}
	var got []found
	for _, d := range rec.Discrepancies() {
		got = append(got, found{d.Kind, d.RequestID, d.Line})
	}
	assert.Equal(t, []found{
		{alipay.DiscrepancyAmountMismatch, "O-BAD", 5},
		{alipay.DiscrepancyCurrencyMismatch, "O-NORMB", 6},
	}, got)
}
