package store_test

import (
	"strings"
	"testing"

	"github.com/cofferhq/coffer/controlplane/store"
	"github.com/cofferhq/coffer/ent/storagetarget"
)

func TestCreateTarget(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		tg := createTarget(t, s, "main")
		if !ulidPattern.MatchString(tg.ID) {
			t.Errorf("id: got %q, want a lowercase ULID", tg.ID)
		}
		if tg.Type != storagetarget.TypeS3 || tg.MaxParts != 1000 || !tg.PathStyle {
			t.Errorf("target: got type %s, max parts %d, path style %v; want s3, 1000, true",
				tg.Type, tg.MaxParts, tg.PathStyle)
		}

		local, err := s.CreateTarget(t.Context(), store.NewTarget{
			Name: "disk", Type: store.TargetLocal, LocalDir: "/srv/backups", MaxParts: 10,
		})
		mustNot(t, "CreateTarget local", err)
		if local.LocalDir != "/srv/backups" || local.MaxParts != 10 {
			t.Errorf("local target: got dir %q, max parts %d; want /srv/backups, 10",
				local.LocalDir, local.MaxParts)
		}

		_, err = s.CreateTarget(t.Context(), newS3Target("main"))
		wantErr(t, "CreateTarget with a taken name", err, store.ErrConflict)
	})
}

func TestCreateTargetValidates(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		bad := map[string]func(*store.NewTarget){
			"bad name":       func(n *store.NewTarget) { n.Name = "Main" },
			"long name":      func(n *store.NewTarget) { n.Name = strings.Repeat("a", 64) },
			"unknown type":   func(n *store.NewTarget) { n.Type = "ftp" },
			"no bucket":      func(n *store.NewTarget) { n.Bucket = "" },
			"no access key":  func(n *store.NewTarget) { n.AccessKeyID = "" },
			"no secret":      func(n *store.NewTarget) { n.SecretSealed = "" },
			"s3 with dir":    func(n *store.NewTarget) { n.LocalDir = "/srv" },
			"too many parts": func(n *store.NewTarget) { n.MaxParts = 10001 },
			"negative parts": func(n *store.NewTarget) { n.MaxParts = -1 },
			"control chars":  func(n *store.NewTarget) { n.Prefix = "a\nb" },
		}
		for name, change := range bad {
			nt := newS3Target("main")
			change(&nt)
			_, err := s.CreateTarget(t.Context(), nt)
			wantErr(t, name, err, store.ErrInvalid)
		}

		for _, dir := range []string{"", "srv", "/srv/", "/srv/../etc", "/srv//x"} {
			_, err := s.CreateTarget(t.Context(), store.NewTarget{
				Name: "disk", Type: store.TargetLocal, LocalDir: dir,
			})
			wantErr(t, "local dir "+dir, err, store.ErrInvalid)
		}
		_, err := s.CreateTarget(t.Context(), store.NewTarget{
			Name: "disk", Type: store.TargetLocal, LocalDir: "/srv", Bucket: "b",
		})
		wantErr(t, "local with bucket", err, store.ErrInvalid)
	})
}

func TestGetListDeleteTargets(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		b := createTarget(t, s, "beta")
		a := createTarget(t, s, "alpha")

		for _, key := range []string{a.ID, "alpha"} {
			got, err := s.GetTarget(t.Context(), key)
			mustNot(t, "GetTarget("+key+")", err)
			if got.ID != a.ID {
				t.Errorf("GetTarget(%s): got %s, want %s", key, got.ID, a.ID)
			}
		}
		_, err := s.GetTarget(t.Context(), "nope")
		wantErr(t, "GetTarget(nope)", err, store.ErrNotFound)

		ts, err := s.ListTargets(t.Context())
		mustNot(t, "ListTargets", err)
		if len(ts) != 2 || ts[0].ID != a.ID || ts[1].ID != b.ID {
			t.Fatalf("ListTargets: got %d targets, want alpha then beta", len(ts))
		}

		mustNot(t, "DeleteTarget", s.DeleteTarget(t.Context(), a.ID))
		err = s.DeleteTarget(t.Context(), a.ID)
		wantErr(t, "DeleteTarget again", err, store.ErrNotFound)
	})
}

func TestDeleteTargetInUse(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		p := createProject(t, s, "web")
		tg := createTarget(t, s, "main")
		mustNot(t, "SetProjectDefaultTarget",
			s.SetProjectDefaultTarget(t.Context(), p.ID, tg.ID))

		err := s.DeleteTarget(t.Context(), tg.ID)
		wantErr(t, "DeleteTarget of a default target", err, store.ErrConflict)

		mustNot(t, "clear default target", s.SetProjectDefaultTarget(t.Context(), p.ID, ""))
		b, err := s.CreateBackup(t.Context(), p.ID, tg.ID, "", "x/", nil, epoch)
		mustNot(t, "CreateBackup", err)
		err = s.DeleteTarget(t.Context(), tg.ID)
		wantErr(t, "DeleteTarget holding a backup", err, store.ErrConflict)

		mustNot(t, "DeleteBackup", s.DeleteBackup(t.Context(), b.ID))
		mustNot(t, "DeleteTarget when unused", s.DeleteTarget(t.Context(), tg.ID))
	})
}
