package testenv

import (
	"context"
	"database/sql"
	"net/url"
	"sync"
	"testing"
	"time"

	// The pgx driver serves database/sql's "pgx".
	_ "github.com/jackc/pgx/v5/stdlib"
)

// postgresURL names the database scripts/test-env.sh prepares; its role may
// create databases.
var postgresURL = getenv("COFFER_TEST_POSTGRES_URL",
	"postgres://coffer:coffer@127.0.0.1:5432/coffer_test?sslmode=disable")

// adminTimeout bounds each administrative statement.
const adminTimeout = 30 * time.Second

// PostgresEnv is the PostgreSQL test server, reached through an
// administrative connection that lives as long as the test.
type PostgresEnv struct {
	// URL is COFFER_TEST_POSTGRES_URL, or scripts/test-env.sh's database.
	URL   string
	admin *sql.DB
}

// postgresPing is the first test's check that the server answers; the
// others reuse its outcome.
var postgresPing struct {
	once sync.Once
	err  error
}

// Postgres connects to the test server; when it cannot be reached the test
// is skipped, or fails in CI.
func Postgres(t testing.TB) PostgresEnv {
	t.Helper()
	admin, err := sql.Open("pgx", postgresURL)
	if err != nil {
		t.Fatalf("open postgres admin connection: %v", err)
	}
	t.Cleanup(func() { _ = admin.Close() })

	postgresPing.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		postgresPing.err = admin.PingContext(ctx)
	})
	Require(t, "PostgreSQL (COFFER_TEST_POSTGRES_URL)", postgresPing.err)
	return PostgresEnv{URL: postgresURL, admin: admin}
}

// NewDatabase creates a database of the test's own, dropped when the test
// ends, and returns its URL.
func (e PostgresEnv) NewDatabase(t testing.TB) string {
	t.Helper()
	u, err := url.Parse(e.URL)
	if err != nil {
		t.Fatalf("parse COFFER_TEST_POSTGRES_URL: %v", err)
	}
	name := "coffer_test_" + randomHex(8)

	ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
	defer cancel()
	if _, err := e.admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() { e.dropDatabase(t, name) })

	u.Path = "/" + name
	return u.String()
}

// dropDatabase removes a test database. An autovacuum worker that happens to
// be in it makes DROP … WITH (FORCE) fail for a role that is not superuser,
// so the drop is retried; a database left behind is logged, not a failure of
// the test that used it.
func (e PostgresEnv) dropDatabase(t testing.TB, name string) {
	var err error
	for attempt := range 5 {
		if attempt > 0 {
			time.Sleep(time.Duration(attempt) * 200 * time.Millisecond)
		}
		ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
		_, err = e.admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		cancel()
		if err == nil {
			return
		}
	}
	t.Logf("test database %s left behind: %v", name, err)
}
