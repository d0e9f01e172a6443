package mapi

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"time"
)

// FileRecord is one line of forex_compare_file (transactions) or
// forex_liquidation_file (settlements), docs/protocol/mapi.md §3.6:
//
//	partner_transaction_id|amount|currency|transaction_time|settlement_time|type|service_charge|status|remarks
type FileRecord struct {
	PartnerTransactionID string // out_trade_no of a payment, out_return_no of a refund
	Amount               string // decimal, in Currency
	Currency             string
	TransactionTime      time.Time // Beijing
	SettlementTime       time.Time // zero when not settled
	Type                 string    // P payment, R refund
	ServiceCharge        string    // decimal
	Status               string    // P paid, L liquidated (settled)
	Remarks              string
	Line                 int // line number in the file
}

// Record types and statuses of FileRecord.
const (
	RecordTypePayment   = "P"
	RecordTypeRefund    = "R"
	RecordStatusPaid    = "P"
	RecordStatusSettled = "L"
)

// FileReader streams the records of a download file in constant memory.
// Call Close when done.
type FileReader struct {
	// Charset is the encoding of the file: CharsetAuto (the default)
	// decides once, on a sample of the file; set it before the first Next
	// to force one. The download methods set it from the Content-Type
	// Alipay declares.
	Charset Charset

	lr      *lineReader
	seen    bool // a non-blank line was read
	closer  io.Closer
	service string
	empty   bool
}

// NewFileReader reads a forex_compare_file or forex_liquidation_file body
// (UTF-8 or GBK, '|'-separated). A body that is one of the gateway's text
// messages is reported by Next: "No balance account data in the period" as
// an empty file, any other (e.g. "Over 10 days to Date period") as an
// *Error carrying it in Message.
func NewFileReader(r io.Reader) *FileReader {
	fr := &FileReader{service: "file download"}
	fr.lr = newLineReader(r, defaultMaxFileLineSize)
	fr.lr.cs = &fr.Charset
	if c, ok := r.(io.Closer); ok {
		fr.closer = c
	}
	return fr
}

// Close closes the underlying body, if it is an io.Closer.
func (fr *FileReader) Close() error {
	if fr.closer != nil {
		return fr.closer.Close()
	}
	return nil
}

// Next returns the next record, or io.EOF after the last.
//
// The protocol tells an empty period from a failure by the body: records
// are lines of '|'-separated fields, a period without transactions is the
// text "No balance account data in the period" (then Next returns io.EOF
// at once and NoData reports true), and a refused request is any other
// text, e.g. "File download failed:Finish date not ahead of today", which
// Next returns as an *Error. A body with neither records nor that text is
// not an answer the protocol knows: Next returns an error for it rather
// than an empty file.
func (fr *FileReader) Next() (FileRecord, error) {
	if fr.empty {
		return FileRecord{}, io.EOF
	}
	for {
		line, err := fr.lr.next()
		if err == io.EOF && !fr.seen {
			return FileRecord{}, &Error{Service: fr.service, Err: errEmptyFileBody}
		}
		if err != nil {
			return FileRecord{}, err
		}
		s := strings.TrimSpace(strings.ReplaceAll(string(line), "\t", ""))
		if s == "" {
			continue
		}
		first := !fr.seen
		fr.seen = true
		if !strings.Contains(s, "|") {
			if !first {
				return FileRecord{}, fmt.Errorf("mapi: file line %d: no '|' separator", fr.lr.line)
			}
			if isNoDataMessage(s) {
				fr.empty = true
				return FileRecord{}, io.EOF
			}
			return FileRecord{}, &Error{Service: fr.service, Message: truncate(s, 200)}
		}
		return parseFileRecord(s, fr.lr.line)
	}
}

// NoData reports whether the gateway answered that the period holds no
// transactions (its "No balance account data in the period" message), as
// opposed to a file that has records. It is meaningful once Next has
// returned io.EOF.
func (fr *FileReader) NoData() bool { return fr.empty }

// All iterates over the records; it stops after the first error.
func (fr *FileReader) All() iter.Seq2[FileRecord, error] { return readAll(fr.Next) }

func isNoDataMessage(s string) bool {
	s = strings.ToLower(s)
	return strings.Contains(s, "no balance account data") || strings.Contains(s, "no balance amount data")
}

