package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/xborderpay/alipay"
)

// Shop is one instance of the shop. Several may share a database: all
// coordination goes through it (conditional updates, unique keys, leases).
type Shop struct {
	cfg   Config
	db    *DB
	antom *alipay.Client
	log   *slog.Logger
	now   func() time.Time
	pages *pages
	// reports writes Antom's reconciliation files; only the offline fake
	// gateway has it here (a real shop downloads them from Antom's SFTP).
	reports reportSource
}

// reportSource is what the nightly reconciliation reads Antom's
// transaction details from.
type reportSource interface {
	WriteTransactionDetails(w io.Writer, day time.Time) error
}

// NewShop wires a shop to its database and Antom client.
func NewShop(cfg Config, db *DB, c *alipay.Client, logger *slog.Logger) (*Shop, error) {
	if cfg.Lease <= cfg.PayTimeout {
		return nil, fmt.Errorf("shop: lease %v must be longer than the pay timeout %v, or a second instance could take over a pay still in flight", cfg.Lease, cfg.PayTimeout)
	}
	p, err := loadPages()
	if err != nil {
		return nil, err
	}
	return &Shop{cfg: cfg, db: db, antom: c, log: logger.With("instance", cfg.Instance),
		now: func() time.Time { return time.Now().UTC() }, pages: p}, nil
}

// checkpoint marks a point where a crash would hurt most. When the
// configuration names it (the crash tests do), the process announces it on
// stderr and stops there until it is killed: the test then kills it with
// SIGKILL, a real crash that runs no deferred code.
func (s *Shop) checkpoint(name string) {
	if s.cfg.CrashAt != name {
		return
	}
	fmt.Fprintf(os.Stderr, "CHECKPOINT %s\n", name)
	select {}
}
