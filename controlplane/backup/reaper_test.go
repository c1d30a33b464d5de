package backup_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/cofferhq/coffer/controlplane/backup"
	"github.com/cofferhq/coffer/controlplane/storage"
	"github.com/cofferhq/coffer/controlplane/store"
	"github.com/cofferhq/coffer/controlplane/targets"
	"github.com/cofferhq/coffer/ent"
	"github.com/cofferhq/coffer/protocol"
)

// clock is a fake clock the test moves by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// abortTarget records aborted uploads; any other use fails loudly.
type abortTarget struct {
	storage.Target // nil: calling anything not overridden panics

	mu      sync.Mutex
	aborted []string
}

func (a *abortTarget) AbortUpload(_ context.Context, key, uploadID string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.aborted = append(a.aborted, key+"#"+uploadID)
	return nil
}

// noAgents is a hub with no agent connected; the reaper never calls one.
type noAgents struct{}

func (noAgents) Online(string) bool { return false }

func (noAgents) Call(context.Context, string, protocol.Op, any, any,
	func(protocol.Message)) error {
	return errors.New("no agent in this test")
}

func (noAgents) Open(context.Context, string, protocol.Header) (*protocol.Stream, error) {
	return nil, errors.New("no agent in this test")
}

type reaperFixture struct {
	reg    *prometheus.Registry
	st     *store.Store
	clock  *clock
	target *abortTarget
	runner *backup.Runner
	backup *ent.Backup
}

func newReaperFixture(t *testing.T) *reaperFixture {
	t.Helper()
	ctx := t.Context()
	st, err := store.Open(ctx, "", t.TempDir())
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })

	f := &reaperFixture{
		reg:    prometheus.NewRegistry(),
		st:     st,
		clock:  &clock{now: time.Date(2031, 3, 14, 15, 9, 26, 0, time.UTC)},
		target: &abortTarget{},
	}
	f.runner = backup.New(backup.Config{
		Store: st, Agents: noAgents{}, Logger: zerolog.Nop(), Now: f.clock.Now, Registry: f.reg,
		OpenTarget: func(*ent.StorageTarget) (targets.Resolved, error) {
			return targets.Resolved{Type: store.TargetS3, S3: f.target, MaxParts: 1000}, nil
		},
	})
	t.Cleanup(func() { _ = f.runner.Close(context.Background()) })
	f.backup = f.createBackup(t)
	return f
}

func (f *reaperFixture) createBackup(t *testing.T) *ent.Backup {
	t.Helper()
	ctx := t.Context()
	p, err := f.st.CreateProject(ctx, "shop")
	if err != nil {
		t.Fatalf("create project: %v", err)
	}
	tg, err := f.st.CreateTarget(ctx, store.NewTarget{Name: "disk", Type: store.TargetLocal,
		LocalDir: "/srv/backups"})
	if err != nil {
		t.Fatalf("create target: %v", err)
	}
	items := []store.NewBackupItem{
		{Kind: store.KindPath, HostID: "h1", SourcePath: "/etc", ObjectKey: "shop/b/etc.tar.zst"},
		{Kind: store.KindPath, HostID: "h1", SourcePath: "/srv", ObjectKey: "shop/b/srv.tar.zst"},
	}
	b, err := f.st.CreateBackup(ctx, p.ID, tg.ID, "shop-1", "shop/b/", items, f.clock.Now())
	if err != nil {
		t.Fatalf("create backup: %v", err)
	}
	return b
}

func TestReapFailsBackupWhoseLeaseExpired(t *testing.T) {
	f := newReaperFixture(t)
	ctx := t.Context()
	now := f.clock.Now()
	if err := f.st.MarkBackupRunning(ctx, f.backup.ID, now.Add(2*time.Minute), now); err != nil {
		t.Fatalf("MarkBackupRunning: %v", err)
	}
	first, second := f.backup.Edges.Items[0], f.backup.Edges.Items[1]
	completed, upload, sum, size := "COMPLETED", "upload-1", "sha", int64(42)
	mustUpdate(t, f.st, first.ID, store.ItemUpdate{Status: &completed, SHA256: &sum, Size: &size})
	running := "RUNNING"
	mustUpdate(t, f.st, second.ID, store.ItemUpdate{Status: &running, UploadID: &upload})

	f.clock.Add(time.Minute)
	if n, err := f.runner.Reap(ctx); err != nil || n != 0 {
		t.Fatalf("Reap within the lease = %d, %v; want 0, nil", n, err)
	}

	f.clock.Add(2 * time.Minute)
	if n, err := f.runner.Reap(ctx); err != nil || n != 1 {
		t.Fatalf("Reap after the lease = %d, %v; want 1, nil", n, err)
	}

	b, err := f.st.GetBackup(ctx, f.backup.ID)
	if err != nil {
		t.Fatalf("GetBackup: %v", err)
	}
	if b.Status != "FAILED" || b.Error == "" || b.Size != 42 || b.LeaseUntil != nil {
		t.Fatalf("reaped backup: status %s, error %q, size %d, lease %v; "+
			"want FAILED with an error, size 42 and no lease", b.Status, b.Error, b.Size,
			b.LeaseUntil)
	}
	if it := b.Edges.Items[0]; it.Status != "COMPLETED" {
		t.Errorf("completed item became %s, want COMPLETED", it.Status)
	}
	if it := b.Edges.Items[1]; it.Status != "FAILED" || it.Error != b.Error || it.UploadID != "" {
		t.Errorf("running item: status %s, error %q, upload %q; want FAILED, %q, none",
			it.Status, it.Error, it.UploadID, b.Error)
	}
	if want := second.ObjectKey + "#upload-1"; len(f.target.aborted) != 1 ||
		f.target.aborted[0] != want {
		t.Errorf("aborted uploads %q, want [%q]", f.target.aborted, want)
	}

	if n, err := f.runner.Reap(ctx); err != nil || n != 0 {
		t.Fatalf("second Reap = %d, %v; want 0, nil", n, err)
	}
	if got := counter(t, f.reg, "coffer_backups_total", "FAILED"); got != 1 {
		t.Errorf("coffer_backups_total{status=FAILED} = %v, want 1", got)
	}
}

// counter reads one labelled counter back from the registry.
func counter(t *testing.T, reg *prometheus.Registry, name, status string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather metrics: %v", err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "status" && l.GetValue() == status {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

// TestReapFailsBackupLeftPending covers a control plane that crashed
// between creating a backup and marking it running.
func TestReapFailsBackupLeftPending(t *testing.T) {
	f := newReaperFixture(t)
	ctx := t.Context()

	f.clock.Add(2 * time.Minute)
	if n, err := f.runner.Reap(ctx); err != nil || n != 1 {
		t.Fatalf("Reap = %d, %v; want 1, nil", n, err)
	}
	b, err := f.st.GetBackup(ctx, f.backup.ID)
	if err != nil || b.Status != "FAILED" {
		t.Fatalf("GetBackup = %v, %v; want status FAILED", b, err)
	}
	if len(f.target.aborted) != 0 {
		t.Errorf("aborted %q, want nothing: no upload was open", f.target.aborted)
	}
}

func mustUpdate(t *testing.T, st *store.Store, id string, u store.ItemUpdate) {
	t.Helper()
	if err := st.UpdateBackupItem(t.Context(), id, u); err != nil {
		t.Fatalf("UpdateBackupItem: %v", err)
	}
}
