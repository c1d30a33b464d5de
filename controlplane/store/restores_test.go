package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/cofferhq/coffer/controlplane/store"
	"github.com/cofferhq/coffer/ent/restore"
)

func TestCreateRestore(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		b := createBackup(t, s)
		one := []string{b.Edges.Items[1].ID}

		r, err := s.CreateRestore(t.Context(), b.ID, store.RestorePath, "/restore", one, epoch)
		mustNot(t, "CreateRestore", err)
		got, err := s.GetRestore(t.Context(), r.ID)
		mustNot(t, "GetRestore", err)
		if got.BackupID != b.ID || got.Mode != restore.ModePath || got.TargetPath != "/restore" ||
			got.Status != restore.StatusPENDING || !slices.Equal(got.ItemIds, one) ||
			len(got.Results) != 0 {
			t.Errorf("restore: got %+v", got)
		}

		all, err := s.CreateRestore(t.Context(), b.ID, store.RestoreReplace, "", nil, epoch)
		mustNot(t, "CreateRestore of all items", err)
		if all.ItemIds == nil || len(all.ItemIds) != 0 {
			t.Errorf("item ids of a restore of all: got %#v, want empty", all.ItemIds)
		}

		rs, err := s.ListRestores(t.Context(), b.ID)
		mustNot(t, "ListRestores", err)
		if len(rs) != 2 || rs[0].ID != r.ID || rs[1].ID != all.ID {
			t.Errorf("ListRestores: got %d, want both in order", len(rs))
		}
		_, err = s.GetRestore(t.Context(), "nope")
		wantErr(t, "GetRestore(nope)", err, store.ErrNotFound)
	})
}

func TestCreateRestoreValidates(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		b := createBackup(t, s)
		item := b.Edges.Items[0].ID
		cases := []struct {
			name, mode, target string
			items              []string
		}{
			{"unknown mode", "copy", "", nil},
			{"replace with target", store.RestoreReplace, "/x", nil},
			{"path without target", store.RestorePath, "", nil},
			{"relative target", store.RestorePath, "x", nil},
			{"unclean target", store.RestorePath, "/x/../y", nil},
			{"duplicate items", store.RestoreReplace, "", []string{item, item}},
			{"empty item id", store.RestoreReplace, "", []string{""}},
			{"foreign item", store.RestoreReplace, "", []string{item, "nope"}},
		}
		for _, c := range cases {
			_, err := s.CreateRestore(t.Context(), b.ID, c.mode, c.target, c.items, epoch)
			wantErr(t, c.name, err, store.ErrInvalid)
		}

		_, err := s.CreateRestore(t.Context(), "nope", store.RestoreReplace, "", nil, epoch)
		wantErr(t, "unknown backup", err, store.ErrNotFound)
	})
}

func TestUpdateRestore(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		b := createBackup(t, s)
		r, err := s.CreateRestore(t.Context(), b.ID, store.RestoreReplace, "", nil, epoch)
		mustNot(t, "CreateRestore", err)
		start, end := epoch.Add(time.Second), epoch.Add(time.Minute)

		mustNot(t, "UpdateRestore running",
			s.UpdateRestore(t.Context(), r.ID, store.StatusRunning, "", nil, start))
		results := []store.RestoreResult{
			{ItemID: b.Edges.Items[0].ID, Status: store.StatusCompleted, Bytes: 10, Files: 2,
				DurationMs: 30},
			{ItemID: b.Edges.Items[1].ID, Status: store.StatusFailed, Error: "disk full"},
		}
		mustNot(t, "UpdateRestore failed", s.UpdateRestore(t.Context(), r.ID,
			store.StatusFailed, "1 of 2 items failed", results, end))
		// nil results keep what is stored.
		mustNot(t, "UpdateRestore without results", s.UpdateRestore(t.Context(), r.ID,
			store.StatusFailed, "1 of 2 items failed", nil, end))

		got, err := s.GetRestore(t.Context(), r.ID)
		mustNot(t, "GetRestore", err)
		if got.Status != restore.StatusFAILED || got.Error != "1 of 2 items failed" ||
			!got.StartedAt.Equal(start) || !got.CompletedAt.Equal(end) ||
			!slices.Equal(got.Results, results) {
			t.Errorf("restore: got %+v", got)
		}

		err = s.UpdateRestore(t.Context(), r.ID, "DONE", "", nil, end)
		wantErr(t, "unknown status", err, store.ErrInvalid)
		err = s.UpdateRestore(t.Context(), "nope", store.StatusRunning, "", nil, end)
		wantErr(t, "unknown restore", err, store.ErrNotFound)
	})
}

func TestFailUnfinishedRestores(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		b := createBackup(t, s)
		running, err := s.CreateRestore(ctx, b.ID, store.RestorePath, "/srv/a", nil, epoch)
		mustNot(t, "CreateRestore", err)
		mustNot(t, "UpdateRestore",
			s.UpdateRestore(ctx, running.ID, store.StatusRunning, "", nil, epoch))
		done, err := s.CreateRestore(ctx, b.ID, store.RestorePath, "/srv/b", nil, epoch)
		mustNot(t, "CreateRestore", err)
		mustNot(t, "UpdateRestore",
			s.UpdateRestore(ctx, done.ID, store.StatusCompleted, "", nil, epoch))

		n, err := s.FailUnfinishedRestores(ctx, "stopped", epoch)
		if err != nil || n != 1 {
			t.Fatalf("FailUnfinishedRestores: got %d, %v; want 1, nil", n, err)
		}
		got, err := s.GetRestore(ctx, running.ID)
		mustNot(t, "GetRestore", err)
		if got.Status != restore.StatusFAILED || got.Error != "stopped" {
			t.Errorf("running restore: got %s %q, want FAILED \"stopped\"", got.Status, got.Error)
		}
		got, err = s.GetRestore(ctx, done.ID)
		mustNot(t, "GetRestore", err)
		if got.Status != restore.StatusCOMPLETED {
			t.Errorf("completed restore: got %s, want it left COMPLETED", got.Status)
		}
	})
}
