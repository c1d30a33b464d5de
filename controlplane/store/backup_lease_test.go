package store_test

import (
	"testing"
	"time"

	"github.com/cofferhq/coffer/controlplane/store"
	"github.com/cofferhq/coffer/ent/backup"
	"github.com/cofferhq/coffer/ent/backupitem"
)

func TestBackupLifecycle(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		b := createBackup(t, s)
		start, lease := epoch.Add(time.Second), epoch.Add(time.Minute)

		mustNot(t, "MarkBackupRunning", s.MarkBackupRunning(t.Context(), b.ID, lease, start))
		// A second mark, as after a retry, keeps the first start.
		mustNot(t, "MarkBackupRunning again",
			s.MarkBackupRunning(t.Context(), b.ID, lease, start.Add(time.Hour)))
		later := lease.Add(time.Minute)
		mustNot(t, "ExtendBackupLease", s.ExtendBackupLease(t.Context(), b.ID, later))

		got, err := s.GetBackup(t.Context(), b.ID)
		mustNot(t, "GetBackup", err)
		if got.Status != backup.StatusRUNNING || got.StartedAt == nil ||
			!got.StartedAt.Equal(start) || got.LeaseUntil == nil || !got.LeaseUntil.Equal(later) {
			t.Fatalf("running backup: got %s started %v lease %v, want RUNNING %v %v",
				got.Status, got.StartedAt, got.LeaseUntil, start, later)
		}

		end := epoch.Add(time.Hour)
		err = s.FinishBackup(t.Context(), b.ID, store.StatusCompleted, 4096, "",
			"backups/web/b/manifest.json", end)
		mustNot(t, "FinishBackup", err)

		got, err = s.GetBackup(t.Context(), b.ID)
		mustNot(t, "GetBackup", err)
		if got.Status != backup.StatusCOMPLETED || got.Size != 4096 || got.LeaseUntil != nil ||
			got.S3Key != "backups/web/b/manifest.json" || !got.CompletedAt.Equal(end) {
			t.Errorf("finished backup: got %s size %d lease %v key %q completed %v",
				got.Status, got.Size, got.LeaseUntil, got.S3Key, got.CompletedAt)
		}
	})
}

func TestBackupLifecycleRefusals(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		b := createBackup(t, s)

		err := s.ExtendBackupLease(t.Context(), b.ID, epoch)
		wantErr(t, "extend a pending backup", err, store.ErrConflict)
		err = s.FinishBackup(t.Context(), b.ID, store.StatusRunning, 0, "", "", epoch)
		wantErr(t, "finish as RUNNING", err, store.ErrInvalid)

		mustNot(t, "FinishBackup",
			s.FinishBackup(t.Context(), b.ID, store.StatusFailed, 0, "agent gone", "", epoch))
		err = s.FinishBackup(t.Context(), b.ID, store.StatusCompleted, 0, "", "", epoch)
		wantErr(t, "finish twice", err, store.ErrConflict)
		err = s.MarkBackupRunning(t.Context(), b.ID, epoch, epoch)
		wantErr(t, "run a finished backup", err, store.ErrConflict)
		err = s.ExtendBackupLease(t.Context(), b.ID, epoch)
		wantErr(t, "extend a finished backup", err, store.ErrConflict)

		err = s.MarkBackupRunning(t.Context(), "nope", epoch, epoch)
		wantErr(t, "run unknown", err, store.ErrNotFound)
		err = s.ExtendBackupLease(t.Context(), "nope", epoch)
		wantErr(t, "extend unknown", err, store.ErrNotFound)
		err = s.FinishBackup(t.Context(), "nope", store.StatusFailed, 0, "", "", epoch)
		wantErr(t, "finish unknown", err, store.ErrNotFound)
	})
}

func TestExpiredRunningBackups(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		p := createProject(t, s, "web")
		tg := createTarget(t, s, "main")
		create := func() string {
			b, err := s.CreateBackup(t.Context(), p.ID, tg.ID, "", "", twoItems("h"), epoch)
			mustNot(t, "CreateBackup", err)
			return b.ID
		}
		expired, live, pending, done := create(), create(), create(), create()
		now := epoch.Add(10 * time.Minute)

		mustNot(t, "run expired",
			s.MarkBackupRunning(t.Context(), expired, now.Add(-time.Second), epoch))
		mustNot(t, "run live", s.MarkBackupRunning(t.Context(), live, now.Add(time.Second), epoch))
		mustNot(t, "finish done",
			s.FinishBackup(t.Context(), done, store.StatusFailed, 0, "", "", epoch))

		got, err := s.ExpiredRunningBackups(t.Context(), now)
		mustNot(t, "ExpiredRunningBackups", err)
		ids := map[string]bool{}
		for _, b := range got {
			ids[b.ID] = true
			if len(b.Edges.Items) != 2 {
				t.Errorf("items of expired backup %s: got %d, want 2", b.ID, len(b.Edges.Items))
			}
		}
		if len(got) != 2 || !ids[expired] || !ids[pending] {
			t.Errorf("expired backups: got %v, want %s and %s", ids, expired, pending)
		}

		// A pending backup younger than a minute is still being started.
		got, err = s.ExpiredRunningBackups(t.Context(), epoch.Add(30*time.Second))
		mustNot(t, "ExpiredRunningBackups early", err)
		if len(got) != 0 {
			t.Errorf("expired backups 30s after creation: got %d, want 0", len(got))
		}
	})
}

func TestUpdateBackupItem(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		b := createBackup(t, s)
		item := b.Edges.Items[0]
		start := epoch.Add(time.Second)

		err := s.UpdateBackupItem(t.Context(), item.ID, store.ItemUpdate{
			Status: ptr(store.StatusRunning), UploadID: ptr("up-1"), StartedAt: &start,
		})
		mustNot(t, "UpdateBackupItem running", err)
		end := start.Add(time.Minute)
		err = s.UpdateBackupItem(t.Context(), item.ID, store.ItemUpdate{
			Status: ptr(store.StatusCompleted), SHA256: ptr("abc"), Size: ptr(int64(10)),
			SourceBytes: ptr(int64(100)), Files: ptr(int64(3)), DurationMs: ptr(int64(60000)),
			CompletedAt: &end,
		})
		mustNot(t, "UpdateBackupItem completed", err)

		got, err := s.GetBackup(t.Context(), b.ID)
		mustNot(t, "GetBackup", err)
		it := got.Edges.Items[0]
		if it.Status != backupitem.StatusCOMPLETED || it.UploadID != "up-1" ||
			it.Sha256 != "abc" || it.Size != 10 || it.SourceBytes != 100 || it.Files != 3 ||
			it.DurationMs != 60000 || !it.StartedAt.Equal(start) || !it.CompletedAt.Equal(end) {
			t.Errorf("item: got %+v", it)
		}
		if other := got.Edges.Items[1]; other.Status != backupitem.StatusPENDING {
			t.Errorf("other item: got %s, want PENDING", other.Status)
		}

		err = s.UpdateBackupItem(t.Context(), item.ID, store.ItemUpdate{Status: ptr("DONE")})
		wantErr(t, "unknown status", err, store.ErrInvalid)
		err = s.UpdateBackupItem(t.Context(), "nope", store.ItemUpdate{Error: ptr("x")})
		wantErr(t, "unknown item", err, store.ErrNotFound)
		err = s.UpdateBackupItem(t.Context(), "nope", store.ItemUpdate{})
		wantErr(t, "unknown item, no change", err, store.ErrNotFound)
	})
}
