package main

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite", pure Go
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is the shop's database: SQLite by default, PostgreSQL when the DSN is a
// postgres:// URL. Queries are written once, with $1-style placeholders,
// which both drivers accept.
type DB struct {
	*sql.DB
	Postgres bool
}

// OpenDB opens dsn: "postgres://..." or "postgresql://..." through pgx,
// anything else as an SQLite file path (":memory:" is refused: each pooled
// connection would get its own empty database).
func OpenDB(dsn string) (*DB, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(10)
		return &DB{DB: db, Postgres: true}, nil
	}
	if dsn == "" || strings.Contains(dsn, ":memory:") {
		return nil, errors.New("shop: give SQLite a file path (an in-memory database is one per connection)")
	}
	// WAL lets readers run beside the one writer; busy_timeout makes a
	// writer wait for another (even in another process) instead of failing;
	// _txlock=immediate takes the write lock at BEGIN, so two transactions
	// never both read and then deadlock upgrading to write.
	db, err := sql.Open("sqlite", "file:"+dsn+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(4)
	return &DB{DB: db}, nil
}

// Migrate applies the embedded migrations not yet applied, each in its own
// transaction together with its row in schema_migrations. Instances
// starting at once are serialised by an advisory lock on PostgreSQL and by
// the write lock on SQLite.
func (db *DB) Migrate(ctx context.Context) error {
	// CREATE TABLE IF NOT EXISTS is not safe against itself on PostgreSQL
	// (two sessions can both find the table missing): under the lock too.
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.lockMigrations(ctx, tx); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`)
		return err
	})
	if err != nil {
		return fmt.Errorf("shop: create schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := db.migrateOne(ctx, name); err != nil {
			return fmt.Errorf("shop: migration %s: %w", name, err)
		}
	}
	return nil
}

func (db *DB) migrateOne(ctx context.Context, name string) error {
	body, err := migrations.ReadFile(name)
	if err != nil {
		return err
	}
	version := strings.TrimSuffix(strings.TrimPrefix(name, "migrations/"), ".sql")
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it does nothing
	if err := db.lockMigrations(ctx, tx); err != nil {
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = $1`, version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	for _, stmt := range splitSQL(string(body)) {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%w in %.60q", err, stmt)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`, version, time.Now().UnixMilli()); err != nil {
		return err
	}
	return tx.Commit()
}

// lockMigrations serialises migrating instances on PostgreSQL until tx
// ends; on SQLite the write lock taken at BEGIN does it.
func (db *DB) lockMigrations(ctx context.Context, tx *sql.Tx) error {
	if !db.Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7142001)`)
	return err
}

// splitSQL cuts a migration into statements at semicolons that end a line,
// dropping comment lines. The migrations hold no semicolons inside strings.
func splitSQL(s string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(s, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(t, ";") {
			out = append(out, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	if strings.TrimSpace(cur.String()) != "" {
		out = append(out, cur.String())
	}
	return out
}

// inTx runs f in a transaction and commits it, or rolls back when f fails.
func (db *DB) inTx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}
