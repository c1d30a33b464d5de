package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver

	"github.com/cofferhq/coffer/ent"
)

// SQLiteFile is the name of the embedded database inside the data directory.
const SQLiteFile = "coffer.db"

// sqliteParams configure every SQLite connection. Foreign keys are off by
// default in SQLite and ent refuses to migrate without them; WAL lets reads
// run beside a writer; immediate transactions take the write lock at BEGIN,
// so a transaction that reads before it writes waits for its turn instead of
// failing with SQLITE_BUSY; times are written in a format SQLite can compare.
const sqliteParams = "_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)" +
	"&_pragma=journal_mode(WAL)&_txlock=immediate&_time_format=sqlite"

// Open connects to the database and brings its schema up to date. An empty
// databaseURL selects SQLite in dataDir; a postgres:// or postgresql:// URL
// selects PostgreSQL.
func Open(ctx context.Context, databaseURL, dataDir string) (*Store, error) {
	db, dialectName, err := openDB(databaseURL, dataDir)
	if err != nil {
		return nil, err
	}

	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("connect to %s database: %w", dialectName, err)
	}

	client := ent.NewClient(ent.Driver(entsql.OpenDB(dialectName, db)))
	if err := migrate(ctx, client); err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("migrate %s database: %w", dialectName, err)
	}

	return &Store{client: client, db: db}, nil
}

// migrateMu serialises migrations within the process: ent's migration
// rewrites the generated package-level table descriptions as it runs, so two
// stores opened at once would race on them.
var migrateMu sync.Mutex

func migrate(ctx context.Context, client *ent.Client) error {
	migrateMu.Lock()
	defer migrateMu.Unlock()
	return client.Schema.Create(ctx)
}

func openDB(databaseURL, dataDir string) (*sql.DB, string, error) {
	if databaseURL == "" {
		db, err := openSQLite(dataDir)
		return db, dialect.SQLite, err
	}

	scheme, _, _ := strings.Cut(databaseURL, "://")
	switch strings.ToLower(scheme) {
	case "postgres", "postgresql":
		db, err := sql.Open("pgx", databaseURL)
		if err != nil {
			return nil, "", fmt.Errorf("open postgres database: %w", err)
		}
		return db, dialect.Postgres, nil
	default:
		// The URL itself is left out of the message: it may hold a password.
		return nil, "", fmt.Errorf("open database: unsupported url scheme %q: "+
			"want postgres:// or postgresql://, or no url for SQLite", scheme)
	}
}

func openSQLite(dataDir string) (*sql.DB, error) {
	if dataDir == "" {
		return nil, errors.New("open sqlite database: no data directory given")
	}
	path := filepath.Join(dataDir, SQLiteFile)
	// The driver splits its parameters off at the first question mark.
	if strings.Contains(path, "?") {
		return nil, fmt.Errorf("open sqlite database %s: path contains '?'", path)
	}

	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	if err := createPrivate(path); err != nil {
		return nil, err
	}

	db, err := sql.Open("sqlite", path+"?"+sqliteParams)
	if err != nil {
		return nil, fmt.Errorf("open sqlite database %s: %w", path, err)
	}
	return db, nil
}

// createPrivate creates the database file readable by its owner only, since
// it holds token hashes; SQLite gives its -wal and -shm files the same mode.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("create sqlite database %s: %w", path, err)
	}
	return f.Close()
}
