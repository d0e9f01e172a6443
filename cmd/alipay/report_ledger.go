package main

import (
	"context"

	"github.com/xborderpay/alipay"
)

const reportLedgerAbout = ""

// reportLedger holds the merchant's records read from -ledger.
type reportLedger struct{}

func (a *app) readLedger(string) (*reportLedger, error) { return nil, errNoLedgerSupport }

func (a *app) matchLedger(context.Context, *reportLedger, alipay.ReportKind, []alipay.ReportRow) error {
	return errNoLedgerSupport
}
