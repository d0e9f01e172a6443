package main

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Instances starting together all migrate; the schema is applied once.
func TestMigrateConcurrently(t *testing.T) {
	for _, db := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", sqliteDSN}, {"postgres", postgresDSN}} {
		t.Run(db.name, func(t *testing.T) {
			dsn := db.dsn(t)
			var wg sync.WaitGroup
			errs := make([]error, 4)
			for i := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					d, err := OpenDB(dsn)
					if err == nil {
						err = d.Migrate(context.Background())
						d.Close()
					}
					errs[i] = err
				}()
			}
			wg.Wait()
			for _, err := range errs {
				require.NoError(t, err)
			}
			d, err := OpenDB(dsn)
			require.NoError(t, err)
			defer d.Close()
			assert.Equal(t, 1, count(t, d, `SELECT COUNT(*) FROM schema_migrations`))
			assert.Equal(t, 0, count(t, d, `SELECT COUNT(*) FROM orders`))
		})
	}
}

// The constraints that keep money right are in the schema, whatever code
// writes to it.
func TestSchemaConstraints(t *testing.T) {
	d, err := OpenDB(sqliteDSN(t))
	require.NoError(t, err)
	defer d.Close()
	require.NoError(t, d.Migrate(context.Background()))
	exec := func(q string, args ...any) error { _, err := d.Exec(q, args...); return err }
	require.NoError(t, exec(`INSERT INTO orders (id, description, amount_minor, currency, status, expires_at, created_at, updated_at) VALUES ('o1', 'x', 100, 'USD', 'OPEN', 0, 0, 0)`))
	assert.Error(t, exec(`INSERT INTO orders (id, description, amount_minor, currency, status, expires_at, created_at, updated_at) VALUES ('o2', 'x', 0, 'USD', 'OPEN', 0, 0, 0)`), "zero amount")
	assert.Error(t, exec(`INSERT INTO orders (id, description, amount_minor, currency, status, expires_at, created_at, updated_at) VALUES ('o3', 'x', 100, 'USD', 'SHIPPED', 0, 0, 0)`), "unknown status")
	assert.Error(t, exec(`INSERT INTO payment_attempts (request_id, order_id, method, terminal_type, amount_minor, currency, status, expires_at, next_check_at, created_at, updated_at)
		VALUES ('p1', 'nope', 'ALIPAY_CN', 'WEB', 100, 'USD', 'SENDING', 0, 0, 0, 0)`), "attempt of no order")
	ledger := `INSERT INTO ledger (kind, request_id, order_id, transaction_id, amount_minor, currency, booked_at) VALUES ('PAYMENT', 'p1', 'o1', 't1', 100, 'USD', 0)`
	require.NoError(t, exec(ledger))
	assert.Error(t, exec(ledger), "a payment booked twice")
	require.NoError(t, exec(`INSERT INTO orders (id, description, amount_minor, currency, status, expires_at, created_at, updated_at) VALUES ('o4', 'x', 100, 'USD', 'OPEN', 0, 0, 0)`))
	require.NoError(t, exec(`UPDATE orders SET paid_request_id = 'p1' WHERE id = 'o1'`))
	assert.Error(t, exec(`UPDATE orders SET paid_request_id = 'p1' WHERE id = 'o4'`), "one attempt paying two orders")
}

func TestSplitSQL(t *testing.T) {
	got := splitSQL("-- comment\nCREATE TABLE a (\n  x INT -- inline\n);\n\nCREATE INDEX i ON a (x);\n")
	assert.Equal(t, []string{"CREATE TABLE a (\n  x INT -- inline\n)", "CREATE INDEX i ON a (x)"}, got)
}

func TestOpenDBRefusesMemory(t *testing.T) {
	_, err := OpenDB(":memory:")
	assert.ErrorContains(t, err, "file path")
}