func parseFileRecord(s string, line int) (FileRecord, error) {
	f := strings.SplitN(s, "|", 9)
	if len(f) < 8 {
		return FileRecord{}, fmt.Errorf("mapi: file line %d: %d fields, want at least 8", line, len(f))
	}
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	r := FileRecord{
		PartnerTransactionID: f[0],
		Amount:               f[1],
		Currency:             f[2],
		Type:                 f[5],
		ServiceCharge:        f[6],
		Status:               f[7],
		Line:                 line,
	}
	if len(f) == 9 {
		r.Remarks = strings.TrimSuffix(f[8], "|")
	}
	bad := func(format string, args ...any) (FileRecord, error) {
		return FileRecord{}, fmt.Errorf("mapi: file line %d: "+format, append([]any{line}, args...)...)
	}
	if r.PartnerTransactionID == "" {
		return bad("empty partner_transaction_id")
	}
	if !isDecimal(r.Amount, true) {
		return bad("amount %q is not a decimal", truncate(r.Amount, 20))
	}
	if r.ServiceCharge != "" && !isDecimal(r.ServiceCharge, true) {
		return bad("service_charge %q is not a decimal", truncate(r.ServiceCharge, 20))
	}
	if len(r.Currency) != 3 {
		return bad("currency %q is not a three-letter code", truncate(r.Currency, 10))
	}
	if f[3] == "" {
		return bad("empty transaction_time")
	}
	var err error
	if r.TransactionTime, err = parseBeijing("transaction_time", f[3], layoutCompact); err != nil {
		return bad("%v", err)
	}
	if r.SettlementTime, err = parseBeijing("settlement_time", f[4], layoutCompact); err != nil {
		return bad("%v", err)
	}
	return r, nil
}

// CompareFile calls forex_compare_file for the transactions of the
// calendar days start to end (at most 10 days apart; end must be a Beijing
// day that has ended) and streams the answer. The dates are sent as given,
// never shifted between zones: see Date. Close the reader when done; after
// the last record, FileReader.NoData tells an empty period from a file.
//
// The download is bounded by ctx, not by the attempt timeout: that timeout
// (WithAttemptTimeout, default 10 s) only limits how long the server may
// stay silent — before it answers, and between two reads of the body.
func (c *Client) CompareFile(ctx context.Context, start, end Date) (*FileReader, error) {
	return c.downloadFile(ctx, "forex_compare_file", start, end)
}

// LiquidationFile calls forex_liquidation_file for the settlements of
// start to end, like CompareFile.
func (c *Client) LiquidationFile(ctx context.Context, start, end Date) (*FileReader, error) {
	return c.downloadFile(ctx, "forex_liquidation_file", start, end)
}

func (c *Client) downloadFile(ctx context.Context, service string, sd, ed Date) (*FileReader, error) {
	if err := checkFileDates(sd, ed, c.now()); err != nil {
		return nil, err
	}
	e := &Error{Service: service}
	p, err := c.signedParams(service, map[string]string{"start_date": sd.compact(), "end_date": ed.compact()})
	if err != nil {
		return nil, err
	}
	// No whole-request timeout: a long file may take minutes. The caller's
	// context bounds the download, and idle cancels it when the server
	// sends nothing for an attempt timeout.
	dctx, idle := newIdleTimer(ctx, c.attemptTimeout)
	resp, err := c.sendWith(dctx, c.download, idle, service, p, e)
	if err != nil {
		idle.stop()
		return nil, err
	}
	body := &idleBody{rc: resp.Body, idle: idle}
	br := bufio.NewReaderSize(body, 4096)
	head, _ := br.Peek(512)
	if isXML(head) {
		defer body.Close()
		raw, err := readBounded(br, maxResponseBytes)
		if err != nil {
			e.Err = err
			return nil, e
		}
		if _, err := c.checkEnvelope(raw, e, nil); err != nil {
			return nil, err
		}
		e.Err = errors.New("answered an XML envelope instead of the file")
		return nil, e
	}
	fr := NewFileReader(br)
	fr.Charset = declaredCharset(resp.Header.Get("Content-Type"))
	fr.closer = body
	fr.service = service
	return fr, nil
}
