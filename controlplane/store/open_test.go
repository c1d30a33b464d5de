package store_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cofferhq/coffer/controlplane/store"
)

func TestOpenRejectsUnknownURL(t *testing.T) {
	for _, u := range []string{"mysql://root:secret@db/coffer", "sqlite:///tmp/x.db", "nonsense"} {
		s, err := store.Open(t.Context(), u, t.TempDir())
		if err == nil {
			_ = s.Close()
			t.Errorf("Open(%q): got no error, want one", u)
		}
	}
}

func TestOpenSQLiteNeedsDataDir(t *testing.T) {
	if _, err := store.Open(t.Context(), "", ""); err == nil {
		t.Error("Open without url or data dir: got no error, want one")
	}
}

func TestOpenSQLiteKeepsData(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	s, err := store.Open(t.Context(), "", dir)
	mustNot(t, "Open", err)
	_, err = s.CreateProject(t.Context(), "web")
	mustNot(t, "CreateProject", err)
	mustNot(t, "Ping", s.Ping(t.Context()))
	mustNot(t, "Close", s.Close())

	info, err := os.Stat(filepath.Join(dir, store.SQLiteFile))
	mustNot(t, "stat database file", err)
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("database file mode: got %o, want 600", mode)
	}

	// Opening again runs the migration on an existing schema.
	s, err = store.Open(t.Context(), "", dir)
	mustNot(t, "Open again", err)
	defer closeStore(t, s)
	_, err = s.GetProject(t.Context(), "web")
	mustNot(t, "GetProject after reopen", err)
}

func TestPing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		mustNot(t, "Ping", s.Ping(t.Context()))
	})
}
