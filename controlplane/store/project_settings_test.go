package store_test

import (
	"testing"

	"github.com/cofferhq/coffer/controlplane/store"
	"github.com/cofferhq/coffer/ent/project"
)

func TestSetProjectDefaultTarget(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		p := createProject(t, s, "web")
		tg := createTarget(t, s, "main")

		mustNot(t, "SetProjectDefaultTarget",
			s.SetProjectDefaultTarget(t.Context(), p.ID, tg.ID))
		got, err := s.GetProject(t.Context(), p.ID)
		mustNot(t, "GetProject", err)
		if got.DefaultTargetID == nil || *got.DefaultTargetID != tg.ID {
			t.Errorf("default target: got %v, want %s", got.DefaultTargetID, tg.ID)
		}

		mustNot(t, "clear", s.SetProjectDefaultTarget(t.Context(), p.ID, ""))
		got, err = s.GetProject(t.Context(), p.ID)
		mustNot(t, "GetProject", err)
		if got.DefaultTargetID != nil {
			t.Errorf("default target after clearing: got %q, want nil", *got.DefaultTargetID)
		}

		err = s.SetProjectDefaultTarget(t.Context(), p.ID, "nope")
		wantErr(t, "unknown target", err, store.ErrNotFound)
		err = s.SetProjectDefaultTarget(t.Context(), "nope", tg.ID)
		wantErr(t, "unknown project", err, store.ErrNotFound)
	})
}

func TestSetProjectConsistency(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		p := createProject(t, s, "web")

		mustNot(t, "SetProjectConsistency",
			s.SetProjectConsistency(t.Context(), p.ID, "stop"))
		got, err := s.GetProject(t.Context(), p.ID)
		mustNot(t, "GetProject", err)
		if got.Consistency != project.ConsistencyStop {
			t.Errorf("consistency: got %s, want stop", got.Consistency)
		}

		err = s.SetProjectConsistency(t.Context(), p.ID, "freeze")
		wantErr(t, "unknown mode", err, store.ErrInvalid)
		err = s.SetProjectConsistency(t.Context(), "nope", "none")
		wantErr(t, "unknown project", err, store.ErrNotFound)
	})
}
