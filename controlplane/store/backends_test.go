package store_test

import (
	"testing"

	"github.com/cofferhq/coffer/controlplane/store"
	"github.com/cofferhq/coffer/testenv"
)

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

// openPostgres opens a store in a database of the test's own on the
// PostgreSQL test server.
func openPostgres(t *testing.T) *store.Store {
	t.Helper()
	dbURL := testenv.Postgres(t).NewDatabase(t)
	s, err := store.Open(t.Context(), dbURL, "")
	if err != nil {
		t.Fatalf("open postgres store: %v", err)
	}
	t.Cleanup(func() { closeStore(t, s) })
	return s
}

func closeStore(t *testing.T, s *store.Store) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Errorf("close store: %v", err)
	}
}
