package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/xborderpay/alipay"
)

// Order statuses.
const (
	OrderOpen    = "OPEN"
	OrderPaid    = "PAID"
	OrderExpired = "EXPIRED"
)

// Attempt statuses: the first four are open (the worker keeps asking
// Antom), the rest final. ABANDONED is the shop's own: the pay request
// never reached Antom (inquiry found nothing after the sender's lease ran
// out); a later notification may still move it to SUCCESS.
const (
	AttemptSending    = "SENDING"
	AttemptUnknown    = "UNKNOWN"
	AttemptProcessing = "PROCESSING"
	AttemptPending    = "PENDING"
	AttemptSuccess    = "SUCCESS"
	AttemptFail       = "FAIL"
	AttemptCancelled  = "CANCELLED"
	AttemptAbandoned  = "ABANDONED"
)

// Refund statuses.
const (
	RefundTodo       = "TODO"
	RefundUnknown    = "UNKNOWN"
	RefundProcessing = "PROCESSING"
	RefundSuccess    = "SUCCESS"
	RefundFail       = "FAIL"
)

var errNotFound = errors.New("not found")

// Order is a row of orders.
type Order struct {
	ID            string
	Description   string
	Amount        alipay.Amount
	Status        string
	PaidRequestID string
	ExpiresAt     time.Time
	CreatedAt     time.Time
}

// Attempt is a row of payment_attempts.
type Attempt struct {
	RequestID    string
	OrderID      string
	Method       string
	TerminalType string
	OSType       string
	Amount       alipay.Amount
	Status       string
	PaymentID    string
	Redirects    string
	ResultCode   string
	Duplicate    bool
	ExpiresAt    time.Time
	Checks       int
	CheckedAt    time.Time
	ResolvedBy   string
}

// Open reports whether Antom may still change the attempt's outcome.
func (a *Attempt) Open() bool {
	switch a.Status {
	case AttemptSending, AttemptUnknown, AttemptProcessing, AttemptPending:
		return true
	}
	return false
}

func ms(t time.Time) int64        { return t.UnixMilli() }
func fromMS(v int64) time.Time    { return time.UnixMilli(v).UTC() }
func minor(a alipay.Amount) int64 { v, _ := a.MinorUnits(); return v }

func amountOf(minorUnits int64, currency string) alipay.Amount {
	return alipay.Amount{Currency: currency, Value: fmt.Sprint(minorUnits)}
}

type rowScanner interface{ Scan(...any) error }

func (s *Shop) createOrder(ctx context.Context, id, description string, amount alipay.Amount) (*Order, error) {
	now := s.now()
	o := &Order{ID: id, Description: description, Amount: amount, Status: OrderOpen,
		ExpiresAt: now.Add(s.cfg.OrderTTL), CreatedAt: now}
	_, err := s.db.ExecContext(ctx, `INSERT INTO orders (id, description, amount_minor, currency, status, expires_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`,
		o.ID, o.Description, minor(amount), amount.Currency, o.Status, ms(o.ExpiresAt), ms(now))
	if err != nil {
		return nil, fmt.Errorf("create order: %w", err)
	}
	return o, nil
}

const orderColumns = `id, description, amount_minor, currency, status, COALESCE(paid_request_id, ''), expires_at, created_at`

func scanOrder(r rowScanner) (*Order, error) {
	var o Order
	var amt, exp, created int64
	var cur string
	if err := r.Scan(&o.ID, &o.Description, &amt, &cur, &o.Status, &o.PaidRequestID, &exp, &created); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errNotFound
		}
		return nil, err
	}
	o.Amount, o.ExpiresAt, o.CreatedAt = amountOf(amt, cur), fromMS(exp), fromMS(created)
	return &o, nil
}

func (s *Shop) order(ctx context.Context, id string) (*Order, error) {
	return scanOrder(s.db.QueryRowContext(ctx, `SELECT `+orderColumns+` FROM orders WHERE id = $1`, id))
}

const attemptColumns = `request_id, order_id, method, terminal_type, os_type, amount_minor, currency, status,
	payment_id, redirects, result_code, duplicate, expires_at, checks, checked_at, resolved_by`

func scanAttempt(r rowScanner) (*Attempt, error) {
	var a Attempt
	var amt, exp, checked int64
	var cur string
	var dup int
	if err := r.Scan(&a.RequestID, &a.OrderID, &a.Method, &a.TerminalType, &a.OSType, &amt, &cur, &a.Status,
		&a.PaymentID, &a.Redirects, &a.ResultCode, &dup, &exp, &a.Checks, &checked, &a.ResolvedBy); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errNotFound
		}
		return nil, err
	}
	a.Amount, a.ExpiresAt, a.Duplicate, a.CheckedAt = amountOf(amt, cur), fromMS(exp), dup == 1, fromMS(checked)
	return &a, nil
}

func (s *Shop) attempt(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, requestID string) (*Attempt, error) {
	return scanAttempt(q.QueryRowContext(ctx, `SELECT `+attemptColumns+` FROM payment_attempts WHERE request_id = $1`, requestID))
}

