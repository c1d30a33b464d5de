package store_test

import (
	"testing"

	"github.com/cofferhq/coffer/controlplane/store"
)

func TestProjectPaths(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		p := createProject(t, s, "web")
		h := enroll(t, s, "h1")

		etc, err := s.AddProjectPath(t.Context(), p.ID, h.ID, "/etc/nginx")
		mustNot(t, "AddProjectPath", err)
		if etc.ProjectID != p.ID || etc.HostID != h.ID || etc.Path != "/etc/nginx" {
			t.Errorf("path: got %s %s %s, want %s %s /etc/nginx",
				etc.ProjectID, etc.HostID, etc.Path, p.ID, h.ID)
		}
		_, err = s.AddProjectPath(t.Context(), p.ID, h.ID, "/data")
		mustNot(t, "AddProjectPath", err)

		_, err = s.AddProjectPath(t.Context(), p.ID, h.ID, "/etc/nginx")
		wantErr(t, "AddProjectPath twice", err, store.ErrConflict)

		ps, err := s.ListProjectPaths(t.Context(), p.ID)
		mustNot(t, "ListProjectPaths", err)
		if len(ps) != 2 || ps[0].Path != "/data" || ps[1].Path != "/etc/nginx" {
			t.Fatalf("ListProjectPaths: got %d paths, want /data then /etc/nginx", len(ps))
		}

		other := createProject(t, s, "other")
		err = s.DeleteProjectPath(t.Context(), other.ID, etc.ID)
		wantErr(t, "delete through another project", err, store.ErrNotFound)
		mustNot(t, "DeleteProjectPath", s.DeleteProjectPath(t.Context(), p.ID, etc.ID))
		err = s.DeleteProjectPath(t.Context(), p.ID, etc.ID)
		wantErr(t, "DeleteProjectPath again", err, store.ErrNotFound)
	})
}

func TestAddProjectPathValidates(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		p := createProject(t, s, "web")
		h := enroll(t, s, "h1")

		for _, path := range []string{"", "etc", "/etc/", "/etc/../root", "/a//b", "/a/./b"} {
			_, err := s.AddProjectPath(t.Context(), p.ID, h.ID, path)
			wantErr(t, "path "+path, err, store.ErrInvalid)
		}
		_, err := s.AddProjectPath(t.Context(), p.ID, "nope", "/etc")
		wantErr(t, "unknown host", err, store.ErrNotFound)
		_, err = s.AddProjectPath(t.Context(), "nope", h.ID, "/etc")
		wantErr(t, "unknown project", err, store.ErrNotFound)
		_, err = s.ListProjectPaths(t.Context(), "nope")
		wantErr(t, "list of unknown project", err, store.ErrNotFound)

		mustNot(t, "RevokeHost", s.RevokeHost(t.Context(), h.ID, epoch))
		_, err = s.AddProjectPath(t.Context(), p.ID, h.ID, "/etc")
		wantErr(t, "revoked host", err, store.ErrNotFound)
	})
}

func TestProjectPathsGoWithProject(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		p := createProject(t, s, "web")
		h := enroll(t, s, "h1")
		_, err := s.AddProjectPath(t.Context(), p.ID, h.ID, "/etc")
		mustNot(t, "AddProjectPath", err)

		mustNot(t, "DeleteProject", s.DeleteProject(t.Context(), p.ID))
		n, err := s.Client().ProjectPath.Query().Count(t.Context())
		mustNot(t, "count paths", err)
		if n != 0 {
			t.Errorf("paths after deleting the project: got %d, want 0", n)
		}
	})
}
