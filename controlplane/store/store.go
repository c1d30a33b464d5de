// Package store keeps the control plane's metadata: projects, hosts, their
// containers and the tokens that let agents and API clients in. It wraps the
// ent client and translates database errors into its own sentinels.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/cofferhq/coffer/ent"
)

// Store is the metadata store. It is safe for concurrent use.
type Store struct {
	client *ent.Client
	db     *sql.DB
}

// Close releases the database connections.
func (s *Store) Close() error {
	if err := s.client.Close(); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	return nil
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// Client exposes the ent client for features the store does not wrap yet.
// Errors from it are ent's own and are not translated.
func (s *Store) Client() *ent.Client {
	return s.client
}

// inTx runs fn in one transaction, committing when fn succeeds and rolling
// back when it fails or panics.
func (s *Store) inTx(ctx context.Context, fn func(tx *ent.Tx) error) (err error) {
	tx, err := s.client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}

	defer func() {
		if v := recover(); v != nil {
			_ = tx.Rollback()
			panic(v)
		}
	}()

	if err := fn(tx); err != nil {
		if rerr := tx.Rollback(); rerr != nil {
			return errors.Join(err, fmt.Errorf("roll back transaction: %w", rerr))
		}
		return err
	}

	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit transaction: %w", classify(err))
	}
	return nil
}

// dbTime normalises a time to what both databases store: UTC with
// microsecond precision. What a caller is handed back then equals what a
// later read returns.
func dbTime(t time.Time) time.Time {
	return t.UTC().Truncate(time.Microsecond)
}
