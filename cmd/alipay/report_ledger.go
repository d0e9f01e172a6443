package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/xborderpay/alipay"
)

const reportLedgerAbout = `
The ledger is a CSV file with a header line; columns are found by name, in
any order and case:
  transactionId          Antom's paymentId, refundId or captureId (if known)
  requestId              your paymentRequestId or refundRequestId
  originalTransactionId  for a refund or capture: the paymentId (optional)
  type                   PAYMENT, REFUND, CAPTURE, ...
  amount                 decimal in major units, e.g. 10.25 (positive)
  currency               ISO 4217 code, e.g. USD
  status                 SUCCESS (or empty) when it succeeded; FAIL, PENDING, ...
Each row needs transactionId or requestId. Give the settlement details and the
settlement summary together to check the batch totals too.
`

// ledgerColumns maps the ledger's column names (lower case) to the
// fields of a merchant record.
var ledgerColumns = map[string]string{
	"transactionid": "transactionId", "requestid": "requestId", "originaltransactionid": "originalTransactionId",
	"type": "type", "amount": "amount", "currency": "currency", "status": "status",
}

// ledger is the merchant's records and the line each came from.
type ledger struct {
	name    string
	records []alipay.MerchantRecord
	lines   []int
}

// readLedger reads the merchant's records from a ledger CSV file.
func (a *app) readLedger(name string) (*ledger, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("reading the ledger: %w", err)
	}
	defer f.Close()
	l, err := parseLedger(f)
	if err != nil {
		return nil, fmt.Errorf("ledger %s: %w", name, err)
	}
	l.name = name
	return l, nil
}

func parseLedger(r io.Reader) (*ledger, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("the file is empty; it needs a header line")
	}
	if err != nil {
		return nil, err
	}
	index := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if field, ok := ledgerColumns[h]; ok {
			if _, dup := index[field]; dup {
				return nil, fmt.Errorf("line 1: column %s appears twice", field)
			}
			index[field] = i
		}
	}
	for _, need := range []string{"type", "amount", "currency"} {
		if _, ok := index[need]; !ok {
			return nil, fmt.Errorf("line 1: no %s column (the header needs type, amount, currency and transactionId or requestId)", need)
		}
	}
	_, hasTxn := index["transactionId"]
	_, hasReq := index["requestId"]
	if !hasTxn && !hasReq {
		return nil, errors.New("line 1: no transactionId or requestId column")
	}

	l := &ledger{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return l, nil
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		get := func(field string) string {
			i, ok := index[field]
			if !ok || i >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[i])
		}
		if strings.Join(rec, "") == "" {
			continue
		}
		m := alipay.MerchantRecord{
			TransactionID:         get("transactionId"),
			RequestID:             get("requestId"),
			OriginalTransactionID: get("originalTransactionId"),
			Type:                  alipay.TransactionType(strings.ToUpper(get("type"))),
			Status:                strings.ToUpper(get("status")),
		}
		if m.TransactionID == "" && m.RequestID == "" {
			return nil, fmt.Errorf("line %d: neither transactionId nor requestId is set", line)
		}
		currency := strings.ToUpper(get("currency"))
		minor, err := alipay.DecimalToMinor(get("amount"), currency)
		if err != nil {
			return nil, fmt.Errorf("line %d: amount: %s", line, strings.TrimPrefix(err.Error(), "alipay: "))
		}
		m.Amount = alipay.Amount{Currency: currency, Value: strconv.FormatInt(minor, 10)}
		l.records = append(l.records, m)
		l.lines = append(l.lines, line)
	}
}

// describeDiscrepancy says where a discrepancy is and what it is, naming
// report files and ledger lines rather than indexes.
func describeDiscrepancy(d alipay.Discrepancy, files *reportFiles, l *ledger) string {
	var where []string
	if d.Report != alipay.ReportUnknown {
		w, line := files.locate(d.Report, d.Line)
		if w == "" {
			w = strings.ToLower(reportKindNames[d.Report]) + " report"
		}
		if line > 0 {
			w += fmt.Sprintf(" line %d", line)
		}
		where = append(where, w)
	}
	if d.Record >= 0 && d.Record < len(l.lines) {
		where = append(where, fmt.Sprintf("%s line %d", l.name, l.lines[d.Record]))
	}
	switch {
	case d.TransactionID != "":
		where = append(where, "transaction "+d.TransactionID)
	case d.RequestID != "":
		where = append(where, "request "+d.RequestID)
	}
	if d.SettlementBatchID != "" {
		where = append(where, "batch "+d.SettlementBatchID)
	}
	return fmt.Sprintf("%s: %s: %s", d.Kind, strings.Join(where, ", "), d.Message)
}