func (s *Shop) attemptsOf(ctx context.Context, orderID string) ([]*Attempt, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+attemptColumns+` FROM payment_attempts WHERE order_id = $1 ORDER BY created_at, request_id`, orderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Attempt
	for rows.Next() {
		a, err := scanAttempt(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Outcome is what Antom says about a payment, from whichever source: the
// pay answer, a notification or an inquiry.
type Outcome struct {
	Status     string // an Attempt status
	PaymentID  string
	ResultCode string
	// Amount is what Antom says was paid, when the source says; nil
	// otherwise.
	Amount *alipay.Amount
}

// applyPayment records an outcome for an attempt, in the transaction tx.
// It is the only place that marks orders paid: the attempt moves only out
// of an open status (a conditional UPDATE, so two instances applying the
// same outcome do it once), a success books the payment in the ledger and
// pays the order if it is still open, and a success for an order another
// attempt already paid is a duplicate: it gets a refund to do, in the same
// transaction, so that no crash can forget it (step 2.1 of Antom's guide:
// cancel or refund the extra payment).
func (s *Shop) applyPayment(ctx context.Context, tx *sql.Tx, requestID string, o Outcome) (changed bool, err error) {
	a, err := s.attempt(ctx, tx, requestID)
	if err != nil {
		return false, fmt.Errorf("payment %s: %w", requestID, err)
	}
	now := s.now()
	open := a.Open() || (a.Status == AttemptAbandoned && o.Status == AttemptSuccess)
	if !open || o.Status == a.Status && o.PaymentID == a.PaymentID {
		return false, nil
	}
	if o.PaymentID == "" {
		o.PaymentID = a.PaymentID
	}
	resolver := ""
	if !isOpenStatus(o.Status) {
		resolver = s.cfg.Instance
	}
	res, err := tx.ExecContext(ctx, `UPDATE payment_attempts SET status = $1, payment_id = $2, result_code = $3, resolved_by = $4, updated_at = $5
		WHERE request_id = $6 AND status = $7`,
		o.Status, o.PaymentID, o.ResultCode, resolver, ms(now), requestID, a.Status)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil // another instance got there first
	}
	if o.Status != AttemptSuccess {
		return true, nil
	}
	// Book what Antom took, which is what its reports will say.
	paid := a.Amount
	if o.Amount != nil {
		paid = *o.Amount
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO ledger (kind, request_id, order_id, transaction_id, amount_minor, currency, booked_at)
		VALUES ('PAYMENT', $1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
		requestID, a.OrderID, o.PaymentID, minor(paid), paid.Currency, ms(now)); err != nil {
		return false, err
	}
	reason := ""
	if minor(paid) != minor(a.Amount) || paid.Currency != a.Amount.Currency {
		// Never seen, and never to be taken as paying the order.
		s.log.Error("payment amount differs from the order's", "paymentRequestId", requestID, "paid", paid, "asked", a.Amount)
		reason = "paid " + price(paid) + " for an order of " + price(a.Amount)
	} else {
		res, err = tx.ExecContext(ctx, `UPDATE orders SET status = 'PAID', paid_request_id = $1, updated_at = $2
			WHERE id = $3 AND status IN ('OPEN', 'EXPIRED')`, requestID, ms(now), a.OrderID)
		if err != nil {
			return false, err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return true, nil
		}
		reason = "order " + a.OrderID + " was already paid"
	}
	// Paid twice, or paid wrong: refund this payment in full.
	if _, err := tx.ExecContext(ctx, `UPDATE payment_attempts SET duplicate = 1 WHERE request_id = $1`, requestID); err != nil {
		return false, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO refunds (request_id, payment_request_id, order_id, payment_id, amount_minor, currency, reason, status, next_check_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 'TODO', $8, $8, $8) ON CONFLICT DO NOTHING`,
		"refund-"+requestID, requestID, a.OrderID, o.PaymentID, minor(paid), paid.Currency, reason, ms(now))
	return true, err
}

func isOpenStatus(s string) bool { a := Attempt{Status: s}; return a.Open() }

// applyRefund records a refund's outcome and books a success in the ledger.
func (s *Shop) applyRefund(ctx context.Context, tx *sql.Tx, requestID, status, refundID, code string) error {
	now := s.now()
	var orderID, cur, current string
	var amt int64
	err := tx.QueryRowContext(ctx, `SELECT order_id, amount_minor, currency, status FROM refunds WHERE request_id = $1`, requestID).
		Scan(&orderID, &amt, &cur, &current)
	if err != nil {
		return fmt.Errorf("refund %s: %w", requestID, err)
	}
	if current == RefundSuccess || current == RefundFail {
		return nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE refunds SET status = $1, refund_id = CASE WHEN $2 = '' THEN refund_id ELSE $2 END, result_code = $3, updated_at = $4
		WHERE request_id = $5 AND status = $6`, status, refundID, code, ms(now), requestID, current)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 || status != RefundSuccess {
		return nil
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO ledger (kind, request_id, order_id, transaction_id, amount_minor, currency, booked_at)
		VALUES ('REFUND', $1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`, requestID, orderID, refundID, amt, cur, ms(now))
	return err
}

// claim takes the lease on a row of table (payment_attempts or refunds) if
// nobody holds it, so that one instance at a time works on it.
func (s *Shop) claim(ctx context.Context, table, requestID string) (bool, error) {
	now := s.now()
	res, err := s.db.ExecContext(ctx, `UPDATE `+table+` SET lease_owner = $1, lease_until = $2 WHERE request_id = $3 AND lease_until < $4`,
		s.cfg.Instance, ms(now.Add(s.cfg.Lease)), requestID, ms(now))
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// release gives the lease back and says when to look at the row again.
func (s *Shop) release(ctx context.Context, table, requestID string, next time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE `+table+` SET lease_until = 0, next_check_at = $1 WHERE request_id = $2 AND lease_owner = $3`,
		ms(next), requestID, s.cfg.Instance)
	return err
}
