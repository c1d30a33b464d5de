package store_test

import (
	"testing"
	"time"

	"github.com/cofferhq/coffer/controlplane/store"
	"github.com/cofferhq/coffer/ent/backup"
)

func importedBackup() store.ImportedBackup {
	done := epoch.Add(time.Hour)
	items := twoItems("h1")
	return store.ImportedBackup{
		ID: "01jbackup00000000000000000", ProjectID: "01jproject0000000000000000",
		TargetID: "01jtarget00000000000000000", Name: "nightly",
		Status: store.StatusCompleted, Size: 300, Path: "backups/web/01jbackup/",
		S3Key: "backups/web/01jbackup/manifest.json", CreatedAt: epoch,
		StartedAt: &epoch, CompletedAt: &done,
		Items: []store.ImportedItem{
			{ID: "01jitem1", NewBackupItem: items[0], SHA256: "aa", Size: 100,
				SourceBytes: 1000, Files: 4, DurationMs: 5, Status: store.StatusCompleted},
			{ID: "01jitem2", NewBackupItem: items[1], SHA256: "bb", Size: 200,
				Status: store.StatusCompleted, CompletedAt: &done},
		},
	}
}

func TestImportBackup(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		in := importedBackup()
		created, err := s.ImportBackup(t.Context(), in)
		mustNot(t, "ImportBackup", err)
		if !created {
			t.Fatal("ImportBackup: got created false, want true")
		}

		got, err := s.GetBackup(t.Context(), in.ID)
		mustNot(t, "GetBackup", err)
		if got.Status != backup.StatusCOMPLETED || got.ProjectID != in.ProjectID ||
			got.S3Key != in.S3Key || !got.CreatedAt.Equal(epoch.Truncate(time.Microsecond)) ||
			!got.CompletedAt.Equal(*in.CompletedAt) {
			t.Errorf("imported backup: got %+v", got)
		}
		if len(got.Edges.Items) != 2 || got.Edges.Items[0].ID != "01jitem1" ||
			got.Edges.Items[0].Sha256 != "aa" || got.Edges.Items[1].Size != 200 {
			t.Fatalf("imported items: got %+v", got.Edges.Items)
		}

		in.Name = "changed"
		created, err = s.ImportBackup(t.Context(), in)
		mustNot(t, "ImportBackup again", err)
		if created {
			t.Error("ImportBackup again: got created true, want false")
		}
		got, err = s.GetBackup(t.Context(), in.ID)
		mustNot(t, "GetBackup", err)
		if got.Name != "nightly" {
			t.Errorf("name after second import: got %q, want nightly", got.Name)
		}
	})
}

func TestImportBackupValidates(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		bad := map[string]func(*store.ImportedBackup){
			"no id":          func(b *store.ImportedBackup) { b.ID = "" },
			"no project":     func(b *store.ImportedBackup) { b.ProjectID = "" },
			"no created":     func(b *store.ImportedBackup) { b.CreatedAt = time.Time{} },
			"bad status":     func(b *store.ImportedBackup) { b.Status = "OK" },
			"item status":    func(b *store.ImportedBackup) { b.Items[0].Status = "" },
			"no item id":     func(b *store.ImportedBackup) { b.Items[0].ID = "" },
			"same item id":   func(b *store.ImportedBackup) { b.Items[1].ID = b.Items[0].ID },
			"relative path":  func(b *store.ImportedBackup) { b.Items[0].SourcePath = "x" },
			"unknown kind":   func(b *store.ImportedBackup) { b.Items[1].Kind = "db" },
			"control in key": func(b *store.ImportedBackup) { b.Items[1].ObjectKey = "a\x00" },
		}
		for name, change := range bad {
			b := importedBackup()
			change(&b)
			_, err := s.ImportBackup(t.Context(), b)
			wantErr(t, name, err, store.ErrInvalid)
		}

		// An item id that another backup holds is a conflict, and the
		// import leaves nothing behind.
		mustNot(t, "first import", ignoreCreated(s.ImportBackup(t.Context(), importedBackup())))
		b := importedBackup()
		b.ID = "01jother000000000000000000"
		_, err := s.ImportBackup(t.Context(), b)
		wantErr(t, "item id of another backup", err, store.ErrConflict)
		_, err = s.GetBackup(t.Context(), b.ID)
		wantErr(t, "GetBackup after failed import", err, store.ErrNotFound)
	})
}

func ignoreCreated(_ bool, err error) error { return err }
