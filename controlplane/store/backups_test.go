package store_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/cofferhq/coffer/controlplane/store"
	"github.com/cofferhq/coffer/ent/backup"
	"github.com/cofferhq/coffer/ent/backupitem"
)

func TestCreateBackup(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		b := createBackup(t, s)
		created := epoch.Truncate(time.Microsecond)
		if b.Status != backup.StatusPENDING || !b.CreatedAt.Equal(created) {
			t.Errorf("backup: got %s created %v, want PENDING created %v",
				b.Status, b.CreatedAt, epoch)
		}
		if len(b.Edges.Items) != 2 {
			t.Fatalf("items: got %d, want 2", len(b.Edges.Items))
		}

		got, err := s.GetBackup(t.Context(), b.ID)
		mustNot(t, "GetBackup", err)
		if got.Name != "nightly" || got.Path != "backups/web/b/" || got.LeaseUntil != nil {
			t.Errorf("read back: got name %q path %q lease %v, want nightly, "+
				"backups/web/b/, nil", got.Name, got.Path, got.LeaseUntil)
		}
		vol, path := got.Edges.Items[0], got.Edges.Items[1]
		if vol.Kind != backupitem.KindVolume || vol.ContainerName != "db" ||
			vol.Status != backupitem.StatusPENDING || vol.ID != b.Edges.Items[0].ID {
			t.Errorf("first item: got %s %q %s, want the volume item, PENDING",
				vol.Kind, vol.ContainerName, vol.Status)
		}
		if path.Kind != backupitem.KindPath || path.SourcePath != "/etc/nginx" {
			t.Errorf("second item: got %s %q, want path /etc/nginx", path.Kind, path.SourcePath)
		}

		_, err = s.GetBackup(t.Context(), "nope")
		wantErr(t, "GetBackup(nope)", err, store.ErrNotFound)
	})
}

func TestCreateBackupKeepsItemOrder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		p := createProject(t, s, "web")
		tg := createTarget(t, s, "main")
		var items []store.NewBackupItem
		for i := range 450 {
			items = append(items, store.NewBackupItem{
				Kind: store.KindPath, HostID: "h", SourcePath: fmt.Sprintf("/p/%03d", i),
				ObjectKey: fmt.Sprintf("k/%03d", i),
			})
		}

		b, err := s.CreateBackup(t.Context(), p.ID, tg.ID, "", "k/", items, epoch)
		mustNot(t, "CreateBackup", err)
		got, err := s.GetBackup(t.Context(), b.ID)
		mustNot(t, "GetBackup", err)
		if len(got.Edges.Items) != len(items) {
			t.Fatalf("items: got %d, want %d", len(got.Edges.Items), len(items))
		}
		for i, it := range got.Edges.Items {
			if it.SourcePath != items[i].SourcePath {
				t.Fatalf("item %d: got %s, want %s", i, it.SourcePath, items[i].SourcePath)
			}
		}
	})
}

func TestCreateBackupValidates(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		p := createProject(t, s, "web")
		tg := createTarget(t, s, "main")

		_, err := s.CreateBackup(t.Context(), "nope", tg.ID, "", "", nil, epoch)
		wantErr(t, "unknown project", err, store.ErrNotFound)
		_, err = s.CreateBackup(t.Context(), p.ID, "nope", "", "", nil, epoch)
		wantErr(t, "unknown target", err, store.ErrNotFound)

		bad := map[string]func(*store.NewBackupItem){
			"unknown kind":       func(it *store.NewBackupItem) { it.Kind = "disk" },
			"relative source":    func(it *store.NewBackupItem) { it.SourcePath = "data" },
			"no host":            func(it *store.NewBackupItem) { it.HostID = "" },
			"no object key":      func(it *store.NewBackupItem) { it.ObjectKey = "" },
			"volume without ctr": func(it *store.NewBackupItem) { it.ContainerID = "" },
		}
		for name, change := range bad {
			items := twoItems("h")
			change(&items[0])
			_, err := s.CreateBackup(t.Context(), p.ID, tg.ID, "", "", items, epoch)
			wantErr(t, name, err, store.ErrInvalid)
		}
		items := twoItems("h")
		items[1].ContainerID = "c"
		_, err = s.CreateBackup(t.Context(), p.ID, tg.ID, "", "", items, epoch)
		wantErr(t, "path item with a container", err, store.ErrInvalid)
	})
}

