package store_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/cofferhq/coffer/controlplane/store"
	"github.com/cofferhq/coffer/ent/project"
)

var ulidPattern = regexp.MustCompile(`^[0-9a-hjkmnp-tv-z]{26}$`)

func TestCreateProject(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		p, err := s.CreateProject(t.Context(), "web-shop")
		mustNot(t, "CreateProject", err)

		if !ulidPattern.MatchString(p.ID) {
			t.Errorf("id: got %q, want a lowercase ULID", p.ID)
		}
		if p.Name != "web-shop" {
			t.Errorf("name: got %q, want web-shop", p.Name)
		}
		if p.Consistency != project.ConsistencyPause {
			t.Errorf("consistency: got %q, want pause", p.Consistency)
		}
		if p.CreatedAt.IsZero() || p.UpdatedAt.IsZero() {
			t.Errorf("timestamps: got %v and %v, want both set", p.CreatedAt, p.UpdatedAt)
		}
	})
}

func TestCreateProjectValidatesName(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		bad := []string{"", "Web", "-web", ".web", "_web", "web shop", "web/shop",
			"wéb", strings.Repeat("a", 64)}
		for _, name := range bad {
			_, err := s.CreateProject(t.Context(), name)
			wantErr(t, "CreateProject("+name+")", err, store.ErrInvalid)
		}

		good := []string{"a", "0", "web_shop.v2-prod", strings.Repeat("a", 63)}
		for _, name := range good {
			_, err := s.CreateProject(t.Context(), name)
			mustNot(t, "CreateProject("+name+")", err)
		}
	})
}

func TestCreateProjectDuplicate(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		_, err := s.CreateProject(t.Context(), "web")
		mustNot(t, "CreateProject", err)

		_, err = s.CreateProject(t.Context(), "web")
		wantErr(t, "CreateProject again", err, store.ErrConflict)
	})
}

func TestGetProject(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		p, err := s.CreateProject(t.Context(), "web")
		mustNot(t, "CreateProject", err)

		for _, key := range []string{p.ID, p.Name} {
			got, err := s.GetProject(t.Context(), key)
			mustNot(t, "GetProject("+key+")", err)
			if got.ID != p.ID {
				t.Errorf("GetProject(%s): got id %s, want %s", key, got.ID, p.ID)
			}
		}

		_, err = s.GetProject(t.Context(), "nope")
		wantErr(t, "GetProject(nope)", err, store.ErrNotFound)
	})
}

func TestListAndDeleteProjects(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		for _, name := range []string{"zeta", "alpha", "mid"} {
			_, err := s.CreateProject(t.Context(), name)
			mustNot(t, "CreateProject", err)
		}

		ps, err := s.ListProjects(t.Context())
		mustNot(t, "ListProjects", err)
		var names []string
		for _, p := range ps {
			names = append(names, p.Name)
		}
		if got, want := strings.Join(names, ","), "alpha,mid,zeta"; got != want {
			t.Fatalf("ListProjects: got %s, want %s", got, want)
		}

		mustNot(t, "DeleteProject", s.DeleteProject(t.Context(), ps[0].ID))
		_, err = s.GetProject(t.Context(), "alpha")
		wantErr(t, "GetProject after delete", err, store.ErrNotFound)

		err = s.DeleteProject(t.Context(), ps[0].ID)
		wantErr(t, "DeleteProject again", err, store.ErrNotFound)
	})
}
