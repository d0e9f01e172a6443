-- The shop's schema. It runs unchanged on SQLite and PostgreSQL: money is
-- BIGINT minor units beside a currency code (never a float), times are
-- BIGINT Unix milliseconds, and every "do this once" rule is a primary key
-- or a unique constraint, so that a retried request, a resent notification
-- or a second instance doing the same work collides with the first instead
-- of doing it again.

-- An order the buyer pays once, whatever the number of attempts.
CREATE TABLE orders (
    id              TEXT PRIMARY KEY,
    description     TEXT NOT NULL,
    amount_minor    BIGINT NOT NULL CHECK (amount_minor > 0),
    currency        TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('OPEN', 'PAID', 'EXPIRED')),
    -- The attempt that paid it; set once, by a conditional UPDATE ... WHERE status = 'OPEN'.
    paid_request_id TEXT UNIQUE,
    expires_at      BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);

-- One pay call: its paymentRequestId is the primary key and Antom's
-- idempotency key. The row is committed before pay is sent (status
-- SENDING), so that a crash can never leave a payment at Antom that the
-- shop does not know about.
CREATE TABLE payment_attempts (
    request_id    TEXT PRIMARY KEY,
    order_id      TEXT NOT NULL REFERENCES orders (id),
    method        TEXT NOT NULL,
    terminal_type TEXT NOT NULL,
    os_type       TEXT NOT NULL DEFAULT '',
    amount_minor  BIGINT NOT NULL CHECK (amount_minor > 0),
    currency      TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN
                  ('SENDING', 'UNKNOWN', 'PROCESSING', 'PENDING', 'SUCCESS', 'FAIL', 'CANCELLED', 'ABANDONED')),
    payment_id    TEXT NOT NULL DEFAULT '',
    -- JSON list of {kind, url} for the buyer's device, from PayResponse.Redirects.
    redirects     TEXT NOT NULL DEFAULT '[]',
    result_code   TEXT NOT NULL DEFAULT '',
    -- 1 when it succeeded after another attempt had paid the order: refunded.
    duplicate     INTEGER NOT NULL DEFAULT 0,
    expires_at    BIGINT NOT NULL,
    -- When the worker should next ask Antom about it (inquiryPayment).
    next_check_at BIGINT NOT NULL,
    checks        INTEGER NOT NULL DEFAULT 0,
    -- When an inquiry last asked Antom, so that buyers refreshing the
    -- result page cannot flood Antom with inquiries.
    checked_at    BIGINT NOT NULL DEFAULT 0,
    -- An instance working on the row holds it until lease_until; any other
    -- may take it after that (the holder may have crashed).
    lease_owner   TEXT NOT NULL DEFAULT '',
    lease_until   BIGINT NOT NULL DEFAULT 0,
    resolved_by   TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX payment_attempts_order ON payment_attempts (order_id);
CREATE INDEX payment_attempts_due ON payment_attempts (status, next_check_at);

-- A refund of a duplicate payment. The refundRequestId is derived from the
-- payment's request ID and the payment is UNIQUE: one refund per duplicate,
-- resent with the same ID after any failure or crash.
CREATE TABLE refunds (
    request_id         TEXT PRIMARY KEY,
    payment_request_id TEXT NOT NULL UNIQUE REFERENCES payment_attempts (request_id),
    order_id           TEXT NOT NULL REFERENCES orders (id),
    payment_id         TEXT NOT NULL,
    amount_minor       BIGINT NOT NULL CHECK (amount_minor > 0),
    currency           TEXT NOT NULL,
    reason             TEXT NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('TODO', 'UNKNOWN', 'PROCESSING', 'SUCCESS', 'FAIL')),
    refund_id          TEXT NOT NULL DEFAULT '',
    result_code        TEXT NOT NULL DEFAULT '',
    next_check_at      BIGINT NOT NULL,
    lease_owner        TEXT NOT NULL DEFAULT '',
    lease_until        BIGINT NOT NULL DEFAULT 0,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
CREATE INDEX refunds_due ON refunds (status, next_check_at);

-- Money that moved, as the shop knows it: what reconciliation compares
-- with Antom's reports. One entry per payment or refund request, whoever
-- learns of it first (pay answer, notification or inquiry).
CREATE TABLE ledger (
    kind           TEXT NOT NULL CHECK (kind IN ('PAYMENT', 'REFUND')),
    request_id     TEXT NOT NULL,
    order_id       TEXT NOT NULL REFERENCES orders (id),
    transaction_id TEXT NOT NULL,
    amount_minor   BIGINT NOT NULL CHECK (amount_minor > 0),
    currency       TEXT NOT NULL,
    booked_at      BIGINT NOT NULL,
    PRIMARY KEY (kind, request_id)
);

-- Notifications processed, by Notification.DedupeKey: inserted in the same
-- transaction as their effect, so a resend (or the same notification at a
-- second instance) finds the key and only acknowledges.
CREATE TABLE notifications (
    dedupe_key   TEXT PRIMARY KEY,
    notify_type  TEXT NOT NULL,
    request_id   TEXT NOT NULL,
    processed_by TEXT NOT NULL,
    processed_at BIGINT NOT NULL
);