func TestCreateBackupWithID(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		p := createProject(t, s, "web")
		tg := createTarget(t, s, "main")
		id := store.NewBackupID()

		b, err := s.CreateBackupWithID(t.Context(), id, p.ID, tg.ID, "", "x/"+id+"/", nil, epoch)
		mustNot(t, "CreateBackupWithID", err)
		if b.ID != id {
			t.Errorf("id: got %s, want %s", b.ID, id)
		}
		_, err = s.CreateBackupWithID(t.Context(), id, p.ID, tg.ID, "", "", nil, epoch)
		wantErr(t, "same id twice", err, store.ErrConflict)
	})
}

func TestListBackups(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		web := createProject(t, s, "web")
		db := createProject(t, s, "db")
		tg := createTarget(t, s, "main")

		var ids []string
		for i, p := range []string{web.ID, db.ID, web.ID} {
			b, err := s.CreateBackup(t.Context(), p, tg.ID, "", "", twoItems("h"),
				epoch.Add(time.Duration(i)*time.Second))
			mustNot(t, "CreateBackup", err)
			ids = append(ids, b.ID)
		}

		all, err := s.ListBackups(t.Context(), store.BackupPage{})
		mustNot(t, "ListBackups all", err)
		if len(all) != 3 || all[0].ID != ids[2] || all[2].ID != ids[0] {
			t.Fatalf("ListBackups all: got %d, want 3 newest first", len(all))
		}
		if len(all[0].Edges.Items) != 2 {
			t.Errorf("items of listed backup: got %d, want 2", len(all[0].Edges.Items))
		}

		mine, err := s.ListBackups(t.Context(), store.BackupPage{ProjectID: web.ID})
		mustNot(t, "ListBackups web", err)
		if len(mine) != 2 || mine[0].ID != ids[2] || mine[1].ID != ids[0] {
			t.Fatalf("ListBackups web: got %d, want 2 newest first", len(mine))
		}
	})
}

// TestListBackupsInPages: pages follow each other without a gap or a
// repeat, also when backups share a creation time.
func TestListBackupsInPages(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		p := createProject(t, s, "web")
		tg := createTarget(t, s, "main")
		var want []string
		for i := range 7 {
			at := epoch.Add(time.Duration(i/2) * time.Second) // pairs share a time
			b, err := s.CreateBackup(t.Context(), p.ID, tg.ID, "", "", twoItems("h"), at)
			mustNot(t, "CreateBackup", err)
			want = append(want, b.ID)
		}
		all, err := s.ListBackups(t.Context(), store.BackupPage{})
		mustNot(t, "ListBackups", err)
		want = want[:0]
		for _, b := range all {
			want = append(want, b.ID)
		}

		var got []string
		page := store.BackupPage{ProjectID: p.ID, Limit: 3}
		for {
			bs, err := s.ListBackups(t.Context(), page)
			mustNot(t, "ListBackups page", err)
			for _, b := range bs {
				got = append(got, b.ID)
			}
			if len(bs) < page.Limit {
				break
			}
			page.Before = bs[len(bs)-1].ID
		}
		if !slices.Equal(got, want) {
			t.Errorf("pages of 3: got %v, want %v", got, want)
		}

		_, err = s.ListBackups(t.Context(), store.BackupPage{Before: "01jnotabackup"})
		wantErr(t, "Before an unknown id", err, store.ErrNotFound)
	})
}

func TestDeleteBackupCascades(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		b := createBackup(t, s)
		_, err := s.CreateRestore(t.Context(), b.ID, store.RestoreReplace, "", nil, epoch)
		mustNot(t, "CreateRestore", err)

		mustNot(t, "SetBackupError", s.SetBackupError(t.Context(), b.ID, "disk full"))
		got, err := s.GetBackup(t.Context(), b.ID)
		mustNot(t, "GetBackup", err)
		if got.Error != "disk full" || got.Status != backup.StatusPENDING {
			t.Errorf("after SetBackupError: got %q %s, want \"disk full\" PENDING",
				got.Error, got.Status)
		}

		mustNot(t, "DeleteBackup", s.DeleteBackup(t.Context(), b.ID))
		wantErr(t, "DeleteBackup again", s.DeleteBackup(t.Context(), b.ID), store.ErrNotFound)
		wantErr(t, "SetBackupError of deleted", s.SetBackupError(t.Context(), b.ID, "x"),
			store.ErrNotFound)

		items, err := s.Client().BackupItem.Query().Count(t.Context())
		mustNot(t, "count items", err)
		restores, err := s.Client().Restore.Query().Count(t.Context())
		mustNot(t, "count restores", err)
		if items != 0 || restores != 0 {
			t.Errorf("rows left: got %d items, %d restores, want none", items, restores)
		}
	})
}
