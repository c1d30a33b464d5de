package store_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/cofferhq/coffer/controlplane/store"
)

// defaultPostgresURL is the database that scripts/test-env.sh prepares. Its
// role may create databases; each test runs in a database of its own.
const defaultPostgresURL = "postgres://coffer:coffer@127.0.0.1:5432/coffer_test?sslmode=disable"

// dbTimeout bounds each administrative statement of the test harness.
const dbTimeout = 30 * time.Second

var postgresCheck struct {
	once sync.Once
	err  error
}

// forEachBackend runs fn as two parallel subtests, one against a fresh
// SQLite store and one against a fresh PostgreSQL store.
func forEachBackend(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, openSQLite(t))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, openPostgres(t))
	})
}

func openSQLite(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(t.Context(), "", t.TempDir())
	if err != nil {
		t.Fatalf("open sqlite store: %v", err)
	}
	t.Cleanup(func() { closeStore(t, s) })
	return s
}

func openPostgres(t *testing.T) *store.Store {
	t.Helper()
	admin := postgresAdmin(t)
	dbURL := createDatabase(t, admin)

	s, err := store.Open(t.Context(), dbURL, "")
	if err != nil {
		t.Fatalf("open postgres store: %v", err)
	}
	t.Cleanup(func() { closeStore(t, s) })
	return s
}

func postgresURL() string {
	if u := os.Getenv("COFFER_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return defaultPostgresURL
}

// postgresAdmin connects to the test server, or fails the test in CI and
// skips it elsewhere when the server cannot be reached.
func postgresAdmin(t *testing.T) *sql.DB {
	t.Helper()
	admin, err := sql.Open("pgx", postgresURL())
	if err != nil {
		t.Fatalf("open postgres admin connection: %v", err)
	}
	t.Cleanup(func() { _ = admin.Close() })

	postgresCheck.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		postgresCheck.err = admin.PingContext(ctx)
	})
	if err := postgresCheck.err; err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("postgres unreachable (COFFER_TEST_POSTGRES_URL): %v; "+
				"CI must start it, see scripts/test-env.sh", err)
		}
		t.Skipf("postgres unreachable, skipping (set COFFER_TEST_POSTGRES_URL "+
			"or run scripts/test-env.sh): %v", err)
	}
	return admin
}

// createDatabase creates a uniquely named database, registers its removal
// and returns its URL.
func createDatabase(t *testing.T, admin *sql.DB) string {
	t.Helper()
	name := "coffer_test_" + randomHex(t, 8)

	ctx, cancel := context.WithTimeout(context.Background(), dbTimeout)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), dbTimeout)
		defer cancel()
		_, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		if err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})

	u, err := url.Parse(postgresURL())
	if err != nil {
		t.Fatalf("parse COFFER_TEST_POSTGRES_URL: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

func closeStore(t *testing.T, s *store.Store) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Errorf("close store: %v", err)
	}
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("read random bytes: %v", err)
	}
	return hex.EncodeToString(b)
}
