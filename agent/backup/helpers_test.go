package backup_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/cofferhq/coffer/agent/backup"
	"github.com/cofferhq/coffer/agent/journal"
	"github.com/cofferhq/coffer/agent/runtime"
	"github.com/cofferhq/coffer/agent/transfer"
	"github.com/cofferhq/coffer/protocol"
)

// fastRetry keeps failing storage tests short.
var fastRetry = transfer.RetryPolicy{Attempts: 2, MinDelay: 10 * time.Millisecond}

// testServer is a Server with its own journal.
type testServer struct {
	*backup.Server
	journal *journal.Journal
}

// newServer makes a server for tests; each option changes its
// configuration first.
func newServer(t *testing.T, rt runtime.Config, options ...func(*backup.Config)) *testServer {
	t.Helper()
	j, err := journal.Open(filepath.Join(t.TempDir(), "journal"))
	if err != nil {
		t.Fatalf("open journal: %v", err)
	}
	cfg := backup.Config{
		Runtime:     rt,
		Journal:     j,
		Logger:      zerolog.New(zerolog.NewTestWriter(t)),
		StopTimeout: 5 * time.Second,
		Retry:       fastRetry,
		SpoolDir:    t.TempDir(),
	}
	for _, o := range options {
		o(&cfg)
	}
	srv, err := backup.New(cfg)
	if err != nil {
		t.Fatalf("new server: %v", err)
	}
	return &testServer{Server: srv, journal: j}
}

// expectJournalEmpty checks that no container is left recorded.
func (s *testServer) expectJournalEmpty(t *testing.T) {
	t.Helper()
	records, err := s.journal.List()
	if err != nil || len(records) != 0 {
		t.Errorf("journal holds %+v (%v), want nothing", records, err)
	}
}

// localSink returns a sink that writes key under a new directory.
func localSink(t *testing.T, key string) *protocol.LocalObject {
	t.Helper()
	return &protocol.LocalObject{Target: protocol.LocalTarget{Dir: t.TempDir()}, Key: key}
}

// storedFile returns the path of a local object.
func storedFile(o *protocol.LocalObject) string {
	return filepath.Join(o.Target.Dir, filepath.FromSlash(o.Key))
}

// backupLocal backs src up into a local object with no container.
func backupLocal(t *testing.T, srv *testServer, src string) (*protocol.LocalObject,
	protocol.BackupItemResult) {
	t.Helper()
	obj := localSink(t, "p/b/vol.tar.zst")
	it := startItem(t, srv.BackupItem, protocol.OpBackupItem, protocol.BackupItemRequest{
		JobID: "job-1", ItemID: "item-1", Attempt: 1,
		Source:      protocol.Source{Kind: protocol.KindPath, Path: src},
		Consistency: protocol.ConsistencyNone,
		Sink:        protocol.Sink{Local: obj},
	})
	return obj, decodeResult[protocol.BackupItemResult](t, it.result())
}

// restoreLocal restores a local object into target in path mode.
func restoreLocal(t *testing.T, srv *testServer, obj *protocol.LocalObject,
	res protocol.BackupItemResult, target string) protocol.Message {
	t.Helper()
	it := startItem(t, srv.RestoreItem, protocol.OpRestoreItem, protocol.RestoreItemRequest{
		JobID: "job-2", ItemID: "item-1", Mode: protocol.RestorePath, Target: target,
		Local: obj, SHA256: res.SHA256, Size: res.Size,
	})
	return it.result()
}

func fileSize(t *testing.T, p string) int64 {
	t.Helper()
	info, err := os.Stat(p)
	if err != nil {
		t.Fatalf("stat %s: %v", p, err)
	}
	return info.Size()
}
